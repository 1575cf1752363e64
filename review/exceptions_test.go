package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// wholeFileCheck reports every file whose content holds "BIN" as a whole.
type wholeFileCheck struct{}

func (wholeFileCheck) Name() string { return "whole" }
func (wholeFileCheck) Rules() []checks.Rule {
	return []checks.Rule{{ID: "test-artifact", Title: "Artifact", Severity: checks.SeverityHigh}}
}
func (wholeFileCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	b, err := f.ReadAll(0)
	if err != nil || !strings.Contains(string(b), "BIN") {
		return checks.Result{}, err
	}
	return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: "test-artifact", Severity: checks.SeverityHigh,
		Message: "an artifact", Evidence: "artifact"}}}, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// An /ignore holds for the content its maintainer saw at the head it was
// written on: the same blob for a whole-file finding, the same fingerprint
// for a line finding; anything else is reported as no longer applying.
func TestIgnoreRecordBoundToContent(t *testing.T) {
	const old = "head0"
	for _, tc := range []struct {
		name       string
		oldContent string // the file at the head the /ignore was written on
		newContent string
		patch      string
		rule       string
		silenced   int
		changed    bool
	}{
		{"same blob, whole file", "BIN v1\n", "BIN v1\n", "", "test-artifact", 1, false},
		{"swapped blob, whole file", "BIN v1\n", "BIN v2\n", "", "test-artifact", 0, true},
		{"line moved, same text", "a = BAD\n", "# note\na = BAD\n", "@@ -0,0 +1,2 @@\n+# note\n+a = BAD", "test-bad", 1, false},
		{"new offending line", "a = BAD\n", "a = BAD\nb = BAD 2\n", "@@ -0,0 +1,2 @@\n+a = BAD\n+b = BAD 2", "test-bad", 1, true},
		{"file absent then", "", "a = BAD\n", "@@ -0,0 +1 @@\n+a = BAD", "test-bad", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newFake(tc.newContent, tc.patch)
			gh.Files[0].BlobSHA = changed.GitBlobSHA([]byte(tc.newContent))
			gh.Blobs[gh.Files[0].BlobSHA] = []byte(tc.newContent)
			if tc.oldContent != "" {
				gh.FilesAt[old] = map[string][]byte{"a.py": []byte(tc.oldContent)}
				gh.Blobs[changed.GitBlobSHA([]byte(tc.oldContent))] = []byte(tc.oldContent)
			}
			res, err := Run(context.Background(), gh, Options{Checks: []checks.Check{lineCheck{}, wholeFileCheck{}},
				Ignores: []config.IgnoreEntry{{Rule: tc.rule, Path: "a.py", Reason: "@maint: fixture", Author: "maint", HeadSHA: old}}})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, f := range res.Findings {
				if f.Suppressed {
					n++
				}
			}
			note := strings.Join(res.Exceptions, "\n")
			if n != tc.silenced || tc.changed != strings.Contains(note, "content changed since @maint accepted it") {
				t.Fatalf("silenced %d (want %d), notes %q", n, tc.silenced, note)
			}
		})
	}
}

// ward.yml entries: sha256 names the accepted bytes (or the LFS oid), an
// entry without it accepts no whole file, expires ends an entry.
func TestConfigEntriesBoundToContent(t *testing.T) {
	lfsOID := strings.Repeat("ab", 32)
	pointer := "version https://git-lfs.github.com/spec/v1\noid sha256:" + lfsOID + "\nsize 12\n"
	for _, tc := range []struct {
		name, content, entry, note string
		silenced                   bool
	}{
		{"bytes match", "BIN v1\n", "    sha256: " + sha256Hex("BIN v1\n") + "\n", "", true},
		{"bytes differ", "BIN v2\n", "    sha256: " + sha256Hex("BIN v1\n") + "\n", "content changed since ward.yml accepted it", false},
		{"no sha256", "BIN v1\n", "", "names no `sha256:`", false},
		{"expired", "BIN v1\n", "    sha256: " + sha256Hex("BIN v1\n") + "\n    expires: 2020-01-31\n", "expired on 2020-01-31", false},
		{"LFS oid", pointer, "    sha256: " + lfsOID + "\n", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newFake(tc.content, "")
			gh.Files[0].Status = "added"
			gh.FilesAt["base1"] = map[string][]byte{config.Path: []byte("ignore:\n  - rule: test-artifact\n    path: a.py\n    reason: release build\n" + tc.entry)}
			wc := wholeFileCheck{}
			checksUsed := []checks.Check{wc}
			if strings.HasPrefix(tc.content, "version https://git-lfs") {
				checksUsed = []checks.Check{pointerCheck{}}
			}
			res, err := Run(context.Background(), gh, Options{Checks: checksUsed})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != 1 || res.Findings[0].Suppressed != tc.silenced {
				t.Fatalf("findings %+v, want silenced=%v; notes %q", res.Findings, tc.silenced, res.Exceptions)
			}
			if note := strings.Join(res.Exceptions, "\n"); tc.note != "" && !strings.Contains(note, tc.note) {
				t.Fatalf("notes %q lack %q", note, tc.note)
			}
		})
	}
}

