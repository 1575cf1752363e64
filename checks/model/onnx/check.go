package onnx

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/relpath"
	"google.golang.org/protobuf/encoding/protowire"
)

// New returns the check.
func New() checks.Check { return check{} }

type check struct{}

func (check) Name() string { return "onnx" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

// standardDomains need no native library.
var standardDomains = map[string]bool{"": true, "ai.onnx": true, "ai.onnx.ml": true, "com.microsoft": true}

// elemBits of ONNX TensorProto.DataType values with a fixed size.
var elemBits = map[int32]int64{1: 32, 2: 8, 3: 8, 4: 16, 5: 16, 6: 32, 7: 64, 9: 8, 10: 16, 11: 64, 12: 32, 13: 64,
	14: 64, 15: 128, 16: 16, 17: 8, 18: 8, 19: 8, 20: 8, 21: 4, 22: 4, 23: 4}

// modelFields are ModelProto's fields and their wire types. Protobuf
// allows fields in any order, and onnx.load accepts any: the first one
// need not be ir_version.
var modelFields = map[protowire.Number]protowire.Type{
	1: protowire.VarintType, 2: protowire.BytesType, 3: protowire.BytesType, 4: protowire.BytesType,
	5: protowire.VarintType, 6: protowire.BytesType, 7: protowire.BytesType, 8: protowire.BytesType,
	14: protowire.BytesType, 20: protowire.BytesType, 25: protowire.BytesType, 26: protowire.BytesType,
}

// Sniff: the content starts with a ModelProto field of the right wire
// type (ir_version 1–20, or a string or message whose length is sane).
// decodeModel then decides, over the whole file, whether it is a model.
func Sniff(head []byte) bool {
	num, typ, n := protowire.ConsumeTag(head)
	if n < 0 || modelFields[num] != typ || num == 0 {
		return false
	}
	switch typ {
	case protowire.VarintType:
		v, m := protowire.ConsumeVarint(head[n:])
		if m < 0 {
			return false
		}
		if num == 1 {
			return v >= 1 && v <= 20
		}
		return true
	default:
		l, m := protowire.ConsumeVarint(head[n:])
		return m > 0 && l < 1<<40
	}
}

func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 4 || f.Content == nil {
		return checks.Result{}, nil
	}
	lim := f.Limits.Effective()
	var m *Model
	var err error
	form := "an ONNX model"
	switch {
	case Sniff(f.Head(16)):
		br := newBlockReader(f.Content, f.Size, lim.MaxFileBytes)
		m, err = decodeModel(ctx, br)
	case textForm(f.Head(512)) != "":
		form = "an ONNX model in " + textForm(f.Head(512)) + " form (onnx.load(..., format=...))"
		b, rerr := f.ReadAll(lim.MaxFileBytes)
		if rerr != nil {
			return checks.Result{}, nil
		}
		m, err = decodeText(b)
	default:
		return checks.Result{Analysed: weightsOfSiblingModel(ctx, f)}, nil
	}
	if m == nil || !m.HasGraph || (err != nil && len(m.Nodes) == 0) {
		return checks.Result{}, nil // another protobuf, not a model
	}
	prefix := ""
	if ext := strings.ToLower(path.Ext(f.Path)); ext != ".onnx" || form != "an ONNX model" {
		prefix = fmt.Sprintf("%s is %s by content. ", path.Base(f.Path), form)
	}
	var out []checks.Finding
	out = append(out, customOps(m, prefix)...)
	out = append(out, externalData(ctx, f, m, prefix)...)
	out = append(out, sizes(m, prefix)...)
	switch {
	case err == nil:
	case errors.Is(err, errLimit), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  prefix + fmt.Sprintf("ONNX model not fully analysed: %v. Operators and tensors after that point were not checked.", err),
			Evidence: "limit"})
	default:
		out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
			Message:  prefix + fmt.Sprintf("The ONNX protobuf is malformed: %v. Runtimes refuse it; the rest was not checked.", err),
			Evidence: "protobuf"})
	}
	return checks.Result{Analysed: true, Findings: out}, nil
}

