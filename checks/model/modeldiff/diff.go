package modeldiff

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// TensorChange is one tensor present in both versions with a new shape or dtype.
type TensorChange struct {
	Before, After Tensor
}

// MetaChange is one metadata key added, removed or changed ("" for absent).
type MetaChange struct {
	Key, Before, After string
}

// Change is what a PR did to one model file.
type Change struct {
	Path    string `json:"path"`
	OldPath string `json:"old_path,omitempty"` // renamed from
	// Base is nil for an added file.
	Base *Summary `json:"base,omitempty"`
	Head *Summary `json:"head"`

	Added, Removed     []Tensor
	Reshaped, Retyped  []TensorChange
	ParamsBefore       int64
	ParamsAfter        int64
	ImportsAdded       []Import
	ImportsRemoved     []Import
	CallsAdded         []Import // globals the loader now calls that it did not before
	CallsRemoved       []Import
	Metadata           []MetaChange
	OpsAdded, OpsGone  []string
	LayersAdded        []string
	LayersRemoved      []string
	TemplateDiff       string // unified diff of the chat template
	FormatChanged      bool
	TensorsUnchanged   bool // same names, shapes and dtypes
	BaseUnreadableNote string
}

// Compare computes the change from base (nil for a new file) to head.
func Compare(base, head *Summary) *Change {
	c := &Change{Head: head, Base: base}
	if head != nil {
		c.Path = head.Path
		c.ParamsAfter = params(head.Tensors)
	}
	if base == nil || head == nil {
		return c
	}
	if base.Path != head.Path {
		c.OldPath = base.Path
	}
	c.ParamsBefore = params(base.Tensors)
	c.FormatChanged = base.Format != head.Format
	// Tensors pair by name and, when a file repeats a name (a malformed or
	// crafted one can), by the order of its occurrences.
	key := func(seen map[string]int, name string) string {
		seen[name]++
		return name + "\x00" + strconv.Itoa(seen[name])
	}
	bt := map[string]Tensor{}
	seen := map[string]int{}
	for _, t := range base.Tensors {
		bt[key(seen, t.Name)] = t
	}
	ht := map[string]bool{}
	seen = map[string]int{}
	for _, t := range head.Tensors {
		k := key(seen, t.Name)
		ht[k] = true
		b, ok := bt[k]
		switch {
		case !ok:
			c.Added = append(c.Added, t)
		case b.Dtype != t.Dtype:
			c.Retyped = append(c.Retyped, TensorChange{b, t})
		case !slices.Equal(b.Shape, t.Shape):
			c.Reshaped = append(c.Reshaped, TensorChange{b, t})
		}
	}
	seen = map[string]int{}
	for _, t := range base.Tensors {
		if !ht[key(seen, t.Name)] {
			c.Removed = append(c.Removed, t)
		}
	}
	c.TensorsUnchanged = len(c.Added)+len(c.Removed)+len(c.Reshaped)+len(c.Retyped) == 0

	bi := map[string]Import{}
	for _, im := range base.Imports {
		bi[im.Name] = im
	}
	hi := map[string]bool{}
	for _, im := range head.Imports {
		hi[im.Name] = true
		b, ok := bi[im.Name]
		if !ok {
			c.ImportsAdded = append(c.ImportsAdded, im)
		}
		if im.Called && (!ok || !b.Called) {
			c.CallsAdded = append(c.CallsAdded, im)
		}
	}
	for _, im := range base.Imports {
		if !hi[im.Name] {
			c.ImportsRemoved = append(c.ImportsRemoved, im)
			if im.Called {
				c.CallsRemoved = append(c.CallsRemoved, im)
			}
		}
	}

	keys := map[string]bool{}
	for k := range base.Metadata {
		keys[k] = true
	}
	for k := range head.Metadata {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		b, inB := base.Metadata[k]
		h, inH := head.Metadata[k]
		if inB != inH || b != h {
			c.Metadata = append(c.Metadata, MetaChange{Key: k, Before: b, After: h})
		}
	}
	c.OpsAdded, c.OpsGone = setDiff(base.Ops, head.Ops)
	c.LayersAdded, c.LayersRemoved = setDiff(base.Layers, head.Layers)
	if base.ChatTemplate != head.ChatTemplate {
		c.TemplateDiff = UnifiedDiff("chat_template (base)", "chat_template (head)", base.ChatTemplate, head.ChatTemplate)
	}
	return c
}

