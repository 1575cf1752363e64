package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// lineCheck reports every line containing "BAD" (high) or "MEH" (low), so
// tests control findings by content.
type lineCheck struct{}

func (lineCheck) Name() string { return "line" }
func (lineCheck) Rules() []checks.Rule {
	return []checks.Rule{{ID: "test-bad", Title: "Bad line", Severity: checks.SeverityHigh}}
}
func (lineCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	b, err := f.ReadAll(0)
	if err != nil {
		return checks.Result{}, err
	}
	var out []checks.Finding
	for i, l := range strings.Split(string(b), "\n") {
		sev := checks.Severity(0)
		switch {
		case strings.Contains(l, "BAD"):
			sev = checks.SeverityHigh
		case strings.Contains(l, "MEH"):
			sev = checks.SeverityLow
		default:
			continue
		}
		fd := checks.Finding{RuleID: "test-bad", Severity: sev, Path: f.Path, StartLine: i + 1, EndLine: i + 1,
			Message: "bad line", Evidence: strings.TrimSpace(l)}
		if strings.Contains(l, "FIXME") {
			fd.Suggestion = &checks.Suggestion{StartLine: i + 1, EndLine: i + 1, Replacement: strings.ReplaceAll(l, "BAD", "GOOD")}
		}
		out = append(out, fd)
	}
	return checks.Result{Findings: out, Analysed: true}, nil
}

func newFake(content string, patch string) *fakeGitHub {
	return &fakeGitHub{
		PR:      PullRequest{Repo: "o/r", Number: 1, HeadSHA: "head1", BaseSHA: "base1"},
		Files:   []ChangedFile{{Path: "a.py", Status: "modified", BlobSHA: "blob-a", Patch: patch}},
		Blobs:   map[string][]byte{"blob-a": []byte(content)},
		FilesAt: map[string]map[string][]byte{},
	}
}

