package e2e

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestWorldReadableKeyRefused: ward will not start with a private key file
// others can read, and says why.
func TestWorldReadableKeyRefused(t *testing.T) {
	gh := fakegithub.New(t)
	key := filepath.Join(t.TempDir(), "key.pem")
	os.WriteFile(key, gh.PrivateKeyPEM(), 0o644)
	os.Chmod(key, 0o644)
	cmd := exec.Command(wardBin, "serve")
	cmd.Env = append(filterEnv(os.Environ(), "WARD_"), "WARD_APP_ID=1", "WARD_PRIVATE_KEY_FILE="+key,
		"WARD_WEBHOOK_SECRET=x", "WARD_ADDR="+freeAddr(t), "WARD_ENV_FILE=/nonexistent",
		"WARD_DATABASE_URL=sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "world-readable") {
		t.Fatalf("ward started with a world-readable key (err %v):\n%s", err, out)
	}
}

// tcpProxy forwards a loopback port to target while it is up; down() cuts
// every connection, as a database outage does.
type tcpProxy struct {
	addr, target string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func (p *tcpProxy) up(t testing.TB) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseOutages: with PostgreSQL unreachable at start, ward waits and
// /readyz says why; once it is up ward serves; when it goes away mid-run,
// deliveries are refused (503), never acknowledged and lost; when it comes
// back every acknowledged delivery is reviewed.
func TestDatabaseOutages(t *testing.T) {
	db := freshPostgres(t)
	u, _ := url.Parse(db)
	proxy := &tcpProxy{addr: freeAddr(t), target: u.Host}
	u.Host = proxy.addr
	t.Cleanup(proxy.down)

	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# x\n"})
	gh.AddRepo(repo, r.dir)
	shas := map[int]string{}
	for n := 1; n <= 4; n++ {
		shas[n] = r.commit(fmt.Sprintf("b%d", n), "c", map[string]string{fmt.Sprintf("f%d.txt", n): "hello\n"})
		gh.OpenPR(repo, n, "main", fmt.Sprintf("b%d", n))
	}

	w := &ward{t: t, addr: freeAddr(t)}
	w.url = "http://" + w.addr
	w.env = append(os.Environ(), fmt.Sprintf("WARD_APP_ID=%d", gh.AppID()), "WARD_PRIVATE_KEY="+string(gh.PrivateKeyPEM()),
		"WARD_WEBHOOK_SECRET="+secret, "WARD_GITHUB_API_URL="+gh.URL(), "WARD_ADDR="+w.addr,
		"WARD_DATABASE_URL="+u.String(), "WARD_ENV_FILE=/nonexistent")
	w.log = &strings.Builder{}
	w.cmd = exec.Command(wardBin, "serve")
	w.cmd.Env = w.env
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.stop)
	var waiting string
	waitFor(t, 20*time.Second, "readyz explaining the wait", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		waiting = string(body)
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(waiting, "database unavailable")
	})
	// Anyone may ask: the database's address and user are in the log only.
	_, port, _ := net.SplitHostPort(proxy.addr)
	for _, secretDetail := range []string{port, u.User.Username(), u.Path} {
		if secretDetail != "" && strings.Contains(waiting, secretDetail) {
			t.Errorf("the public page names %q: %s", secretDetail, waiting)
		}
	}
	if !strings.Contains(w.log.String(), port) {
		t.Error("the log does not say which database could not be reached")
	}
	if code := w.deliver("pull_request", "d-early", gh.PullRequestEvent("opened", repo, 1)); code == http.StatusAccepted {
		t.Fatal("a delivery was acknowledged with no database")
	}
	proxy.up(t)
	waitFor(t, 60*time.Second, "ward ready once the database is up", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	acked := map[int]bool{}
	if w.deliver("pull_request", "d-1", gh.PullRequestEvent("opened", repo, 1)) == http.StatusAccepted {
		acked[1] = true
	}
	waitConclusion(t, gh, repo, shas[1], 1)

	proxy.down()
	for n := 2; n <= 3; n++ {
		if w.deliver("pull_request", fmt.Sprintf("d-%d", n), gh.PullRequestEvent("opened", repo, n)) == http.StatusAccepted {
			acked[n] = true
		}
	}
	proxy.up(t)
	// The pool drops its broken connections on first use: a delivery may be
	// refused once more, and GitHub's redelivery (here: a retry) gets through.
	for i := 0; i < 40 && !acked[4]; i++ {
		if w.deliver("pull_request", "d-4", gh.PullRequestEvent("opened", repo, 4)) == http.StatusAccepted {
			acked[4] = true
		} else {
			time.Sleep(250 * time.Millisecond)
		}
	}
	for n := range acked {
		waitConclusion(t, gh, repo, shas[n], 1)
	}
	if !acked[4] {
		t.Error("after the database came back, a delivery was still refused")
	}
	t.Logf("acknowledged during the outage: PR 2 %v, PR 3 %v (refused ones are GitHub's to redeliver)", acked[2], acked[3])
}

