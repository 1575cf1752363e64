// Command popgen builds the embedded lists of popular package names that the
// deps check compares new dependencies against (typosquats, unknown names).
//
// Input: the package lists of this workplace, tab-separated with a header line
// naming the columns. For PyPI it keeps the column
// rank_among_15000_most_downloaded (rank 1 = most downloaded); for npm the
// column downloads_a_month. Output: one name per line, most popular first,
// under a header that records the source, the ranking column and the date.
//
//	go run ./checks/supplychain/deps/internal/popgen \
//	    -in /work/.library/env/packages/pypi.tsv -eco pypi -n 15000 \
//	    -date 2026-11-25 -out checks/supplychain/deps/data/pypi-popular.txt
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	in := flag.String("in", "", "package list (TSV with a header line)")
	eco := flag.String("eco", "", "pypi or npm")
	n := flag.Int("n", 15000, "how many names to keep")
	date := flag.String("date", "", "date the input list was made (YYYY-MM-DD)")
	out := flag.String("out", "", "output file")
	flag.Parse()
	if *in == "" || *out == "" || *date == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*in, *eco, *n, *date, *out); err != nil {
		fmt.Fprintln(os.Stderr, "popgen:", err)
		os.Exit(1)
	}
}

func run(in, eco string, n int, date, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	names, col, err := Rank(f, eco, n)
	if err != nil {
		return fmt.Errorf("rank %s: %w", in, err)
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := Write(w, eco, in, col, date, names); err != nil {
		w.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	return w.Close()
}
