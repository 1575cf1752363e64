package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// rankColumns names, per ecosystem, the column that orders packages and
// whether a larger value is more popular.
var rankColumns = map[string]struct {
	name       string
	largerWins bool
}{
	"pypi": {"rank_among_15000_most_downloaded", false},
	"npm":  {"downloads_a_month", true},
}

type entry struct {
	name  string
	value float64
}

// Rank reads a TSV package list and returns the n most popular names, most
// popular first, and the column it ranked by. Rows without a value in that
// column are not ranked. Ties keep name order, so the output is stable.
func Rank(r io.Reader, eco string, n int) ([]string, string, error) {
	rc, ok := rankColumns[eco]
	if !ok {
		return nil, "", fmt.Errorf("unknown ecosystem %q (want pypi or npm)", eco)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	if !sc.Scan() {
		return nil, "", fmt.Errorf("empty input")
	}
	header := strings.Split(sc.Text(), "\t")
	col := -1
	for i, h := range header {
		if strings.TrimSpace(h) == rc.name {
			col = i
		}
	}
	if col < 0 {
		return nil, "", fmt.Errorf("no column %q in header %q", rc.name, sc.Text())
	}
	var es []entry
	seen := map[string]int{} // name → index in es; a name listed twice keeps its best value
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) <= col || fields[0] == "" {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(fields[col]), 64)
		if err != nil || v <= 0 {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(fields[0]))
		if i, dup := seen[name]; dup {
			if (v > es[i].value) == rc.largerWins {
				es[i].value = v
			}
			continue
		}
		seen[name] = len(es)
		es = append(es, entry{name, v})
	}
	if err := sc.Err(); err != nil {
		return nil, "", err
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].value != es[j].value {
			return (es[i].value > es[j].value) == rc.largerWins
		}
		return es[i].name < es[j].name
	})
	if len(es) > n {
		es = es[:n]
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.name
	}
	return names, rc.name, nil
}

// Write emits the data file: '#' header lines, then one name per line.
func Write(w io.Writer, eco, source, col, date string, names []string) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Most popular %s packages, most popular first (%d names).\n", eco, len(names))
	fmt.Fprintf(bw, "# source: %s (workplace package list), ranked by column %s\n", filepath.Base(source), col)
	fmt.Fprintf(bw, "# date: %s\n", date)
	fmt.Fprintf(bw, "# built by: go run ./checks/supplychain/deps/internal/popgen (see its doc comment)\n")
	for _, n := range names {
		fmt.Fprintln(bw, n)
	}
	return bw.Flush()
}
