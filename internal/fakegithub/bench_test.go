package fakegithub

import (
	"fmt"
	"testing"

	"github.com/google/go-github/v66/github"
)

// benchFixture opens a PR of n modified Python files.
func benchFixture(b *testing.B, n int) (*Server, *github.Client, []string) {
	g := newGitRepo(b)
	g.write("README", "r\n")
	g.commit("base")
	g.run("checkout", "-q", "-b", "f")
	for i := 0; i < n; i++ {
		g.write(fmt.Sprintf("pkg/m%03d.py", i), numbered(200))
	}
	g.commit("f")
	s := New(b)
	s.AddInstallation(testInst, testOwner)
	s.AddRepo(testRepo, g.dir)
	s.OpenPR(testRepo, 1, "main", "f")
	c := tokenClient(&testing.T{}, s, s.IssueToken(testInst))
	var shas []string
	for _, f := range s.mustPullLocked(testRepo, 1).files {
		shas = append(shas, f.sha)
	}
	return s, c, shas
}

// BenchmarkBlobRaw: one raw blob fetch through go-github.
// go test ./internal/fakegithub -run '^$' -bench BlobRaw -benchtime 200x
func BenchmarkBlobRaw(b *testing.B) {
	_, c, shas := benchFixture(b, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.Git.GetBlobRaw(ctx, "acme", "widgets", shas[i%len(shas)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListFiles100: listing the files of a 100-file PR.
func BenchmarkListFiles100(b *testing.B) {
	_, c, _ := benchFixture(b, 100)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, &github.ListOptions{PerPage: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenPR100: diffing a 100-file PR with git (what OpenPR/SyncPR cost).
func BenchmarkOpenPR100(b *testing.B) {
	s, _, _ := benchFixture(b, 100)
	rp := s.repos["acme/widgets"]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.snapshot(rp, "main", "f")
	}
}