// customOps reports one finding per non-standard domain used by a node.
// Nodes that call a function defined in the model itself are not custom.
func customOps(m *Model, prefix string) []checks.Finding {
	local := map[string]bool{}
	for _, n := range m.Nodes {
		if strings.HasPrefix(n.Graph, "function ") {
			local[strings.TrimPrefix(strings.SplitN(n.Graph, " › ", 2)[0], "function ")] = true
		}
	}
	byDomain := map[string][]string{}
	for _, n := range m.Nodes {
		if standardDomains[n.Domain] || local[n.Domain+"."+n.OpType] {
			continue
		}
		byDomain[n.Domain] = append(byDomain[n.Domain], n.OpType+" in "+n.Graph)
	}
	domains := make([]string, 0, len(byDomain))
	for d := range byDomain {
		domains = append(domains, d)
	}
	sort.Strings(domains)
	var out []checks.Finding
	for _, d := range domains {
		uses := byDomain[d]
		shown := uses
		if len(shown) > 5 {
			shown = shown[:5]
		}
		out = append(out, checks.Finding{RuleID: RuleCustomOp, Severity: checks.SeverityMedium,
			Message: prefix + fmt.Sprintf("%d node(s) use operators of the custom domain %q (%s). Running the model requires "+
				"registering a native library that implements them: compiled code loaded into the process.", len(uses), d, strings.Join(shown, "; ")),
			Evidence: "domain " + d})
	}
	return out
}

// externalData checks each external location; tensors sharing a file are
// reported once per file.
func externalData(ctx context.Context, f *checks.File, m *Model, prefix string) []checks.Finding {
	type use struct {
		tensors []string
		first   Tensor
	}
	byLoc := map[string]*use{}
	var locs []string
	var out []checks.Finding
	for _, t := range m.Tensors {
		if t.Location != 1 && len(t.External) == 0 {
			continue
		}
		for _, other := range t.Locations {
			if other != t.External["location"] && relpath.Escapes(other) {
				out = append(out, checks.Finding{RuleID: RuleExternalPath, Severity: checks.SeverityHigh, Offset: t.Offset,
					Message: prefix + fmt.Sprintf("Tensor %q names several external locations; one of them, %q, is outside the "+
						"model's folder. Readers that take the first entry (ONNX Runtime) and the last (onnx's Python helper) "+
						"read different files.", t.Name, other),
					Evidence: "external data " + other})
			}
		}
		loc, ok := t.External["location"]
		if !ok || loc == "" {
			out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium, Offset: t.Offset,
				Message:  prefix + fmt.Sprintf("Tensor %q (%s) is stored externally but names no location.", t.Name, t.Graph),
				Evidence: "external without location " + t.Name})
			continue
		}
		if byLoc[loc] == nil {
			byLoc[loc] = &use{first: t}
			locs = append(locs, loc)
		}
		byLoc[loc].tensors = append(byLoc[loc].tensors, t.Name)
	}
	dir := path.Dir(f.Path)
	for _, loc := range locs {
		u := byLoc[loc]
		if relpath.Escapes(loc) {
			out = append(out, checks.Finding{RuleID: RuleExternalPath, Severity: checks.SeverityHigh, Offset: u.first.Offset,
				Message: prefix + fmt.Sprintf("%d tensor(s) (%s) load their data from %q, outside the model's folder: onnx.load and "+
					"ONNX Runtime read that file from the machine that loads the model (path traversal, CVE-2024-27318).",
					len(u.tensors), strings.Join(first(u.tensors, 3), ", "), loc),
				Evidence: "external data " + loc})
			continue
		}
		for _, t := range m.Tensors {
			if t.External["location"] != loc {
				continue
			}
			if msg := externalShape(t); msg != "" {
				out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium, Offset: t.Offset,
					Message: prefix + msg, Evidence: "external length " + t.Name})
			}
		}
		if f.Tree == nil {
			continue
		}
		target := path.Join(dir, loc)
		esc, err := checks.FollowLinks(ctx, f.Tree, target, dir)
		if err != nil && !errors.Is(err, checks.ErrLinkLoop) { // a loop is refused by the loader (ELOOP)
			out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh, Offset: u.first.Offset,
				Message: prefix + fmt.Sprintf("%d tensor(s) load their data from %q, and where that path leads through "+
					"symbolic links could not be resolved (%v).", len(u.tensors), loc, err),
				Evidence: "external data " + loc + " unresolved"})
			continue
		}
		if err == nil && esc != nil {
			out = append(out, checks.Finding{RuleID: RuleExternalPath, Severity: checks.SeverityHigh, Offset: u.first.Offset,
				Message: prefix + fmt.Sprintf("%d tensor(s) (%s) load their data from %q, and %s is committed as a symbolic link "+
					"to %q (%s), outside the model's folder: onnx.load and ONNX Runtime follow the link and read that file "+
					"from the machine that loads the model.", len(u.tensors), strings.Join(first(u.tensors, 3), ", "), loc,
					esc.Link, esc.Target, linkEnd(esc)),
				Evidence: "external data " + loc + " → symlink " + esc.Target})
			continue
		}
		blob, err := f.Tree.Open(ctx, target)
		if errors.Is(err, fs.ErrNotExist) {
			out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium, Offset: u.first.Offset,
				Message: prefix + fmt.Sprintf("%d tensor(s) load their data from %q, which is not in the repository: the loader reads "+
					"whatever file has that name where the model is deployed.", len(u.tensors), target),
				Evidence: "missing external data " + loc})
			continue
		}
		if err != nil || blob == nil {
			continue
		}
		for _, t := range m.Tensors {
			if t.External["location"] != loc {
				continue
			}
			if msg := externalRange(t, blob.Size); msg != "" {
				out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium, Offset: t.Offset,
					Message: prefix + msg, Evidence: "external range " + t.Name})
			}
		}
	}
	return out
}

