package deps

import (
	"context"
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

func FuzzManifests(f *testing.F) {
	fuzzSeeds(f, "pairs/pep621-uv/head.toml", "pairs/packagelock/head.json", "pairs/pnpm/head.yaml",
		"pairs/gomod/head.mod", "pairs/setupcfg/head.cfg", "pairs/uvlock/head.lock")
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range []string{"pyproject.toml", "Pipfile", "setup.cfg", "package.json", "package-lock.json",
			"pnpm-lock.yaml", "go.mod", ".npmrc", "environment.yml", "uv.lock", "poetry.lock"} {
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
