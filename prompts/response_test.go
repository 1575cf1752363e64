package prompts

import (
	"strings"
	"testing"
)

func TestParseResponse(t *testing.T) {
	valid := `{"findings":[{"id":"F1","verdict":"agree","reason":"torch.load on a user path."}],` +
		`"concerns":[{"file":"a.py","line":3,"severity":"medium","title":"t","explanation":"e"}]}`
	tests := []struct {
		name, in, err string
		concerns      int
	}{
		{name: "valid", in: valid, concerns: 1},
		{name: "empty lists", in: `{"findings":[],"concerns":[]}`},
		{name: "code fence", in: "```json\n" + valid + "\n```", concerns: 1},
		{name: "think block and preamble", in: "<think>{\"x\":1}</think>Here it is: " + valid, concerns: 1},
		{name: "not json", in: "I cannot help with that.", err: "not JSON"},
		{name: "unknown field", in: `{"findings":[],"concerns":[],"verdict":"pass"}`, err: "unknown field"},
		{name: "missing concerns", in: `{"findings":[]}`, err: "lacks"},
		{name: "bad verdict", in: `{"findings":[{"id":"F1","verdict":"safe","reason":"r"}],"concerns":[]}`, err: "verdict"},
		{name: "missing reason", in: `{"findings":[{"id":"F1","verdict":"agree"}],"concerns":[]}`, err: "lacks"},
		{name: "bad severity", in: `{"findings":[],"concerns":[{"file":"a","line":1,"severity":"urgent","title":"t","explanation":"e"}]}`, err: "severity"},
		{name: "line as string", in: `{"findings":[],"concerns":[{"file":"a","line":"1","severity":"low","title":"t","explanation":"e"}]}`, err: "schema"},
		{name: "negative line", in: `{"findings":[],"concerns":[{"file":"a","line":-1,"severity":"low","title":"t","explanation":"e"}]}`, err: "negative"},
		{name: "two objects", in: `{"findings":[],"concerns":[]} {"findings":[],"concerns":[]}`, err: "more than one"},
		{name: "truncated", in: valid[:40], err: "schema"},
		{name: "too large", in: `{"findings":[],"concerns":[],"x":"` + strings.Repeat("a", MaxAnswerBytes) + `"}`, err: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseResponse(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Concerns) != tt.concerns {
				t.Errorf("%d concerns, want %d", len(r.Concerns), tt.concerns)
			}
		})
	}
}

func FuzzParseResponse(f *testing.F) {
	f.Add(`{"findings":[{"id":"F1","verdict":"agree","reason":"r"}],"concerns":[]}`)
	f.Add("```json\n{\"findings\":[],\"concerns\":[{\"file\":\"a\",\"line\":1,\"severity\":\"low\",\"title\":\"t\",\"explanation\":\"e\"}]}\n```")
	f.Add("<think>")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseResponse(s)
		if err != nil {
			return
		}
		for _, v := range r.Findings {
			if v.Verdict != Agree && v.Verdict != LikelyFalsePositive {
				t.Fatalf("invalid verdict %q accepted", v.Verdict)
			}
		}
		for _, c := range r.Concerns {
			if !validSeverity(c.Severity) || c.Line < 0 {
				t.Fatalf("invalid concern accepted: %+v", c)
			}
		}
	})
}
