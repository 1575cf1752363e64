package deps

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// osvFixtureDir returns an OSV export directory with PyPI and Go unpacked
// (testdata/osv) and npm packed as all.zip, built from testdata/osv-zip-src.
func osvFixtureDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, eco := range []string{"PyPI", "Go"} {
		if err := os.MkdirAll(filepath.Join(dir, eco), 0o755); err != nil {
			t.Fatal(err)
		}
		ents, err := os.ReadDir(filepath.Join("testdata", "osv", eco))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			b := readTestdata(t, filepath.Join("osv", eco, e.Name()))
			if err := os.WriteFile(filepath.Join(dir, eco, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "npm"), 0o755); err != nil {
		t.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(dir, "npm", "all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	ents, err := os.ReadDir(filepath.Join("testdata", "osv-zip-src", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		w, err := zw.Create(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(readTestdata(t, filepath.Join("osv-zip-src", "npm", e.Name()))); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zf.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOSVExportDirectory(t *testing.T) {
	c := New(osvFixtureDir(t), "")
	tests := []struct {
		name, path, content string
		want                []string
	}{
		{
			name: "PyPI unpacked: MAL all versions, ML vuln high, other vuln medium, withdrawn ignored, fixed version quiet",
			path: "requirements.txt",
			content: "evil-ml-helper==0.0.1\n" +
				"torch==2.5.1\n" +
				"requests==2.31.0\n" +
				"numpy==1.26.4\n" +
				"transformers==4.36.0\n",
			want: []string{
				"1 deps-malicious-package critical evil-ml-helper@0.0.1",
				"2 deps-vulnerable-version high torch@2.5.1",
				"3 deps-vulnerable-version medium requests@2.31.0",
			},
		},
		{
			name:    "PyPI fixed versions are not reported",
			path:    "requirements.txt",
			content: "torch==2.6.0\nrequests==2.32.0\nrequests-toolbelt==1.0.0\n",
		},
		{
			name:    "malicious for every version matches an unpinned name too",
			path:    "requirements.txt",
			content: "evil-ml-helper>=0.1,<2\n",
			want:    []string{"1 deps-malicious-package critical evil-ml-helper@any version"},
		},
		{
			name:    "npm from all.zip: listed MAL version, semver range vuln",
			path:    "package.json",
			content: "{\n  \"dependencies\": {\n    \"left-padd\": \"1.0.1\",\n    \"express\": \"4.19.2\"\n  }\n}\n",
			want: []string{
				"3 deps-malicious-package critical left-padd@1.0.1",
				"4 deps-vulnerable-version medium express@4.19.2",
			},
		},
		{
			name:    "npm MAL listing other versions leaves an unlisted one alone",
			path:    "package.json",
			content: "{\n  \"dependencies\": {\n    \"left-padd\": \"2.0.0\",\n    \"express\": \"4.20.0\"\n  }\n}\n",
		},
		{
			name:    "Go SEMVER range with v-prefixed module versions",
			path:    "go.mod",
			content: "module m\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.7\n",
			want:    []string{"5 deps-vulnerable-version medium golang.org/x/text@0.3.7"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scan(t, c, file(tt.path, []byte(tt.content), nil),
				RuleLoosePin, RuleTyposquat, RuleUnknownPackage)
			diffLines(t, tt.name, got, tt.want)
		})
	}
	if s := c.Status(); !strings.Contains(s, "OSV export") {
		t.Errorf("Status() = %q, want it to name the OSV export", s)
	}
}

func TestOSVDirectoryErrorsAreFindings(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "PyPI"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "PyPI", "broken.json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(dir, "")
	got := scan(t, c, file("requirements.txt", []byte("torchtriton==1.0\n"), nil), RuleLoosePin)
	// The broken record is reported and the embedded floor still applies.
	if len(got) != 2 || !strings.HasPrefix(got[0], "0 deps-osv-unavailable medium ") ||
		!strings.Contains(got[0], "broken.json") || got[1] != "1 deps-malicious-package critical torchtriton@1.0" {
		t.Errorf("got %q", got)
	}
}

// osvFake configures fakeOSV.
type osvFake struct {
	status int // HTTP status of every answer; 0 is 200
	// pageSize, when positive, splits each query's answers into pages of
	// that many IDs, linked by next_page_token as OSV does.
	pageSize int
	// endless answers every query with no IDs and a fresh next_page_token.
	endless bool
	// onCall, when set, runs before each request is answered.
	onCall func(call int32)
}

// osvStats counts what the fake served.
type osvStats struct {
	calls   atomic.Int32 // requests
	queries atomic.Int32 // queries over all requests
}

// fakeOSV serves querybatch from hand-written answers, like OSV's API. It
// pages as configured, and rejects (400) a page_token it did not issue or
// one sent with a different query than the one it was issued for.
func fakeOSV(t *testing.T, cfg osvFake) (*httptest.Server, *osvStats) {
	t.Helper()
	var doc struct {
		Answers map[string][]string `json:"answers"`
	}
	if err := json.Unmarshal(readTestdata(t, "osvapi/answers.json"), &doc); err != nil {
		t.Fatal(err)
	}
	type page struct {
		key    string
		offset int
	}
	var (
		stats  osvStats
		mu     sync.Mutex
		issued = map[string]page{}
	)
	issue := func(p page) string {
		mu.Lock()
		defer mu.Unlock()
		tok := fmt.Sprintf("tok-%d", len(issued)+1)
		issued[tok] = p
		return tok
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := stats.calls.Add(1)
		if cfg.onCall != nil {
			cfg.onCall(n)
		}
		if r.Method != http.MethodPost || r.URL.Path != "/v1/querybatch" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if cfg.status != 0 && cfg.status != http.StatusOK {
			http.Error(w, "unavailable", cfg.status)
			return
		}
		var req struct {
			Queries []osvQuery `json:"queries"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		stats.queries.Add(int32(len(req.Queries)))
		if len(req.Queries) > maxOSVBatch {
			http.Error(w, "too many queries", http.StatusBadRequest)
			return
		}
		type vuln struct {
			ID string `json:"id"`
		}
		type result struct {
			Vulns         []vuln `json:"vulns,omitempty"`
			NextPageToken string `json:"next_page_token,omitempty"`
		}
		var res struct {
			Results []result `json:"results"`
		}
		for _, q := range req.Queries {
			key := q.Package.Ecosystem + "/" + q.Package.Name + "@" + q.Version
			offset := 0
			if q.PageToken != "" {
				mu.Lock()
				p, ok := issued[q.PageToken]
				mu.Unlock()
				if !ok || p.key != key {
					http.Error(w, "invalid page_token "+q.PageToken+" for "+key, http.StatusBadRequest)
					return
				}
				offset = p.offset
			}
			var r result
			if cfg.endless {
				r.NextPageToken = issue(page{key, offset + 1})
				res.Results = append(res.Results, r)
				continue
			}
			all := doc.Answers[key]
			end := len(all)
			if cfg.pageSize > 0 {
				end = min(offset+cfg.pageSize, len(all))
			}
			for _, id := range all[min(offset, len(all)):end] {
				r.Vulns = append(r.Vulns, vuln{id})
			}
			if end < len(all) {
				r.NextPageToken = issue(page{key, end})
			}
			res.Results = append(res.Results, r)
		}
		_ = json.NewEncoder(w).Encode(res)
	}))
	t.Cleanup(srv.Close)
	return srv, &stats
}

func TestOSVAPI(t *testing.T) {
	srv, stats := fakeOSV(t, osvFake{})
	c := New("", srv.URL)
	content := "torch==2.5.1\nevil-ml-helper\nrequests\nnumpy==1.26.4\n"
	got := scan(t, c, file("requirements.txt", []byte(content), nil), RuleLoosePin, RuleUnknownPackage)
	want := []string{
		"1 deps-vulnerable-version high torch@2.5.1",
		"2 deps-malicious-package critical evil-ml-helper@any version",
		// requests has a vulnerability but no pinned version: not reported.
	}
	diffLines(t, "api", got, want)
	if n := stats.calls.Load(); n != 1 {
		t.Errorf("querybatch called %d times, want 1 batch", n)
	}
	if s := c.Status(); !strings.Contains(s, "OSV API") {
		t.Errorf("Status() = %q", s)
	}
}

func TestOSVAPIFailureIsAFinding(t *testing.T) {
	srv, _ := fakeOSV(t, osvFake{status: http.StatusServiceUnavailable})
	c := New("", srv.URL)
	got := scan(t, c, file("requirements.txt", []byte("torch==2.5.1\n"), nil))
	want := []string{"0 deps-osv-unavailable medium OSV querybatch: HTTP 503"}
	diffLines(t, "api down", got, want)
}

// TestOSVAPIPagination: results past the first page are read by re-issuing
// only the queries that returned a next_page_token, with page_token set.
func TestOSVAPIPagination(t *testing.T) {
	srv, stats := fakeOSV(t, osvFake{pageSize: 1})
	c := New("", srv.URL)
	content := "torch==2.5.1\npaged-helper\nrequests\nnumpy==1.26.4\nexpress==4.19.2\n"
	res, err := c.Scan(context.Background(), file("requirements.txt", []byte(content), nil))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	msgs := map[string]string{}
	for _, f := range res.Findings {
		switch f.RuleID {
		case RuleLoosePin, RuleUnknownPackage, RuleTyposquat:
			continue
		}
		got = append(got, fmt.Sprintf("%d %s %s %s", f.StartLine, f.RuleID, f.Severity, f.Evidence))
		msgs[f.Evidence] = f.Message
	}
	sort.Strings(got)
	diffLines(t, "paged", got, []string{
		"1 deps-vulnerable-version high torch@2.5.1",
		// Its only MAL- record is on the second page.
		"2 deps-malicious-package critical paged-helper@any version",
		// Three pages of IDs, all of them reported.
		"5 deps-vulnerable-version medium express@4.19.2",
	})
	for ev, ids := range map[string][]string{
		"torch@2.5.1":    {"GHSA-53q9-r3pm-6pq6", "PYSEC-2025-41"},
		"express@4.19.2": {"PYSEC-2099-11", "PYSEC-2099-12", "PYSEC-2099-13"},
	} {
		for _, id := range ids {
			if !strings.Contains(msgs[ev], id) {
				t.Errorf("%s: message %q does not name %s", ev, msgs[ev], id)
			}
		}
	}
	// Page 1: all five queries; page 2: torch, paged-helper and express
	// (requests' one ID fit on its first page, numpy has none); page 3:
	// express alone.
	if n, q := stats.calls.Load(), stats.queries.Load(); n != 3 || q != 9 {
		t.Errorf("querybatch: %d calls with %d queries, want 3 calls with 9 queries", n, q)
	}
}

// TestOSVAPIPageTokenLoopIsBounded: a server that always hands out another
// page stops being asked after maxOSVPages, and the gap is a finding.
func TestOSVAPIPageTokenLoopIsBounded(t *testing.T) {
	srv, stats := fakeOSV(t, osvFake{endless: true})
	c := New("", srv.URL)
	got := scan(t, c, file("requirements.txt", []byte("torch==2.5.1\nnumpy==1.26.4\n"), nil))
	want := fmt.Sprintf("0 deps-osv-unavailable medium OSV querybatch: 2 of 2 queries (torch, numpy) still had more "+
		"results after %d pages; the rest were not read", maxOSVPages)
	diffLines(t, "endless", got, []string{want})
	if n := stats.calls.Load(); n != maxOSVPages {
		t.Errorf("querybatch called %d times, want %d", n, maxOSVPages)
	}
}

// TestOSVAPIPagingHonoursContext: a cancelled review stops asking for pages.
func TestOSVAPIPagingHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, stats := fakeOSV(t, osvFake{endless: true, onCall: func(n int32) {
		if n == 2 {
			cancel()
		}
	}})
	c := New("", srv.URL)
	res, err := c.Scan(ctx, file("requirements.txt", []byte("torch==2.5.1\n"), nil))
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("Scan: %v", err)
	}
	if n := stats.calls.Load(); n > 2 {
		t.Errorf("querybatch called %d times after the context was cancelled at the 2nd", n)
	}
	unavailable := false
	for _, f := range res.Findings {
		unavailable = unavailable || f.RuleID == RuleOSVUnavailable && strings.Contains(f.Evidence, "context canceled")
	}
	if !unavailable {
		t.Errorf("findings %+v: want deps-osv-unavailable naming the cancelled context", res.Findings)
	}
}

func TestFloorOnlyStatus(t *testing.T) {
	c := New("", "")
	if s := c.Status(); !strings.Contains(s, "embedded list only") {
		t.Errorf("Status() = %q", s)
	}
	got := scan(t, c, file("requirements.txt", []byte("numpy==1.26.4\n"), nil))
	diffLines(t, "floor only", got, []string{"0 deps-osv-floor-only info embedded floor only"})
	c.SetOSV(t.TempDir(), "")
	got = scan(t, c, file("requirements.txt", []byte("numpy==1.26.4\n"), nil))
	diffLines(t, "with OSV dir", got, nil)
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0.0", 0},
		{"v1.2.3", "1.2.3", 0},
		{"1.10", "1.9", 1},
		{"2.0.0rc1", "2.0.0", -1},
		{"2.0.0a1", "2.0.0b1", -1},
		{"2.0.0.dev1", "2.0.0a1", -1},
		{"2.0.0.post1", "2.0.0", 1},
		{"1.0.0-beta.2", "1.0.0", -1},
		{"1!0.1", "2.0", 1},
		{"0.3.7", "0.3.8", -1},
		{"1.0.0+local", "1.0.0", 0},
	}
	for _, tt := range tests {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestOSVOnlyNewOrChangedInPR: in a pull request, a version bump into a
// vulnerable release is reported; an untouched vulnerable pin is not (the
// PR did not introduce it), while ward scan reports both.
func TestOSVOnlyNewOrChangedInPR(t *testing.T) {
	c := New(osvFixtureDir(t), "")
	base := []byte("torch==2.6.0\nrequests==2.31.0\n")
	head := []byte("torch==2.5.1\nrequests==2.31.0\n")
	got := scan(t, c, file("requirements.txt", head, base))
	diffLines(t, "PR", got, []string{"1 deps-vulnerable-version high torch@2.5.1"})
	got = scan(t, c, file("requirements.txt", head, nil))
	diffLines(t, "scan", got, []string{
		"1 deps-vulnerable-version high torch@2.5.1",
		"2 deps-vulnerable-version medium requests@2.31.0",
	})
}

func TestMissingOSVDirectoryIsReported(t *testing.T) {
	c := New(filepath.Join(t.TempDir(), "nope"), "")
	got := scan(t, c, file("requirements.txt", []byte("numpy==1.26.4\n"), nil))
	if len(got) != 1 || !strings.HasPrefix(got[0], "0 deps-osv-unavailable medium OSV export directory") {
		t.Errorf("got %q", got)
	}
}
