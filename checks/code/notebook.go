package code

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
	nbcells "github.com/ward-sec/ward/checks/notebook"
)

// Jupyter notebooks: the code cells are joined, in order, into one
// program (a notebook runs top to bottom, so an import in the first cell
// serves the tenth) and analysed like a source file; every finding is then
// moved to the line of the .ipynb file that holds its source line, so a
// PR comment lands on the diff. The cells and their lines come from
// checks/notebook, the one notebook reader every check shares; outputs,
// attachments and widget state are data and never reach the rules.

// notebookBytesFactor bounds a notebook at this many times the source bound:
// outputs (images, widget state) make notebooks far bigger than their code.
const notebookBytesFactor = 32

// notebook is the code of a notebook as one program, with the .ipynb line
// of every program line (lineOf[i] for line i+1).
type notebook struct {
	lang   lang
	src    []byte
	lineOf []int
}

func isNotebook(path string) bool { return nbcells.Is(path) }

// scanNotebook analyses the code cells of a Jupyter notebook.
func scanNotebook(ctx context.Context, f *checks.File) (checks.Result, error) {
	lim := f.Limits.Effective()
	maxBytes := lim.MaxSourceBytes * notebookBytesFactor
	if f.Size > maxBytes {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleSourceSkipped, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("This notebook is %d bytes, over the %d-byte bound for notebooks, so ward's code "+
				"rules did not read its cells. Clear its outputs (jupyter nbconvert --clear-output) or split it.",
				f.Size, maxBytes),
			Evidence: "over notebook size bound",
		}}}, nil
	}
	raw, err := f.ReadAll(maxBytes)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	cells, err := nbcells.Cells(ctx, raw)
	if ctx.Err() != nil {
		return checks.Result{}, ctx.Err()
	}
	if err != nil {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleParseFailed, Severity: checks.SeverityLow, Path: f.Path,
			Message: "ward could not read this file as a Jupyter notebook (" + err.Error() + "), so its code " +
				"rules did not analyse its cells. A notebook that Jupyter cannot open either is unusual: check " +
				"what the file is.",
			Evidence: "notebook parse failed",
		}}, Analysed: true}, nil
	}
	nb := programOf(cells, notebookLang(raw))
	if len(nb.src) == 0 {
		return checks.Result{Analysed: true}, nil
	}
	if int64(len(nb.src)) > lim.MaxSourceBytes {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleSourceSkipped, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("The code cells of this notebook hold %d bytes, over the %d-byte bound for "+
				"source, so ward's code rules did not analyse them.", len(nb.src), lim.MaxSourceBytes),
			Evidence: "over source size bound",
		}}}, nil
	}
	findings, err := analyse(ctx, f, nb.lang, nb.src)
	if err != nil {
		return checks.Result{}, err
	}
	for i := range findings {
		fd := &findings[i]
		fd.StartLine, fd.EndLine = nb.line(fd.StartLine), nb.line(fd.EndLine)
		// A suggestion rewrites program lines; the notebook's lines are
		// JSON strings, so it would not apply.
		fd.Suggestion = nil
	}
	return checks.Result{Findings: findings, Analysed: true}, nil
}

// line maps a program line (1-based; 0 for a whole-file finding) to the
// notebook's own line.
func (nb *notebook) line(l int) int {
	if l <= 0 || l > len(nb.lineOf) {
		return 0
	}
	return nb.lineOf[l-1]
}

// programOf joins the code cells of a notebook into one program.
func programOf(cells []nbcells.Cell, l lang) *notebook {
	nb := &notebook{lang: l}
	for _, c := range cells {
		if c.Type != "code" || c.Source == "" {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(c.Source, "\n"), "\n")
		at := make([]int, len(lines))
		for i := range lines {
			at[i] = c.Line(i + 1)
		}
		nb.addCell(lines, at)
	}
	return nb
}

// kernelLanguage finds the kernel's language in the notebook metadata
// ("kernelspec": {"language": "typescript"}, "language_info": {"name":
// "javascript"}), which sits in the notebook's last bytes.
var kernelLanguage = regexp.MustCompile(`"(?:language|name)"\s*:\s*"(?i:(typescript|javascript))"`)

// notebookLang is the language of the notebook's code cells: Python unless
// its metadata names TypeScript or JavaScript (Deno, tslab kernels).
func notebookLang(raw []byte) lang {
	for _, key := range []string{`"kernelspec"`, `"language_info"`} {
		i := bytes.LastIndex(raw, []byte(key))
		if i < 0 {
			continue
		}
		if kernelLanguage.Match(raw[i:min(len(raw), i+512)]) {
			return typescript
		}
	}
	return python
}

// cellMagicsNotCode start cells whose body is not the kernel's language.
var cellMagicsNotCode = []string{"%%bash", "%%sh", "%%script", "%%writefile", "%%html", "%%javascript", "%%js",
	"%%latex", "%%markdown", "%%svg", "%%perl", "%%ruby", "%%sql", "%%file", "%%cmd", "%%powershell", "%%system"}

// addCell appends one code cell. IPython syntax that is not Python (line
// magics, ! shell escapes) becomes `pass` at the same indentation, so the
// lines keep their numbers and blocks stay valid; cells in another
// language (%%bash, %%writefile…) are left out.
func (nb *notebook) addCell(lines []string, at []int) {
	if len(lines) == 0 {
		return
	}
	first := strings.TrimSpace(lines[0])
	for _, m := range cellMagicsNotCode {
		if first == m || strings.HasPrefix(first, m+" ") {
			return
		}
	}
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		if nb.lang == python && (strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")) {
			l = l[:len(l)-len(t)] + "pass"
		}
		nb.src = append(nb.src, l...)
		nb.src = append(nb.src, '\n')
		nb.lineOf = append(nb.lineOf, at[i])
	}
	// A blank line between cells ends any open block.
	nb.src = append(nb.src, '\n')
	nb.lineOf = append(nb.lineOf, at[len(at)-1])
}
