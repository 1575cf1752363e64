package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser is a headless Debian chromium driven through the DevTools
// protocol, as a person would use ward's pages.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string // where screenshots go
}

// newBrowser starts chromium with an empty profile and a window width. It
// skips when chromium is not installed, except in CI (.ci/run installs it).
func newBrowser(t *testing.T, width int) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (.ci/run installs Debian's chromium)")
		}
		t.Skip("chromium is not installed: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, 900))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	// The first Do starts the browser; timeouts go on later calls only.
	// The viewport is emulated: a headless window is never narrower than
	// 500 px, a phone is (390 px: a common phone's CSS width).
	viewport := chromedp.EmulateViewport(int64(width), 900)
	if width < 500 {
		viewport = chromedp.EmulateViewport(int64(width), 844, chromedp.EmulateMobile, chromedp.EmulateScale(3))
	}
	if err := chromedp.Do(ctx, viewport); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dir := os.Getenv("WARD_SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "ward-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, ctx: ctx, dir: dir}
}

// actionTimeout bounds one step; the browser itself lives as long as the
// test, which may spend minutes on reviews between steps on a loaded machine.
const actionTimeout = 60 * time.Second

func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// waitURL waits until the page's address ends with suffix (after a form
// submit or a redirect the old page is still there for a moment).
func (b *browser) waitURL(suffix string) {
	b.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		u := get(b, "read the address", chromedp.Evaluate[string](`location.pathname + location.search`))
		if strings.HasSuffix(u, suffix) {
			var ready string
			for ready != "complete" && time.Now().Before(deadline) {
				ready = get(b, "wait for the page", chromedp.Evaluate[string](`document.readyState`))
			}
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: still at %s, want …%s", u, suffix)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// text returns the visible text of the page.
func (b *browser) text() string {
	b.t.Helper()
	return get(b, "read the page", chromedp.Text(chromedp.CSS("body")))
}

// screenshot writes a full-page PNG as a test artefact.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png := get(b, "screenshot "+name, chromedp.FullScreenshot(100))
	p := filepath.Join(b.dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// fitsWidth fails when the page scrolls sideways: wide tables must scroll in
// their own box, not push the page wider than the screen.
func (b *browser) fitsWidth(width int) {
	b.t.Helper()
	w := get(b, "measure", chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if w > width {
		b.t.Errorf("the page is %d px wide on a %d px screen", w, width)
	}
}

func contains(haystack string, needles ...string) []string {
	var missing []string
	for _, n := range needles {
		if !strings.Contains(haystack, n) {
			missing = append(missing, n)
		}
	}
	return missing
}
