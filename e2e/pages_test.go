package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestPagesSignInReviewsExceptions is a security lead's first visit: sign in
// with GitHub, see the review of a PR and the exception a maintainer granted
// on it with its reason, filter the exceptions — on a desktop and a phone —
// while a user of another organisation sees none of it.
func TestPagesSignInReviewsExceptions(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	gh.AddInstallation(8, "rival")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n", "src/app.py": "print('hi')\n",
		".github/ward.yml": `ignore:
  - rule: binary-executable
    path: "tools/*"
    reason: vendored converter, verified against the release hash
    sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    expires: 2099-12-31
  - rule: binary-executable
    path: "legacy/*"
    reason: an old waiver nobody renewed
    expires: 2020-01-31
`})
	gh.AddRepo(repo, r.dir)
	other := newGitRepo(t, map[string]string{"README.md": "# secret\n"})
	gh.AddRepo("rival/secret-models", other.dir)
	id, sec := gh.OAuthClient()
	w := startWard(t, gh, filepath.Join(t.TempDir(), "ward.db"),
		"WARD_GITHUB_CLIENT_ID="+id, "WARD_GITHUB_CLIENT_SECRET="+sec)

	// acme/models: a risky PR, accepted by a maintainer with a reason.
	gh.SetPermission(repo, "maint", "maintain")
	openRisky(t, gh, r, w, 1, "feature")
	const reason = "checkpoint is produced by our own CI from reviewed code"
	comment(t, gh, w, 1, "maint", "/ignore "+ruleTorch+" -- "+reason)
	waitReply(t, gh, 1, 1)
	// rival/secret-models: a review maint must never see.
	sha := other.commit("leak", "add loader", map[string]string{"train.py": risky})
	gh.OpenPR("rival/secret-models", 3, "main", "leak")
	if code := w.deliver("pull_request", "d-rival", gh.PullRequestEvent("opened", "rival/secret-models", 3)); code != http.StatusAccepted {
		t.Fatalf("rival PR: HTTP %d", code)
	}
	waitConclusion(t, gh, "rival/secret-models", sha, 1)

	// Nothing without signing in.
	for _, p := range []string{"/", "/exceptions", "/exceptions?format=csv"} {
		resp, err := http.Get(w.url + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "acme/models") || strings.Contains(string(body), reason) || !strings.Contains(string(body), "Sign in with GitHub") {
			t.Errorf("%s without a session shows data or no sign-in:\n%s", p, body)
		}
	}

	gh.SetBrowserUser("maint")
	for _, width := range []int{1280, 390} {
		b := newBrowser(t, width)
		b.run("open ward", chromedp.Navigate(w.url+"/"), chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
		b.screenshot(fmt.Sprintf("signin-%d", width))
		b.run("sign in", chromedp.Click(chromedp.CSS(`a[href="/login"]`)))
		b.waitURL("/")
		b.run("overview", chromedp.WaitVisible(chromedp.CSS(`#reviews`)))
		page := b.text()
		if miss := contains(page, "signed in as", "maint", "Sign out", "acme/models", "#1", "failure", "Findings by rule", "Queue depth"); miss != nil {
			t.Errorf("overview at %d px lacks %q:\n%s", width, miss, page)
		}
		if strings.Contains(page, "rival") {
			t.Errorf("maint sees another organisation's review:\n%s", page)
		}
		b.fitsWidth(width)
		b.screenshot(fmt.Sprintf("overview-%d", width))

		b.run("exceptions", chromedp.Navigate(w.url+"/exceptions"), chromedp.WaitVisible(chromedp.CSS(`#exceptions`)))
		if miss := contains(b.text(), ruleTorch, reason, "@maint", "PR #1", "vendored converter", "sha256 9f86d08", "2099-12-31", ".github/ward.yml"); miss != nil {
			t.Errorf("exceptions at %d px lack %q:\n%s", width, miss, b.text())
		}
		if strings.Contains(b.text(), "old waiver") {
			t.Errorf("an expired ignore: entry is listed as in force:\n%s", b.text())
		}
		b.fitsWidth(width)
		b.screenshot(fmt.Sprintf("exceptions-%d", width))

		// The filter: a rule with no exception, then the one with it.
		b.run("filter out", chromedp.SetValue(chromedp.CSS(`input[name="rule"]`), "secret-openai-api-key"),
			chromedp.Submit(chromedp.CSS(`#filters`)))
		b.waitURL("/exceptions?repo=&rule=secret-openai-api-key&q=")
		if page := b.text(); !strings.Contains(page, "No exception matches") || strings.Contains(page, reason) {
			t.Errorf("filtering by another rule still lists the exception:\n%s", page)
		}
		// (chromedp's SetValue refuses an empty value: clear the field in the page.)
		get(b, "clear the rule", chromedp.Evaluate[string](`document.querySelector('input[name="rule"]').value = ""`))
		b.run("filter in", chromedp.SetValue(chromedp.CSS(`input[name="q"]`), "own CI"),
			chromedp.Submit(chromedp.CSS(`#filters`)))
		b.waitURL("/exceptions?repo=&rule=&q=own+CI")
		if !strings.Contains(b.text(), reason) {
			t.Errorf("searching the reason does not find the exception:\n%s", b.text())
		}
	}

	// A user with no access to acme signs in and sees nothing of it.
	gh.SetBrowserUser("stranger")
	b := newBrowser(t, 1280)
	b.run("stranger signs in", chromedp.Navigate(w.url+"/login"), chromedp.WaitVisible(chromedp.CSS(`#reviews`)))
	if page := b.text(); strings.Contains(page, "acme") || strings.Contains(page, "rival") || !strings.Contains(page, "no installation of ward") {
		t.Errorf("a stranger's overview shows an organisation:\n%s", page)
	}
	b.run("stranger exceptions", chromedp.Navigate(w.url+"/exceptions"), chromedp.WaitVisible(chromedp.CSS(`#exceptions`)))
	if strings.Contains(b.text(), reason) {
		t.Errorf("a stranger sees acme's exception:\n%s", b.text())
	}
}

