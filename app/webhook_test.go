package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"zen":"Keep it logically awesome."}`)
	cur, prev := []byte("s3cret"), []byte("old-secret")
	for _, tc := range []struct {
		name    string
		header  string
		secrets [][]byte
		want    bool
	}{
		{"valid", sign(cur, body), [][]byte{cur}, true},
		{"rotation: previous secret still accepted", sign(prev, body), [][]byte{cur, prev}, true},
		{"wrong secret", sign([]byte("nope"), body), [][]byte{cur}, false},
		{"sha1 header", "sha1=" + sign(cur, body)[7:], [][]byte{cur}, false},
		{"missing", "", [][]byte{cur}, false},
		{"not hex", "sha256=zz", [][]byte{cur}, false},
		{"truncated", sign(cur, body)[:40], [][]byte{cur}, false},
		{"no secret configured", sign(nil, body), nil, false},
		{"empty secret never matches", sign([]byte{}, body), [][]byte{{}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := VerifySignature(tc.header, body, tc.secrets); got != tc.want {
				t.Fatalf("VerifySignature = %v, want %v", got, tc.want)
			}
		})
	}
	if VerifySignature(sign(cur, body), append(body, ' '), [][]byte{cur}) {
		t.Fatal("a modified body verified")
	}
}

func TestParseCommands(t *testing.T) {
	for _, tc := range []struct {
		body string
		want []string // name|args|reason
	}{
		{"/rescan", []string{"rescan||"}},
		{"please\n/rescan\nthanks", []string{"rescan||"}},
		{"/ignore code-pickle-load src/a.py -- fixture written by our test", []string{"ignore|code-pickle-load,src/a.py|fixture written by our test"}},
		{"/ward explain binary-executable", []string{"explain|binary-executable|"}},
		{"> /rescan\n", nil},
		{"```\n/rescan\n```", nil},
		{"see /usr/bin/env", nil},
		{"/ward frobnicate", []string{"unknown|frobnicate|"}},
		{"/help\n/rescan --second-opinion", []string{"help||", "rescan||"}},
	} {
		got := ParseCommands(tc.body)
		if len(got) != len(tc.want) {
			t.Fatalf("ParseCommands(%q) = %+v, want %v", tc.body, got, tc.want)
		}
		for i, c := range got {
			s := c.Name + "|" + join(c.Args) + "|" + c.Reason
			if s != tc.want[i] {
				t.Errorf("ParseCommands(%q)[%d] = %s, want %s", tc.body, i, s, tc.want[i])
			}
		}
	}
	if err := (Command{Name: "ignore", Args: []string{"r"}}).Validate(); err == nil {
		t.Error("/ignore without a reason validated")
	}
	if err := (Command{Name: "ignore", Args: []string{"r"}, Reason: "ok"}).Validate(); err != nil {
		t.Errorf("/ignore with a reason: %v", err)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// Text GitHub's Markdown renders as code or hides is not a command.
func TestParseCommandsIgnoresCodeAndHiddenText(t *testing.T) {
	for _, body := range []string{
		"````\n```\n/rescan\n````",
		"~~~\n/rescan\n~~~",
		"~~~~python\n/ignore x -- y\n~~~~",
		"text\n\n    /rescan\n",
		"\t/rescan",
		"<!-- /rescan -->",
		"<!--\n/ignore code-pickle-load -- hidden\n-->",
		"visible\n<!-- never closed\n/rescan",
		"```\n/rescan\n~~~\n/help",
	} {
		if got := ParseCommands(body); len(got) != 0 {
			t.Errorf("ParseCommands(%q) = %+v, want no command", body, got)
		}
	}
	// Commands outside such blocks still count.
	for body, want := range map[string]int{
		"````\n```\n````\n/rescan":    1,
		"~~~\nx\n~~~\n/help":          1,
		"<!-- note -->\n/rescan":      1,
		"   /rescan":                  1, // up to three spaces is a paragraph
		"```go\ncode\n```\n\n/rescan": 1,
	} {
		if got := ParseCommands(body); len(got) != want {
			t.Errorf("ParseCommands(%q) = %+v, want %d command(s)", body, got, want)
		}
	}
}

// What /explain and the command replies echo cannot mention, reference or link.
func TestEchoedTextIsInert(t *testing.T) {
	for _, in := range []string{"@acme/everyone", "#123", "https://evil.example/x", "a`@admins`b", "x\n@team"} {
		got := explainRule(in)
		span := strings.TrimSuffix(strings.TrimPrefix(got, "ward has no rule "), ". `ward rules` lists them all.")
		if strings.Count(span, "`") != 2 || !strings.HasPrefix(span, "`") || !strings.HasSuffix(span, "`") {
			t.Errorf("explainRule(%q) = %q: the echoed text must be one code span", in, got)
		}
	}
	if got := explainRule(strings.Repeat("a", 5000)); len(got) > 400 {
		t.Errorf("a 5,000-character id is echoed in %d characters", len(got))
	}
}
