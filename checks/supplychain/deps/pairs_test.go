package deps

import "testing"

// pairWants holds the exact findings for each fixture pair, by mode: "PR"
// compares head with base, "scan" has no base (ward scan, or a new file).
// Lines are "LINE RULE SEVERITY EVIDENCE", sorted.
var pairWants = map[string]map[string][]string{
	"uvlock": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"16 deps-nonregistry-resolved medium internal-lib https://pkgs.internal.example/simple",
			"32 deps-malicious-package critical ultralytics@8.3.41",
			"37 deps-nonregistry-resolved medium forked https://github.com/someone/forked?rev=main#0123456789abcdef0123456789abcdef01234567",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"16 deps-nonregistry-resolved medium internal-lib https://pkgs.internal.example/simple",
			"32 deps-malicious-package critical ultralytics@8.3.41",
			"37 deps-nonregistry-resolved medium forked https://github.com/someone/forked?rev=main#0123456789abcdef0123456789abcdef01234567",
		},
	},
	"poetrylock": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"14 deps-nonregistry-resolved medium private-lib https://pkgs.internal.example/simple",
			"27 deps-malicious-package critical gptplus@0.1.0",
			"35 deps-nonregistry-resolved medium mylib https://github.com/someone/mylib.git",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"14 deps-nonregistry-resolved medium private-lib https://pkgs.internal.example/simple",
			"27 deps-malicious-package critical gptplus@0.1.0",
			"35 deps-nonregistry-resolved medium mylib https://github.com/someone/mylib.git",
		},
	},
	"requirements": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"1 deps-dependency-confusion high extra-index-url https://pkgs.internal.example/simple",
			"12 deps-new-dependency info ourpkg",
			"13 deps-loose-pin low pandas",
			"13 deps-new-dependency info pandas",
			"14 deps-insecure-index medium trusted-host pkgs.internal.example",
			"4 deps-new-dependency info reqeusts",
			"4 deps-typosquat high reqeusts ~ requests",
			"5 deps-malicious-package critical torchtriton@3.0.0",
			"5 deps-new-dependency info torchtriton",
			"6 deps-new-dependency info transformers",
			"8 deps-direct-source medium mylib git+https://github.com/someone/mylib@main",
			"8 deps-new-dependency info mylib",
			"9 deps-loose-pin low langchain-utils-pro",
			"9 deps-new-dependency info langchain-utils-pro",
			"9 deps-unknown-package low langchain-utils-pro",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"1 deps-dependency-confusion high extra-index-url https://pkgs.internal.example/simple",
			"13 deps-loose-pin low pandas",
			"14 deps-insecure-index medium trusted-host pkgs.internal.example",
			"4 deps-typosquat high reqeusts ~ requests",
			"5 deps-malicious-package critical torchtriton@3.0.0",
			"8 deps-direct-source medium mylib git+https://github.com/someone/mylib@main",
			"9 deps-loose-pin low langchain-utils-pro",
			"9 deps-unknown-package low langchain-utils-pro",
		},
	},
	"pep621-uv": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-new-dependency info rich",
			"13 deps-new-dependency info pytset",
			"13 deps-typosquat high pytset ~ pytest",
			"16 deps-dependency-confusion high uv-index-strategy unsafe-best-match",
			"25 deps-dependency-confusion high uv-index https://pkgs.internal.example/simple",
			"29 deps-direct-source medium ourlib https://github.com/ourorg/ourlib",
			"29 deps-new-dependency info ourlib",
			"6 deps-new-dependency info tranformers",
			"6 deps-typosquat high tranformers ~ transformers",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"13 deps-typosquat high pytset ~ pytest",
			"16 deps-dependency-confusion high uv-index-strategy unsafe-best-match",
			"25 deps-dependency-confusion high uv-index https://pkgs.internal.example/simple",
			"29 deps-direct-source medium ourlib https://github.com/ourorg/ourlib",
			"6 deps-typosquat high tranformers ~ transformers",
		},
	},
	"poetry": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-direct-source medium fork https://github.com/x/fork.git",
			"10 deps-new-dependency info fork",
			"13 deps-new-dependency info pytest",
			"22 deps-dependency-confusion high poetry-source https://pkgs.internal.example/simple",
			"8 deps-new-dependency info numpyy",
			"8 deps-typosquat high numpyy ~ numpy",
			"9 deps-new-dependency info private-lib",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-direct-source medium fork https://github.com/x/fork.git",
			"22 deps-dependency-confusion high poetry-source https://pkgs.internal.example/simple",
			"8 deps-typosquat high numpyy ~ numpy",
		},
	},
	"pdm": {
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"15 deps-unknown-package low openai-helper",
			"7 deps-dependency-confusion high pdm-source https://pkgs.internal.example/simple",
		},
	},
	"pipfile": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"16 deps-new-dependency info djanga",
			"16 deps-typosquat high djanga ~ django",
			"17 deps-direct-source medium mylocal ../../outside",
			"17 deps-new-dependency info mylocal",
			"18 deps-new-dependency info inrepo",
			"8 deps-dependency-confusion high pipfile-source http://pkgs.internal.example/simple",
			"8 deps-insecure-index medium pipfile-source http://pkgs.internal.example/simple",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"16 deps-typosquat high djanga ~ django",
			"17 deps-direct-source medium mylocal ../../outside",
			"8 deps-dependency-confusion high pipfile-source http://pkgs.internal.example/simple",
			"8 deps-insecure-index medium pipfile-source http://pkgs.internal.example/simple",
		},
	},
	"setupcfg": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"11 deps-new-dependency info torch",
			"7 deps-new-dependency info urlib3",
			"7 deps-typosquat high urlib3 ~ urllib3",
			"8 deps-direct-source medium evil https://example.com/evil-1.0.tar.gz",
			"8 deps-new-dependency info evil",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"7 deps-typosquat high urlib3 ~ urllib3",
			"8 deps-direct-source medium evil https://example.com/evil-1.0.tar.gz",
		},
	},
	"conda": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-loose-pin low torchtriton",
			"10 deps-malicious-package critical torchtriton@any version",
			"10 deps-new-dependency info torchtriton",
			"11 deps-new-dependency info requests",
			"6 deps-new-dependency info numpy",
			"9 deps-dependency-confusion high extra-index-url https://pkgs.internal.example/simple",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-loose-pin low torchtriton",
			"10 deps-malicious-package critical torchtriton@any version",
			"9 deps-dependency-confusion high extra-index-url https://pkgs.internal.example/simple",
		},
	},
	"packagejson": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-new-dependency info expresss",
			"10 deps-typosquat high expresss ~ express",
			"11 deps-malicious-package critical nx@21.5.0",
			"11 deps-new-dependency info nx",
			"12 deps-direct-source medium mylib github:someone/mylib#main",
			"12 deps-new-dependency info mylib",
			"13 deps-new-dependency info local",
			"14 deps-new-dependency info lodash",
			"17 deps-new-dependency info types-node",
			"17 deps-typosquat high types-node ~ @types/node",
			"18 deps-new-dependency info @typse/node",
			"18 deps-typosquat high @typse/node ~ @types/node",
			"6 deps-install-script medium postinstall: node scripts/setup.js",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"10 deps-typosquat high expresss ~ express",
			"11 deps-malicious-package critical nx@21.5.0",
			"12 deps-direct-source medium mylib github:someone/mylib#main",
			"17 deps-typosquat high types-node ~ @types/node",
			"18 deps-typosquat high @typse/node ~ @types/node",
			"6 deps-install-script medium postinstall: node scripts/setup.js",
		},
	},
	"packagelock": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"24 deps-install-script medium esbuild@0.24.0",
			"30 deps-malicious-package critical nx@21.6.0",
			"35 deps-nonregistry-resolved medium evil-pkg https://evil.example.com/evil-pkg-1.0.0.tgz",
			"40 deps-nonregistry-resolved medium mygit git+ssh://git@github.com/x/mygit.git#0123456789abcdef0123456789abcdef01234567",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"30 deps-malicious-package critical nx@21.6.0",
			"35 deps-nonregistry-resolved medium evil-pkg https://evil.example.com/evil-pkg-1.0.0.tgz",
			"40 deps-nonregistry-resolved medium mygit git+ssh://git@github.com/x/mygit.git#0123456789abcdef0123456789abcdef01234567",
		},
	},
	"yarnv1": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"18 deps-nonregistry-resolved medium lodash http://registry.example.org/lodash/-/lodash-4.17.21.tgz#2222222222222222222222222222222222222222",
			"22 deps-malicious-package critical nx@21.7.0",
			"26 deps-nonregistry-resolved medium evil https://evil.example.com/evil-1.0.0.tgz",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"18 deps-nonregistry-resolved medium lodash http://registry.example.org/lodash/-/lodash-4.17.21.tgz#2222222222222222222222222222222222222222",
			"22 deps-malicious-package critical nx@21.7.0",
			"26 deps-nonregistry-resolved medium evil https://evil.example.com/evil-1.0.0.tgz",
		},
	},
	"yarnberry": {
		"PR": {
			"15 deps-nonregistry-resolved medium mylib https://evil.example.com/mylib-1.0.0.tgz",
			"21 deps-nonregistry-resolved medium gitdep git+https://github.com/x/gitdep.git#commit=0123456789abcdef0123456789abcdef01234567",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"15 deps-nonregistry-resolved medium mylib https://evil.example.com/mylib-1.0.0.tgz",
			"21 deps-nonregistry-resolved medium gitdep git+https://github.com/x/gitdep.git#commit=0123456789abcdef0123456789abcdef01234567",
		},
	},
	"pnpm": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"17 deps-nonregistry-resolved medium evil https://evil.example.com/evil-1.0.0.tgz",
			"20 deps-nonregistry-resolved medium gitdep https://github.com/x/gitdep.git",
			"23 deps-install-script medium nx@20.9.0",
			"23 deps-malicious-package critical nx@20.9.0",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"17 deps-nonregistry-resolved medium evil https://evil.example.com/evil-1.0.0.tgz",
			"20 deps-nonregistry-resolved medium gitdep https://github.com/x/gitdep.git",
			"23 deps-malicious-package critical nx@20.9.0",
		},
	},
	"gomod": {
		"PR": {
			"0 deps-osv-floor-only info embedded floor only",
			"11 deps-go-replace medium github.com/pkg/errors => github.com/someone/errors v0.9.2",
			"15 deps-go-replace medium example.com/other => ../../other",
			"7 deps-new-dependency info golang.org/x/text",
		},
		"scan": {
			"0 deps-osv-floor-only info embedded floor only",
			"11 deps-go-replace medium github.com/pkg/errors => github.com/someone/errors v0.9.2",
			"15 deps-go-replace medium example.com/other => ../../other",
		},
	},
	"npmrc": {
		"PR": {
			"1 deps-dependency-confusion high npm-registry https://npm.internal.example/",
			"3 deps-insecure-index medium npm-scope-registry http://npm.insecure.example/",
			"4 deps-insecure-index medium strict-ssl false",
		},
		"scan": {
			"1 deps-dependency-confusion high npm-registry https://npm.internal.example/",
			"3 deps-insecure-index medium npm-scope-registry http://npm.insecure.example/",
			"4 deps-insecure-index medium strict-ssl false",
		},
	},
	// A whole-registry switch is reported like registry= in .npmrc; the
	// unchanged https scope is not.
	"yarnrc": {
		"PR": {
			"1 deps-dependency-confusion high yarn-registry https://npm.internal.example/",
			"10 deps-insecure-index medium yarn-unsafe-http npm.insecure.example",
			"11 deps-insecure-index medium yarn-strict-ssl false",
			"8 deps-insecure-index medium yarn-scope-registry http://npm.insecure.example/",
		},
		"scan": {
			"1 deps-dependency-confusion high yarn-registry https://npm.internal.example/",
			"10 deps-insecure-index medium yarn-unsafe-http npm.insecure.example",
			"11 deps-insecure-index medium yarn-strict-ssl false",
			"8 deps-insecure-index medium yarn-scope-registry http://npm.insecure.example/",
		},
	},
	// The switched index-url only as a change; [install] find-links to a
	// local directory and [list] (not an install command) are quiet.
	"pipconf": {
		"PR": {
			"2 deps-dependency-confusion high index-url https://pkgs.internal.example/simple",
			"5 deps-dependency-confusion high extra-index-url https://pypi.org/simple",
			"6 deps-dependency-confusion high extra-index-url http://mirror.internal.example/simple",
			"6 deps-insecure-index medium extra-index-url http://mirror.internal.example/simple",
			"7 deps-insecure-index medium trusted-host mirror.internal.example",
		},
		"scan": {
			"5 deps-dependency-confusion high extra-index-url https://pypi.org/simple",
			"6 deps-dependency-confusion high extra-index-url http://mirror.internal.example/simple",
			"6 deps-insecure-index medium extra-index-url http://mirror.internal.example/simple",
			"7 deps-insecure-index medium trusted-host mirror.internal.example",
		},
	},
	// The explicit index of the base is quiet; [pip] is read too.
	"uvtoml": {
		"PR": {
			"1 deps-dependency-confusion high index-url https://proxy.internal.example/simple",
			"12 deps-dependency-confusion high uv-index http://mirror.internal.example/simple",
			"12 deps-insecure-index medium uv-index http://mirror.internal.example/simple",
			"15 deps-dependency-confusion high extra-index-url https://pip-extra.example/simple",
			"2 deps-dependency-confusion high extra-index-url https://extra.example/simple",
			"3 deps-insecure-index medium allow-insecure-host mirror.internal.example",
		},
		"scan": {
			"12 deps-dependency-confusion high uv-index http://mirror.internal.example/simple",
			"12 deps-insecure-index medium uv-index http://mirror.internal.example/simple",
			"15 deps-dependency-confusion high extra-index-url https://pip-extra.example/simple",
			"2 deps-dependency-confusion high extra-index-url https://extra.example/simple",
			"3 deps-insecure-index medium allow-insecure-host mirror.internal.example",
		},
	},
}

