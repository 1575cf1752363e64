package keras

import (
	"bytes"
	"encoding/binary"
	"errors"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ward-sec/ward/checks/model/pyjson"
)

// PythonJSONText returns JSON bytes as UTF-8 the way Python's json.loads
// reads bytes (json.detect_encoding): a UTF-8 BOM is dropped, UTF-16 and
// UTF-32 are recognised by their BOM or, without one, by where the zero
// bytes of the first characters fall. Keras reads config.json that way,
// so a config in UTF-16 is a config. The literals NaN, Infinity and
// -Infinity, which Python's json accepts, become null (pyjson).
func PythonJSONText(b []byte) ([]byte, error) {
	t, err := pythonEncoding(b)
	if err != nil {
		return nil, err
	}
	return pyjson.Literals(t), nil
}

// pythonEncoding decodes b to UTF-8 as json.detect_encoding would.
func pythonEncoding(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0, 0, 0xfe, 0xff}):
		return utf32(b[4:], binary.BigEndian)
	case bytes.HasPrefix(b, []byte{0xff, 0xfe, 0, 0}):
		return utf32(b[4:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		return utf16Text(b[2:], binary.BigEndian)
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		return utf16Text(b[2:], binary.LittleEndian)
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return b[3:], nil
	}
	if len(b) >= 4 {
		switch {
		case b[0] == 0 && b[1] != 0:
			return utf16Text(b, binary.BigEndian)
		case b[0] == 0:
			return utf32(b, binary.BigEndian)
		case b[1] == 0 && (b[2] != 0 || b[3] != 0):
			return utf16Text(b, binary.LittleEndian)
		case b[1] == 0:
			return utf32(b, binary.LittleEndian)
		}
	} else if len(b) == 2 {
		switch {
		case b[0] == 0:
			return utf16Text(b, binary.BigEndian)
		case b[1] == 0:
			return utf16Text(b, binary.LittleEndian)
		}
	}
	return b, nil
}

var errEncoding = errors.New("invalid UTF-16 or UTF-32 text")

func utf16Text(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errEncoding
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	out := make([]byte, 0, len(u))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

func utf32(b []byte, order binary.ByteOrder) ([]byte, error) {
	if len(b)%4 != 0 {
		return nil, errEncoding
	}
	out := make([]byte, 0, len(b)/4)
	for i := 0; i < len(b); i += 4 {
		r := rune(order.Uint32(b[i:]))
		if !utf8.ValidRune(r) {
			return nil, errEncoding
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}
