// Command compare reads `ward scan --format json` results of the calibration
// repositories (scripts/realworld/repos.txt) and the hand-judged ledger
// (scripts/realworld/ledger.csv), and prints volumes per repository and per
// rule, the precision of high and critical findings, and the issue-14 targets.
// run.sh drives it; see there.
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
)

type finding struct {
	RuleID    string `json:"rule_id"`
	Severity  string `json:"severity"`
	Path      string `json:"path"`
	StartLine int    `json:"start_line"`
	Message   string `json:"message"`
}

type result struct {
	Files    int       `json:"files"`
	Findings []finding `json:"findings"`
}

type key struct {
	repo, path string
	line       int
	rule       string
}

type judgement struct {
	severity, verdict, reason string
}

func main() {
	reposFile := flag.String("repos", "scripts/realworld/repos.txt", "owner/name commit, one per line")
	ledgerFile := flag.String("ledger", "scripts/realworld/ledger.csv", "hand-judged high and critical findings")
	results := flag.String("results", "", "directory of <owner+name>.json scan results")
	snapshots := flag.String("snapshots", "", "directory of <owner+name> checkouts (for line counts)")
	unjudged := flag.String("unjudged", "", "write high+ findings missing from the ledger to this CSV")
	flag.Parse()
	if err := run(*reposFile, *ledgerFile, *results, *snapshots, *unjudged, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "compare:", err)
		os.Exit(2)
	}
}

