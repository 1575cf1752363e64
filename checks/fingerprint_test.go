package checks

import (
	"fmt"
	"testing"
)

func TestFingerprintStableAcrossMoves(t *testing.T) {
	mk := func(line int, ev string) Finding {
		return Finding{RuleID: "r", Path: "a.py", StartLine: line, Evidence: ev}
	}
	before := []Finding{mk(3, "torch.load(p)"), mk(9, "torch.load(q)"), mk(12, "torch.load(p)")}
	after := []Finding{mk(5, "torch.load(p)"), mk(11, "torch.load(q)"), mk(20, "torch.load(p)")} // lines inserted above
	Fingerprint(before)
	Fingerprint(after)
	for i := range before {
		if before[i].Fingerprint != after[i].Fingerprint {
			t.Errorf("finding %d: fingerprint moved with its line", i)
		}
	}
	if before[0].Fingerprint == before[2].Fingerprint {
		t.Error("two identical findings in one file share a fingerprint")
	}
	reindented := []Finding{mk(3, "  torch.load(p)  ")}
	Fingerprint(reindented)
	if reindented[0].Fingerprint != before[0].Fingerprint {
		t.Error("re-indenting changed the fingerprint")
	}
	other := []Finding{{RuleID: "r", Path: "b.py", StartLine: 3, Evidence: "torch.load(p)"}}
	Fingerprint(other)
	if other[0].Fingerprint == before[0].Fingerprint {
		t.Error("the same finding in another file shares a fingerprint")
	}
}

func TestParseSeverity(t *testing.T) {
	for _, s := range []string{"info", "LOW", " medium", "high", "critical", "none"} {
		if _, err := ParseSeverity(s); err != nil {
			t.Errorf("ParseSeverity(%q): %v", s, err)
		}
	}
	if _, err := ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity accepted an unknown name")
	}
	if SeverityHigh.SARIFLevel() != "error" || SeverityMedium.SARIFLevel() != "warning" || SeverityLow.SARIFLevel() != "note" {
		t.Error("SARIF levels do not follow DESIGN.md")
	}
}

func TestInlineSuppressionsAnyCommentSyntax(t *testing.T) {
	src := []byte("<!-- ward:ignore agent-hidden-unicode vendored doc -->\n" +
		"x = 1 /* ward:ignore code-ssrf internal URL */\n" +
		"-- ward:ignore code-sql-injection migration, reviewed\n" +
		"{/* ward:ignore code-llm-output-html sanitised above */}\n")
	sups := InlineSuppressions(src)
	want := []Suppression{
		{Line: 1, RuleID: "agent-hidden-unicode", Reason: "vendored doc", Standalone: true},
		{Line: 2, RuleID: "code-ssrf", Reason: "internal URL"},
		{Line: 3, RuleID: "code-sql-injection", Reason: "migration, reviewed", Standalone: true},
		{Line: 4, RuleID: "code-llm-output-html", Reason: "sanitised above", Standalone: true},
	}
	if len(sups) != len(want) {
		t.Fatalf("got %+v", sups)
	}
	for i := range want {
		if sups[i] != want[i] {
			t.Errorf("suppression %d = %+v, want %+v", i, sups[i], want[i])
		}
	}
}

func TestBareInlineSuppressionIsReported(t *testing.T) {
	src := []byte("x = torch.load(p)  # ward:ignore\n" +
		"<!-- ward:ignore -->\n" +
		"A `ward:ignore` comment needs a reason.\n" +
		"y = 1 # ward:ignore code-x\n")
	fs := ApplyInlineSuppressions("a.py", src, []Finding{{RuleID: "code-torch-load-unsafe", Severity: SeverityHigh, Path: "a.py", StartLine: 1}})
	var bad []int
	for _, f := range fs {
		if f.RuleID == RuleBadSuppression {
			bad = append(bad, f.StartLine)
		}
		if f.RuleID == "code-torch-load-unsafe" && f.Suppressed {
			t.Error("a bare ward:ignore silenced a finding")
		}
	}
	if fmt.Sprint(bad) != "[1 2 4]" {
		t.Fatalf("bad suppressions on lines %v, want [1 2 4] (line 3 is prose)", bad)
	}
}
