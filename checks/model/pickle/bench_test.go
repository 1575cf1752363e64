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
	runtime.GC()
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		g := &countReader{r: f}
		res, err := Analyze(context.Background(), g, Limits{MaxMemo: 64 << 20})
		if err != nil || res.Malformed != nil || len(res.Limits) != 0 {
			b.Fatalf("%v %v %v", err, res.Malformed, res.Limits)
		}
		bytesRead = g.n
		f.Close()
	}
	b.StopTimer()
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano()+after.Stime.Nano()-before.Utime.Nano()-before.Stime.Nano()) * time.Nanosecond
	// CPU time, not wall time: the MB/s one core sustains even on a loaded machine
	b.ReportMetric(float64(bytesRead)*float64(b.N)/(1<<20)/cpu.Seconds(), "MB/cpu-s")
	b.ReportMetric(float64(after.Maxrss)/1024, "peak-RSS-MB")
	b.SetBytes(bytesRead)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MB")
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
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
