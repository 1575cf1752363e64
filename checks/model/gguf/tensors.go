package gguf

import (
	"fmt"
	"math/bits"
)

// ggmlTypes: bytes per block and elements per block of the ggml tensor
// types whose layout is stable across llama.cpp releases. Other types are
// not size-checked.
var ggmlTypes = map[uint32][2]uint64{
	0: {4, 1}, 1: {2, 1}, // F32, F16
	2: {18, 32}, 3: {20, 32}, 6: {22, 32}, 7: {24, 32}, 8: {34, 32}, // Q4_0 Q4_1 Q5_0 Q5_1 Q8_0
	10: {84, 256}, 11: {110, 256}, 12: {144, 256}, 13: {176, 256}, 14: {210, 256}, 15: {292, 256}, // K-quants
	24: {1, 1}, 25: {2, 1}, 26: {4, 1}, 27: {8, 1}, 28: {8, 1}, 30: {2, 1}, // I8 I16 I32 I64 F64 BF16
}

// tensorProblems checks that each tensor's data lies inside the file and is
// aligned; it returns one message per problem (at most a few).
func tensorProblems(f *File, size int64) []string {
	var out []string
	for _, t := range f.Tensors {
		if len(out) >= 5 {
			out = append(out, "further tensor problems omitted")
			break
		}
		if f.Alignment > 0 && t.Offset%f.Alignment != 0 {
			out = append(out, fmt.Sprintf("tensor %q starts at offset %d, not a multiple of the alignment %d", t.Name, t.Offset, f.Alignment))
			continue
		}
		start := uint64(f.DataStart) + t.Offset
		if start < t.Offset || start > uint64(size) {
			out = append(out, fmt.Sprintf("tensor %q starts at byte %d, past the end of the file (%d bytes)", t.Name, start, size))
			continue
		}
		bt, ok := ggmlTypes[t.Type]
		if !ok {
			continue
		}
		elems := uint64(1)
		overflow := false
		for _, d := range t.Dims {
			hi, lo := bits.Mul64(elems, d)
			overflow = overflow || hi != 0
			elems = lo
		}
		if overflow || elems%bt[1] != 0 {
			out = append(out, fmt.Sprintf("tensor %q has dimensions %v that do not fit its type %d", t.Name, t.Dims, t.Type))
			continue
		}
		hi, n := bits.Mul64(elems/bt[1], bt[0])
		if hi != 0 || start+n < start || start+n > uint64(size) {
			out = append(out, fmt.Sprintf("tensor %q needs %d bytes from byte %d but the file has %d", t.Name, n, start, size))
		}
	}
	return out
}
