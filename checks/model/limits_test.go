package model

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/ulikunitz/xz/lzma"

	"github.com/ward-sec/ward/checks"
)

func zipOf(t *testing.T, method uint16, members map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func scanBytes(name string, b []byte, lim checks.Limits) []checks.Finding {
	fs, _ := Analyse(context.Background(), name, bytes.NewReader(b), int64(len(b)), lim)
	return fs
}

func TestLimitsAreFindings(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	// a pickle that is long before its payload: 20 MB of zeros in a list
	bomb := append([]byte("\x80\x02]("), bytes.Repeat([]byte("K\x00"), 10<<20)...)
	bomb = append(bomb, 'e', '0')
	bomb = append(bomb, payload[2:]...)
	cases := []struct {
		name   string
		data   []byte
		lim    checks.Limits
		expect string // substring of the not-analysed message
	}{
		{"zip bomb ratio", zipOf(t, zip.Deflate, map[string][]byte{"archive/data.pkl": bomb}), checks.Limits{}, "compression ratio"},
		{"decompressed total", zipOf(t, zip.Deflate, map[string][]byte{"a/data.pkl": bomb}),
			checks.Limits{MaxDecompressedBytes: 1 << 20, MaxCompressionRatio: 1 << 30}, "decompressed bytes"},
		{"zip bomb ratio, lzma member", lzmaZipOf(t, map[string][]byte{"archive/data.pkl": bomb}), checks.Limits{}, "compression ratio"},
		{"decompressed total, lzma member", lzmaZipOf(t, map[string][]byte{"a/data.pkl": bomb}),
			checks.Limits{MaxDecompressedBytes: 1 << 20, MaxCompressionRatio: 1 << 30}, "decompressed bytes"},
		{"members", zipOf(t, zip.Store, map[string][]byte{"a": {1}, "b": {2}, "c": {3}}), checks.Limits{MaxMembers: 2}, "archive members"},
		{"opcodes", payload, checks.Limits{MaxOpcodes: 3}, "opcodes per stream"},
		{"nesting", zipOf(t, zip.Store, map[string][]byte{"x.zip": zipOf(t, zip.Store, map[string][]byte{"y.zip": zipOf(t, zip.Store, map[string][]byte{"p.pkl": payload})})}),
			checks.Limits{MaxDepth: 1}, "nesting deeper"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := scanBytes(c.name, c.data, c.lim)
			for _, f := range fs {
				if f.RuleID == RuleNotAnalysed && f.Severity >= checks.SeverityHigh && strings.Contains(f.Message, c.expect) {
					return
				}
			}
			t.Errorf("no high %s finding mentioning %q:%s", RuleNotAnalysed, c.expect, dump(fs))
		})
	}
}

// TestZipWithPrefix: PyTorch's reader finds the central directory from the
// end, so an archive behind a prefix still loads — and is still analysed.
func TestZipWithPrefix(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	z := zipOf(t, zip.Store, map[string][]byte{"archive/data.pkl": payload, "archive/version": []byte("3\n")})
	data := append([]byte(strings.Repeat("#!/bin/sh\nexit 0\n", 40)), z...)
	fs := scanBytes("prefixed.pt", data, checks.Limits{})
	if !has(fs, want{RuleDangerousGlobal, checks.SeverityCritical, "archive/data.pkl: os.system"}) {
		t.Errorf("payload in a prefixed zip missed:%s", dump(fs))
	}
}

// TestDuplicateNames: miniz looks names up case-insensitively.
func TestDuplicateNames(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	z := zipOf(t, zip.Store, map[string][]byte{"archive/data.pkl": []byte("\x80\x02}q\x00."), "archive/DATA.pkl": payload})
	fs := scanBytes("dup.pt", z, checks.Limits{})
	if !has(fs, want{RuleArchiveIntegrity, checks.SeverityHigh, "duplicate archive/data.pkl"}) ||
		!has(fs, want{RuleDangerousGlobal, checks.SeverityCritical, "os.system"}) {
		t.Errorf("duplicate names:%s", dump(fs))
	}
}

func TestTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	big := append([]byte("\x80\x02]("), bytes.Repeat([]byte("K\x00"), 1<<20)...)
	fs, _ := Analyse(ctx, "slow.pkl", bytes.NewReader(big), int64(len(big)), checks.Limits{})
	if !has(fs, want{RuleNotAnalysed, checks.SeverityHigh, ""}) {
		t.Errorf("cancelled analysis must say so:%s", dump(fs))
	}
}

// TestTextIsNotCompressed: text that happens to start like a zlib or lzma
// header is not a broken archive.
func TestTextIsNotCompressed(t *testing.T) {
	for _, text := range []string{"x^2 + y^2 = r^2\n", "x\x01 not really", "]\x00\x00\x80\x00 binary-ish but not lzma"} {
		fs, ok := Analyse(context.Background(), "notes.txt", bytes.NewReader([]byte(text)), int64(len(text)), checks.Limits{})
		if ok || len(fs) != 0 {
			t.Errorf("%q: analysed=%v:%s", text, ok, dump(fs))
		}
	}
}

