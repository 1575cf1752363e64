package gguf

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// BenchmarkMetadata150k parses a GGUF whose metadata holds a 150,000-token
// vocabulary (strings, scores, types) and the Llama 3.1 chat template.
func BenchmarkMetadata150k(b *testing.B) {
	tmpl, err := os.ReadFile(filepath.Join("chattemplate", "testdata", "llama31_tools.jinja"))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	w := func(v any) { _ = binary.Write(&buf, binary.LittleEndian, v) }
	str := func(s string) { w(uint64(len(s))); buf.WriteString(s) }
	const vocab = 150_000
	buf.WriteString("GGUF")
	w(uint32(3))
	w(uint64(0)) // tensors
	w(uint64(4)) // kv
	str("general.architecture")
	w(uint32(tString))
	str("llama")
	str("tokenizer.ggml.tokens")
	w(uint32(tArray))
	w(uint32(tString))
	w(uint64(vocab))
	for i := 0; i < vocab; i++ {
		str(fmt.Sprintf("tok%06d", i))
	}
	str("tokenizer.ggml.scores")
	w(uint32(tArray))
	w(uint32(tF32))
	w(uint64(vocab))
	buf.Write(make([]byte, 4*vocab))
	str("tokenizer.chat_template")
	w(uint32(tString))
	str(string(tmpl))
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("m.gguf", data))
		if err != nil || !res.Analysed || len(res.Findings) != 0 {
			b.Fatalf("unexpected result %+v %v", res, err)
		}
	}
}
