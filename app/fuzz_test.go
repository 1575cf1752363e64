package app

import (
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCommandsHiddenByMarkdown: no command comes from text inside a fence
// or an HTML comment, and echoed text stays one code span.
func FuzzCommandsHiddenByMarkdown(f *testing.F) {
	for _, s := range []string{"/rescan", "````\n```\n/rescan\n````", "<!--\n/help\n-->", "    /rescan", "/ignore r p -- why",
		"/ward explain x", "~~~\n/rescan", "\t/help\n/rescan --second-opinion"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range ParseCommands(body) {
			if c.Name == "" || strings.Contains(c.Raw, "\n") {
				t.Fatalf("command %+v from %q", c, body)
			}
			_ = c.Validate()
		}
		if got := ParseCommands("```\n" + strings.ReplaceAll(body, "`", "") + "\n```"); len(got) != 0 && !strings.Contains(body, "~") {
			t.Fatalf("commands %+v inside a fence", got)
		}
		if got := ParseCommands("<!--" + strings.ReplaceAll(body, "-->", "") + "-->"); len(got) != 0 {
			t.Fatalf("commands %+v inside an HTML comment", got)
		}
		if s := inertCode(body); utf8.ValidString(body) && strings.Count(s, "`") != 2 {
			t.Fatalf("inertCode(%q) = %q", body, s)
		}
	})
}

// FuzzParseHook: any signed body of any known event decodes or is refused
// as malformed; routing what decodes never panics.
func FuzzParseHook(f *testing.F) {
	if b, err := os.ReadFile("testdata/check_run.rerequested.json"); err == nil {
		f.Add("check_run", string(b))
	}
	f.Add("pull_request", string(prPayload(1, "abc")))
	f.Add("issue_comment", `{"action":"created","issue":{"number":1,"pull_request":{}},"comment":{"id":2,"body":"/rescan"},"installation":{"id":7}}`)
	f.Add("merge_group", `{"action":"checks_requested","merge_group":{"head_sha":"a","base_sha":"b"},"installation":{"id":7}}`)
	f.Fuzz(func(t *testing.T, event, body string) {
		p, err := parseHook(event, []byte(body))
		if err != nil {
			if !errors.Is(err, errUnknownEvent) && !errors.Is(err, errMalformed) {
				t.Fatalf("unexpected error kind %v", err)
			}
			return
		}
		routeEvent(p, "d", slog.New(slog.DiscardHandler))
	})
}
