package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward"
)

func TestBuildManifest(t *testing.T) {
	raw, err := BuildManifest(ward.Manifest, "https://ward.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Name        string            `json:"name"`
		Public      bool              `json:"public"`
		RedirectURL string            `json:"redirect_url"`
		Hook        map[string]any    `json:"hook_attributes"`
		Perms       map[string]string `json:"default_permissions"`
		Events      []string          `json:"default_events"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if m.RedirectURL != "https://ward.example.com/setup/callback" || m.Hook["url"] != "https://ward.example.com/webhook" || m.Public {
		t.Fatalf("manifest URLs or visibility wrong: %+v", m)
	}
	want := map[string]string{"checks": "write", "pull_requests": "write", "contents": "read", "issues": "write",
		"metadata": "read", "members": "read", "merge_queues": "read"}
	for k, v := range want {
		if m.Perms[k] != v {
			t.Errorf("permission %s = %q, want %q", k, m.Perms[k], v)
		}
	}
	if len(m.Events) != 5 {
		t.Errorf("events = %v", m.Events)
	}
}

func TestEnvFileRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	pem := "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n"
	if err := WriteEnvFile(p, map[string]string{"WARD_APP_ID": "42", "WARD_PRIVATE_KEY": pem}); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(p)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", info.Mode().Perm())
	}
	got, err := ReadEnvFile(p)
	if err != nil || got["WARD_PRIVATE_KEY"] != pem || got["WARD_APP_ID"] != "42" {
		t.Fatalf("read back %v, %v", got, err)
	}
}

func TestWebURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com":          "https://github.com",
		"https://ghe.example.com/api/v3":  "https://ghe.example.com",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com",
		"http://127.0.0.1:9999":           "http://127.0.0.1:9999",
	} {
		if got := webURL(in); got != want {
			t.Errorf("webURL(%q) = %q, want %q", in, got, want)
		}
	}
}
