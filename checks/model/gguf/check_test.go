package gguf

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/checktest"
)

const fixtures = "../testdata/formats"

func scan(t testing.TB, name string, content []byte) (checks.Result, []string) {
	t.Helper()
	return checktest.Scan(t, check{}, name, content)
}

func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"gguf_llama3.gguf", nil},
		{"gguf_chatml_v2.gguf", nil},
		{"gguf_v1.gguf", nil},
		{"gguf_cve_2024_34359.gguf", []string{"model-gguf-chat-template-injection/critical"}},
		{"gguf_obfuscated_template.gguf", []string{"model-gguf-chat-template-injection/critical"}},
		{"gguf_named_template.gguf", []string{"model-gguf-chat-template-injection/critical"}},
		{"gguf_unparsable_template.gguf", []string{"model-gguf-chat-template-unparsed/low"}},
		{"gguf_truncated.gguf", []string{"model-gguf-malformed/medium"}},
		{"gguf_huge_kv_count.gguf", []string{"model-gguf-malformed/medium"}},
		{"gguf_string_too_long.gguf", []string{"model-gguf-malformed/medium"}},
		{"gguf_bad_version.gguf", []string{"model-gguf-malformed/medium"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, got := checktest.ScanFixture(t, check{}, fixtures, tc.file)
			if !res.Analysed {
				t.Error("not analysed")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseReadsTemplateAndTensors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "gguf_llama3.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(context.Background(), strings.NewReader(string(b)), int64(len(b)), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 3 || f.Strings["general.architecture"] != "llama" || !strings.Contains(f.Strings["tokenizer.chat_template"], "<|start_header_id|>") {
		t.Errorf("unexpected header: version %d, strings %v", f.Version, f.Strings)
	}
	if len(f.Tensors) != 1 || f.Tensors[0].Name != "token_embd.weight" || !reflect.DeepEqual(f.Tensors[0].Dims, []uint64{4, 5}) {
		t.Errorf("tensors = %+v", f.Tensors)
	}
}

func TestByteLimit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "gguf_cve_2024_34359.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	f := checks.NewBytesFile("m.gguf", b)
	f.Limits.MaxFileBytes = 100
	res, err := check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].RuleID != RuleNotAnalysed || res.Findings[0].Severity != checks.SeverityHigh {
		t.Fatalf("want one high %s finding, got %+v", RuleNotAnalysed, res.Findings)
	}
}

func TestNotGGUF(t *testing.T) {
	res, _ := scan(t, "x.gguf", []byte("not a gguf file"))
	if res.Analysed {
		t.Error("claimed a text file")
	}
}

func FuzzGGUF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "gguf_*"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(ggufOf(binary.BigEndian, "{{ messages }}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := checks.NewBytesFile("fuzz.gguf", data)
		file.Limits.MaxFileBytes = 1 << 20
		res, err := check{}.Scan(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Findings {
			if x.RuleID == "" || x.Message == "" {
				t.Fatalf("finding without rule or message: %+v", x)
			}
		}
	})
}