// linkEnd says where a link leads, for a message.
func linkEnd(e *checks.LinkEscape) string {
	if strings.HasPrefix(e.Resolved, "/") || e.Resolved == e.Target {
		return "an absolute path"
	}
	if strings.HasPrefix(e.Resolved, "..") {
		return "outside the repository"
	}
	return "which resolves to " + e.Resolved
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

// externalRange checks offset/length against the external file and shape.
func externalRange(t Tensor, fileSize int64) string {
	off, _ := strconv.ParseInt(t.External["offset"], 10, 64)
	length := int64(-1)
	if s, ok := t.External["length"]; ok {
		length, _ = strconv.ParseInt(s, 10, 64)
	}
	if off < 0 || off > fileSize || (length >= 0 && off+length > fileSize) {
		return fmt.Sprintf("Tensor %q reads bytes %d–%d of %q, which has %d bytes.", t.Name, off, off+length, t.External["location"], fileSize)
	}
	return ""
}

// externalShape compares a declared external length with the shape.
func externalShape(t Tensor) string {
	s, ok := t.External["length"]
	if !ok {
		return ""
	}
	length, err := strconv.ParseInt(s, 10, 64)
	if err != nil || length < 0 {
		return fmt.Sprintf("Tensor %q declares the external length %q, which is not a byte count.", t.Name, s)
	}
	if want, ok := expectedBytes(t); ok && want != length {
		return fmt.Sprintf("Tensor %q has shape %v of type %d (%d bytes) but its external data is %d bytes: runtimes that trust "+
			"the shape read past the data.", t.Name, t.Dims, t.DataType, want, length)
	}
	return ""
}

func expectedBytes(t Tensor) (int64, bool) {
	bitsPer, ok := elemBits[t.DataType]
	if !ok {
		return 0, false
	}
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 || (d > 0 && n > (1<<62)/d) {
			return 0, false
		}
		n *= d
	}
	if n > (1<<62)/bitsPer {
		return 0, false
	}
	return (n*bitsPer + 7) / 8, true
}

// sizes reports embedded tensors whose raw data disagrees with their shape.
func sizes(m *Model, prefix string) []checks.Finding {
	var bad []string
	var off int64
	for _, t := range m.Tensors {
		if t.RawLen < 0 || t.Location == 1 {
			continue
		}
		if want, ok := expectedBytes(t); ok && want != t.RawLen {
			if len(bad) == 0 {
				off = t.Offset
			}
			bad = append(bad, fmt.Sprintf("%q shape %v type %d needs %d bytes, has %d", t.Name, t.Dims, t.DataType, want, t.RawLen))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return []checks.Finding{{RuleID: RuleMalformed, Severity: checks.SeverityMedium, Offset: off,
		Message: prefix + fmt.Sprintf("%d tensor(s) hold a different number of bytes than their shape and type need (%s). Runtimes that trust "+
			"the shape read past the data.", len(bad), strings.Join(first(bad, 3), "; ")),
		Evidence: "tensor sizes"}}
}
