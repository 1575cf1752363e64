package checks_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/secrets"
)

// token is a GitHub personal access token in the documented format.
const token = "ghp_R7t9Qx2LmW4vZp8KcN3yHs6JdF1gTb5Ae0Uo"

// copyingCheck reports every line holding "torch.load(" the way a source
// rule does: the line as evidence, in its message, and a suggestion that
// rewrites it, so whatever else the line holds is copied along.
type copyingCheck struct{}

func (copyingCheck) Name() string         { return "copying" }
func (copyingCheck) Rules() []checks.Rule { return nil }
func (copyingCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	data, err := f.ReadAll(0)
	if err != nil {
		return checks.Result{}, err
	}
	var out []checks.Finding
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, "torch.load(") {
			out = append(out, checks.Finding{RuleID: "test-copying", Severity: checks.SeverityHigh, StartLine: i + 1, EndLine: i + 1,
				Message: "`" + line + "` loads a pickle", Evidence: line, Fix: "rewrite `" + line + "`",
				Suggestion: &checks.Suggestion{StartLine: i + 1, EndLine: i + 1,
					Replacement: strings.Replace(line, "torch.load(p)", "torch.load(p, weights_only=True)", 1)}})
		}
	}
	return checks.Result{Findings: out, Analysed: true}, nil
}

// Every finding leaves the checks masked: no raw token in any field, no
// suggestion on a line that holds one, and none in JSON, SARIF or text.
func TestMaskingBoundary(t *testing.T) {
	checks.SetMasker(secrets.Masker())
	src := "import torch\nm = torch.load(p)  # token " + token + "\nn = torch.load(p)\n"
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile("load.py", []byte(src)), []checks.Check{copyingCheck{}})
	if len(fs) != 2 {
		t.Fatalf("findings: %+v", fs)
	}
	secretLine, plain := fs[0], fs[1]
	for _, s := range []string{secretLine.Message, secretLine.Evidence, secretLine.Fix} {
		if strings.Contains(s, token) || strings.Contains(s, token[8:]) {
			t.Errorf("raw token left the checks: %q", s)
		}
	}
	if !strings.Contains(secretLine.Evidence, "ghp_…(") {
		t.Errorf("evidence not masked the documented way: %q", secretLine.Evidence)
	}
	if secretLine.Suggestion != nil {
		t.Errorf("a suggestion on a line holding a secret was kept: %+v", secretLine.Suggestion)
	}
	if plain.Suggestion == nil || plain.Fingerprint == "" {
		t.Errorf("a line without a secret lost its suggestion or fingerprint: %+v", plain)
	}
	r := checks.Report{Tool: "ward", FailOn: checks.SeverityHigh, Files: 1, Findings: fs}
	for name, write := range map[string]func(io.Writer, checks.Report) error{
		"json": checks.WriteJSON, "sarif": checks.WriteSARIF, "text": checks.WriteText,
	} {
		var b bytes.Buffer
		if err := write(&b, r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(b.String(), token[8:]) {
			t.Errorf("%s output holds the raw token", name)
		}
	}
}

// failingReader serves the first bytes, then fails as a broken ranged
// read does.
type failingReader struct{ data []byte }

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= 64 {
		return 0, errors.New("HTTP 502 reading bytes 64-")
	}
	n := copy(p, r.data[off:min(int64(len(r.data)), 64)])
	if n < len(p) {
		return n, errors.New("HTTP 502 reading bytes 64-")
	}
	return n, nil
}

// swallowingCheck reads the whole file and, like a format parser that
// treats a short read as "not my format", reports nothing on an error.
type swallowingCheck struct{}

func (swallowingCheck) Name() string         { return "swallowing" }
func (swallowingCheck) Rules() []checks.Rule { return nil }
func (swallowingCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	if _, err := f.ReadAll(0); err != nil {
		return checks.Result{}, nil
	}
	return checks.Result{Analysed: true}, nil
}

// A file whose ReadAt fails is reported as not read (high) even when every
// check swallowed the error: a read failure never passes as a clean file.
func TestFailedReadIsAFinding(t *testing.T) {
	data := bytes.Repeat([]byte{0x80, 0x02, 'c'}, 100)
	f := &checks.File{Path: "model.pt", Status: checks.StatusAdded, Binary: true,
		Blob: checks.Blob{Size: int64(len(data)), Content: failingReader{data}}}
	fs := checks.ScanFile(context.Background(), f, []checks.Check{swallowingCheck{}})
	var got *checks.Finding
	for i := range fs {
		if fs[i].RuleID == checks.RuleNotRead {
			got = &fs[i]
		}
	}
	if got == nil || got.Severity != checks.SeverityHigh || !strings.Contains(got.Message, "502") {
		t.Fatalf("findings %+v: want file-not-read at high with the cause", fs)
	}
}

// The analyser version names the checks and their versions: a check whose
// version changes changes it, so the result cache re-analyses.
func TestAnalyserVersionFollowsChecks(t *testing.T) {
	a := checks.AnalyserVersion([]checks.Check{copyingCheck{}, versioned{"1"}})
	if a != checks.AnalyserVersion([]checks.Check{versioned{"1"}, copyingCheck{}}) {
		t.Error("the order of the checks changed the version")
	}
	if a == checks.AnalyserVersion([]checks.Check{copyingCheck{}, versioned{"2"}}) {
		t.Error("a check's new version left the analyser version unchanged")
	}
	if a == checks.AnalyserVersion([]checks.Check{copyingCheck{}}) {
		t.Error("removing a check left the analyser version unchanged")
	}
}

type versioned struct{ v string }

func (versioned) Name() string         { return "versioned" }
func (versioned) Rules() []checks.Rule { return nil }
func (versioned) Scan(context.Context, *checks.File) (checks.Result, error) {
	return checks.Result{}, nil
}
func (v versioned) Version() string { return v.v }