func runReview(t *testing.T, gh *fakeGitHub, opts Options) *Result {
	t.Helper()
	opts.Checks = []checks.Check{lineCheck{}}
	res, err := Run(context.Background(), gh, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func TestOnlyChangedLinesCount(t *testing.T) {
	// Line 1 has BAD but is context; line 3 is added and BAD.
	content := "x = BAD\ny = 1\nz = BAD\n"
	patch := "@@ -1,2 +1,3 @@\n x = BAD\n y = 1\n+z = BAD"
	gh := newFake(content, patch)
	res := runReview(t, gh, Options{})
	if len(res.Findings) != 1 || res.Findings[0].StartLine != 3 {
		t.Fatalf("findings = %+v, want one on line 3", res.Findings)
	}
	if res.Conclusion != "failure" {
		t.Errorf("conclusion = %s, want failure", res.Conclusion)
	}
	if len(gh.Reviews) != 1 || len(gh.Reviews[0].Comments) != 1 || gh.Reviews[0].Comments[0].Line != 3 {
		t.Fatalf("reviews = %+v, want one comment on line 3", gh.Reviews)
	}
}

func TestHeadConfigHasNoEffect(t *testing.T) {
	content := "z = BAD\n"
	patch := "@@ -0,0 +1 @@\n+z = BAD"
	gh := newFake(content, patch)
	gh.Files = append(gh.Files, ChangedFile{Path: config.Path, Status: "added", BlobSHA: "cfg", Patch: "@@ -0,0 +1 @@\n+fail_on: none"})
	gh.Blobs["cfg"] = []byte("fail_on: none\n")
	gh.FilesAt["head1"] = map[string][]byte{config.Path: []byte("fail_on: none\n")}
	res := runReview(t, gh, Options{})
	if res.Conclusion != "failure" {
		t.Fatalf("conclusion = %s: the head branch's ward.yml must not weaken the gate", res.Conclusion)
	}
	// The same config on the base branch is honoured.
	gh = newFake(content, patch)
	gh.FilesAt["base1"] = map[string][]byte{config.Path: []byte("fail_on: none\n")}
	if res := runReview(t, gh, Options{}); res.Conclusion != "success" {
		t.Fatalf("conclusion with base config fail_on: none = %s, want success", res.Conclusion)
	}
}

func TestConfigIgnoreAndInlineSuppression(t *testing.T) {
	content := "a = BAD  # ward:ignore test-bad generated fixture\nb = BAD # ward:ignore test-bad\n"
	patch := "@@ -0,0 +1,2 @@\n+a = BAD  # ward:ignore test-bad generated fixture\n+b = BAD # ward:ignore test-bad"
	gh := newFake(content, patch)
	res := runReview(t, gh, Options{})
	var suppressed, bad, noReason int
	for _, f := range res.Findings {
		switch {
		case f.RuleID == checks.RuleBadSuppression:
			noReason++
		case f.Suppressed:
			suppressed++
		default:
			bad++
		}
	}
	if suppressed != 1 || bad != 1 || noReason != 1 {
		t.Fatalf("suppressed=%d unsuppressed=%d no-reason=%d; want 1 each: %+v", suppressed, bad, noReason, res.Findings)
	}
	out := gh.run(res.CheckRunID).Output.Summary
	if !strings.Contains(out, "Ignored, with reasons") || !strings.Contains(out, "generated fixture") {
		t.Errorf("summary does not list the suppression:\n%s", out)
	}
}

// A bare or reasonless `ward:ignore` in a file with no other finding is
// reported, as `ward scan` reports it (one per-file pipeline); only on the
// changed lines, like every other finding.
func TestSuppressionWithoutReasonInCleanFile(t *testing.T) {
	content := "a = 1  # ward:ignore\nb = 2  # ward:ignore test-bad\nc = 3  # ward:ignore\n"
	patch := "@@ -1,3 +1,3 @@\n-a = 1\n-b = 2\n+a = 1  # ward:ignore\n+b = 2  # ward:ignore test-bad\n c = 3  # ward:ignore"
	res := runReview(t, newFake(content, patch), Options{})
	var lines []int
	for _, f := range res.Findings {
		if f.RuleID != checks.RuleBadSuppression || f.Fingerprint == "" {
			t.Fatalf("unexpected finding %+v", f)
		}
		lines = append(lines, f.StartLine)
	}
	if !slices.Equal(lines, []int{1, 2}) {
		t.Fatalf("reported the suppressions on lines %v, want 1 and 2 (line 3 is unchanged): %+v", lines, res.Findings)
	}
}

func TestAnnotationsInBatchesAndSummaryCut(t *testing.T) {
	var b, p strings.Builder
	n := 130
	fmt.Fprintf(&p, "@@ -0,0 +1,%d @@\n", n)
	for i := 0; i < n; i++ {
		line := fmt.Sprintf("v%d = BAD %s", i, strings.Repeat("x", 900))
		b.WriteString(line + "\n")
		p.WriteString("+" + line + "\n")
	}
	gh := newFake(b.String(), p.String())
	res := runReview(t, gh, Options{})
	run := gh.run(res.CheckRunID)
	if len(run.Annotations) != n {
		t.Fatalf("annotations = %d, want %d", len(run.Annotations), n)
	}
	for _, c := range gh.AnnCalls {
		if c > 50 {
			t.Fatalf("a request carried %d annotations", c)
		}
	}
	if len(gh.Reviews[0].Comments) > 30 {
		t.Errorf("inline comments = %d, want at most 30", len(gh.Reviews[0].Comments))
	}
	big := strings.Repeat("line\n", 20000)
	if got := truncate(big, MaxSummary); len([]rune(got)) > MaxSummary || !strings.Contains(got, "cut here") {
		t.Errorf("truncate: len %d, note present %v", len([]rune(got)), strings.Contains(got, "cut here"))
	}
}

func TestSecondPushKeepsCommentsAndRemovesStale(t *testing.T) {
	content := "z = BAD one\nw = BAD two\n"
	patch := "@@ -0,0 +1,2 @@\n+z = BAD one\n+w = BAD two"
	gh := newFake(content, patch)
	first := runReview(t, gh, Options{})
	if first.Posted != 2 {
		t.Fatalf("posted %d, want 2", first.Posted)
	}
	// Existing comments as GitHub returns them; the second push inserts a
	// line above (fingerprints must not move) and fixes "two".
	for i, c := range gh.Reviews[0].Comments {
		gh.Existing = append(gh.Existing, Comment{ID: int64(i + 1), Path: c.Path, Line: c.Line, Body: c.Body, Bot: true})
	}
	gh.Existing = append(gh.Existing, Comment{ID: 9, Body: "won't fix, see #12", Author: "dev", InReplyTo: 1})
	gh.PR.HeadSHA = "head2"
	gh.Blobs["blob-a"] = []byte("import os\nz = BAD one\nw = GOOD two\n")
	gh.Files[0].Patch = "@@ -0,0 +1,3 @@\n+import os\n+z = BAD one\n+w = GOOD two"
	second := runReview(t, gh, Options{})
	if second.Posted != 0 || second.Kept != 1 {
		t.Fatalf("second push posted %d kept %d; want 0 and 1", second.Posted, second.Kept)
	}
	if len(gh.Deleted) != 1 || gh.Deleted[0] != 2 {
		t.Fatalf("deleted %v, want the stale comment 2", gh.Deleted)
	}
}

func TestRepliedStaleCommentStays(t *testing.T) {
	gh := newFake("ok\n", "@@ -0,0 +1 @@\n+ok")
	gh.Existing = []Comment{{ID: 1, Body: "x <!-- ward:fingerprint:abc -->", Bot: true}, {ID: 2, Body: "why?", InReplyTo: 1}}
	runReview(t, gh, Options{})
	if len(gh.Deleted) != 0 {
		t.Fatalf("deleted %v; a comment with a human reply must stay", gh.Deleted)
	}
}

func TestSuggestionOnlyWhenExact(t *testing.T) {
	gh := newFake("a = BAD FIXME\n", "@@ -0,0 +1 @@\n+a = BAD FIXME")
	runReview(t, gh, Options{})
	body := gh.Reviews[0].Comments[0].Body
	if !strings.Contains(body, "```suggestion\na = GOOD FIXME\n```") {
		t.Fatalf("comment lacks the suggestion:\n%s", body)
	}
}

func TestNoFilesIsNeutral(t *testing.T) {
	gh := newFake("", "")
	gh.Files = []ChangedFile{{Path: "gone.py", Status: "removed"}}
	if res := runReview(t, gh, Options{}); res.Conclusion != "neutral" {
		t.Fatalf("conclusion = %s, want neutral", res.Conclusion)
	}
}

func TestDraftHoldsComments(t *testing.T) {
	gh := newFake("a = BAD\n", "@@ -0,0 +1 @@\n+a = BAD")
	gh.PR.Draft = true
	res := runReview(t, gh, Options{})
	if res.Conclusion != "failure" || len(gh.Reviews) != 0 {
		t.Fatalf("draft: conclusion %s, reviews %d; want failure and no review", res.Conclusion, len(gh.Reviews))
	}
}

func TestSupersededHeadIsSkipped(t *testing.T) {
	gh := newFake("a\n", "@@ -0,0 +1 @@\n+a")
	_, err := Run(context.Background(), gh, Options{HeadSHA: "old", Checks: []checks.Check{lineCheck{}}})
	if err == nil || !strings.Contains(err.Error(), "moved on") {
		t.Fatalf("err = %v, want ErrSuperseded", err)
	}
	if gh.nextRun != 0 {
		t.Fatal("a check run was created for a superseded head")
	}
}

// memCache is a Cache in memory that counts its reads and writes.
type memCache struct {
	mu      sync.Mutex
	m       map[string][]checks.Finding
	lookups []int // keys per GetMany
	batches []int // entries per PutMany
}

func (c *memCache) GetMany(_ context.Context, keys []string) map[string][]checks.Finding {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lookups = append(c.lookups, len(keys))
	out := map[string][]checks.Finding{}
	for _, k := range keys {
		if f, ok := c.m[k]; ok {
			out[k] = f
		}
	}
	return out
}

func (c *memCache) PutMany(_ context.Context, entries []CacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string][]checks.Finding{}
	}
	for _, e := range entries {
		c.m[e.Key] = e.Findings
	}
	c.batches = append(c.batches, len(entries))
}

