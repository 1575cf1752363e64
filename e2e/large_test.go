package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestThreeThousandFilePR: GitHub's maximum listing. 130 files match the
// base's paths.ignore, 40 carry the risky loader (80 findings): the review
// completes, says exactly what it covered, and posts at most 30 comments.
func TestThreeThousandFilePR(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n",
		".github/ward.yml": "paths:\n  ignore: [\"gen/skip/**\"]\n"})
	gh.AddRepo(repo, r.dir)
	w := startWard(t, gh, t.TempDir()+"/ward.db")

	files := map[string]string{}
	for i := 0; i < 2870; i++ {
		content := fmt.Sprintf("VALUE_%d = %d\n", i, i)
		if i%70 == 0 && i/70 < 40 { // 40 risky files, spread over the listing
			content = fmt.Sprintf("# module %d\n", i) + risky
		}
		files[fmt.Sprintf("gen/a/m%04d.py", i)] = content
	}
	for i := 0; i < 130; i++ {
		files[fmt.Sprintf("gen/skip/s%03d.py", i)] = risky
	}
	sha := r.commit("big", "generate", files)
	gh.OpenPR(repo, 9, "main", "big")
	w.deliver("pull_request", "d-big", gh.PullRequestEvent("opened", repo, 9))
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q\n%.3000s", run.Conclusion, run.Summary)
	}
	if m := regexp.MustCompile(`"review published".*?"elapsed_ms":(\d+)`).FindStringSubmatch(w.log.String()); m != nil {
		t.Logf("3,000-file review: %s ms from dequeue to published check run", m[1])
	}
	want := "Reviewed 2,870 of 3,000 files; skipped 130: 130: matches `paths.ignore`"
	if !strings.Contains(run.Summary, want) {
		t.Errorf("coverage footer: want %q in\n%s", want, tail(run.Summary, 1500))
	}
	comments := wardComments(gh, 9)
	if len(comments) != 30 {
		t.Errorf("%d inline comments, want exactly 30 (the limit) for 80 findings", len(comments))
	}
	if !strings.Contains(run.Summary, "50 more finding(s) are over the limit of inline comments") {
		t.Errorf("summary does not account for the findings over the comment limit:\n%s", tail(run.Summary, 1500))
	}
	if n := strings.Count(run.Summary, "[`"+ruleTorch+"`]"); n != 40 {
		t.Errorf("the findings table lists %d torch.load findings, want 40", n)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
