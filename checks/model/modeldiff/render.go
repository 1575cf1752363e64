package modeldiff

import (
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// maxRows bounds each table of a rendering; the rest is counted.
const maxRows = 25

// Judgement is the one line that says what the change means: the findings
// that make the file dangerous, or what kind of change it is.
func (c *Change) Judgement(findings []checks.Finding) string {
	var active []checks.Finding
	for _, f := range findings {
		if !f.Suppressed {
			active = append(active, f)
		}
	}
	checks.Sort(active)
	if len(active) > 0 {
		worst := active[0].Severity
		var parts []string
		for i, f := range active {
			if i == 3 {
				parts = append(parts, fmt.Sprintf("and %d more", len(active)-3))
				break
			}
			parts = append(parts, fmt.Sprintf("%s `%s`: %s", f.Severity, f.RuleID, firstSentence(f.Message)))
		}
		icon := "⚠️"
		if worst >= checks.SeverityHigh {
			icon = "🛑"
		}
		return fmt.Sprintf("%s **dangerous**: %s", icon, strings.Join(parts, "; "))
	}
	if c.NewCodePaths() {
		var what []string
		if calls := codeImports(c.CallsAdded); len(calls) > 0 {
			what = append(what, "new calls "+importList(calls))
		} else if ims := codeImports(c.ImportsAdded); len(ims) > 0 {
			what = append(what, "new imports "+importList(ims))
		}
		if len(c.OpsAdded) > 0 {
			what = append(what, "new operators "+codeList(c.OpsAdded))
		}
		if len(c.LayersAdded) > 0 {
			what = append(what, "new layers/objects "+codeList(c.LayersAdded))
		}
		if c.TemplateDiff != "" {
			what = append(what, "a changed chat template")
		}
		return "🔎 **no finding, but new code paths**: " + strings.Join(what, "; ") + ": review them"
	}
	if c.Base == nil {
		if strings.HasPrefix(c.Head.RunsCode, "yes") {
			return "✅ **new file, no finding**: its pickle imports only what ward knows to be inert"
		}
		return "✅ **new file, no finding**: data only"
	}
	if c.TensorsUnchanged && len(c.Metadata) == 0 {
		return "✅ **weights only**: tensor values changed, no new code paths"
	}
	return "✅ **weights only**: data changed, no new code paths"
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 && i < 240 {
		return s[:i+1]
	}
	if len(s) > 240 {
		return s[:240] + "…"
	}
	return s
}

func importList(ims []Import) string {
	var s []string
	for i, im := range ims {
		if i == 6 {
			s = append(s, fmt.Sprintf("and %d more", len(ims)-6))
			break
		}
		x := "`" + im.Name + "`"
		if im.Does != "" {
			x += " (" + im.Does + ")"
		}
		s = append(s, x)
	}
	return strings.Join(s, ", ")
}

func codeList(xs []string) string {
	var s []string
	for i, x := range xs {
		if i == 10 {
			s = append(s, fmt.Sprintf("and %d more", len(xs)-10))
			break
		}
		s = append(s, "`"+x+"`")
	}
	return strings.Join(s, ", ")
}

// Markdown renders the change for a reviewer: what the file is, what
// changed, the judgement, and where it is safe the conversion command.
// heading is the line above it ("" for none).
func (c *Change) Markdown(findings []checks.Finding) string {
	var b strings.Builder
	h := c.Head
	fmt.Fprintf(&b, "**%s** · %s · %s · loader `%s`  \n", h.Format, h.Container, humanBytes(h.Size), h.Loader)
	fmt.Fprintf(&b, "Runs code when loaded: %s  \n", h.RunsCode)
	if c.OldPath != "" {
		fmt.Fprintf(&b, "Renamed from `%s`.  \n", c.OldPath)
	}
	if c.Base != nil && c.FormatChanged {
		fmt.Fprintf(&b, "Format changed: %s → %s.  \n", c.Base.Format, h.Format)
	}
	fmt.Fprintf(&b, "%s\n\n", c.Judgement(findings))

	switch {
	case c.Base == nil && len(h.Tensors) > 0:
		fmt.Fprintf(&b, "Tensors: %d, %s parameters.\n\n", len(h.Tensors), count(c.ParamsAfter))
		b.WriteString(tensorTable(nil, h.Tensors, nil))
	case c.Base != nil && (len(h.Tensors) > 0 || len(c.Base.Tensors) > 0):
		fmt.Fprintf(&b, "Tensors: %d → %d; parameters %s → %s", len(c.Base.Tensors), len(h.Tensors), count(c.ParamsBefore), count(c.ParamsAfter))
		if c.TensorsUnchanged {
			b.WriteString(" (same names, shapes and dtypes).\n\n")
		} else {
			b.WriteString(".\n\n")
			b.WriteString(tensorTable(c.Removed, c.Added, append(c.Reshaped, c.Retyped...)))
		}
	}
	if c.Base == nil && len(h.Imports) > 0 {
		fmt.Fprintf(&b, "Pickle imports: %s\n\n", importsWithCalls(h.Imports))
	}
	if len(c.ImportsAdded) > 0 {
		fmt.Fprintf(&b, "Pickle imports added: %s\n\n", importsWithCalls(c.ImportsAdded))
	}
	if len(c.CallsAdded) > 0 {
		fmt.Fprintf(&b, "Calls added (run by the unpickler on load): %s\n\n", importList(c.CallsAdded))
	}
	if len(c.ImportsRemoved) > 0 {
		fmt.Fprintf(&b, "Pickle imports removed: %s\n\n", importsWithCalls(c.ImportsRemoved))
	}
	if len(c.CallsRemoved) > 0 {
		fmt.Fprintf(&b, "Calls removed: %s\n\n", importList(c.CallsRemoved))
	}
	if len(c.Metadata) > 0 {
		b.WriteString("Metadata:\n\n| key | before | after |\n|---|---|---|\n")
		for i, m := range c.Metadata {
			if i == maxRows {
				fmt.Fprintf(&b, "| … %d more | | |\n", len(c.Metadata)-maxRows)
				break
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", cell(m.Key), orDash(m.Before), orDash(m.After))
		}
		b.WriteString("\n")
	} else if c.Base == nil && len(h.Metadata) > 0 {
		fmt.Fprintf(&b, "Metadata keys: %d.\n\n", len(h.Metadata))
	}
	if len(c.OpsAdded) > 0 {
		fmt.Fprintf(&b, "Operators added: %s\n\n", codeList(c.OpsAdded))
	} else if c.Base == nil && len(h.Ops) > 0 {
		fmt.Fprintf(&b, "Operators: %s\n\n", codeList(h.Ops))
	}
	if len(c.OpsGone) > 0 {
		fmt.Fprintf(&b, "Operators removed: %s\n\n", codeList(c.OpsGone))
	}
	if len(c.LayersAdded) > 0 {
		fmt.Fprintf(&b, "Layers and referenced objects added: %s\n\n", codeList(c.LayersAdded))
	} else if c.Base == nil && len(h.Layers) > 0 {
		fmt.Fprintf(&b, "Layers and referenced objects: %s\n\n", codeList(h.Layers))
	}
	if len(c.LayersRemoved) > 0 {
		fmt.Fprintf(&b, "Layers removed: %s\n\n", codeList(c.LayersRemoved))
	}
	if c.TemplateDiff != "" {
		d := c.TemplateDiff
		if len(d) > 6000 {
			d = d[:6000] + "\n… (cut)\n"
		}
		fmt.Fprintf(&b, "Chat template:\n\n```diff\n%s```\n\n", strings.ReplaceAll(d, "```", "`‵`"))
	}
	inc := append([]string(nil), h.Incomplete...)
	if c.Base != nil {
		for _, x := range c.Base.Incomplete {
			inc = append(inc, "base: "+x)
		}
	}
	if len(inc) > 0 {
		fmt.Fprintf(&b, "Not fully described: %s\n\n", cell(strings.Join(inc, "; ")))
	}
	if cmd := c.ConversionCommand(findings); cmd != "" {
		fmt.Fprintf(&b, "This pickle holds only tensors in a flat dict, and ward found nothing in it: it can be stored as safetensors, which loads without running code:\n\n```sh\n%s\n```\n\n", cmd)
	}
	read := h.BytesRead
	if c.Base != nil {
		read += c.Base.BytesRead
	}
	fmt.Fprintf(&b, "<sub>Described from %s read (headers and pickles only; never loaded).</sub>\n", humanBytes(read))
	return b.String()
}

// ConversionCommand is the command that rewrites the file as safetensors,
// offered only when the pickle was proven to hold nothing but a flat dict of
// tensors and the file has no finding at all.
func (c *Change) ConversionCommand(findings []checks.Finding) string {
	if c.Head == nil || !c.Head.PlainTensors || len(findings) > 0 {
		return ""
	}
	src := c.Head.Path
	dst := strings.TrimSuffix(src, path.Ext(src)) + ".safetensors"
	return fmt.Sprintf(`python -c "import torch; from safetensors.torch import save_file; `+
		`sd = torch.load('%s', map_location='cpu', weights_only=True); `+
		`save_file({k: v.contiguous().clone() for k, v in sd.items()}, '%s')"`, shellQuoteless(src), shellQuoteless(dst))
}

// shellQuoteless keeps a path usable inside the single- and double-quoted
// command: characters that would end a quote are escaped away.
func shellQuoteless(p string) string {
	r := strings.NewReplacer(`'`, `\'`, `"`, `\"`, "$", `\$`, "`", "\\`", `\`, `\\`)
	return r.Replace(p)
}

func importsWithCalls(ims []Import) string {
	var s []string
	for i, im := range ims {
		if i == 20 {
			s = append(s, fmt.Sprintf("and %d more", len(ims)-20))
			break
		}
		x := "`" + im.Name + "`"
		var notes []string
		if im.Called {
			notes = append(notes, "called")
		}
		if im.Verdict == "dangerous" {
			notes = append(notes, "dangerous: "+im.Does)
		} else if im.Verdict == "unknown" {
			notes = append(notes, "not on ward's allowlist")
		}
		if len(notes) > 0 {
			x += " (" + strings.Join(notes, ", ") + ")"
		}
		s = append(s, x)
	}
	return strings.Join(s, ", ")
}

func tensorTable(removed, added []Tensor, changed []TensorChange) string {
	var b strings.Builder
	b.WriteString("| | tensor | before | after |\n|---|---|---|---|\n")
	rows := 0
	total := len(removed) + len(added) + len(changed)
	row := func(mark, name, before, after string) bool {
		if rows == maxRows {
			fmt.Fprintf(&b, "| | … %d more | | |\n", total-maxRows)
			rows++
			return false
		}
		if rows > maxRows {
			return false
		}
		rows++
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", mark, cell(name), before, after)
		return true
	}
	for _, t := range added {
		if !row("added", t.Name, "", desc(t)) {
			break
		}
	}
	for _, t := range removed {
		if !row("removed", t.Name, desc(t), "") {
			break
		}
	}
	for _, t := range changed {
		mark := "reshaped"
		if t.Before.Dtype != t.After.Dtype {
			mark = "re-typed"
		}
		if !row(mark, t.After.Name, desc(t.Before), desc(t.After)) {
			break
		}
	}
	b.WriteString("\n")
	return b.String()
}

func desc(t Tensor) string { return t.Dtype + " " + t.ShapeString() }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + cell(s) + "`"
}

func cell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "`", "'").Replace(s)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func count(n int64) string {
	s := fmt.Sprint(n)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// Section renders the "Model changes" section of a check run summary: one
// block per file, collapsed per file when there are more than three.
// findings are the review's findings (any path); each file gets its own.
func Section(changes []*Change, findings []checks.Finding) string {
	if len(changes) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("### Model changes\n\n")
	collapse := len(changes) > 3
	for _, c := range changes {
		fs := ForPath(findings, c.Path)
		if collapse {
			fmt.Fprintf(&b, "<details><summary><code>%s</code>: %s</summary>\n\n%s\n</details>\n\n",
				cell(c.Path), cell(stripMarkdown(c.Judgement(fs))), c.Markdown(fs))
			continue
		}
		fmt.Fprintf(&b, "#### `%s`\n\n%s\n", cell(c.Path), c.Markdown(fs))
	}
	return b.String()
}

func stripMarkdown(s string) string { return strings.ReplaceAll(s, "**", "") }

// ForPath returns the findings of one file.
func ForPath(findings []checks.Finding, p string) []checks.Finding {
	var out []checks.Finding
	for _, f := range findings {
		if f.Path == p {
			out = append(out, f)
		}
	}
	return out
}