// NewCodePaths reports whether the head can do something the base could
// not: a new import or call in a pickle, a new operator or layer class, a
// changed chat template.
func (c *Change) NewCodePaths() bool {
	if c.Base == nil {
		return false
	}
	return len(codeImports(c.ImportsAdded))+len(codeImports(c.CallsAdded))+len(c.OpsAdded)+len(c.LayersAdded) > 0 ||
		c.TemplateDiff != ""
}

// codeImports drops the globals the pickle policy knows to be inert
// (tensor rebuilds, storage and dtype classes): importing one more of them
// is data, not a code path.
func codeImports(ims []Import) []Import {
	var out []Import
	for _, im := range ims {
		if im.Verdict != "allowed" {
			out = append(out, im)
		}
	}
	return out
}

func params(ts []Tensor) int64 {
	var n int64
	for _, t := range ts {
		n += t.Params()
	}
	return n
}

// setDiff returns what is in b but not a, and in a but not b.
func setDiff(a, b []string) (added, removed []string) {
	in := func(s []string, x string) bool { return slices.Contains(s, x) }
	for _, x := range b {
		if !in(a, x) {
			added = append(added, x)
		}
	}
	for _, x := range a {
		if !in(b, x) {
			removed = append(removed, x)
		}
	}
	sort.Strings(added)
	sort.Strings(removed)
	return added, removed
}

// maxDiffLines bounds the texts compared line by line (O(n·m) memory).
const maxDiffLines = 3000

// UnifiedDiff is a unified diff of two texts with 3 lines of context.
func UnifiedDiff(nameA, nameB, a, b string) string {
	al, bl := splitLines(a), splitLines(b)
	if len(al) > maxDiffLines || len(bl) > maxDiffLines {
		return fmt.Sprintf("--- %s\n+++ %s\n@@ too long to compare line by line (%d → %d lines) @@\n", nameA, nameB, len(al), len(bl))
	}
	// longest common subsequence table, from the end
	n, m := len(al), len(bl)
	lcs := make([][]int32, n+1)
	for i := range lcs {
		lcs[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type line struct {
		op   byte
		text string
		a, b int // 1-based line numbers in a and b after this line
	}
	var ops []line
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && al[i] == bl[j]:
			i, j = i+1, j+1
			ops = append(ops, line{' ', al[i-1], i, j})
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			i++
			ops = append(ops, line{'-', al[i-1], i, j})
		default:
			j++
			ops = append(ops, line{'+', bl[j-1], i, j})
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", nameA, nameB)
	const ctx = 3
	for k := 0; k < len(ops); {
		if ops[k].op == ' ' {
			k++
			continue
		}
		start := max(0, k-ctx)
		end := k
		for end < len(ops) {
			if ops[end].op != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].op == ' ' {
				run++
			}
			if run-end > 2*ctx || run == len(ops) {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		// hunk header: starting lines and counts
		aStart, bStart, aN, bN := 0, 0, 0, 0
		for x := start; x < end; x++ {
			if ops[x].op != '+' {
				aN++
				if aStart == 0 {
					aStart = ops[x].a
				}
			}
			if ops[x].op != '-' {
				bN++
				if bStart == 0 {
					bStart = ops[x].b
				}
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aStart, aN, bStart, bN)
		for x := start; x < end; x++ {
			out.WriteByte(ops[x].op)
			out.WriteString(ops[x].text)
			out.WriteByte('\n')
		}
		k = end
	}
	return out.String()
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