func run(reposFile, ledgerFile, results, snapshots, unjudgedFile string, out io.Writer) error {
	repos, err := readRepos(reposFile)
	if err != nil {
		return err
	}
	ledger, err := readLedger(ledgerFile)
	if err != nil {
		return err
	}
	type repoStat struct {
		name                   string
		files, lines, prodLine int
		bySev                  map[string]int
		highProd               int
	}
	perRule := map[string]map[string]int{} // rule -> severity -> count
	mediumPerRepo := map[string]map[string]int{}
	verdicts := map[string]int{}
	var fpCritical, missing []string
	var unjudgedRows [][]string
	seen := map[key]bool{}
	var stats []repoStat
	for _, r := range repos {
		dir := strings.ReplaceAll(r, "/", "+")
		b, err := os.ReadFile(filepath.Join(results, dir+".json"))
		if err != nil {
			return fmt.Errorf("result of %s: %w (run run.sh first)", r, err)
		}
		var res result
		if err := json.Unmarshal(b, &res); err != nil {
			return fmt.Errorf("result of %s: %w", r, err)
		}
		st := repoStat{name: r, files: res.Files, bySev: map[string]int{}}
		if snapshots != "" {
			st.lines, st.prodLine, err = countLines(filepath.Join(snapshots, dir))
			if err != nil {
				return err
			}
		}
		mediumPerRepo[r] = map[string]int{}
		for _, f := range res.Findings {
			st.bySev[f.Severity]++
			if perRule[f.RuleID] == nil {
				perRule[f.RuleID] = map[string]int{}
			}
			perRule[f.RuleID][f.Severity]++
			if f.Severity == "medium" {
				mediumPerRepo[r][f.RuleID]++
			}
			if f.Severity != "high" && f.Severity != "critical" {
				continue
			}
			if checks.PathContext(f.Path) == "" {
				st.highProd++
			}
			k := key{r, f.Path, f.StartLine, f.RuleID}
			seen[k] = true
			j, ok := ledger[k]
			if !ok {
				verdicts["unjudged"]++
				unjudgedRows = append(unjudgedRows, []string{r, f.Path, strconv.Itoa(f.StartLine), f.RuleID, f.Severity, "", oneLine(f.Message)})
				continue
			}
			verdicts[j.verdict]++
			if f.Severity == "critical" && j.verdict == "FP" {
				fpCritical = append(fpCritical, fmt.Sprintf("%s %s:%d %s", r, f.Path, f.StartLine, f.RuleID))
			}
		}
		stats = append(stats, st)
	}
	for k, j := range ledger {
		if j.verdict == "TP" && !seen[k] {
			missing = append(missing, fmt.Sprintf("%s %s:%d %s (%s)", k.repo, k.path, k.line, k.rule, j.severity))
		}
	}
	sort.Strings(missing)

	fmt.Fprintf(out, "## Volume per repository\n\n| repository | files | code lines | outside tests/examples/docs | critical | high | medium | low | info | high+ per 10k lines outside tests/examples/docs |\n|---|---|---|---|---|---|---|---|---|---|\n")
	var totProd, totHighProd int
	for _, s := range stats {
		density := "n/a"
		if s.prodLine > 0 {
			density = fmt.Sprintf("%.2f", float64(s.highProd)*10000/float64(s.prodLine))
		}
		totProd += s.prodLine
		totHighProd += s.highProd
		fmt.Fprintf(out, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s |\n", s.name, s.files, s.lines, s.prodLine,
			s.bySev["critical"], s.bySev["high"], s.bySev["medium"], s.bySev["low"], s.bySev["info"], density)
	}
	fmt.Fprintf(out, "\n## Volume per rule (all repositories)\n\n| rule | critical | high | medium | low | info | most medium in one repository |\n|---|---|---|---|---|---|---|\n")
	var rules []string
	for r := range perRule {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		most, where := 0, ""
		for repo, m := range mediumPerRepo {
			if m[r] > most || m[r] == most && most > 0 && repo < where {
				most, where = m[r], repo
			}
		}
		mostS := "-"
		if most > 0 {
			mostS = fmt.Sprintf("%d (%s)", most, where)
		}
		c := perRule[r]
		fmt.Fprintf(out, "| %s | %d | %d | %d | %d | %d | %s |\n", r, c["critical"], c["high"], c["medium"], c["low"], c["info"], mostS)
	}
	judged := verdicts["TP"] + verdicts["NOISY"] + verdicts["FP"]
	fmt.Fprintf(out, "\n## Precision of high and critical findings\n\n")
	fmt.Fprintf(out, "- judged %d: TP %d, NOISY %d, FP %d; not in the ledger: %d\n", judged, verdicts["TP"], verdicts["NOISY"], verdicts["FP"], verdicts["unjudged"])
	prec := 0.0
	if judged > 0 {
		prec = float64(verdicts["TP"]) / float64(judged)
	}
	density := 0.0
	if totProd > 0 {
		density = float64(totHighProd) * 10000 / float64(totProd)
	}
	fmt.Fprintf(out, "- precision (TP / judged): %.1f %% (target ≥ 80 %%)\n", 100*prec)
	fmt.Fprintf(out, "- false positives at critical: %d (target 0) %s\n", len(fpCritical), strings.Join(fpCritical, "; "))
	fmt.Fprintf(out, "- high+ per 10k code lines outside tests/examples/docs: %.2f (%d in %d lines; target ≤ 0.5)\n", density, totHighProd, totProd)
	var over []string
	for repo, m := range mediumPerRepo {
		for rule, n := range m {
			if n > 50 {
				over = append(over, fmt.Sprintf("%s in %s: %d", rule, repo, n))
			}
		}
	}
	sort.Strings(over)
	fmt.Fprintf(out, "- medium rules over 50 findings in one repository: %d %s\n", len(over), strings.Join(over, "; "))
	fmt.Fprintf(out, "- ledger true positives no longer reported: %d\n", len(missing))
	for _, m := range missing {
		fmt.Fprintf(out, "  - %s\n", m)
	}
	if unjudgedFile != "" && len(unjudgedRows) > 0 {
		f, err := os.Create(unjudgedFile)
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		w.WriteAll(unjudgedRows)
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(out, "- %d unjudged findings written to %s\n", len(unjudgedRows), unjudgedFile)
	}
	return nil
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

func readRepos(p string) ([]string, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, strings.Fields(l)[0])
	}
	return out, sc.Err()
}

func readLedger(p string) (map[key]judgement, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = 7
	out := map[key]judgement{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("ledger: %w", err)
		}
		if first && rec[0] == "repo" {
			continue
		}
		line, err := strconv.Atoi(rec[2])
		if err != nil {
			return nil, fmt.Errorf("ledger line %q: %w", rec[2], err)
		}
		switch rec[5] {
		case "TP", "NOISY", "FP":
		default:
			return nil, fmt.Errorf("ledger: verdict %q for %s:%s is not TP, NOISY or FP", rec[5], rec[1], rec[2])
		}
		out[key{rec[0], rec[1], line, rec[3]}] = judgement{rec[4], rec[5], rec[6]}
	}
}

// codeExt are the languages ward's code rules read.
var codeExt = map[string]bool{".py": true, ".ts": true, ".tsx": true, ".js": true, ".jsx": true, ".mjs": true,
	".cjs": true, ".mts": true, ".cts": true}

// countLines counts the lines of code files, and of those outside tests,
// examples and docs.
func countLines(root string) (all, prod int, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !codeExt[strings.ToLower(filepath.Ext(p))] {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n := strings.Count(string(b), "\n")
		all += n
		rel, _ := filepath.Rel(root, p)
		if checks.PathContext(filepath.ToSlash(rel)) == "" {
			prod += n
		}
		return nil
	})
	return all, prod, err
}
