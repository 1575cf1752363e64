package tfmodel

import (
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Problem is one dangerous op, found in a graph or function.
type Problem struct {
	Severity checks.Severity
	Op       string
	Where    string
	Message  string
	Evidence string
}

// opRisk says what each op does to the machine running the graph.
var opRisk = map[string]struct {
	sev  checks.Severity
	does string
}{
	"WriteFile":       {checks.SeverityCritical, "writes bytes the graph chooses to a file path when the model runs (overwriting shell start-up files or Python modules is code execution)"},
	"ReadFile":        {checks.SeverityHigh, "reads any file the serving process can read (keys, credentials) into the model's outputs"},
	"PyFunc":          {checks.SeverityHigh, "calls a Python function of the loading process (tf.numpy_function/py_func): code outside the graph that nobody can review in the file"},
	"PyFuncStateless": {checks.SeverityHigh, "calls a Python function of the loading process (tf.numpy_function): code outside the graph"},
	"EagerPyFunc":     {checks.SeverityHigh, "calls a Python function of the loading process (tf.py_function): code outside the graph"},
	"MatchingFiles":   {checks.SeverityMedium, "lists files matching a glob on the serving machine (reconnaissance before ReadFile)"},
	"ImmutableConst":  {checks.SeverityMedium, "memory-maps a file by path from the serving machine"},
}

// saveOps write a checkpoint to their first input (a prefix or file name);
// restoreOps read one.
var saveOps = map[string]bool{"Save": true, "SaveV2": true, "SaveSlices": true, "MergeV2Checkpoints": true}
var restoreOps = map[string]bool{"Restore": true, "RestoreV2": true, "RestoreSlice": true}

// inspect reports the dangerous ops of one graph or function. String
// constants of the same graph resolve path inputs where they are fixed.
func inspect(g Graph) []Problem {
	byName := map[string]Node{}
	for _, n := range g.Nodes {
		byName[n.Name] = n
	}
	// resolve follows a path input to a string constant through Identity
	// and StringJoin, as tf.io.write_file(prefix + "x", …) builds it.
	var resolve func(in string, depth int) (string, bool)
	resolve = func(in string, depth int) (string, bool) {
		n, ok := byName[inputNode(in)]
		if !ok || depth > 8 {
			return "", false
		}
		switch n.Op {
		case "Const":
			if v := n.Strings["value"]; len(v) == 1 {
				return v[0], true
			}
		case "Identity", "Snapshot", "StopGradient":
			if len(n.Inputs) > 0 {
				return resolve(n.Inputs[0], depth+1)
			}
		case "StringJoin":
			sep := ""
			if s := n.Strings["separator"]; len(s) == 1 {
				sep = s[0]
			}
			var parts []string
			for _, x := range n.Inputs {
				if strings.HasPrefix(x, "^") {
					continue
				}
				p, ok := resolve(x, depth+1)
				if !ok {
					return "", false
				}
				parts = append(parts, p)
			}
			return strings.Join(parts, sep), len(parts) > 0
		}
		return "", false
	}
	arg := func(n Node, i int) (string, bool) {
		if i >= len(n.Inputs) {
			return "", false
		}
		return resolve(n.Inputs[i], 0)
	}
	var out []Problem
	for _, n := range g.Nodes {
		if r, ok := opRisk[n.Op]; ok {
			msg := fmt.Sprintf("%s op %q in %s %s.", n.Op, n.Name, g.Where, r.does)
			ev := n.Op
			if p, ok := arg(n, 0); ok && n.Op != "PyFunc" && n.Op != "PyFuncStateless" && n.Op != "EagerPyFunc" {
				msg += fmt.Sprintf(" Its path is the constant %q.", clip(p))
				ev += " " + clip(p)
			}
			if tok := n.Strings["token"]; len(tok) > 0 {
				msg += fmt.Sprintf(" Python function token: %q.", clip(tok[0]))
			}
			out = append(out, Problem{r.sev, n.Op, g.Where, msg, ev})
			continue
		}
		switch {
		case saveOps[n.Op] || restoreOps[n.Op]:
			p, ok := arg(n, 0)
			if !ok || insideVariables(p) {
				continue // the checkpoint machinery feeds a placeholder or a variables/ path
			}
			sev, does := checks.SeverityHigh, "writes a checkpoint to"
			if restoreOps[n.Op] {
				sev, does = checks.SeverityMedium, "reads tensors from"
			}
			out = append(out, Problem{sev, n.Op, g.Where, fmt.Sprintf("%s op %q in %s %s the fixed path %q, outside the "+
				"SavedModel's variables/ folder: running the graph touches an arbitrary file of the serving machine.",
				n.Op, n.Name, g.Where, does, clip(p)), n.Op + " " + clip(p)})
		case n.Op == "PrintV2":
			for _, s := range n.Strings["output_stream"] {
				if strings.HasPrefix(s, "file://") {
					out = append(out, Problem{checks.SeverityHigh, n.Op, g.Where, fmt.Sprintf("PrintV2 op %q in %s appends "+
						"tensor values to the file %q whenever the graph runs.", n.Name, g.Where, clip(s)), "PrintV2 " + clip(s)})
				}
			}
		}
	}
	return out
}

// insideVariables accepts relative paths under variables/ without "..".
func insideVariables(p string) bool {
	if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "..") || strings.Contains(p, "://") {
		return false
	}
	c := path.Clean(p)
	return c == "variables" || strings.HasPrefix(c, "variables/")
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
