package deps

import (
	"fmt"
	"strings"
	"testing"
)

// TestIndexConfigFiles: package-manager configuration files are judged as
// the index options of manifests are. A nil base is ward scan (or a new
// file); otherwise the PR's base version.
func TestIndexConfigFiles(t *testing.T) {
	tests := []struct {
		name, path string
		base       *string
		head       string
		want       []string
	}{
		{
			name: ".npmrc: the public registry spelt out is not a switch",
			path: ".npmrc", head: "registry=https://registry.npmjs.org/\n",
		},
		{
			name: ".npmrc: PR moving every package to a private registry",
			path: ".npmrc", base: ptr("registry=https://registry.npmjs.org/\n"),
			head: "registry=https://npm.internal.example/\n",
			want: []string{"1 deps-dependency-confusion high npm-registry https://npm.internal.example/"},
		},
		{
			name: ".yarnrc.yml: the default registry (either host) is quiet",
			path: ".yarnrc.yml", base: ptr("npmRegistryServer: \"https://npm.internal.example\"\n"),
			head: "npmRegistryServer: \"https://registry.npmjs.org\"\n",
		},
		{
			name: ".yarnrc.yml: a PR adding a private https registry for one scope is quiet",
			path: ".yarnrc.yml", base: ptr("nodeLinker: node-modules\n"),
			head: "nodeLinker: node-modules\nnpmScopes:\n  \"@ourorg\":\n    npmRegistryServer: https://npm.internal.example\n",
		},
		{
			name: ".yarnrc.yml: a scope moved to plain HTTP",
			path: ".yarnrc.yml",
			base: ptr("npmScopes:\n  ourorg:\n    npmRegistryServer: https://npm.internal.example\n"),
			head: "npmScopes:\n  ourorg:\n    npmRegistryServer: http://npm.internal.example\n",
			want: []string{"3 deps-insecure-index medium yarn-scope-registry http://npm.internal.example"},
		},
		{
			name: ".yarnrc.yml: the registry through an anchor, reported on the line that uses it",
			path: ".yarnrc.yml",
			head: "x-registry: &reg https://npm.internal.example\nnpmRegistryServer: *reg\n",
			want: []string{"2 deps-dependency-confusion high yarn-registry https://npm.internal.example"},
		},
		{
			name: ".yarnrc.yml: enableStrictSsl true is quiet",
			path: ".yarnrc.yml", head: "enableStrictSsl: true\nunsafeHttpWhitelist: []\n",
		},
		{
			name: "pip.conf: a PR moving back to PyPI is quiet",
			path: "pip.conf", base: ptr("[global]\nindex-url = https://pkgs.internal.example/simple\n"),
			head: "[global]\nindex-url = https://pypi.org/simple\n",
		},
		{
			name: "pip.ini: key spelt with _ and ':' as pip accepts it",
			path: "pip.ini", base: ptr("[global]\ntimeout = 60\n"),
			head: "[global]\ntimeout = 60\nINDEX_URL: https://pkgs.internal.example/simple\n",
			want: []string{"3 deps-dependency-confusion high index-url https://pkgs.internal.example/simple"},
		},
		{
			name: "pip.conf: comments and sections pip does not install from are quiet",
			path: "pip.conf",
			head: "[global]\n# extra-index-url = https://a.example/simple\n; trusted-host = a.example\n" +
				"[freeze]\nextra-index-url = https://b.example/simple\n[install]\nfind-links = file:///srv/wheels\n",
		},
		{
			name: "pip.conf: an index token is masked in the evidence",
			path: "pip.conf",
			head: "[install]\nextra-index-url = https://ci:s3cr3t-t0ken@pkgs.internal.example/simple\n",
			want: []string{"2 deps-dependency-confusion high extra-index-url https://ci:***@pkgs.internal.example/simple"},
		},
		{
			name: "pip.conf: several extra indexes on one line, each reported",
			path: "pip.conf",
			head: "[global]\nextra-index-url = https://a.example/simple https://b.example/simple\n",
			want: []string{
				"2 deps-dependency-confusion high extra-index-url https://a.example/simple",
				"2 deps-dependency-confusion high extra-index-url https://b.example/simple",
			},
		},
		{
			name: "uv.toml: PyPI as the default index is quiet",
			path: "uv.toml", base: ptr(""),
			head: "[[index]]\nname = \"pypi\"\nurl = \"https://pypi.org/simple\"\ndefault = true\n",
		},
		{
			name: "uv.toml: an explicit private index is quiet",
			path: "uv.toml", base: ptr(""),
			head: "[[index]]\nname = \"internal\"\nurl = \"https://pkgs.internal.example/simple\"\nexplicit = true\n",
		},
		{
			name: "uv.toml: a private default index as a change",
			path: "uv.toml", base: ptr(""),
			head: "[[index]]\nname = \"internal\"\nurl = \"https://pkgs.internal.example/simple\"\ndefault = true\n",
			want: []string{"3 deps-dependency-confusion high uv-index https://pkgs.internal.example/simple"},
		},
		{
			name: "pyproject.toml [tool.uv]: index-url switched, extra-index-url added, [tool.uv.pip] read",
			path: "pyproject.toml",
			base: ptr("[project]\nname = \"x\"\n\n[tool.uv]\nindex-url = \"https://pypi.org/simple\"\n"),
			head: "[project]\nname = \"x\"\n\n[tool.uv]\nindex-url = \"https://pkgs.internal.example/simple\"\n" +
				"extra-index-url = [\"https://extra.example/simple\"]\n\n[tool.uv.pip]\nallow-insecure-host = [\"extra.example\"]\n",
			want: []string{
				"5 deps-dependency-confusion high index-url https://pkgs.internal.example/simple",
				"6 deps-dependency-confusion high extra-index-url https://extra.example/simple",
				"9 deps-insecure-index medium allow-insecure-host extra.example",
			},
		},
		{
			name: "malformed .yarnrc.yml is not analysed",
			path: ".yarnrc.yml", head: "npmScopes: [\n",
			want: []string{"0 deps-not-analysed medium parse error"},
		},
		{
			name: "uv.toml over the configuration size limit is not analysed",
			path: "uv.toml", head: "# " + strings.Repeat("x", maxConfigBytes) + "\n",
			want: []string{"0 deps-not-analysed medium parse error"},
		},
	}
	c := New("", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var base []byte
			if tt.base != nil {
				base = []byte(*tt.base)
			}
			got := scan(t, c, file(tt.path, []byte(tt.head), base), RuleOSVFloorOnly)
			diffLines(t, tt.name, got, tt.want)
		})
	}
}

