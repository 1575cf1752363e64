package model

import (
	"encoding/binary"
	"fmt"
	"io"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// npyHeader is what ward needs from a .npy header.
type npyHeader struct {
	dataOff int64
	object  bool // dtype holds Python objects: the data is a pickle
	header  string
}

// parseNpy reads the magic, version and header dictionary of a .npy file.
func parseNpy(r io.ReaderAt, size int64) (npyHeader, error) {
	h := readAtMost(r, 0, 12, size)
	if len(h) < 10 || string(h[:6]) != "\x93NUMPY" {
		return npyHeader{}, fmt.Errorf("not a .npy file")
	}
	var hl, start int64
	switch h[6] {
	case 1:
		hl, start = int64(binary.LittleEndian.Uint16(h[8:])), 10
	case 2, 3:
		if len(h) < 12 {
			return npyHeader{}, fmt.Errorf("truncated header")
		}
		hl, start = int64(binary.LittleEndian.Uint32(h[8:])), 12
	default:
		return npyHeader{}, fmt.Errorf("unsupported .npy version %d.%d", h[6], h[7])
	}
	if hl > 1<<20 || start+hl > size {
		return npyHeader{}, fmt.Errorf("header length %d out of bounds", hl)
	}
	text := string(readAtMost(r, start, hl, size))
	if h[6] != 3 {
		// versions 1 and 2 are latin-1: every byte is one character
		text = latin1(text)
	}
	lit, err := parsePyLiteral(text)
	if err != nil {
		// numpy.load refuses a header it cannot literal_eval; ward's parser
		// may still be narrower than Python's, so judge the quoted strings
		// as before and say the header was not understood
		return npyHeader{dataOff: start + hl, object: hasObjectDtype(text), header: text},
			fmt.Errorf("header is not a Python literal ward can read: %w", err)
	}
	descr, ok := lit.dictGet("descr")
	if !ok {
		return npyHeader{}, fmt.Errorf("header has no descr")
	}
	return npyHeader{dataOff: start + hl, object: descrHasObject(descr, 0), header: text}, nil
}

func latin1(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// hasObjectDtype finds an object type code ('O', '|O', '<O8') among the
// quoted strings of the header's descr (plain or structured).
func hasObjectDtype(header string) bool {
	for _, q := range []string{"'", "\""} {
		parts := strings.Split(header, q)
		for i := 1; i < len(parts); i += 2 {
			t := strings.TrimLeft(parts[i], "<>|=")
			if strings.HasPrefix(t, "O") && strings.Trim(t[1:], "0123456789") == "" {
				return true
			}
		}
	}
	return false
}

// scanNpy analyses a .npy file: object arrays are stored as a pickle after
// the header, which numpy.load(allow_pickle=True) runs.
func (s *scanner) scanNpy(w where, r io.ReaderAt, size int64) {
	s.understood = true
	h, err := parseNpy(r, size)
	if err != nil && h.dataOff > 0 {
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("%sNumPy .npy header not understood (%v); its dtype was judged from its quoted strings.", w.prefix(), err),
			Evidence: w.member + ": npy header"})
	} else if err != nil {
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("%sMalformed NumPy .npy file (%v): its content was not analysed.", w.prefix(), err),
			Evidence: w.member + ": npy"})
		return
	}
	if !h.object {
		return
	}
	inner := w
	inner.loader = "numpy.load(allow_pickle=True)"
	inner.member = w.member
	if inner.member == "" {
		inner.member = "(object array data)"
	} else {
		inner.member += " (object array data)"
	}
	sec := io.NewSectionReader(r, h.dataOff, size-h.dataOff)
	from := len(s.findings)
	s.scanPickleAt(inner, sec, size-h.dataOff, false)
	s.shift(from, h.dataOff)
}
