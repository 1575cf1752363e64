package model

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/ulikunitz/xz/lzma"

	"github.com/ward-sec/ward/checks"
)

// lzmaMember compresses data as zip method 14 stores it: LZMA SDK version,
// properties size, the five properties bytes, then the raw stream (with an
// end-of-stream marker when eos is set).
func lzmaMember(tb testing.TB, data []byte, eos bool) []byte {
	tb.Helper()
	var buf bytes.Buffer
	cfg := lzma.WriterConfig{DictCap: 1 << 16, EOSMarker: eos}
	if !eos {
		cfg.Size = int64(len(data))
	}
	lw, err := cfg.NewWriter(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := lw.Write(data); err != nil {
		tb.Fatal(err)
	}
	if err := lw.Close(); err != nil {
		tb.Fatal(err)
	}
	out := buf.Bytes() // the classic 13-byte header, then the stream
	return append(append([]byte{9, 20, 5, 0}, out[:5]...), out[lzma.HeaderLen:]...)
}

// rawMember is a zip member written exactly as given.
type rawMember struct {
	name   string
	method uint16
	flags  uint16
	usize  uint64
	crc    uint32
	data   []byte // as stored in the archive
}

func rawZip(tb testing.TB, ms ...rawMember) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range ms {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: m.name, Method: m.method, Flags: m.flags, CRC32: m.crc,
			CompressedSize64: uint64(len(m.data)), UncompressedSize64: m.usize})
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(m.data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// lzmaZipOf is a zip whose members are LZMA-compressed with end markers, as
// Python's zipfile writes them.
func lzmaZipOf(tb testing.TB, members map[string][]byte) []byte {
	tb.Helper()
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	var ms []rawMember
	for _, n := range names {
		d := members[n]
		ms = append(ms, rawMember{n, 14, 2, uint64(len(d)), crc32.ChecksumIEEE(d), lzmaMember(tb, d, true)})
	}
	return rawZip(tb, ms...)
}

// TestLZMAMembers: zip method 14 in each of its forms, and each way its
// header or stream can be broken.
func TestLZMAMembers(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	crc := crc32.ChecksumIEEE(payload)
	n := uint64(len(payload))
	eos := lzmaMember(t, payload, true)
	sized := lzmaMember(t, payload, false)
	withProps := func(m []byte, props ...byte) []byte {
		c := bytes.Clone(m)
		copy(c[4:], props)
		return c
	}
	dict := func(m []byte, size uint32) []byte {
		c := bytes.Clone(m)
		binary.LittleEndian.PutUint32(c[5:], size)
		return c
	}
	flagged := want{RuleDangerousGlobal, checks.SeverityCritical, "archive/data.pkl: os.system"}
	cases := []struct {
		name   string
		member rawMember
		want   want // a not-analysed want is matched on the message
	}{
		{"end marker", rawMember{flags: 2, usize: n, data: eos}, flagged},
		{"size only", rawMember{usize: n, data: sized}, flagged},
		{"end marker after the size", rawMember{usize: n, data: eos}, flagged},
		{"header dictionary of 4 GiB, small member", rawMember{flags: 2, usize: n, data: dict(eos, 0xffffffff)}, flagged},
		{"longer properties", rawMember{flags: 2, usize: n,
			data: append(append([]byte{9, 20, 7, 0}, eos[4:9]...), append([]byte{0, 0}, eos[9:]...)...)}, flagged},
		// a dictionary only as large as what the member may decompress to
		// is allocated: 400 KB of stream may decompress to 80 MB
		{"dictionary over the cap", rawMember{flags: 2, usize: 0xf0000000, data: append(dict(eos, 0xffffffff), make([]byte, 400<<10)...)},
			want{RuleNotAnalysed, checks.SeverityHigh, "dictionary"}},
		{"short properties", rawMember{flags: 2, usize: n, data: append([]byte{9, 20, 3, 0}, eos[4:]...)},
			want{RuleNotAnalysed, checks.SeverityHigh, "3 bytes of properties"}},
		{"bad properties byte", rawMember{flags: 2, usize: n, data: withProps(eos, 0xff)},
			want{RuleNotAnalysed, checks.SeverityHigh, "properties code"}},
		{"header cut short", rawMember{flags: 2, usize: n, data: eos[:6]},
			want{RuleNotAnalysed, checks.SeverityHigh, "lzma member properties"}},
		{"stream cut short", rawMember{flags: 2, usize: n, data: eos[:len(eos)/2]},
			want{RuleNotAnalysed, checks.SeverityHigh, "EOF"}},
		// the pickle ends before the stream does: loaders stop there too
		{"no end marker, stream shorter than declared", rawMember{usize: n + 100, data: sized}, flagged},
		// the decoder reports the truncation before it hands over the
		// bytes it decoded, which Python's zipfile passes on
		{"end marker cut off", rawMember{flags: 2, usize: n, data: eos[:len(eos)-2]}, flagged},
		{"garbage stream", rawMember{flags: 2, usize: 1000, data: append(append(bytes.Clone(eos[:9]), 0), bytes.Repeat([]byte{0x5a, 0xa5, 0x33}, 200)...)},
			want{RuleNotAnalysed, checks.SeverityHigh, "compression method 14"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.member
			m.name, m.method, m.crc = "archive/data.pkl", 14, crc
			z := rawZip(t, rawMember{"archive/version", 0, 0, 2, crc32.ChecksumIEEE([]byte("3\n")), []byte("3\n")}, m)
			fs := scanBytes("lzma.pt", z, checks.Limits{})
			if c.want.rule != RuleNotAnalysed {
				if !has(fs, c.want) {
					t.Errorf("missing %s %s %q in:%s", c.want.severity, c.want.rule, c.want.evidence, dump(fs))
				}
				for _, f := range fs {
					if f.RuleID == RuleNotAnalysed || f.RuleID == RuleArchiveIntegrity {
						t.Errorf("well-formed member reported as broken:%s", dump(fs))
					}
				}
				return
			}
			for _, f := range fs {
				if f.RuleID == RuleNotAnalysed && f.Severity == c.want.severity &&
					strings.Contains(strings.ToLower(f.Message), strings.ToLower(c.want.evidence)) {
					return
				}
			}
			t.Errorf("no %s %s mentioning %q:%s", c.want.severity, RuleNotAnalysed, c.want.evidence, dump(fs))
		})
	}
}

// TestLZMATwins: a payload in an LZMA member is reported exactly as in its
// deflate twin (files written by Python's zipfile, testdata/gen.py).
func TestLZMATwins(t *testing.T) {
	cases := []struct{ deflate, lzma string }{
		{"torch_zip_deflated.pt", "torch_zip_lzma.pt"},
		{"object_arrays.npz", "object_arrays_lzma.npz"},
	}
	key := func(fs []checks.Finding) []string {
		var out []string
		for _, f := range fs {
			out = append(out, f.Severity.String()+" "+f.RuleID+" "+f.Evidence)
		}
		sort.Strings(out)
		return out
	}
	for _, c := range cases {
		t.Run(c.lzma, func(t *testing.T) {
			d := key(scanFixture(t, "testdata/malicious/"+c.deflate))
			l := key(scanFixture(t, "testdata/malicious/"+c.lzma))
			if len(d) == 0 || strings.Join(d, "\n") != strings.Join(l, "\n") {
				t.Errorf("deflate twin:\n  %s\nlzma:\n  %s", strings.Join(d, "\n  "), strings.Join(l, "\n  "))
			}
		})
	}
}