// TestSQLiteDiskFull fills the file system under ward's SQLite database:
// deliveries are refused, not lost; ward keeps running and recovers.
func TestSQLiteDiskFull(t *testing.T) {
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small file system here (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	gh, r := setupRepo(t)
	w := startWard(t, gh, filepath.Join(dir, "ward.db"))
	shas := map[int]string{}
	for n := 1; n <= 3; n++ {
		shas[n] = r.commit(fmt.Sprintf("d%d", n), "c", map[string]string{fmt.Sprintf("f%d.txt", n): "hello\n"})
		gh.OpenPR(repo, n, "main", fmt.Sprintf("d%d", n))
	}
	filler := filepath.Join(dir, "filler")
	f, _ := os.Create(filler)
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	// Readiness says deliveries cannot be stored, so a load balancer sends
	// them to a replica that can.
	waitFor(t, 10*time.Second, "readyz 503 with a full disk", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(body), "cannot store deliveries")
	})
	refused := 0
	for n := 1; n <= 2; n++ {
		if code := w.deliver("pull_request", fmt.Sprintf("full-%d", n), gh.PullRequestEvent("opened", repo, n)); code != http.StatusAccepted {
			refused++
		} else {
			waitConclusion(t, gh, repo, shas[n], 1)
		}
	}
	if resp, err := http.Get(w.url + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("ward is not alive with a full disk: %v", err)
	}
	os.Remove(filler)
	waitFor(t, 10*time.Second, "readyz 200 once space is free", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	if code := w.deliver("pull_request", "after", gh.PullRequestEvent("opened", repo, 3)); code != http.StatusAccepted {
		t.Fatalf("after freeing space: HTTP %d", code)
	}
	waitConclusion(t, gh, repo, shas[3], 1)
	t.Logf("%d of 2 deliveries refused while the disk was full", refused)
}

// setupRepo is setup without starting ward, for tests that start it themselves.
func setupRepo(t *testing.T) (*fakegithub.Server, *gitRepo) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# x\n"})
	gh.AddRepo(repo, r.dir)
	return gh, r
}

// TestBadPrivateKeyIsNamed: a key that is not a key is reported as one, on
// /readyz and in the log, not as a database that never comes up.
func TestBadPrivateKeyIsNamed(t *testing.T) {
	w := &ward{t: t, addr: freeAddr(t)}
	w.url = "http://" + w.addr
	w.env = append(filterEnv(os.Environ(), "WARD_"), "WARD_APP_ID=1", "WARD_PRIVATE_KEY=-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n",
		"WARD_WEBHOOK_SECRET=x", "WARD_ADDR="+w.addr, "WARD_ENV_FILE=/nonexistent",
		"WARD_DATABASE_URL=sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	w.log = &strings.Builder{}
	w.cmd = exec.Command(wardBin, "serve")
	w.cmd.Env = w.env
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.stop)
	var body string
	waitFor(t, 20*time.Second, "readyz naming the key", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = string(b)
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	if !strings.Contains(body, "bad private key") || strings.Contains(body, "database") {
		t.Errorf("readyz: %s", body)
	}
	time.Sleep(1500 * time.Millisecond)
	if log := w.log.String(); !strings.Contains(log, "bad private key") || strings.Contains(log, "database unavailable") {
		t.Errorf("log does not name the key:\n%s", log)
	}
}