func TestResultCacheReadsContentOnce(t *testing.T) {
	cache := &memCache{}
	for i := 0; i < 3; i++ {
		gh := newFake("a = BAD\n", "@@ -0,0 +1 @@\n+a = BAD")
		res := runReview(t, gh, Options{Cache: cache})
		if res.Conclusion != "failure" {
			t.Fatalf("run %d: conclusion %s", i, res.Conclusion)
		}
		if want := map[bool]int{true: 1, false: 0}[i == 0]; gh.BlobReads != want {
			t.Fatalf("run %d read the blob %d times, want %d", i, gh.BlobReads, want)
		}
	}
}

// manyFiles is a fake PR adding n one-line files.
func manyFiles(n int, content string) *fakeGitHub {
	gh := newFake("", "")
	gh.Files = nil
	for i := range n {
		sha := fmt.Sprintf("blob-%d", i)
		gh.Files = append(gh.Files, ChangedFile{Path: fmt.Sprintf("f%04d.py", i), Status: "added", BlobSHA: sha, Patch: "@@ -0,0 +1 @@\n+" + content})
		gh.Blobs[sha] = []byte(content + "\n")
	}
	return gh
}

func TestResultCacheWritesInBatches(t *testing.T) {
	for _, tc := range []struct {
		files   int
		batches []int
	}{
		{1, []int{1}},
		{cacheBatch, []int{cacheBatch}},
		{2*cacheBatch + 50, []int{cacheBatch, cacheBatch, 50}},
	} {
		t.Run(fmt.Sprint(tc.files), func(t *testing.T) {
			cache := &memCache{}
			res := runReview(t, manyFiles(tc.files, "a = BAD"), Options{Cache: cache})
			if len(res.Findings) != tc.files || len(cache.m) != tc.files {
				t.Fatalf("%d findings, %d cache entries; want %d of each", len(res.Findings), len(cache.m), tc.files)
			}
			if !slices.Equal(cache.batches, tc.batches) {
				t.Fatalf("cache writes of %v entries, want %v", cache.batches, tc.batches)
			}
			again := manyFiles(tc.files, "a = BAD")
			res = runReview(t, again, Options{Cache: cache})
			if len(res.Findings) != tc.files || again.BlobReads != 0 || len(cache.batches) != len(tc.batches) {
				t.Fatalf("second review: %d findings, %d blob reads, writes %v; want %d findings from the cache alone",
					len(res.Findings), again.BlobReads, cache.batches, tc.files)
			}
			if want := []int{tc.files, tc.files}; !slices.Equal(cache.lookups, want) {
				t.Fatalf("cache lookups of %v keys, want one of every file a review: %v", cache.lookups, want)
			}
		})
	}
}