// TestOffsetsAreFileOffsets: a finding in a stored zip member points at the
// opcode's byte in the file.
func TestOffsetsAreFileOffsets(t *testing.T) {
	b, err := os.ReadFile("testdata/malicious/torch_zip_payload.pt")
	if err != nil {
		t.Fatal(err)
	}
	fs := scanBytes("x.pt", b, checks.Limits{})
	for _, f := range fs {
		if f.RuleID == RuleDangerousGlobal {
			if f.Offset <= 0 || f.Offset >= int64(len(b)) || b[f.Offset] != 'R' {
				t.Errorf("offset %d does not point at the REDUCE opcode", f.Offset)
			}
			return
		}
	}
	t.Fatalf("no finding:%s", dump(fs))
}

// TestPlainArchivesAreNotModels: a zip of documents is left to the
// framework's "binary file not analysed" rule.
func TestPlainArchivesAreNotModels(t *testing.T) {
	z := zipOf(t, zip.Deflate, map[string][]byte{"word/document.xml": []byte("<w:document/>"), "x.class": {0xca, 0xfe, 0xba, 0xbe, 0, 0}})
	fs, ok := Analyse(context.Background(), "doc.docx", bytes.NewReader(z), int64(len(z)), checks.Limits{})
	if ok || len(fs) != 0 {
		t.Errorf("analysed=%v:%s", ok, dump(fs))
	}
	b, _ := os.ReadFile("testdata/benign/arrays.npz")
	if _, ok := Analyse(context.Background(), "a.npz", bytes.NewReader(b), int64(len(b)), checks.Limits{}); !ok {
		t.Errorf("npz not analysed")
	}
}

// TestDecompressionDeadline: decompressed reads stop when the scan's time
// is up, also where no pickle analysis looks at the clock (the CRC pass
// decompresses a member a second time).
func TestDecompressionDeadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := &scanner{ctx: ctx, lim: checks.Limits{}.Effective()}
	br := &boundedReader{s: s, r: bytes.NewReader(make([]byte, 64)), in: &countingReader{}, limit: -1}
	if n, err := br.Read(make([]byte, 64)); n != 0 || !errors.Is(err, context.Canceled) {
		t.Errorf("read %d bytes after the deadline (%v)", n, err)
	}
}

// TestLZMAStreamDictionaryCapped: a joblib .lzma stream whose header asks
// for a 1 GiB dictionary is reported as not analysed (high) instead of
// making ward allocate the dictionary; the same stream with an honest
// header is analysed and its payload found.
func TestLZMAStreamDictionaryCapped(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := lzma.WriterConfig{DictCap: 1 << 16}.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(payload); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	honest := buf.Bytes()
	// The same stream claiming a 1 GiB dictionary: with its size in the
	// header the library only needs a dictionary that large, so it is
	// decoded; with the size unknown it would allocate 1 GiB, so it is not.
	sized := append([]byte(nil), honest...)
	binary.LittleEndian.PutUint32(sized[1:5], 1<<30)
	binary.LittleEndian.PutUint64(sized[5:13], uint64(len(payload)))
	huge := append([]byte(nil), sized...)
	binary.LittleEndian.PutUint64(huge[5:13], ^uint64(0))

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	fs := scanBytes("model.joblib", huge, checks.Limits{})
	runtime.ReadMemStats(&ms)
	if grew := ms.TotalAlloc - before; grew > 256<<20 {
		t.Errorf("scanning a 1 GiB-dictionary header allocated %d MB", grew>>20)
	}
	if !hasFinding(fs, RuleNotAnalysed, checks.SeverityHigh, "dictionary") {
		t.Errorf("1 GiB dictionary: findings %+v, want a high %s naming the dictionary", fs, RuleNotAnalysed)
	}
	for name, data := range map[string][]byte{"honest header": honest, "1 GiB dictionary, size known": sized} {
		if fs := scanBytes("model.joblib", data, checks.Limits{}); !hasFinding(fs, "", checks.SeverityCritical, "os.system") {
			t.Errorf("%s: findings %+v, want the os.system payload (critical)", name, fs)
		}
	}
}

// hasFinding reports a finding of rule (any rule when "") at severity whose
// message or evidence contains sub.
func hasFinding(fs []checks.Finding, rule string, sev checks.Severity, sub string) bool {
	for _, f := range fs {
		if (rule == "" || f.RuleID == rule) && f.Severity == sev && strings.Contains(f.Message+f.Evidence, sub) {
			return true
		}
	}
	return false
}