// TestNewUserRegistersSignsInSeesException is a new user's whole first hour,
// in a real browser: the setup page (on a phone, then a desktop), naming the
// organisation, registering the App through GitHub's manifest flow, the
// registered page, then — once the App is installed and a maintainer granted
// an exception on a PR — signing in and finding that exception with its
// reason.
func TestNewUserRegistersSignsInSeesException(t *testing.T) {
	gh := fakegithub.NewWithOptions(t, fakegithub.Options{WebhookSecret: secret})
	w, envFile := startUnconfigured(t, gh)
	waitFor(t, 20*e2eSecond, "setup page", func() bool {
		resp, err := http.Get(w.url + "/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	tok := setupToken(t, w)
	phone := newBrowser(t, 390)
	phone.run("setup page on a phone", chromedp.Navigate(w.url+"/?token="+tok), chromedp.WaitVisible(chromedp.CSS(`#register`)))
	phone.fitsWidth(390)
	phone.screenshot("setup-390")

	b := newBrowser(t, 1280)
	// The page first asks for the setup token ward logged.
	b.run("setup token page", chromedp.Navigate(w.url+"/"), chromedp.WaitVisible(chromedp.CSS(`#token`)),
		chromedp.SetValue(chromedp.CSS(`input[name="token"]`), tok), chromedp.Submit(chromedp.CSS(`#token`)))
	b.waitURL("token=" + tok)
	b.run("setup page", chromedp.WaitVisible(chromedp.CSS(`#register`)))
	page := b.text()
	// ward listens on 127.0.0.1: the page must say GitHub cannot reach it, and what to do.
	if miss := contains(page, "GitHub cannot reach this address", "WARD_PUBLIC_URL", "checks", "pull_request", "Why ward needs it"); miss != nil {
		t.Errorf("setup page lacks %q:\n%s", miss, page)
	}
	b.run("name the organisation", chromedp.SetValue(chromedp.CSS(`input[name="org"]`), "acme"),
		chromedp.Submit(chromedp.CSS(`#org`)))
	b.waitURL("org=acme")
	if !strings.Contains(b.text(), "The App will belong to the organisation acme") {
		t.Fatalf("after naming the organisation:\n%s", b.text())
	}
	b.screenshot("setup-1280")
	b.run("register", chromedp.Click(chromedp.CSS(`#register button`)))
	b.waitURL("") // any address: the callback page is awaited below
	b.run("registered page", chromedp.WaitVisible(chromedp.CSS(`ol`)))
	if miss := contains(b.text(), "The ward App is registered", "Install the App", "Sign in to ward"); miss != nil {
		t.Fatalf("registered page lacks %q:\n%s", miss, b.text())
	}
	b.screenshot("registered-1280")
	if ms := gh.Manifests(); len(ms) != 1 || ms[0].Org != "acme" {
		t.Fatalf("GitHub received manifests %+v, want one for acme", ms)
	}
	env, _ := os.ReadFile(envFile)
	if miss := contains(string(env), "WARD_GITHUB_CLIENT_ID=", "WARD_GITHUB_CLIENT_SECRET="); miss != nil {
		t.Errorf(".env lacks %q", miss)
	}

	// The user installs the App; a PR fails; a maintainer accepts it.
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n"})
	gh.AddRepo(repo, r.dir)
	gh.SetPermission(repo, "maint", "maintain")
	waitFor(t, 10*e2eSecond, "ward serving the App", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	openRisky(t, gh, r, w, 1, "feature")
	const reason = "a research loader, run only in the sandboxed notebook image"
	comment(t, gh, w, 1, "maint", "/ignore "+ruleTorch+" -- "+reason)
	waitReply(t, gh, 1, 1)

	gh.SetBrowserUser("maint")
	b.run("sign in", chromedp.Click(chromedp.CSS(`ol a[href="/"]`)), chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/login"]`)))
	b.waitURL("/")
	b.run("overview", chromedp.WaitVisible(chromedp.CSS(`#reviews`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/exceptions"]`)))
	b.waitURL("/exceptions")
	b.run("exceptions", chromedp.WaitVisible(chromedp.CSS(`#exceptions`)))
	if miss := contains(b.text(), repo, ruleTorch, reason, "@maint"); miss != nil {
		t.Errorf("the new user's exceptions page lacks %q:\n%s", miss, b.text())
	}
}
