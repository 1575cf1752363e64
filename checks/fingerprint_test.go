package checks

import "testing"

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
