package pickle

import (
	"bytes"
	"context"
	"encoding/binary"
	"runtime"
	"slices"
	"testing"
)

// memoryBombs are pickles whose opcodes make an unpickler (and a naive
// analyser) hold far more memory than the file's size.
func memoryBombs(n int) map[string][]byte {
	rep := func(head, op []byte, tail string) []byte {
		b := append([]byte{}, head...)
		b = append(b, bytes.Repeat(op, n)...)
		return append(b, tail...)
	}
	putSeq := []byte("\x80\x04]")
	for i := 0; i < n/5; i++ {
		putSeq = binary.LittleEndian.AppendUint32(append(putSeq, 'r'), uint32(i))
	}
	sparse := []byte("\x80\x04]")
	for i := 0; i < n/5; i++ {
		sparse = binary.LittleEndian.AppendUint32(append(sparse, 'r'), uint32(i)*4099+1<<30)
	}
	strs := []byte("\x80\x04(")
	for i := 0; len(strs) < n; i++ {
		strs = append(strs, 0x8c, 8)
		strs = binary.LittleEndian.AppendUint64(strs, uint64(i))
		strs = append(strs, 0x94)
	}
	return map[string][]byte{
		// issue 18: one list, then a MEMOIZE per byte
		"memoize list":         rep([]byte("\x80\x04]"), []byte{0x94}, "."),
		"memoize tuple of str": rep([]byte("\x80\x04\x8c\x01a\x85"), []byte{0x94}, "."),
		"long_binput dense":    append(putSeq, '.'),
		"long_binput sparse":   append(sparse, '.'),
		"distinct strings":     append(strs, "l."...),
		"mark flood":           rep([]byte("\x80\x04"), []byte{'('}, "N."),
		"empty lists":          rep([]byte("\x80\x04("), []byte{']'}, "l."),
	}
}

// TestMemoryBudget: whatever the opcodes, the analysis allocates about its
// budget and no more, and going over is a limit (a finding), never an
// allocation.
func TestMemoryBudget(t *testing.T) {
	const budgetBytes = 16 << 20
	for name, data := range memoryBombs(16 << 20) {
		t.Run(name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)),
				Limits{MaxMemoryBytes: budgetBytes})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			// the budget, plus the reader's buffers and what is charged
			// only every 1,024 opcodes
			if alloc > 2*budgetBytes+4<<20 {
				t.Errorf("allocated %d MiB with a %d MiB budget", alloc>>20, budgetBytes>>20)
			}
			if slices.Contains(res.Limits, LimitMemory) {
				return
			}
			if len(res.Limits) == 0 && res.Malformed == nil {
				t.Errorf("a %d MiB bomb was analysed to the end in %d MiB: the test does not exercise the budget (limits %v)",
					len(data)>>20, alloc>>20, res.Limits)
			}
		})
	}
}

// BenchmarkMemoryBomb runs issue 18's file: a 64 MB pickle of one list and
// 64 M MEMOIZE opcodes, under the default 512 MiB budget. B/op is what the
// analysis allocates (it used to reach 4.5 GB).
func BenchmarkMemoryBomb(b *testing.B) {
	data := append([]byte("\x80\x04]"), bytes.Repeat([]byte{0x94}, 64<<20)...)
	data = append(data, '.')
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{})
		if err != nil || !slices.Contains(res.Limits, LimitMemory) {
			b.Fatalf("limits %v, err %v", res.Limits, err)
		}
	}
}

// TestStackGrowth: a million pushes allocate about twice the final stack
// (doubling), not the five times append's quarter growth costs.
func TestStackGrowth(t *testing.T) {
	data := append([]byte("\x80\x04"), bytes.Repeat([]byte{'N'}, 1_100_000)...)
	data = append(data, '.')
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), Limits{})
	runtime.ReadMemStats(&after)
	if err != nil || !slices.Contains(res.Limits, LimitStack) {
		t.Fatalf("limits %v, err %v: the stack limit was not reached", res.Limits, err)
	}
	stack := int64(DefaultLimits.MaxStack) * costValue
	if alloc := int64(after.TotalAlloc - before.TotalAlloc); alloc > 5*stack/2 {
		t.Errorf("a %d MB stack took %d MB of allocations", stack>>20, alloc>>20)
	}
}
