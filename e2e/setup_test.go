package e2e

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestSetupManifestFlow registers the App the way a new user does: ward
// serve without credentials, the setup page, GitHub's manifest flow (against
// WARD_GITHUB_API_URL, as on GitHub Enterprise Server), the callback, the
// .env file, and ward serving the App without a restart.
func TestSetupManifestFlow(t *testing.T) {
	gh := fakegithub.New(t)
	w, envFile := startUnconfigured(t, gh)
	waitFor(t, 20*e2eSecond, "setup page", func() bool {
		resp, err := http.Get(w.url + "/?org=acme")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if resp, err := http.Get(w.url + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz before setup: %v %v", resp, err)
	}

	// Without the token from ward's log, or with a wrong one, no manifest
	// flow can start: a stranger cannot register their own App.
	for _, q := range []string{"/?org=acme", "/?org=acme&token=0123456789abcdef0123456789abcdef"} {
		resp, err := http.Get(w.url + q)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), "state=") || strings.Contains(string(page), `name="manifest"`) || !strings.Contains(string(page), "setup token") {
			t.Fatalf("%s without the right token: HTTP %d\n%s", q, resp.StatusCode, page)
		}
	}

	resp, err := http.Get(w.url + "/?org=acme&token=" + setupToken(t, w))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	action := html.UnescapeString(regexp.MustCompile(`action="([^"]+)" method="post" id="register"`).FindStringSubmatch(string(page))[1])
	manifest := html.UnescapeString(regexp.MustCompile(`name="manifest" value="([^"]+)"`).FindStringSubmatch(string(page))[1])
	if !strings.HasPrefix(action, gh.URL()+"/organizations/acme/settings/apps/new?state=") {
		t.Fatalf("form posts to %s, want the org's app creation page on %s", action, gh.URL())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(manifest), &m); err != nil || m["redirect_url"] != w.url+"/setup/callback" {
		t.Fatalf("manifest %s (%v)", manifest, err)
	}

	// The browser posts the form; GitHub redirects back to the callback.
	resp, err = http.PostForm(action, url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	done, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(done), "registered") {
		t.Fatalf("callback: HTTP %d\n%s", resp.StatusCode, done)
	}
	info, err := os.Stat(envFile)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf(".env: %v, mode %v; want 0600", err, info)
	}
	env, _ := os.ReadFile(envFile)
	for _, k := range []string{"WARD_APP_ID=", "WARD_PRIVATE_KEY=", "WARD_WEBHOOK_SECRET=", "WARD_GITHUB_API_URL="} {
		if !strings.Contains(string(env), k) {
			t.Errorf(".env lacks %s", k)
		}
	}
	if len(gh.Manifests()) != 1 {
		t.Errorf("GitHub received %d manifests", len(gh.Manifests()))
	}
	waitFor(t, 10*e2eSecond, "ward serving the App", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if code := deliverWith(t, w.url, gh.WebhookSecret(), "ping", "d-ping", []byte(`{"zen":"hi"}`)); code != http.StatusOK {
		t.Fatalf("ping signed with the new secret: HTTP %d", code)
	}
}

// startUnconfigured starts `ward serve` with no App credentials, as a new
// user does, against the fake GitHub; it returns ward and its .env path.
func startUnconfigured(t *testing.T, gh *fakegithub.Server) (*ward, string) {
	t.Helper()
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	w := &ward{t: t, addr: freeAddr(t)}
	w.url = "http://" + w.addr
	w.env = append(filterEnv(os.Environ(), "WARD_"),
		"WARD_GITHUB_API_URL="+gh.URL(), "WARD_ADDR="+w.addr,
		"WARD_DATABASE_URL=sqlite://"+filepath.Join(dir, "ward.db"), "WARD_ENV_FILE="+envFile)
	w.log = &strings.Builder{}
	w.cmd = exec.Command(wardBin, "serve")
	w.cmd.Env = w.env
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.stop)
	return w, envFile
}

// setupToken reads the one-time setup token from ward's log.
func setupToken(t testing.TB, w *ward) string {
	t.Helper()
	var tok string
	waitFor(t, 20*e2eSecond, "the setup token in the log", func() bool {
		m := regexp.MustCompile(`"setup_token":"([0-9a-f]{32})"`).FindStringSubmatch(w.log.String())
		if m != nil {
			tok = m[1]
		}
		return m != nil
	})
	return tok
}

func filterEnv(env []string, prefix string) []string {
	var out []string
	for _, e := range env {
		if !strings.HasPrefix(e, prefix) {
			out = append(out, e)
		}
	}
	return out
}
