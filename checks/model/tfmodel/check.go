package tfmodel

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
	"google.golang.org/protobuf/encoding/protowire"
)

// New returns the check.
func New() checks.Check { return check{} }

type check struct{}

func (check) Name() string { return "tensorflow" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

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
	// a function body's node may call another function of the library by
	// its name instead of an op
	funcs := map[string]bool{}
	for _, g := range r.Graphs {
		if name, ok := strings.CutPrefix(g.Where, "function "); ok {
			funcs[name] = true
		}
	}
	for _, g := range r.Graphs {
		r.Problems = append(r.Problems, inspect(g, funcs)...)
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

// headLooksLikeTF is a cheap filter before reading a whole file: the
// first fields are those a SavedModel (schema version 1, then a meta graph),
// a GraphDef (a node whose first field is its name) or a SavedMetadata (an
// object starting with its node id) starts with. ONNX models, which also
// start with field 1 as a varint, and text files are turned away here.
func headLooksLikeTF(head []byte, size int64) bool {
	num, typ, n := protowire.ConsumeTag(head)
	if n < 0 || num > 2 {
		return false
	}
	if num == 2 { // SavedModel without a schema version: a meta graph first
		return typ == protowire.BytesType && innerStartsWith(head[n:], size, 0x0a, 0x12)
	}
	switch typ {
	case protowire.VarintType: // SavedModel.saved_model_schema_version
		v, m := protowire.ConsumeVarint(head[n:])
		if m < 0 || v != 1 {
			return false
		}
		rest := head[n+m:]
		num2, typ2, k := protowire.ConsumeTag(rest)
		if k < 0 || num2 != 2 || typ2 != protowire.BytesType {
			return false
		}
		return innerStartsWith(rest[k:], size, 0x0a, 0x12) // meta_info_def or graph_def
	case protowire.BytesType: // GraphDef.node or SavedMetadata.nodes
		return innerStartsWith(head[n:], size, 0x0a, 0x10, 0x1a)
	}
	return false
}

// innerStartsWith checks a length prefix that fits the file and the first
// byte of the embedded message.
func innerStartsWith(b []byte, size int64, first ...byte) bool {
	l, m := protowire.ConsumeVarint(b)
	if m < 0 || l == 0 || int64(l) > size || len(b) <= m {
		return false
	}
	for _, c := range first {
		if b[m] == c {
			return true
		}
	}
	return false
}

func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 4 || f.Content == nil {
		return checks.Result{}, nil
	}
	if looksTextGraph(f.Head(256)) {
		return scanText(ctx, f)
	}
	if !headLooksLikeTF(f.Head(64), f.Size) {
		// The rest of a SavedModel folder holds no ops: the checkpoint
		// index and its data shards, and the fingerprint.
		ok := isCheckpointIndex(f) || isCheckpointShard(ctx, f) || isFingerprint(f.Head(4097))
		return checks.Result{Analysed: ok}, nil
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
	return report(ctx, f, Analyse(ctx, b))
}

// scanText analyses saved_model.pbtxt and text GraphDefs.
func scanText(ctx context.Context, f *checks.File) (checks.Result, error) {
	lim := f.Limits.Effective()
	b, err := f.ReadAll(lim.MaxFileBytes)
	if errors.Is(err, checks.ErrTooLarge) {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  fmt.Sprintf("TensorFlow text graph not fully analysed: file size limit (%d bytes > %d). Its ops were not checked.", f.Size, lim.MaxFileBytes),
			Evidence: "file size limit"}}}, nil
	}
	if err != nil {
		return checks.Result{}, err
	}
	return report(ctx, f, analyseText(b, maxNodes))
}

// report turns an analysis into findings.
func report(ctx context.Context, f *checks.File, r Report) (checks.Result, error) {
	if r.Kind == KindNone {
		return checks.Result{}, nil
	}
	var out []checks.Finding
	prefix := ""
	if base := path.Base(f.Path); base != "saved_model.pb" && base != "keras_metadata.pb" && path.Ext(base) != ".pb" && path.Ext(base) != ".pbtxt" {
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
