package deps

import (
	"archive/zip"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
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

// fakeOSV serves querybatch from hand-written answers, like OSV's API.
func fakeOSV(t *testing.T, status int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var doc struct {
		Answers map[string][]string `json:"answers"`
	}
	if err := json.Unmarshal(readTestdata(t, "osvapi/answers.json"), &doc); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/v1/querybatch" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if status != http.StatusOK {
			http.Error(w, "unavailable", status)
			return
		}
		var req struct {
			Queries []osvQuery `json:"queries"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		type vuln struct {
			ID string `json:"id"`
		}
		type result struct {
			Vulns []vuln `json:"vulns,omitempty"`
		}
		var res struct {
			Results []result `json:"results"`
		}
		for _, q := range req.Queries {
			var r result
			for _, id := range doc.Answers[q.Package.Ecosystem+"/"+q.Package.Name+"@"+q.Version] {
				r.Vulns = append(r.Vulns, vuln{id})
			}
			res.Results = append(res.Results, r)
		}
		_ = json.NewEncoder(w).Encode(res)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestOSVAPI(t *testing.T) {
	srv, calls := fakeOSV(t, http.StatusOK)
	c := New("", srv.URL)
	content := "torch==2.5.1\nevil-ml-helper\nrequests\nnumpy==1.26.4\n"
	got := scan(t, c, file("requirements.txt", []byte(content), nil), RuleLoosePin, RuleUnknownPackage)
	want := []string{
		"1 deps-vulnerable-version high torch@2.5.1",
		"2 deps-malicious-package critical evil-ml-helper@any version",
		// requests has a vulnerability but no pinned version: not reported.
	}
	diffLines(t, "api", got, want)
	if calls.Load() != 1 {
		t.Errorf("querybatch called %d times, want 1 batch", calls.Load())
	}
	if s := c.Status(); !strings.Contains(s, "OSV API") {
		t.Errorf("Status() = %q", s)
	}
}

func TestOSVAPIFailureIsAFinding(t *testing.T) {
	srv, _ := fakeOSV(t, http.StatusServiceUnavailable)
	c := New("", srv.URL)
	got := scan(t, c, file("requirements.txt", []byte("torch==2.5.1\n"), nil))
	want := []string{"0 deps-osv-unavailable medium OSV querybatch: HTTP 503"}
	diffLines(t, "api down", got, want)
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
