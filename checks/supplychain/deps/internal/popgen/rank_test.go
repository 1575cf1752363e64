package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRankAndWrite(t *testing.T) {
	tests := []struct {
		name, eco, tsv string
		n              int
		want           []string
	}{
		{
			name: "pypi by rank, unranked rows dropped",
			eco:  "pypi",
			tsv: "name\tversion\tmonth\trank_among_15000_most_downloaded\tsummary\n" +
				"numpy\t2.0\t2026-01\t20\tarrays\n" +
				"obscure\t0.1\t2020-01\t\tnot ranked\n" +
				"boto3\t1.0\t2026-11\t1\taws\n" +
				"Requests\t2.0\t2026-05\t6\thttp\n",
			n:    10,
			want: []string{"boto3", "requests", "numpy"},
		},
		{
			name: "npm by downloads, cut at n",
			eco:  "npm",
			tsv: "name\tversion\tdownloads_a_month\tsummary\n" +
				"MS\t0.0.1\t10\tan upper-case namesake listed first\n" +
				"ms\t2.1.3\t1516881960\t\n" +
				"semver\t7.8.6\t2399072936\tparser\n" +
				"tiny\t1.0.0\t12\t\n",
			n:    2,
			want: []string{"semver", "ms"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, tt.eco+".tsv")
			out := filepath.Join(dir, "out.txt")
			if err := os.WriteFile(in, []byte(tt.tsv), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := run(in, tt.eco, tt.n, "2026-11-25", out); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var header []string
			for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if strings.HasPrefix(l, "#") {
					header = append(header, l)
					continue
				}
				got = append(got, l)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names = %v, want %v", got, tt.want)
			}
			h := strings.Join(header, "\n")
			for _, w := range []string{"source: " + tt.eco + ".tsv", "date: 2026-11-25", rankColumns[tt.eco].name} {
				if !strings.Contains(h, w) {
					t.Errorf("header %q lacks %q", h, w)
				}
			}
		})
	}
}

func TestRankRejectsMissingColumn(t *testing.T) {
	_, _, err := Rank(strings.NewReader("name\tversion\n"), "pypi", 5)
	if err == nil {
		t.Fatal("want an error for a list without the rank column")
	}
}