// TestPairs scans a head version of each format against its base (when the
// fixture has one) and in scan mode (no base), with the embedded floor only.
func TestPairs(t *testing.T) {
	tests := []struct{ name, path, head, base string }{
		{"requirements", "requirements.txt", "pairs/requirements/head.txt", "pairs/requirements/base.txt"},
		{"pep621-uv", "pyproject.toml", "pairs/pep621-uv/head.toml", "pairs/pep621-uv/base.toml"},
		{"poetry", "pyproject.toml", "pairs/poetry/head.toml", "pairs/poetry/base.toml"},
		{"pdm", "pyproject.toml", "pairs/pdm/head.toml", ""},
		{"pipfile", "Pipfile", "pairs/pipfile/head", "pairs/pipfile/base"},
		{"setupcfg", "setup.cfg", "pairs/setupcfg/head.cfg", "pairs/setupcfg/base.cfg"},
		{"conda", "environment.yml", "pairs/conda/head.yml", "pairs/conda/base.yml"},
		{"packagejson", "package.json", "pairs/packagejson/head.json", "pairs/packagejson/base.json"},
		{"packagelock", "package-lock.json", "pairs/packagelock/head.json", "pairs/packagelock/base.json"},
		{"yarnv1", "yarn.lock", "pairs/yarnv1/head.lock", "pairs/yarnv1/base.lock"},
		{"yarnberry", "yarn.lock", "pairs/yarnberry/head.lock", "pairs/yarnberry/base.lock"},
		{"pnpm", "pnpm-lock.yaml", "pairs/pnpm/head.yaml", "pairs/pnpm/base.yaml"},
		{"gomod", "go.mod", "pairs/gomod/head.mod", "pairs/gomod/base.mod"},
		{"npmrc", ".npmrc", "pairs/npmrc/head", "pairs/npmrc/base"},
		{"yarnrc", ".yarnrc.yml", "pairs/yarnrc/head.yml", "pairs/yarnrc/base.yml"},
		{"pipconf", "pip.conf", "pairs/pipconf/head.conf", "pairs/pipconf/base.conf"},
		{"uvtoml", "uv.toml", "pairs/uvtoml/head.toml", "pairs/uvtoml/base.toml"},
		{"uvlock", "uv.lock", "pairs/uvlock/head.lock", "pairs/uvlock/base.lock"},
		{"poetrylock", "poetry.lock", "pairs/poetrylock/head.lock", "pairs/poetrylock/base.lock"},
	}
	c := New("", "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := readTestdata(t, tt.head)
			if tt.base != "" {
				got := scan(t, c, file(tt.path, head, readTestdata(t, tt.base)))
				diffLines(t, "PR", got, pairWants[tt.name]["PR"])
			}
			got := scan(t, c, file(tt.path, head, nil))
			diffLines(t, "scan", got, pairWants[tt.name]["scan"])
		})
	}
}

// TestUnchangedManifestIsQuiet: a PR that leaves every dependency alone
// reports nothing but the OSV status, whatever the manifest holds.
func TestUnchangedManifestIsQuiet(t *testing.T) {
	c := New("", "")
	for _, p := range []struct{ path, rel string }{
		{"requirements.txt", "pairs/requirements/head.txt"},
		{"package.json", "pairs/packagejson/head.json"},
		{"pyproject.toml", "pairs/pep621-uv/head.toml"},
		{"go.mod", "pairs/gomod/head.mod"},
		{"yarn.lock", "pairs/yarnv1/head.lock"},
		{".npmrc", "pairs/npmrc/head"},
		{".yarnrc.yml", "pairs/yarnrc/head.yml"},
		{"pip.conf", "pairs/pipconf/head.conf"},
		{"uv.toml", "pairs/uvtoml/head.toml"},
	} {
		b := readTestdata(t, p.rel)
		got := scan(t, c, file(p.path, b, b), RuleOSVFloorOnly)
		if len(got) != 0 {
			t.Errorf("%s unchanged: %q", p.path, got)
		}
	}
}