// baseCheck is lineCheck reading the base version of manifests.
type baseCheck struct{ lineCheck }

func (baseCheck) WantsBase(path string) bool { return strings.HasSuffix(path, ".txt") }

// A file whose result depends on its base version is looked up on its own,
// with the base's hash in the key; the others in one lookup up front.
func TestResultCacheKeyWithBase(t *testing.T) {
	cache := &memCache{}
	for run, base := range []string{"torch==2.6\n", "torch==2.6\n", "torch==2.5\n"} {
		gh := manyFiles(3, "a = BAD")
		gh.Files = append(gh.Files, ChangedFile{Path: "requirements.txt", Status: "modified", BlobSHA: "blob-req",
			Patch: "@@ -1 +1 @@\n-x\n+BAD"})
		gh.Blobs["blob-req"] = []byte("BAD\n")
		gh.FilesAt["base1"] = map[string][]byte{"requirements.txt": []byte(base)}
		res, err := Run(context.Background(), gh, Options{Cache: cache, Checks: []checks.Check{baseCheck{}}})
		if err != nil {
			t.Fatal(err)
		}
		// The manifest is read again when its base changed, not otherwise.
		wantReads := map[int]int{0: 4, 1: 0, 2: 1}[run]
		if len(res.Findings) != 4 || gh.BlobReads != wantReads {
			t.Fatalf("run %d: %d findings, %d blob reads; want 4 and %d", run, len(res.Findings), gh.BlobReads, wantReads)
		}
	}
	if want := []int{3, 1, 3, 1, 3, 1}; !slices.Equal(cache.lookups, want) {
		t.Fatalf("cache lookups of %v keys, want %v", cache.lookups, want)
	}
}

