package model

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// sparse is an in-memory file whose all-zero regions cost nothing: writes of
// zeros become holes. It stands in for a multi-gigabyte checkpoint.
type sparse struct {
	segs []seg
	size int64
}

type seg struct {
	off  int64
	data []byte
}

func (s *sparse) Write(p []byte) (int, error) {
	if len(bytes.TrimLeft(p, "\x00")) > 0 {
		s.segs = append(s.segs, seg{s.size, append([]byte(nil), p...)})
	}
	s.size += int64(len(p))
	return len(p), nil
}

func (s *sparse) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > s.size-off {
		n = int(s.size - off)
	}
	clear(p[:n])
	i := sort.Search(len(s.segs), func(i int) bool { return s.segs[i].off+int64(len(s.segs[i].data)) > off })
	for ; i < len(s.segs) && s.segs[i].off < off+int64(n); i++ {
		sg := s.segs[i]
		lo := max(sg.off, off)
		hi := min(sg.off+int64(len(sg.data)), off+int64(n))
		copy(p[lo-off:hi-off], sg.data[lo-sg.off:hi-sg.off])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// countingReaderAt counts the bytes a scan reads.
type countingReaderAt struct {
	r     io.ReaderAt
	n     atomic.Int64
	calls atomic.Int64 // ReadAt calls: range requests on a remote file
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	c.calls.Add(1)
	return n, err
}

// torchZip builds a PyTorch-style zip of about size bytes: the real data.pkl
// of a torch.save'd state_dict, stored tensor members of zeros, a version.
func torchZip(tb testing.TB, size int64, members int) *sparse {
	tb.Helper()
	src, err := zip.OpenReader("testdata/benign/torch_state_dict.pt")
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	var pkl []byte
	for _, f := range src.File {
		if filepath.Base(f.Name) == "data.pkl" {
			rc, _ := f.Open()
			pkl, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	out := &sparse{}
	zw := zip.NewWriter(out)
	add := func(name string, data []byte, n int64) {
		h := &zip.FileHeader{Name: name, Method: zip.Store, UncompressedSize64: uint64(n), CompressedSize64: uint64(n)}
		if data != nil {
			h.CRC32 = crc32.ChecksumIEEE(data)
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			tb.Fatal(err)
		}
		if data != nil {
			w.Write(data)
			return
		}
		zero := make([]byte, 1<<20)
		for left := n; left > 0; left -= int64(len(zero)) {
			w.Write(zero[:min(int64(len(zero)), left)])
		}
	}
	add("archive/data.pkl", pkl, int64(len(pkl)))
	per := size / int64(members)
	for i := 0; i < members; i++ {
		add(fmt.Sprintf("archive/data/%d", i), nil, per)
	}
	add("archive/version", []byte("3\n"), 2)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkTorchZip1GB: a 1 GB checkpoint is analysed from its central
// directory and data.pkl; tensor members cost a 4 KiB sniff each.
// go test -run XXX -bench TorchZip1GB -benchmem ./checks/model/
func BenchmarkTorchZip1GB(b *testing.B) {
	z := torchZip(b, 1<<30, 16)
	var read, calls int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := &countingReaderAt{r: z}
		fs, ok := Analyse(context.Background(), "big.pt", c, z.size, checks.Limits{})
		if !ok || len(fs) != 0 {
			b.Fatalf("analysed=%v findings=%v", ok, dump(fs))
		}
		read, calls = c.n.Load(), c.calls.Load()
	}
	b.ReportMetric(float64(read), "bytes-read")
	b.ReportMetric(float64(calls), "reads")
	b.ReportMetric(100*float64(read)/float64(z.size), "%-of-file")
}

func TestTorchZipReadsLittle(t *testing.T) {
	z := torchZip(t, 256<<20, 8)
	c := &countingReaderAt{r: z}
	fs, ok := Analyse(context.Background(), "big.pt", c, z.size, checks.Limits{})
	if !ok || len(fs) != 0 {
		t.Fatalf("analysed=%v:%s", ok, dump(fs))
	}
	if pct := 100 * float64(c.n.Load()) / float64(z.size); pct > 1 {
		t.Errorf("read %.2f%% of the file", pct)
	}
}

// BenchmarkDirectory1000: 1,000 mixed model files (the fixtures, repeated)
// through checks.Run with all cores.
// go test -run XXX -bench Directory1000 -benchmem ./checks/model/
func BenchmarkDirectory1000(b *testing.B) {
	paths, _ := filepath.Glob("testdata/*/*")
	var contents [][]byte
	var total int64
	for _, p := range paths {
		if c, err := os.ReadFile(p); err == nil {
			contents = append(contents, c)
		}
	}
	files := make([]*checks.File, 1000)
	for i := range files {
		c := contents[i%len(contents)]
		files[i] = checks.NewBytesFile(fmt.Sprintf("f%04d", i), c)
		total += int64(len(c))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		checks.Run(context.Background(), files, checks.RunOptions{Checks: []checks.Check{check{}}})
	}
	b.ReportMetric(float64(len(files))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}
