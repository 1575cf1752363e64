package pickle

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// memoBomb is a list memoised n times: every memo entry refers to a tracked
// container, so the memo grows by a word an entry until a budget stops it.
func memoBomb(n int) []byte {
	return append(append([]byte("\x80\x04]"), bytes.Repeat([]byte{0x94}, n)...), '.')
}

// The process pool bounds analyses together: bombs that each fit their own
// budget stop when the pool is spent, every byte returns to the pool, and an
// ordinary analysis afterwards is not affected.
func TestProcessPoolBoundsConcurrentAnalyses(t *testing.T) {
	SetProcessMemory(24 << 20)
	poolWait = 200 * time.Millisecond
	t.Cleanup(func() { SetProcessMemory(DefaultProcessMemory); poolWait = poolWaitDefault })
	p := processPool()

	bomb := memoBomb(16 << 20) // ~130 MB of memo words: under the 512 MiB file budget
	var wg sync.WaitGroup
	results := make([]*Result, 3)
	for i := range results {
		wg.Go(func() {
			res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(bomb), int64(len(bomb)), Limits{})
			if err != nil {
				t.Error(err)
			}
			results[i] = res
		})
	}
	wg.Wait()
	for i, res := range results {
		if res == nil || !slices.Contains(res.Limits, LimitSharedMemory) {
			t.Errorf("bomb %d: limits %v, want the shared memory limit", i, res.Limits)
		}
	}
	if p.used != 0 {
		t.Errorf("%d bytes still taken from the pool", p.used)
	}

	// Alone, a file that needs more than the free allowance draws on the
	// pool and finishes.
	mid := memoBomb(3 << 20) // ~25 MB: the allowance plus a little of the pool
	res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(mid), int64(len(mid)), Limits{})
	if err != nil || len(res.Limits) != 0 {
		t.Errorf("a file the pool can hold: %v, limits %v", err, res.Limits)
	}
	if p.used != 0 {
		t.Errorf("%d bytes still taken from the pool", p.used)
	}
}

// A waiting analysis proceeds when another returns memory.
func TestProcessPoolWaitsForMemory(t *testing.T) {
	SetProcessMemory(16 << 20)
	t.Cleanup(func() { SetProcessMemory(DefaultProcessMemory) })
	p := processPool()
	if !p.take(context.Background(), 16<<20) {
		t.Fatal("could not take the whole pool")
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		p.give(16 << 20)
	}()
	mid := memoBomb(3 << 20)
	res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(mid), int64(len(mid)), Limits{})
	if err != nil || len(res.Limits) != 0 {
		t.Errorf("after the pool was returned: %v, limits %v", err, res.Limits)
	}
}

// A pool smaller than one chunk refuses at once instead of waiting.
func TestProcessPoolTooSmallRefusesAtOnce(t *testing.T) {
	SetProcessMemory(1 << 20)
	t.Cleanup(func() { SetProcessMemory(DefaultProcessMemory) })
	start := time.Now()
	mid := memoBomb(3 << 20)
	res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(mid), int64(len(mid)), Limits{})
	if err != nil || !slices.Contains(res.Limits, LimitSharedMemory) {
		t.Errorf("%v, limits %v", err, res.Limits)
	}
	if d := time.Since(start); d > poolWaitDefault/2 {
		t.Errorf("waited %s for memory that can never come", d)
	}
}
