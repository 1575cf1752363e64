package tfmodel

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"

	"github.com/ward-sec/ward/checks"
	"google.golang.org/protobuf/encoding/protowire"
)

func init() { checks.Register(check{}) }

type check struct{}

func (check) Name() string { return "tensorflow" }

func (check) Rules() []checks.Rule { return rules }

// maxNodes bounds the nodes decoded from one file, across graph and library.
const maxNodes = 2_000_000

// Kind is the TensorFlow file a protobuf turned out to be.
type Kind int

// Kinds of TensorFlow files.
const (
	KindNone Kind = iota
	KindSavedModel
	KindGraphDef
	KindKerasMetadata
)

func (k Kind) String() string {
	return [...]string{"", "TensorFlow SavedModel", "TensorFlow GraphDef", "Keras SavedModel metadata"}[k]
}

// Report is the outcome of analysing one file.
type Report struct {
	Kind     Kind
	Graphs   []Graph
	Problems []Problem
	Keras    []string // layer configs (JSON) of keras_metadata.pb
	Err      error    // malformed part, or a limit (errors.Is(err, errLimit))
}

var opName = regexp.MustCompile(`^[A-Z][A-Za-z0-9_]*$`)

// Analyse decodes b as a SavedModel, a GraphDef or a keras_metadata.pb, in
// that order, and reports dangerous ops. KindNone means none of them.
func Analyse(ctx context.Context, b []byte) Report {
	return analyseWith(ctx, b, maxNodes)
}

func analyseWith(ctx context.Context, b []byte, limit int) Report {
	d := &decoder{ctx: ctx, maxNodes: limit}
	if gs, err := d.savedModel(b); plausible(gs) {
		return finish(Report{Kind: KindSavedModel, Graphs: gs, Err: err})
	}
	d.nodes = 0
	if gs, err := d.graphDef(b, "graph"); plausible(gs) {
		return finish(Report{Kind: KindGraphDef, Graphs: gs, Err: err})
	}
	if objs, err := kerasMetadata(b); len(objs) > 0 {
		return Report{Kind: KindKerasMetadata, Keras: objs, Err: err}
	}
	return Report{}
}

func finish(r Report) Report {
	for _, g := range r.Graphs {
		r.Problems = append(r.Problems, inspect(g)...)
	}
	return r
}

// plausible: at least one node with an op name shaped like TensorFlow's.
func plausible(gs []Graph) bool {
	for _, g := range gs {
		for _, n := range g.Nodes {
			if opName.MatchString(n.Op) {
				return true
			}
		}
	}
	return false
}

// headLooksLikeTF is a cheap filter before reading a whole file: the first
// field is one a SavedModel, GraphDef or SavedMetadata starts with.
func headLooksLikeTF(head []byte, size int64) bool {
	num, typ, n := protowire.ConsumeTag(head)
	if n < 0 || num > 4 {
		return false
	}
	switch typ {
	case protowire.VarintType:
		return num == 1 || num == 3
	case protowire.BytesType:
		l, m := protowire.ConsumeVarint(head[n:])
		if m < 0 || int64(l) > size {
			return false
		}
		inner := head[n+m:]
		if len(inner) == 0 {
			return l == 0
		}
		inum, _, k := protowire.ConsumeTag(inner)
		return k > 0 && inum <= 10
	}
	return false
}

func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 4 || f.Content == nil || !headLooksLikeTF(f.Head(64), f.Size) {
		return checks.Result{}, nil
	}
	lim := f.Limits.Effective()
	b, err := f.ReadAll(lim.MaxFileBytes)
	if errors.Is(err, checks.ErrTooLarge) {
		// Only claim the file if the head decodes as graph nodes.
		if r := Analyse(ctx, f.Head(1<<16)); r.Kind == KindNone {
			return checks.Result{}, nil
		}
		return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  fmt.Sprintf("TensorFlow graph not fully analysed: file size limit (%d bytes > %d). Its ops were not checked.", f.Size, lim.MaxFileBytes),
			Evidence: "file size limit"}}}, nil
	}
	if err != nil {
		return checks.Result{}, err
	}
	r := Analyse(ctx, b)
	if r.Kind == KindNone {
		return checks.Result{}, nil
	}
	var out []checks.Finding
	prefix := ""
	if base := path.Base(f.Path); base != "saved_model.pb" && base != "keras_metadata.pb" && path.Ext(base) != ".pb" {
		prefix = fmt.Sprintf("%s is a %s by content. ", base, r.Kind)
	}
	for _, p := range r.Problems {
		out = append(out, checks.Finding{RuleID: RuleDangerousOp, Severity: p.Severity,
			Message: prefix + p.Message + " Loading or serving the model runs it.", Evidence: p.Evidence})
	}
	out = append(out, kerasFindings(ctx, r.Keras, prefix)...)
	switch {
	case r.Err == nil:
	case errors.Is(r.Err, errLimit), errors.Is(r.Err, context.DeadlineExceeded), errors.Is(r.Err, context.Canceled):
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  fmt.Sprintf("%s%s not fully analysed: %v limit. Ops after that point were not checked.", prefix, r.Kind, r.Err),
			Evidence: "limit"})
	default:
		out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("%s%s is malformed: %v. TensorFlow refuses it; the part after the error was not checked.", prefix, r.Kind, r.Err),
			Evidence: "malformed"})
	}
	return checks.Result{Analysed: true, Findings: out}, nil
}
