package gguf

import (
	"bytes"
	"context"
	"encoding/binary"
	"reflect"
	"testing"
)

// ggufOf writes a version 3 GGUF in the given byte order: two strings, the
// alignment (uint32) and one 4x5 F32 tensor.
func ggufOf(order binary.ByteOrder, template string) []byte {
	var b bytes.Buffer
	w := func(v any) { _ = binary.Write(&b, order, v) }
	str := func(s string) { w(uint64(len(s))); b.WriteString(s) }
	b.WriteString("GGUF")
	w(uint32(3))
	w(uint64(1)) // tensors
	w(uint64(3)) // key/value pairs
	str("general.architecture")
	w(uint32(8))
	str("llama")
	str("general.alignment")
	w(uint32(4))
	w(uint32(32))
	str("tokenizer.chat_template")
	w(uint32(8))
	str(template)
	str("token_embd.weight")
	w(uint32(2))
	w(uint64(4))
	w(uint64(5))
	w(uint32(0))
	w(uint64(0))
	for b.Len()%32 != 0 {
		b.WriteByte(0)
	}
	b.Write(make([]byte, 80))
	return b.Bytes()
}

// TestBigEndian: a big-endian GGUF (gguf-py reads them) is parsed like a
// little-endian one, and its template judged.
func TestBigEndian(t *testing.T) {
	evil := "{{ lipsum.__globals__['os'].popen('id').read() }}"
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		b := ggufOf(order, evil)
		f, err := Parse(context.Background(), bytes.NewReader(b), int64(len(b)), 1<<20)
		if err != nil {
			t.Fatalf("%v: %v", order, err)
		}
		if f.Version != 3 || f.Alignment != 32 || f.Strings["tokenizer.chat_template"] != evil || len(f.Tensors) != 1 ||
			!reflect.DeepEqual(f.Tensors[0].Dims, []uint64{4, 5}) || f.BigEndian != (order == binary.BigEndian) {
			t.Errorf("%v: parsed %+v", order, f)
		}
		if _, got := scan(t, "m.gguf", b); !reflect.DeepEqual(got, []string{"model-gguf-chat-template-injection/critical"}) {
			t.Errorf("%v: findings %v", order, got)
		}
	}
}
