package deps

import (
	"fmt"
	"strings"
	"testing"
)

// TestRealLockFiles parses lock files written by npm 11 and pnpm 9
// (testdata/real/generate.sh): every package found, on its line, and no
// finding beyond the OSV status for an ordinary project.
func TestRealLockFiles(t *testing.T) {
	tests := []struct {
		path, rel string
		parse     parser
		want      string
	}{
		{"package-lock.json", "real/package-lock.json", ParsePackageLock, "15:debug@4.3.7 31:ms@2.1.3"},
		{"pnpm-lock.yaml", "real/pnpm-lock.yaml", ParsePnpmLock, "20:debug@4.3.7 29:ms@2.1.3"},
		{"package.json", "real/package.json", ParsePackageJSON, "7:debug@4.3.7 6:ms@2.1.3"},
	}
	c := New("", "")
	for _, tt := range tests {
		b := readTestdata(t, tt.rel)
		m, err := tt.parse(string(b))
		if err != nil {
			t.Fatalf("%s: %v", tt.rel, err)
		}
		var got []string
		for _, d := range m.Deps {
			got = append(got, fmt.Sprintf("%d:%s@%s", d.Line, d.Name, firstNonEmpty(d.Version, d.Spec)))
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: deps %q, want %q", tt.rel, strings.Join(got, " "), tt.want)
		}
		if f := scan(t, c, file(tt.path, b, nil), RuleOSVFloorOnly); len(f) != 0 {
			t.Errorf("%s: unexpected findings %q", tt.rel, f)
		}
	}
}
