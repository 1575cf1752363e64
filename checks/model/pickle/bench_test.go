package pickle

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// smallObjects generates, on the fly, a protocol 4 pickle of a list of n
// dicts {'id': i, 'name': 'item-<i>', 'score': float} — the shape that
// makes scanners which hold every opcode in memory slow (one memoised dict
// and one memoised string per object, like pickle.dumps writes them).
type smallObjects struct {
	n, i  int
	buf   []byte
	stage int
}

func (g *smallObjects) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) {
		switch {
		case g.stage == 0:
			g.buf = append(g.buf, "\x80\x04]\x94(\x8c\x02id\x94\x8c\x04name\x94\x8c\x05score\x940"...)
			// the three keys are memoised at 1, 2, 3 (the list is 0); the
			// trailing POP leaves the list and the mark on the stack
			g.buf = g.buf[:len(g.buf)-1]
			g.buf = append(g.buf, "000"...)
			g.stage = 1
		case g.i < g.n:
			g.buf = append(g.buf, "}\x94(h\x01J"...)
			g.buf = binary.LittleEndian.AppendUint32(g.buf, uint32(g.i))
			name := "item-" + strconv.Itoa(g.i)
			g.buf = append(g.buf, "h\x02\x8c"...)
			g.buf = append(g.buf, byte(len(name)))
			g.buf = append(g.buf, name...)
			g.buf = append(g.buf, "\x94h\x03G"...)
			g.buf = binary.BigEndian.AppendUint64(g.buf, math.Float64bits(float64(g.i)/7))
			g.buf = append(g.buf, 'u')
			g.i++
			if g.i%1000 == 0 {
				g.buf = append(g.buf, "e("...)
			}
		case g.stage == 1:
			g.buf = append(g.buf, "e."...)
			g.stage = 2
		default:
			if len(g.buf) == 0 {
				return 0, io.EOF
			}
			n := copy(p, g.buf)
			g.buf = g.buf[n:]
			return n, nil
		}
	}
	n := copy(p, g.buf)
	g.buf = g.buf[:copy(g.buf, g.buf[n:])]
	return n, nil
}

// objectsFor returns how many objects make about size bytes.
func objectsFor(size int64) int { return int(size / 36) }

func TestSmallObjectsGenerator(t *testing.T) {
	res, err := Analyze(context.Background(), &smallObjects{n: 5000}, Limits{})
	if err != nil || res.Malformed != nil || len(res.Limits) != 0 || res.Streams != 1 {
		t.Fatalf("generated pickle does not analyse cleanly: %v %v %v streams=%d", err, res.Malformed, res.Limits, res.Streams)
	}
}

// BenchmarkPickleSmallObjects: ~200 MB of small objects, streamed once.
// go test -run XXX -bench PickleSmallObjects -benchmem ./checks/model/pickle/
func BenchmarkPickleSmallObjects(b *testing.B) {
	const size = 200 << 20
	path := filepath.Join(b.TempDir(), "small.pkl")
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, &smallObjects{n: objectsFor(size)}); err != nil {
		b.Fatal(err)
	}
	out.Close()
	var bytesRead int64
	var cpu time.Duration
	var retained uint64
	peak := sampleHeap()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		runtime.GC() // the previous iteration's garbage does not count
		b.StartTimer()
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		start := cpuTime()
		g := &countReader{r: f, atEOF: func() {
			// the input is consumed and the machine still holds all it
			// tracked: its live heap is at its largest
			t := cpuTime()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			retained = max(retained, ms.HeapAlloc)
			start += cpuTime() - t
		}}
		res, err := Analyze(context.Background(), g, Limits{MaxMemo: 64 << 20})
		if err != nil || res.Malformed != nil || len(res.Limits) != 0 {
			b.Fatalf("%v %v %v", err, res.Malformed, res.Limits)
		}
		cpu += cpuTime() - start
		bytesRead = g.n
		f.Close()
	}
	b.StopTimer()
	heap := peak()
	// CPU time, not wall time: the MB/s one core sustains even on a loaded machine
	b.ReportMetric(float64(bytesRead)*float64(b.N)/(1<<20)/cpu.Seconds(), "MB/cpu-s")
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
	b.SetBytes(bytesRead)
	b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(retained)/(1<<20), "live-at-EOF-MB")
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// sampleHeap samples, every millisecond until the returned function is
// called, the heap's objects, live and not yet swept: what the heap holds
// at its largest. The function returns the maximum.
func sampleHeap() func() uint64 {
	samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done := make(chan struct{})
	var peak uint64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak
	}
}

type countReader struct {
	r     io.Reader
	n     int64
	atEOF func() // called at the first io.EOF, when set
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err == io.EOF && c.atEOF != nil {
		c.atEOF()
		c.atEOF = nil
	}
	return n, err
}

// BenchmarkTrailingScan: the search for pickles hidden behind 64 MB of raw
// tensor data (PyTorch legacy format), where random floats contain many
// PROTO-like bytes.
func BenchmarkTrailingScan(b *testing.B) {
	data := make([]byte, 64<<20)
	x := uint64(88172645463325252)
	for i := range data {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		data[i] = byte(x)
	}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if off, _ := FindStream(context.Background(), bytes.NewReader(data), 0, int64(len(data)), 0); off >= 0 {
			b.Fatalf("random data taken for a pickle at %d", off)
		}
	}
}
