package deps

import (
	"context"
	"strings"
	"testing"
)

// Each fuzz target checks that a parser terminates without panicking and
// that the whole check turns any input into findings, never a crash.

func fuzzSeeds(f *testing.F, rels ...string) {
	for _, r := range rels {
		b, err := readFileOK(r)
		if err == nil {
			f.Add(string(b))
		}
	}
}

func FuzzParseRequirements(f *testing.F) {
	fuzzSeeds(f, "pairs/requirements/head.txt", "pairs/requirements/base.txt")
	f.Add("a==1 \\\n  --hash=x\n-e git+https://x#egg=y\n--index-url=http://a\n#c\n\\")
	f.Fuzz(func(t *testing.T, s string) {
		m, _ := ParseRequirements(s)
		for _, d := range m.Deps {
			if d.Line < 1 {
				t.Fatalf("dep %+v without a line", d)
			}
		}
		checkAll(t, "requirements.txt", s)
	})
}

func FuzzParseYarnLock(f *testing.F) {
	fuzzSeeds(f, "pairs/yarnv1/head.lock", "pairs/yarnberry/head.lock")
	f.Add("\"@a/b@^1\", c@2:\n  version \"1\"\n  resolved \"http://x\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseYarnLock(s)
		checkAll(t, "yarn.lock", s)
	})
}

func FuzzParseRequirement(f *testing.F) {
	for _, s := range []string{"a[b]>=1;c", "x @ y ; z", "n(>=1)", "[", "a @", "a;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { _, _ = ParseRequirement(s) })
}

// FuzzParsePipConf drives the hand-written INI reader behind pip.conf: every
// value it returns is one word on a real line.
func FuzzParsePipConf(f *testing.F) {
	fuzzSeeds(f, "pairs/pipconf/head.conf", "pairs/pipconf/base.conf", "pairs/setupcfg/head.cfg")
	f.Add("[global]\nindex_url: http://a\nextra-index-url =\n  https://b\n\n\thttps://c d\n[x\n  y\n=z\n")
	f.Fuzz(func(t *testing.T, s string) {
		entries, err := readINI(s)
		if err != nil {
			return
		}
		lines := strings.Count(s, "\n") + 1
		for _, e := range entries {
			for _, v := range e.values {
				if v.line < 1 || v.line > lines || v.text == "" || strings.ContainsAny(v.text, " \t\r\n") {
					t.Fatalf("entry %q: value %+v", e.key, v)
				}
			}
		}
		m, _ := ParsePipConf(s)
		for _, ix := range m.Indexes {
			if ix.Line < 1 || ix.Line > lines {
				t.Fatalf("index %+v outside the file's %d lines", ix, lines)
			}
		}
		checkAll(t, "pip.conf", s)
	})
}

func FuzzManifests(f *testing.F) {
	fuzzSeeds(f, "pairs/pep621-uv/head.toml", "pairs/packagelock/head.json", "pairs/pnpm/head.yaml",
		"pairs/gomod/head.mod", "pairs/setupcfg/head.cfg", "pairs/uvlock/head.lock",
		"pairs/yarnrc/head.yml", "pairs/uvtoml/head.toml")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []string{"pyproject.toml", "Pipfile", "setup.cfg", "package.json", "package-lock.json",
			"pnpm-lock.yaml", "go.mod", ".npmrc", "environment.yml", "uv.lock", "poetry.lock",
			".yarnrc.yml", "uv.toml", "pip.conf"} {
			checkAll(t, p, s)
		}
	})
}

func checkAll(t *testing.T, path, s string) {
	t.Helper()
	if _, err := New("", "").Scan(context.Background(), file(path, []byte(s), []byte(s[:len(s)/2]))); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