// A file GitHub does not serve is that file's fail-closed finding: the rest
// of the PR is still reviewed (and cached), the run fails and says why, and
// a re-run reads only the file that failed.
func TestUnreadableFileIsAFindingAndTheRestIsReviewed(t *testing.T) {
	cache := &memCache{}
	gh := manyFiles(5, "a = BAD")
	delete(gh.Blobs, "blob-3")
	res, err := Run(context.Background(), gh, Options{Cache: cache, Checks: []checks.Check{lineCheck{}}})
	if err != nil {
		t.Fatalf("one unreadable file ended the review: %v", err)
	}
	var notRead []checks.Finding
	for _, f := range res.Findings {
		if f.RuleID == checks.RuleNotRead {
			notRead = append(notRead, f)
		}
	}
	if res.Conclusion != "failure" || len(notRead) != 1 || notRead[0].Path != "f0003.py" ||
		notRead[0].Severity != checks.SeverityHigh || len(res.Findings) != 5 {
		t.Fatalf("conclusion %s, findings %+v", res.Conclusion, res.Findings)
	}
	if sum := gh.run(res.CheckRunID).Output.Summary; !strings.Contains(sum, "f0003.py") || !strings.Contains(sum, checks.RuleNotRead) {
		t.Fatalf("the summary does not name the unread file:\n%s", sum)
	}
	if len(cache.m) != 4 {
		t.Fatalf("%d cache entries, want the 4 files analysed (never the unread one)", len(cache.m))
	}
	retry := manyFiles(5, "a = BAD")
	if res := runReview(t, retry, Options{Cache: cache}); len(res.Findings) != 5 || retry.BlobReads != 1 {
		t.Fatalf("retry: %d findings, %d blob reads; want 5 findings and 1 read", len(res.Findings), retry.BlobReads)
	}
}

func TestTruncateCountsBytes(t *testing.T) {
	s := strings.Repeat("é🙂 line\n", 20000) // multi-byte: characters < bytes
	got := truncate(s, MaxSummary)
	if len(got) > MaxSummary || !utf8.ValidString(got) || !strings.Contains(got, "cut here") {
		t.Fatalf("truncate: %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
}

func TestAdvisoryNoteNextToFinding(t *testing.T) {
	res := &Result{Conclusion: "failure", Files: 1,
		Findings: []checks.Finding{{RuleID: "test-bad", Severity: checks.SeverityHigh, Path: "a.py", StartLine: 3, Message: "bad line", Fingerprint: "fp1"}},
		Advisory: map[string]string{"fp1": "second opinion (advisory): likely false positive — test data"}}
	out := renderCheckRun(&PullRequest{HeadSHA: "abcdef1234"}, config.Default(), "", res)
	row := ""
	for _, l := range strings.Split(out.Summary, "\n") {
		if strings.Contains(l, "a.py:3") {
			row = l
		}
	}
	if !strings.Contains(row, "likely false positive — test data") {
		t.Fatalf("the advisory verdict is not in the finding's row: %q", row)
	}
}

// The check set is cmd's to build (checks/all): a review without one fails
// before it starts a check run, rather than passing a PR it did not check.
func TestRunNeedsACheckSet(t *testing.T) {
	gh := newFake("a = BAD\n", "@@ -0,0 +1 @@\n+a = BAD")
	if _, err := Run(context.Background(), gh, Options{}); err == nil {
		t.Fatal("Run without Checks succeeded")
	}
	if len(gh.runs) != 0 {
		t.Fatalf("a check run was started: %d", len(gh.runs))
	}
}