// pointerCheck reports a Git LFS pointer as a whole-file finding (the fake
// GitHub has no LFS, so the pointer is what the checks see).
type pointerCheck struct{ wholeFileCheck }

func (pointerCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: "test-artifact", Severity: checks.SeverityHigh,
		Message: "a checkpoint", Evidence: "artifact"}}}, nil
}

// The organisation's floor holds against a repository's ward.yml, and
// names what it overrode; unknown rule ids are warned about.
func TestOrganisationFloorAndWarnings(t *testing.T) {
	org, err := config.Parse([]byte("enforce:\n  fail_on: high\n  rules: [test-bad]\n"))
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("fail_on: none\nfail_closed: low\nrules:\n  test-bad:\n    disabled: true\n  no-such-rule:\n    severity: low\n")
	repo, err := config.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg, notes := config.Merge(org, repo, raw)
	if cfg.FailOn != checks.SeverityHigh || cfg.Rules["test-bad"].Disabled || cfg.FailClosed != checks.SeverityHigh {
		t.Fatalf("floor not held: fail_on %s, rules %+v, fail_closed %s", cfg.FailOn, cfg.Rules, cfg.FailClosed)
	}
	all := strings.Join(append(notes, cfg.Warnings()...), "\n")
	for _, want := range []string{"more lenient than the organisation's floor", "which the organisation enforces", "unknown rule `no-such-rule`"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes lack %q:\n%s", want, all)
		}
	}
	// A repository may tighten.
	strict, _ := config.Parse([]byte("fail_on: medium\n"))
	if cfg, _ := config.Merge(org, strict, []byte("fail_on: medium\n")); cfg.FailOn != checks.SeverityMedium {
		t.Errorf("a stricter fail_on was not kept: %s", cfg.FailOn)
	}
	// Lowering fail_closed below fail_on is said, not silent.
	low, _ := config.Parse([]byte("fail_closed: medium\n"))
	if w := strings.Join(low.Warnings(), " "); !strings.Contains(w, "do not fail this check") {
		t.Errorf("fail_closed below fail_on not warned about: %q", w)
	}
}

// A check's new version changes the cache key: files are analysed again.
func TestCacheKeyFollowsAnalyserVersion(t *testing.T) {
	cache := &memCache{}
	for i, v := range []string{"1", "1", "2"} {
		gh := manyFiles(2, "a = BAD")
		if _, err := Run(context.Background(), gh, Options{Cache: cache, Checks: []checks.Check{versionedLineCheck{v: v}}}); err != nil {
			t.Fatal(err)
		}
		if want := map[int]int{0: 2, 1: 0, 2: 2}[i]; gh.BlobReads != want {
			t.Fatalf("run %d (version %s): %d blob reads, want %d", i, v, gh.BlobReads, want)
		}
	}
}

// A result cut short by the process's load (a Transient finding: a check
// out of time, pickle analyses out of their shared memory) is not cached:
// the next review analyses the file again.
func TestTransientResultsAreNotCached(t *testing.T) {
	cache := &memCache{}
	for i := range 2 {
		gh := manyFiles(2, "a = BAD")
		if _, err := Run(context.Background(), gh, Options{Cache: cache, Checks: []checks.Check{transientCheck{}}}); err != nil {
			t.Fatal(err)
		}
		if gh.BlobReads != 2 {
			t.Fatalf("run %d: %d blob reads, want 2 (nothing cached)", i, gh.BlobReads)
		}
	}
}

type transientCheck struct{ lineCheck }

func (transientCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	return checks.Result{Findings: []checks.Finding{{RuleID: "test-not-fully-analysed", Severity: checks.SeverityHigh,
		Message: "out of shared memory", Evidence: "pool", Transient: true}}}, nil
}

type versionedLineCheck struct {
	lineCheck
	v string
}

func (c versionedLineCheck) Version() string { return c.v }

// Files GitHub's files API never listed (over its 3,000) were not reviewed:
// the run fails closed and says why, even with no finding.
func TestUnlistedFilesFailClosed(t *testing.T) {
	gh := newFake("a = 1\n", "@@ -1 +1 @@\n-a = 0\n+a = 1")
	gh.PR.ChangedFiles = 3500
	res := runReview(t, gh, Options{})
	if res.Conclusion != "failure" || !strings.Contains(gh.run(res.CheckRunID).Output.Summary, "were not reviewed, so this check fails closed") {
		t.Fatalf("conclusion %s:\n%s", res.Conclusion, gh.run(res.CheckRunID).Output.Summary)
	}
	gh = newFake("a = 1\n", "@@ -1 +1 @@\n-a = 0\n+a = 1")
	if res := runReview(t, gh, Options{}); res.Conclusion != "success" {
		t.Fatalf("a fully listed clean PR: %s", res.Conclusion)
	}
}
