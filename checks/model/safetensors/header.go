package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"sort"
	"strconv"
	"unicode/utf8"
)

// maxHeaderBytes is the safetensors library's own cap on the JSON header.
const maxHeaderBytes = 100_000_000

// dtypeBits is the size of one element of each dtype the format defines.
var dtypeBits = map[string]uint64{
	"BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8,
	"I16": 16, "U16": 16, "F16": 16, "BF16": 16,
	"I32": 32, "U32": 32, "F32": 32,
	"I64": 64, "U64": 64, "F64": 64, "C64": 64,
	"F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}

// Sniff reports whether head (at least 10 bytes of the file) looks like a
// safetensors file: a little-endian header length followed by a JSON object.
func Sniff(head []byte) bool {
	if len(head) < 10 || head[8] != '{' {
		return false
	}
	// Text files have printable high bytes: a real (or merely oversized)
	// header length never reaches 2^48.
	if n := binary.LittleEndian.Uint64(head[:8]); n < 2 || n>>48 != 0 {
		return false
	}
	rest := bytes.TrimLeft(head[9:], " \t\r\n")
	return len(rest) == 0 || rest[0] == '"' || rest[0] == '}'
}

// Problem is one violation of the format, with a byte offset in the file.
type Problem struct {
	Rule    string
	Offset  int64
	Message string
	Detail  string // evidence: the tensor or field concerned
}

// Tensor is one entry of the header.
type Tensor struct {
	Name  string
	Dtype string
	Shape []uint64
	Begin uint64
	End   uint64
}

// Header is what Parse learned.
type Header struct {
	Length   uint64 // bytes of JSON
	Tensors  []Tensor
	Metadata map[string]string
}

// ErrHeaderLimit means the header is over the caller's byte limit.
var ErrHeaderLimit = errors.New("header over the byte limit")

// Parse reads the header of a safetensors file of the given size and checks
// it. Only 8+length bytes are read. Problems are returned, not errors; the
// error is for I/O failures and ErrHeaderLimit.
func Parse(r io.ReaderAt, size, limit int64) (*Header, []Problem, error) {
	var probs []Problem
	add := func(rule string, off int64, detail, format string, a ...any) {
		probs = append(probs, Problem{Rule: rule, Offset: off, Detail: detail, Message: fmt.Sprintf(format, a...)})
	}
	var lb [8]byte
	if _, err := r.ReadAt(lb[:], 0); err != nil {
		return nil, nil, fmt.Errorf("read header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	h := &Header{Length: n}
	if n > uint64(size-8) {
		add(RuleMalformed, 0, "header length", "The header length field says %d bytes but the file has only %d bytes after it: "+
			"the file is truncated or the length was forged.", n, size-8)
		return h, probs, nil
	}
	if n > maxHeaderBytes {
		add(RuleMalformed, 0, "header length", "The header length is %d bytes, over the 100 MB the safetensors library accepts: "+
			"loaders refuse it and a header this size only serves to exhaust memory.", n)
		return h, probs, nil
	}
	if limit > 0 && int64(n) > limit {
		return h, nil, fmt.Errorf("%w (%d > %d bytes)", ErrHeaderLimit, n, limit)
	}
	buf := make([]byte, n)
	if _, err := r.ReadAt(buf, 8); err != nil && !(errors.Is(err, io.EOF)) {
		return nil, nil, fmt.Errorf("read header: %w", err)
	}
	if !utf8.Valid(buf) {
		add(RuleMalformed, 8, "header encoding", "The JSON header is not valid UTF-8; the safetensors loader rejects it, other parsers may read it differently.")
		return h, probs, nil
	}
	entries, err := decodeObject(buf)
	if err != nil {
		add(RuleMalformed, 8, "header json", "The JSON header does not parse (%v): the file is corrupt or built by hand to confuse readers.", err)
		return h, probs, nil
	}
	dataStart := int64(8 + n)
	undecoded := false
	dataLen := uint64(size) - 8 - n
	for _, e := range entries {
		if e.key == "__metadata__" {
			h.Metadata = map[string]string{}
			if err := checkMetadata(e.raw, h.Metadata); err != nil {
				add(RuleMalformed, 8, "__metadata__", "__metadata__ must map strings to strings: %v. The safetensors loader rejects the file; "+
					"other readers may hand the non-string values to code.", err)
			}
			continue
		}
		t, msg := decodeTensor(e.key, e.raw)
		if msg != "" {
			add(RuleMalformed, 8, e.key, "Tensor %q: %s.", e.key, msg)
			undecoded = true
			continue
		}
		if t.End > dataLen {
			add(RuleMalformed, dataStart+int64(min(t.Begin, dataLen)), e.key, "Tensor %q has data_offsets [%d, %d] but the data area holds %d bytes: "+
				"it points outside the file.", e.key, t.Begin, t.End, dataLen)
			t.Begin, t.End = min(t.Begin, dataLen), dataLen // still covers what it claims
			h.Tensors = append(h.Tensors, t)
			continue
		}
		if msg := checkSize(t); msg != "" {
			add(RuleMalformed, dataStart+int64(t.Begin), e.key, "Tensor %q: %s.", e.key, msg)
		}
		h.Tensors = append(h.Tensors, t)
	}
	if !undecoded { // an entry we could not read may cover any bytes
		probs = append(probs, coverage(h.Tensors, dataStart, dataLen)...)
	}
	return h, probs, nil
}

type entry struct {
	key string
	raw json.RawMessage
}

// decodeObject reads the top-level JSON object keeping key order and
// rejecting duplicate keys, which parsers resolve differently.
func decodeObject(buf []byte) ([]entry, error) {
	dec := json.NewDecoder(bytes.NewReader(buf))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("the header is not a JSON object")
	}
	seen := map[string]bool{}
	var out []entry
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("value of %q: %w", key, err)
		}
		out = append(out, entry{key, raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	// Only white space may follow the object (the library pads with spaces).
	rest, _ := io.ReadAll(dec.Buffered())
	off := dec.InputOffset()
	if len(bytes.TrimSpace(rest)) > 0 || len(bytes.TrimSpace(buf[min(int(off), len(buf)):])) > 0 {
		return nil, errors.New("data follows the JSON object")
	}
	return out, nil
}

func checkMetadata(raw json.RawMessage, into map[string]string) error {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return errors.New("it is not a JSON object")
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s, ok := m[k].(string)
		if !ok {
			return fmt.Errorf("value of %q is a %T", k, m[k])
		}
		into[k] = s
	}
	return nil
}

func decodeTensor(name string, raw json.RawMessage) (Tensor, string) {
	var v struct {
		Dtype       *string       `json:"dtype"`
		Shape       []json.Number `json:"shape"`
		DataOffsets []json.Number `json:"data_offsets"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return Tensor{}, "the entry is not an object with dtype, shape and data_offsets (" + err.Error() + ")"
	}
	t := Tensor{Name: name}
	if v.Dtype == nil {
		return t, "dtype is missing"
	}
	t.Dtype = *v.Dtype
	if _, ok := dtypeBits[t.Dtype]; !ok {
		return t, fmt.Sprintf("dtype %q is not a safetensors dtype", t.Dtype)
	}
	if v.Shape == nil {
		return t, "shape is missing"
	}
	for _, d := range v.Shape {
		u, err := parseUint(d)
		if err != nil {
			return t, "shape has " + err.Error()
		}
		t.Shape = append(t.Shape, u)
	}
	if len(v.DataOffsets) != 2 {
		return t, fmt.Sprintf("data_offsets has %d values, not 2", len(v.DataOffsets))
	}
	var err error
	if t.Begin, err = parseUint(v.DataOffsets[0]); err != nil {
		return t, "data_offsets has " + err.Error()
	}
	if t.End, err = parseUint(v.DataOffsets[1]); err != nil {
		return t, "data_offsets has " + err.Error()
	}
	if t.End < t.Begin {
		return t, fmt.Sprintf("data_offsets [%d, %d] end before they begin", t.Begin, t.End)
	}
	return t, ""
}

func parseUint(n json.Number) (uint64, error) {
	u, err := strconv.ParseUint(string(n), 10, 64)
	if err != nil || (len(n) > 1 && n[0] == '0') {
		return 0, fmt.Errorf("value %s that is not a non-negative integer", n)
	}
	return u, nil
}

// checkSize compares the tensor's byte length with dtype × shape, guarding
// the multiplication against overflow.
func checkSize(t Tensor) string {
	elems := uint64(1)
	for _, d := range t.Shape {
		hi, lo := bits.Mul64(elems, d)
		if hi != 0 {
			return fmt.Sprintf("shape %v overflows 64 bits", t.Shape)
		}
		elems = lo
	}
	hi, bitsTotal := bits.Mul64(elems, dtypeBits[t.Dtype])
	if hi != 0 {
		return fmt.Sprintf("shape %v overflows 64 bits", t.Shape)
	}
	if bitsTotal%8 != 0 || bitsTotal/8 != t.End-t.Begin {
		return fmt.Sprintf("%s × %v needs %d bits but data_offsets give %d bytes: readers that trust one or the other read different data",
			t.Dtype, t.Shape, bitsTotal, t.End-t.Begin)
	}
	return ""
}

// coverage checks that tensors tile the data area exactly: no overlap, no
// gap, nothing after the last tensor.
func coverage(ts []Tensor, dataStart int64, dataLen uint64) []Problem {
	sorted := append([]Tensor(nil), ts...)
	sort.Slice(sorted, func(i, j int) bool {
		if sorted[i].Begin != sorted[j].Begin {
			return sorted[i].Begin < sorted[j].Begin
		}
		return sorted[i].End < sorted[j].End
	})
	var probs []Problem
	var pos uint64
	var prev string
	for _, t := range sorted {
		switch {
		case t.Begin < pos:
			probs = append(probs, Problem{Rule: RuleMalformed, Offset: dataStart + int64(t.Begin), Detail: prev + " / " + t.Name,
				Message: fmt.Sprintf("Tensors %q and %q overlap (byte %d of the data area): one write changes both, and readers disagree about the weights.", prev, t.Name, t.Begin)})
		case t.Begin > pos:
			probs = append(probs, Problem{Rule: RuleHiddenData, Offset: dataStart + int64(pos), Detail: fmt.Sprintf("gap before %s", t.Name),
				Message: fmt.Sprintf("%d bytes between the end of the previous tensor and %q belong to no tensor. Loaders skip them, "+
					"so they can carry a hidden payload (a pickle, an archive) for another tool to find.", t.Begin-pos, t.Name)})
		}
		if t.End > pos {
			pos = t.End
			prev = t.Name
		}
	}
	if pos < dataLen {
		probs = append(probs, Problem{Rule: RuleHiddenData, Offset: dataStart + int64(pos), Detail: "trailing data",
			Message: fmt.Sprintf("%d bytes after the last tensor belong to no tensor. The safetensors loader refuses such a file; "+
				"the bytes can hide a payload (a pickle, a zip) that another loader or an unzip step reads.", dataLen-pos)})
	}
	return probs
}
