package app

import (
	"os"
	"strings"
	"testing"
)

// TestManifestExplained keeps the setup page honest: every permission and
// event app.yml asks for says why ward needs it.
func TestManifestExplained(t *testing.T) {
	b, err := os.ReadFile("../app.yml")
	if err != nil {
		t.Fatal(err)
	}
	perms, events, err := manifestInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(perms) < 5 || len(events) < 5 {
		t.Fatalf("app.yml gives %d permissions and %d events", len(perms), len(events))
	}
	for _, e := range append(perms, events...) {
		if strings.HasPrefix(e.Why, "(not explained") {
			t.Errorf("%s is asked for without a reason: add it to permissionWhy or eventWhy", e.Name)
		}
	}
}

func TestUnreachable(t *testing.T) {
	for in, want := range map[string]bool{
		"http://localhost:3000":        true,
		"http://127.0.0.1:3000":        true,
		"http://[::1]:3000":            true,
		"http://10.1.2.3":              true,
		"http://192.168.1.20:3000":     true,
		"http://ward.local":            true,
		"http://devbox:3000":           true,
		"http://0.0.0.0:3000":          true,
		"https://ward.example.org":     false,
		"https://203.0.113.7:8443":     false,
		"https://abc.trycloudflare.io": false,
	} {
		if got := unreachable(in) != ""; got != want {
			t.Errorf("unreachable(%q) = %v, want %v", in, got, want)
		}
	}
}
