package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/internal/fakegithub"
	"github.com/ward-sec/ward/review"

	"github.com/ward-sec/ward/checks/all"
)

// gitRepoWithPR writes a repository whose "feature" branch changes n files.
func gitRepoWithPR(tb testing.TB, n int) string {
	return gitRepoWithFeature(tb, func(dir string) {
		for i := 0; i < n; i++ {
			p := filepath.Join(dir, "pkg", fmt.Sprintf("mod%03d", i), "train.py")
			os.MkdirAll(filepath.Dir(p), 0o755)
			src := fmt.Sprintf("import torch\n\n\ndef load_%d(path):\n    model = torch.load(path)\n    return model\n", i)
			for j := 0; j < 40; j++ {
				src += fmt.Sprintf("\n\ndef helper_%d(x):\n    return x * %d\n", j, j)
			}
			os.WriteFile(p, []byte(src), 0o644)
		}
	})
}

// gitRepoWithFeature writes a repository with a README on main and a
// "feature" branch holding what write adds to the working tree.
func gitRepoWithFeature(tb testing.TB, write func(dir string)) string {
	tb.Helper()
	dir := tb.TempDir()
	git := func(args ...string) {
		if out, err := gitCmd(dir, args...).CombinedOutput(); err != nil {
			tb.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("# bench\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "init")
	git("checkout", "-q", "-b", "feature")
	write(dir)
	git("add", "-A")
	git("commit", "-q", "-m", "feature")
	git("checkout", "-q", "main")
	return dir
}

// BenchmarkReview100Files reviews a 100-file PR end to end against the fake
// GitHub: list files, fetch blobs, run every check, publish the check run and
// the review. Run: go test ./app -run '^$' -bench Review100Files -benchtime 5x
func BenchmarkReview100Files(b *testing.B) {
	gh, inst := fakePR(b, gitRepoWithPR(b, 100))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc, _ := newPRClient(inst, "acme/pr", 1, gh.BotLogin())
		pc.runKey = fmt.Sprintf("bench-%d", i)
		res, err := review.Run(context.Background(), pc, review.Options{Logger: log, Checks: all.Default()})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files != 100 {
			b.Fatalf("reviewed %d files", res.Files)
		}
	}
}

// fakePR serves the git repository dir as acme/pr on a fresh fake GitHub,
// with PR 1 from its feature branch, and returns an installation client.
func fakePR(tb testing.TB, dir string) (*fakegithub.Server, *github.Client) {
	tb.Helper()
	gh := fakegithub.New(tb)
	gh.AddInstallation(7, "acme")
	gh.AddRepo("acme/pr", dir)
	gh.OpenPR("acme/pr", 1, "main", "feature")
	clients, err := NewClients(gh.URL(), gh.AppID(), gh.PrivateKeyPEM(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	inst, err := clients.Installation(7)
	if err != nil {
		tb.Fatal(err)
	}
	return gh, inst
}

// gitRepoWithLargePR writes a repository whose "feature" branch adds n small
// Python files, every 70th (up to 40) with a risky loader: the shape of the
// end-to-end 3,000-file test.
func gitRepoWithLargePR(tb testing.TB, n int) string {
	return gitRepoWithFeature(tb, func(dir string) {
		os.MkdirAll(filepath.Join(dir, "gen"), 0o755)
		for i := 0; i < n; i++ {
			src := fmt.Sprintf("VALUE_%d = %d\n", i, i)
			if i%70 == 0 && i/70 < 40 {
				src = fmt.Sprintf("# module %d\nimport torch\n\ndef load(path):\n    return torch.load(path)\n", i)
			}
			os.WriteFile(filepath.Join(dir, "gen", fmt.Sprintf("m%04d.py", i)), []byte(src), 0o644)
		}
	})
}

// BenchmarkReview3000Files reviews a 3,000-file PR (GitHub's listing limit)
// against the fake GitHub with the result cache on a fresh SQLite database
// each time (synchronous=FULL, as ward serves it): every file is fetched,
// analysed and written to the cache. Each review gets its own fake, whose
// hourly rate limit would not allow four; github-requests/op counts what
// one review asks of it.
// Run: go test ./app -run '^$' -bench Review3000Files -benchmem -benchtime 3x
func BenchmarkReview3000Files(b *testing.B) {
	dir := gitRepoWithLargePR(b, 3000)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	requests := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		gh, inst := fakePR(b, dir)
		store, err := OpenStore(ctx, "sqlite://"+filepath.Join(b.TempDir(), "ward.db"), QueueConfig{Logger: log})
		if err != nil {
			b.Fatal(err)
		}
		pc, _ := newPRClient(inst, "acme/pr", 1, gh.BotLogin())
		pc.runKey = fmt.Sprintf("bench-%d", i)
		b.StartTimer()
		res, err := review.Run(ctx, pc, review.Options{Logger: log, Cache: ResultCache{store}, Checks: all.Default()})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.Files != 3000 || len(res.Findings) != 40 {
			b.Fatalf("reviewed %d files, %d findings; want 3000 and 40", res.Files, len(res.Findings))
		}
		requests += len(gh.Requests())
		store.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(requests)/float64(b.N), "github-requests/op")
}
