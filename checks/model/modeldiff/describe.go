// Package modeldiff describes a model file the way a reviewer needs it —
// what it is, which tensors it holds, what its pickles import and call, its
// metadata, operators and chat template — and compares two versions of it.
// It reads with the same bounded ranged reads as the model checks: a
// checkpoint costs its headers and pickles, not its tensor data. Nothing is
// loaded or executed; the security verdict stays with the checks' findings.
package modeldiff

import (
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/gguf"
	"github.com/ward-sec/ward/checks/model/keras/hdf5"
	"github.com/ward-sec/ward/checks/model/onnx"
	"github.com/ward-sec/ward/checks/model/pickle"
	"github.com/ward-sec/ward/checks/model/safetensors"
	"github.com/ward-sec/ward/checks/model/tfmodel"
)

// Tensor is one named tensor or array.
type Tensor struct {
	Name  string  `json:"name"`
	Dtype string  `json:"dtype"`
	Shape []int64 `json:"shape"` // -1 for a dimension that did not resolve
}

// Params is the number of elements (0 when a dimension is unknown).
func (t Tensor) Params() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		if d < 0 {
			return 0
		}
		n *= d
	}
	return n
}

// ShapeString is "[2, 4]".
func (t Tensor) ShapeString() string {
	s := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		s[i] = fmt.Sprint(d)
		if d < 0 {
			s[i] = "?"
		}
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// Import is a global a pickle imports, and whether loading calls it.
type Import struct {
	Name   string `json:"name"`
	Called bool   `json:"called"`
	// Verdict is the pickle policy's class: "allowed", "unknown" or "dangerous".
	Verdict string `json:"verdict"`
	// Does says what a dangerous global does ("runs a shell command").
	Does string `json:"does,omitempty"`
}

// Summary is what a model file is and holds.
type Summary struct {
	Path      string `json:"path"`
	Format    string `json:"format"`    // "PyTorch checkpoint", "safetensors", …
	Container string `json:"container"` // "zip (torch.save)", "raw pickle", …
	Size      int64  `json:"size"`
	// RunsCode says whether the format can run code when loaded, and how.
	RunsCode string `json:"runs_code"`
	Loader   string `json:"loader"`
	// Tensors in file order; Truncated when the bounds stopped the listing.
	Tensors  []Tensor          `json:"tensors,omitempty"`
	Imports  []Import          `json:"imports,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
	Ops      []string          `json:"ops,omitempty"`    // distinct ONNX/TF operator types
	Layers   []string          `json:"layers,omitempty"` // Keras layer classes and referenced objects
	// ChatTemplate is the template a GGUF or tokenizer config carries.
	ChatTemplate string `json:"chat_template,omitempty"`
	// PlainTensors is set when the pickle was fully read and holds only a
	// flat dict of tensors built by torch's own rebuild functions.
	PlainTensors bool `json:"plain_tensors,omitempty"`
	// Incomplete says what could not be described (bounds, malformed parts).
	Incomplete []string `json:"incomplete,omitempty"`
	// BytesRead is what the description cost.
	BytesRead int64 `json:"bytes_read"`
}

// countingReader counts the bytes read through it, to show that a large
// checkpoint costs only its headers.
type countingReader struct {
	r io.ReaderAt
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// pickleCap bounds the pickle bytes read for a description: checkpoints'
// pickles are kilobytes to a few megabytes; their tensor data is elsewhere.
const pickleCap = 256 << 20

// Describe reads what a model file is. It returns nil when the content is
// no model format ward knows (the caller then shows nothing).
func Describe(ctx context.Context, name string, r io.ReaderAt, size int64, lim checks.Limits) *Summary {
	if r == nil || size <= 0 {
		return nil
	}
	lim = lim.Effective()
	cr := &countingReader{r: r}
	s := &Summary{Path: name, Size: size}
	head := make([]byte, min(size, 4096))
	n, _ := cr.ReadAt(head, 0)
	head = head[:n]
	ok := false
	switch {
	case safetensors.Sniff(head):
		ok = describeSafetensors(s, cr, size, lim)
	case gguf.Sniff(head):
		ok = describeGGUF(ctx, s, cr, size, lim)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		ok = describeZip(ctx, s, cr, size, lim)
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		s.Format, s.Container = "Keras model", "HDF5"
		s.RunsCode, s.Loader = "yes: Lambda layers hold Python code that runs on load", "keras.models.load_model"
		describeHDF5(s, cr, size, lim)
		ok = true
	case pickle.LooksLikePickle(head):
		describePickleFile(ctx, s, cr, size, lim)
		ok = true
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		s.Format, s.Container = "NumPy array", ".npy"
		s.RunsCode, s.Loader = "only object arrays, with allow_pickle=True", "numpy.load"
		t := npyFromHeader(string(head))
		t.Name = path.Base(name)
		s.Tensors = []Tensor{t}
		ok = true
	case compression(head) != "":
		ok = describeCompressed(ctx, s, cr, size, lim, compression(head))
	default:
		if m, _ := onnx.Describe(ctx, cr, size, lim.MaxFileBytes); m != nil {
			describeONNX(s, m)
			ok = true
		} else if describeTF(ctx, s, cr, size, head) {
			ok = true
		}
	}
	if !ok {
		return nil
	}
	s.BytesRead = cr.n
	return s
}

func describeSafetensors(s *Summary, r io.ReaderAt, size int64, lim checks.Limits) bool {
	h, _, err := safetensors.Parse(r, size, lim.MaxFileBytes)
	if h == nil {
		return false
	}
	s.Format, s.Container = "safetensors", "JSON header + raw tensor data"
	s.RunsCode, s.Loader = "no: data only", "safetensors.torch.load_file"
	if err != nil {
		s.Incomplete = append(s.Incomplete, "header: "+err.Error())
	}
	for _, t := range h.Tensors {
		shape := make([]int64, len(t.Shape))
		for i, d := range t.Shape {
			shape[i] = int64(d)
		}
		s.Tensors = append(s.Tensors, Tensor{Name: t.Name, Dtype: safetensorsDtype(t.Dtype), Shape: shape})
	}
	if len(h.Metadata) > 0 {
		s.Metadata = h.Metadata
	}
	return true
}

func describeGGUF(ctx context.Context, s *Summary, r io.ReaderAt, size int64, lim checks.Limits) bool {
	f, err := gguf.Parse(ctx, r, size, lim.MaxFileBytes)
	if f == nil {
		return false
	}
	s.Format, s.Container = "GGUF", fmt.Sprintf("GGUF v%d", f.Version)
	s.RunsCode = "no code; its chat template is a Jinja program the runtime renders on every prompt"
	s.Loader = "llama.cpp / llama-cpp-python Llama(model_path=…)"
	if err != nil {
		s.Incomplete = append(s.Incomplete, err.Error())
	}
	s.Metadata = map[string]string{}
	if keys, err := ggufKeys(ctx, r, size, lim.MaxFileBytes); err == nil || len(keys) > 0 {
		for k, v := range keys {
			s.Metadata[k] = v
		}
	}
	for k, v := range f.Strings {
		if strings.HasPrefix(k, "tokenizer.chat_template") {
			if k == "tokenizer.chat_template" {
				s.ChatTemplate = v
			}
			s.Metadata[k] = fmt.Sprintf("(template, %d bytes)", len(v))
			continue
		}
		s.Metadata[k] = v
	}
	for _, t := range f.Tensors {
		shape := make([]int64, len(t.Dims))
		for i, d := range t.Dims {
			shape[i] = int64(d)
		}
		s.Tensors = append(s.Tensors, Tensor{Name: t.Name, Dtype: ggmlType(t.Type), Shape: shape})
	}
	return true
}

func describeONNX(s *Summary, m *onnx.Model) {
	s.Format, s.Container = "ONNX model", "protobuf"
	s.RunsCode, s.Loader = "no Python; custom-domain operators run native code the runtime loads", "onnxruntime.InferenceSession"
	ops := map[string]bool{}
	for _, n := range m.Nodes {
		op := n.OpType
		if n.Domain != "" && n.Domain != "ai.onnx" {
			op = n.Domain + "." + op
		}
		ops[op] = true
	}
	s.Ops = sortedKeys(ops)
	for _, t := range m.Tensors {
		s.Tensors = append(s.Tensors, Tensor{Name: t.Name, Dtype: onnxType(t.DataType), Shape: t.Dims})
	}
}

// describeTF decodes a SavedModel or GraphDef when it fits the byte budget.
func describeTF(ctx context.Context, s *Summary, r io.ReaderAt, size int64, head []byte) bool {
	base := path.Base(s.Path)
	if path.Ext(base) != ".pb" || size > 64<<20 {
		return false
	}
	b := make([]byte, size)
	if _, err := r.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	rep := tfmodel.Analyse(ctx, b)
	if rep.Kind == tfmodel.KindNone {
		return false
	}
	s.Format, s.Container = rep.Kind.String(), "protobuf"
	s.RunsCode, s.Loader = "graph ops run on load and serve: some read and write files or the network", "tf.saved_model.load"
	ops := map[string]bool{}
	for _, g := range rep.Graphs {
		for _, n := range g.Nodes {
			ops[n.Op] = true
		}
	}
	s.Ops = sortedKeys(ops)
	if rep.Err != nil {
		s.Incomplete = append(s.Incomplete, rep.Err.Error())
	}
	return true
}

// describeHDF5 lists the layers and objects of a Keras HDF5 model's
// model_config attribute (an HDF5 file without one is data: weights).
func describeHDF5(s *Summary, r io.ReaderAt, size int64, lim checks.Limits) {
	h, err := hdf5.Open(r, size)
	if err != nil {
		s.Incomplete = append(s.Incomplete, "HDF5: "+err.Error())
		return
	}
	h.MaxValueBytes = min(16<<20, lim.MaxFileBytes)
	attrs, err := h.RootAttributes()
	if err != nil {
		s.Incomplete = append(s.Incomplete, "HDF5 attributes: "+err.Error())
	}
	config := false
	for _, a := range attrs {
		if a.Name != "model_config" {
			continue
		}
		config = true
		for _, v := range a.Strings {
			s.Layers = append(s.Layers, kerasObjects([]byte(v))...)
		}
	}
	if !config && err == nil {
		s.Format, s.RunsCode = "HDF5 data (no Keras model_config)", "no: arrays only"
	}
	s.Layers = sortedKeys(setOf(s.Layers))
}

func setOf(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// describeZip recognises PyTorch checkpoints, TorchScript, Keras 3 and
// NumPy .npz archives through the central directory and the few members
// that describe them.
func describeZip(ctx context.Context, s *Summary, r io.ReaderAt, size int64, lim checks.Limits) bool {
	zr, err := zip.NewReader(r, size)
	if err != nil || len(zr.File) > lim.MaxMembers {
		return false
	}
	var pkl, npy []*zip.File
	names := map[string]*zip.File{}
	torchScript := false
	for _, f := range zr.File {
		names[f.Name] = f
		switch {
		case path.Base(f.Name) == "data.pkl" && strings.Count(f.Name, "/") == 1:
			pkl = append(pkl, f)
		case strings.HasSuffix(f.Name, ".npy"):
			npy = append(npy, f)
		case strings.Contains(f.Name, "/code/") && strings.HasSuffix(f.Name, ".py"):
			torchScript = true
		}
	}
	switch {
	case len(pkl) == 1:
		s.Format, s.Container = "PyTorch checkpoint", "zip (torch.save)"
		s.RunsCode = "yes: data.pkl is a pickle, which can call any Python function on load"
		s.Loader = "torch.load"
		if torchScript {
			s.Format, s.Loader = "TorchScript model", "torch.jit.load"
			s.RunsCode = "yes: TorchScript code in code/ runs, and data.pkl is a pickle"
		}
		f := pkl[0]
		sr, err := memberReader(r, f, pickleCap)
		if err != nil {
			s.Incomplete = append(s.Incomplete, f.Name+": "+err.Error())
			return true
		}
		describePickle(ctx, s, sr, int64(f.UncompressedSize64), lim, f.Name)
		return true
	case names["config.json"] != nil && (names["model.weights.h5"] != nil || names["metadata.json"] != nil):
		s.Format, s.Container = "Keras model", "zip (.keras)"
		s.RunsCode, s.Loader = "yes when safe_mode=False: Lambda layers and custom objects run code", "keras.saving.load_model"
		if b, err := memberBytes(r, names["config.json"], 16<<20); err == nil {
			s.Layers = kerasObjects(b)
		} else {
			s.Incomplete = append(s.Incomplete, "config.json: "+err.Error())
		}
		return true
	case len(npy) > 0 && len(npy) == len(zr.File):
		s.Format, s.Container = "NumPy arrays", "zip (.npz)"
		s.RunsCode, s.Loader = "only with allow_pickle=True (object arrays are pickles)", "numpy.load"
		for _, f := range npy {
			if t, ok := npyHeader(r, f); ok {
				t.Name = strings.TrimSuffix(f.Name, ".npy")
				s.Tensors = append(s.Tensors, t)
			}
		}
		return true
	}
	return false
}

func describePickleFile(ctx context.Context, s *Summary, r io.ReaderAt, size int64, lim checks.Limits) {
	s.Format, s.Container = "pickle", "raw pickle"
	s.RunsCode = "yes: unpickling can call any Python function"
	s.Loader = "pickle.load, joblib.load or torch.load"
	describePickle(ctx, s, r, size, lim, "")
	for _, im := range s.Imports {
		switch {
		case strings.HasPrefix(im.Name, "joblib."):
			s.Format, s.Loader = "joblib dump", "joblib.load"
		case strings.HasPrefix(im.Name, "torch.") && s.Format == "pickle":
			s.Format, s.Loader = "PyTorch checkpoint", "torch.load"
		case strings.HasPrefix(im.Name, "sklearn.") && s.Format == "pickle":
			s.Format = "scikit-learn model (pickle)"
		}
	}
	if s.Format == "PyTorch checkpoint" && len(s.Tensors) > 0 {
		s.Container = "legacy torch.save (pickles + storage records)"
	}
}

// describePickle lists a pickle's imports (the pickle package's analysis)
// and its tensors (the structure evaluator). Legacy torch files hold
// several streams: magic, protocol, system info, then the object.
func describePickle(ctx context.Context, s *Summary, r io.ReaderAt, size int64, lim checks.Limits, member string) {
	where := ""
	if member != "" {
		where = member + ": "
	}
	res, err := pickle.AnalyzeReaderAt(ctx, r, size, pickle.Limits{MaxOpcodes: lim.MaxOpcodes, MaxMemo: lim.MaxMemo,
		MaxBytes: min(lim.MaxFileBytes, pickleCap)})
	if res != nil {
		seen := map[string]bool{}
		for _, g := range res.Globals {
			q := g.QualName()
			if seen[q] {
				continue
			}
			seen[q] = true
			v, does := pickle.Classify(g.Module, g.Name)
			s.Imports = append(s.Imports, Import{Name: q, Called: g.Called(), Verdict: verdictName(v), Does: does})
		}
		sort.Slice(s.Imports, func(i, j int) bool { return s.Imports[i].Name < s.Imports[j].Name })
		if len(res.Limits) > 0 {
			s.Incomplete = append(s.Incomplete, fmt.Sprintf("%spickle analysis stopped at a bound (%v)", where, res.Limits))
		}
		if res.Malformed != nil {
			s.Incomplete = append(s.Incomplete, where+"malformed pickle: "+res.Malformed.Error())
		}
	}
	if err != nil {
		s.Incomplete = append(s.Incomplete, where+err.Error())
	}

	ev := newTreeEval(ctx, io.NewSectionReader(r, 0, size), defaultTreeLimits)
	w := &walker{max: 100_000, seen: map[node]bool{}}
	var root node
	// a legacy torch file is four pickles (magic number, protocol, system
	// info, the object) before its storage records; other files are one
	for i := 0; i < 4; i++ {
		v, err := ev.stream()
		if err != nil {
			if !errors.Is(err, errTreeBad) || i == 0 {
				s.Incomplete = append(s.Incomplete, where+"tensor listing: "+err.Error())
			}
			break
		}
		w.walk(v, "", 0)
		root = v
		if len(w.tensors) > 0 || (i == 0 && !legacyMagic(v)) {
			break
		}
	}
	if w.cut {
		s.Incomplete = append(s.Incomplete, where+"tensor listing cut at its bound")
	}
	s.Tensors = append(s.Tensors, w.tensors...)
	s.PlainTensors = root != nil && err == nil && res != nil && res.Malformed == nil && len(res.Limits) == 0 &&
		!w.cut && flatTensorDict(root) && onlyTensorImports(s.Imports)
}

// legacyMagic recognises the first pickle of a legacy torch.save file: the
// magic number 0x1950a86a20f9469cfc6c (a 10-byte long, kept as "other").
func legacyMagic(v node) bool {
	_, ok := v.(pyOther)
	return ok
}

// tensorImports are what torch.save writes for a state dict.
var tensorImports = map[string]bool{
	"collections.OrderedDict": true, "torch._utils._rebuild_tensor_v2": true, "torch._utils._rebuild_tensor": true,
	"torch._utils._rebuild_parameter": true,
}

func onlyTensorImports(ims []Import) bool {
	for _, im := range ims {
		if tensorImports[im.Name] {
			continue
		}
		if strings.HasPrefix(im.Name, "torch.") && strings.HasSuffix(im.Name, "Storage") {
			if _, ok := storageDtypes[strings.TrimPrefix(im.Name, "torch.")]; ok {
				continue
			}
		}
		return false
	}
	return true
}

func verdictName(v pickle.Verdict) string {
	switch v {
	case pickle.Allowed:
		return "allowed"
	case pickle.Denied:
		return "dangerous"
	}
	return "unknown"
}

// memberReader gives random access to a zip member: stored members are a
// window on the file (no copy); compressed ones are read, within max.
func memberReader(r io.ReaderAt, f *zip.File, max int64) (io.ReaderAt, error) {
	if f.Method == zip.Store {
		off, err := f.DataOffset()
		if err != nil {
			return nil, err
		}
		return io.NewSectionReader(r, off, int64(f.UncompressedSize64)), nil
	}
	b, err := memberBytes(r, f, max)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(b), nil
}

func memberBytes(_ io.ReaderAt, f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%d bytes, over the %d-byte bound", f.UncompressedSize64, max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("over the %d-byte bound", max)
	}
	return b, nil
}

// npyHeader reads an .npy member's header: {'descr': '<f4', 'shape': (2, 3), …}.
func npyHeader(r io.ReaderAt, f *zip.File) (Tensor, bool) {
	if f.Method != zip.Store {
		return Tensor{Name: f.Name, Dtype: "?"}, true
	}
	off, err := f.DataOffset()
	if err != nil {
		return Tensor{}, false
	}
	b := make([]byte, 512)
	n, _ := r.ReadAt(b, off)
	return npyFromHeader(string(b[:n])), true
}

// npyFromHeader reads an .npy header's dtype and shape.
func npyFromHeader(h string) Tensor {
	t := Tensor{Dtype: "?"}
	if i := strings.Index(h, "'descr': '"); i >= 0 {
		rest := h[i+10:]
		if j := strings.IndexByte(rest, '\''); j > 0 {
			t.Dtype = numpyDtype(&pyObj{args: []node{pyStr(strings.TrimLeft(rest[:j], "<>|="))}})
		}
	}
	if i := strings.Index(h, "'shape': ("); i >= 0 {
		rest := h[i+10:]
		if j := strings.IndexByte(rest, ')'); j >= 0 {
			for _, p := range strings.Split(rest[:j], ",") {
				p = strings.TrimSpace(p)
				if p == "" {
					continue
				}
				var d int64
				if _, err := fmt.Sscan(p, &d); err != nil {
					d = -1
				}
				t.Shape = append(t.Shape, d)
			}
		}
	}
	return t
}

// compression names the single-stream compressor of a joblib dump (xz and
// lzma are left to the model check, which bounds their dictionaries).
func compression(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "gzip"
	case len(head) >= 2 && head[0] == 0x78 && (head[1] == 0x01 || head[1] == 0x5e || head[1] == 0x9c || head[1] == 0xda):
		return "zlib"
	case bytes.HasPrefix(head, []byte("BZh")):
		return "bzip2"
	}
	return ""
}

// maxDecompressed bounds what a compressed dump may decompress to for its
// description; past it the description says so.
const maxDecompressed = 64 << 20

// describeCompressed describes a compressed joblib or pickle dump: it is
// decompressed (bounded) and its pickle described. Only a pickle inside
// counts as a model.
func describeCompressed(ctx context.Context, s *Summary, r io.ReaderAt, size int64, lim checks.Limits, kind string) bool {
	sr := io.NewSectionReader(r, 0, size)
	var zr io.Reader
	var err error
	switch kind {
	case "gzip":
		zr, err = gzip.NewReader(sr)
	case "zlib":
		zr, err = zlib.NewReader(sr)
	case "bzip2":
		zr = bzip2.NewReader(sr)
	}
	if err != nil {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(zr, maxDecompressed+1))
	if err != nil && len(b) == 0 {
		return false
	}
	if !pickle.LooksLikePickle(b[:min(len(b), 4096)]) {
		return false
	}
	describePickleFile(ctx, s, bytes.NewReader(b), int64(len(b)), lim)
	s.Container = kind + "-compressed " + s.Container
	s.Size = size
	if len(b) > maxDecompressed {
		s.Incomplete = append(s.Incomplete, fmt.Sprintf("decompressed past %d bytes: the rest was not described", maxDecompressed))
	} else if err != nil {
		s.Incomplete = append(s.Incomplete, "decompression: "+err.Error())
	}
	return true
}

// kerasObjects lists the layer classes and referenced objects of a Keras
// config: class_name values, "module.class_name" when a module is named,
// and registered_name for custom objects.
func kerasObjects(b []byte) []string {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil
	}
	set := map[string]bool{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		if depth > 64 || len(set) > 10_000 {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			if cn, ok := t["class_name"].(string); ok {
				name := cn
				if mod, ok := t["module"].(string); ok && mod != "" && !strings.HasPrefix(mod, "keras.") && mod != "keras" {
					name = mod + "." + cn
				}
				if rn, ok := t["registered_name"].(string); ok && rn != "" && rn != cn {
					name += " (registered as " + rn + ")"
				}
				set[name] = true
			}
			for _, x := range t {
				walk(x, depth+1)
			}
		case []any:
			for _, x := range t {
				walk(x, depth+1)
			}
		}
	}
	walk(v, 0)
	return sortedKeys(set)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ggmlType names a ggml tensor type.
func ggmlType(t uint32) string {
	names := []string{"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
		"Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS",
		"I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type %d", t)
}

// onnxType names an ONNX TensorProto data type.
func onnxType(t int32) string {
	names := []string{"undefined", "float32", "uint8", "int8", "uint16", "int16", "int32", "int64", "string", "bool",
		"float16", "float64", "uint32", "uint64", "complex64", "complex128", "bfloat16"}
	if t >= 0 && int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type %d", t)
}

// safetensorsDtype names a safetensors dtype the way torch does.
func safetensorsDtype(d string) string {
	names := map[string]string{"F64": "float64", "F32": "float32", "F16": "float16", "BF16": "bfloat16",
		"I64": "int64", "I32": "int32", "I16": "int16", "I8": "int8", "U64": "uint64", "U32": "uint32",
		"U16": "uint16", "U8": "uint8", "BOOL": "bool", "F8_E4M3": "float8_e4m3fn", "F8_E5M2": "float8_e5m2"}
	if n, ok := names[d]; ok {
		return n
	}
	return strings.ToLower(d)
}
