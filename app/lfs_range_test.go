package app

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// torchZip writes a PyTorch-style zip checkpoint: a small data.pkl and one
// stored tensor member of dataBytes, as torch.save lays it out.
func torchZip(tb testing.TB, dataBytes int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	// A state_dict {"w": tensor} pickled the way torch.save does (protocol 2).
	pkl := []byte("\x80\x02}q\x00X\x01\x00\x00\x00wq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02((X\x07\x00\x00\x00storageq\x03ctorch\nFloatStorage\nq\x04X\x01\x00\x00\x000q\x05X\x03\x00\x00\x00cpuq\x06K\x04tq\x07QK\x00K\x04\x85q\x08K\x01\x85q\t\x89ccollections\nOrderedDict\nq\n)Rq\x0btq\x0cRq\rs.")
	for _, m := range []struct {
		name string
		data []byte
	}{{"archive/data.pkl", pkl}, {"archive/version", []byte("3\n")}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(m.data)
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/data/0", Method: zip.Store})
	if err != nil {
		tb.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n := 0; n < dataBytes; n += len(chunk) {
		w.Write(chunk[:min(len(chunk), dataBytes-n)])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// reviewLFSCheckpoint reviews a PR that adds an LFS pointer to a checkpoint
// of size bytes and returns the LFS bytes the fake served.
func reviewLFSCheckpoint(tb testing.TB, size int) (int64, int) {
	gh := fakegithub.New(tb)
	obj := torchZip(tb, size)
	sum := sha256.Sum256(obj)
	oid := hex.EncodeToString(sum[:])
	gh.AddLFSObject(oid, obj)
	pointer := fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, len(obj))
	fakeRepo(tb, gh, map[string]string{"model.pt": pointer})
	_, url := runServer(tb, gh, "sqlite://"+filepath.Join(tb.TempDir(), "w.db"))
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		tb.Fatalf("deliver: %v %v", resp, err)
	}
	run := waitRun(tb, gh, gh.HeadSHA("acme/app", 1))
	if run.Conclusion != "success" {
		tb.Fatalf("a benign checkpoint concluded %q:\n%s", run.Conclusion, run.Summary)
	}
	return gh.LFSBytesServed(), len(obj)
}

// TestLFSCheckpointReadByRange: a 64 MiB PyTorch checkpoint in Git LFS is
// reviewed by reading its central directory and pickle only.
func TestLFSCheckpointReadByRange(t *testing.T) {
	served, size := reviewLFSCheckpoint(t, 64<<20)
	if served*100 >= int64(size) {
		t.Fatalf("read %d of %d bytes (%.2f%%), want under 1%%", served, size, 100*float64(served)/float64(size))
	}
	t.Logf("read %d of %d bytes (%.4f%%)", served, size, 100*float64(served)/float64(size))
}

// BenchmarkLFSCheckpoint1GB reports the share of a 1 GiB checkpoint that a
// review transfers. Run: go test ./app -run '^$' -bench LFSCheckpoint1GB -benchtime 1x
func BenchmarkLFSCheckpoint1GB(b *testing.B) {
	for i := 0; i < b.N; i++ {
		served, size := reviewLFSCheckpoint(b, 1<<30)
		b.ReportMetric(float64(served), "bytes-transferred")
		b.ReportMetric(100*float64(served)/float64(size), "%-of-file")
	}
}