func ptr(s string) *string { return &s }

func TestReadINI(t *testing.T) {
	src := strings.Join([]string{
		"; pip.conf",                        // 1
		"[global]",                          // 2
		"Index_URL = https://a.example/s",   // 3
		"extra-index-url =",                 // 4
		"    https://b.example/s",           // 5
		"",                                  // 6: a blank line keeps the value open
		"\thttps://c.example/s  https://d/", // 7
		"# comment",                         // 8
		"--trusted-host: b.example",         // 9
		"not a setting",                     // 10
		"  orphan continuation",             // 11
		"[install] ; trailing",              // 12
		"no-cache-dir=",                     // 13
	}, "\r\n")
	entries, err := readINI(src)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		var vs []string
		for _, v := range e.values {
			vs = append(vs, fmt.Sprintf("%d:%s", v.line, v.text))
		}
		got = append(got, e.section+"."+e.key+"="+strings.Join(vs, ","))
	}
	want := []string{
		"global.index-url=3:https://a.example/s",
		"global.extra-index-url=5:https://b.example/s,7:https://c.example/s,7:https://d/",
		"global.trusted-host=9:b.example",
		"install.no-cache-dir=",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("readINI:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := readINI(strings.Repeat("\n", maxLogicalLines+1)); err == nil {
		t.Error("readINI accepted more lines than maxLogicalLines")
	}
}
