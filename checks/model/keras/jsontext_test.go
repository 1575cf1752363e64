package keras

import (
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// Python's json.loads(bytes) reads these encodings; so does Keras.
func TestPythonJSONText(t *testing.T) {
	const want = `{"class_name": "Dense"}`
	u16 := func(order binary.AppendByteOrder, bom bool) []byte {
		var b []byte
		if bom {
			b = order.AppendUint16(b, 0xfeff)
		}
		for _, c := range utf16.Encode([]rune(want)) {
			b = order.AppendUint16(b, c)
		}
		return b
	}
	u32 := func(order binary.AppendByteOrder, bom bool) []byte {
		var b []byte
		if bom {
			b = order.AppendUint32(b, 0xfeff)
		}
		for _, c := range want {
			b = order.AppendUint32(b, uint32(c))
		}
		return b
	}
	for name, in := range map[string][]byte{
		"utf-8": []byte(want), "utf-8 bom": append([]byte{0xef, 0xbb, 0xbf}, want...),
		"utf-16le bom": u16(binary.LittleEndian, true), "utf-16be bom": u16(binary.BigEndian, true),
		"utf-16le": u16(binary.LittleEndian, false), "utf-16be": u16(binary.BigEndian, false),
		"utf-32le bom": u32(binary.LittleEndian, true), "utf-32be bom": u32(binary.BigEndian, true),
		"utf-32le": u32(binary.LittleEndian, false), "utf-32be": u32(binary.BigEndian, false),
	} {
		got, err := PythonJSONText(in)
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := PythonJSONText([]byte{0xff, 0xfe, '{'}); err == nil {
		t.Error("odd-length UTF-16 accepted")
	}
}
