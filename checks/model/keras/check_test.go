package keras

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
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
		{"keras_benign.h5", nil},
		{"keras_benign_latest.h5", nil},
		{"keras3_benign.keras", nil},
		{"keras_lambda.h5", []string{"model-keras-lambda/critical"}},
		{"keras_lambda_latest.h5", []string{"model-keras-lambda/critical"}},
		// root attributes in dense storage (fractal heap + name index)
		{"keras_benign_dense.h5", nil},
		{"keras_benign_dense_large.h5", nil},
		{"keras_lambda_dense.h5", []string{"model-keras-lambda/critical"}},
		{"keras_lambda_dense_huge.h5", []string{"model-keras-lambda/critical"}},
		{"keras_lambda_dense_many.h5", []string{"model-keras-lambda/critical"}},
		{"keras_lambda_scale.h5", []string{"model-keras-lambda/high"}},
		{"keras_nested_lambda.h5", []string{"model-keras-lambda/critical"}},
		{"keras_lambda_os_function.h5", []string{"model-keras-lambda/critical"}},
		{"keras3_lambda.keras", []string{"model-keras-lambda/critical"}},
		{"keras3_cve_2025_1550.keras", []string{"model-keras-unsafe-module/critical", "model-keras-unsafe-module/critical"}},
		{"keras3_custom_module.keras", []string{"model-keras-unsafe-module/medium"}},
		{"keras3_tfsm_outside.keras", []string{"model-keras-tfsm-outside/high"}},
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

// Damaged dense attribute storage is never a silent pass: whatever was read
// is analysed and the rest is reported as not analysed (high).
func TestDenseDamaged(t *testing.T) {
	many := readFixture(t, "keras_lambda_dense_many.h5")
	huge := readFixture(t, "keras_lambda_dense_huge.h5")
	notAnalysed := "model-keras-not-fully-analysed/high"
	for _, tc := range []struct {
		name string
		data []byte
		want []string
	}{
		{"heap header", replaceAt(t, many, "FRHP", "XXXX"), []string{notAnalysed}},
		{"name index", replaceAt(t, many, "BTHD", "XXXX"), []string{notAnalysed}},
		{"indirect block", replaceAt(t, many, "FHIB", "XXXX"), []string{notAnalysed}},
		{"truncated heap", many[:20000], []string{"model-keras-lambda/critical", notAnalysed}},
		{"filtered huge objects", replaceAt(t, huge, "BTHD\x00\x01", "BTHD\x00\x02"), []string{notAnalysed}},
		{"direct block of model_config", replaceAt(t, many, "FHDB", "XXXX"), []string{notAnalysed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, got := scan(t, "model.h5", tc.data)
			if !res.Analysed || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("analysed=%v findings=%v, want %v", res.Analysed, got, tc.want)
			}
		})
	}
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// replaceAt returns a copy of b with the first occurrence of old (Go
// escapes allowed) replaced by new, of the same length.
func replaceAt(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	o, err := strconv.Unquote(`"` + old + `"`)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Unquote(`"` + new + `"`)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte(o))
	if i < 0 || len(o) != len(n) {
		t.Fatalf("%q not found or not as long as %q", old, new)
	}
	out := bytes.Clone(b)
	copy(out[i:], n)
	return out
}

func TestCorpus(t *testing.T) { checktest.Corpus(t, check{}, "Keras") }

func FuzzKerasConfig(f *testing.F) {
	f.Add([]byte(`{"class_name":"Sequential","config":{"layers":[{"class_name":"Lambda","config":{"function":["YQ==",null,null]}}]}}`))
	f.Add([]byte(`{"module":"os","class_name":"function","config":"system","registered_name":"os>system"}`))
	f.Add([]byte(`{"class_name":"TFSMLayer","config":{"filepath":"../x"}}`))
	f.Add([]byte("\xef\xbb\xbf" + `{"class_name":"TorchModuleWrapper","config":{"module":"gAJjcG9zaXgKc3lzdGVtCnEAWAIAAABpZHEBhXECUnEDLg=="}}`))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	f.Add([]byte(`{"class_name":"Dense","config":{"activation":{"class_name":"__lambda__","config":{"code":"eA=="}},"x":[1],"x_type":"lambda","fn":"os.system"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		probs, _ := AnalyseConfig(data, "fuzz")
		for _, p := range probs {
			if p.Rule == "" || p.Message == "" {
				t.Fatalf("problem without rule or message: %+v", p)
			}
		}
	})
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestArchiveDetection(t *testing.T) {
	lambda := `{"module":"keras","class_name":"Sequential","config":{"layers":[{"module":"keras.layers","class_name":"Lambda","config":{"function":{"class_name":"__lambda__","config":{"code":"lambda x: __import__('os').system('id')"}}}}]}}`
	for _, tc := range []struct {
		name     string
		files    map[string]string
		analysed bool
		want     []string
	}{
		{"no metadata.json", map[string]string{"config.json": lambda}, true, []string{"model-keras-lambda/critical"}},
		{"transformers zip", map[string]string{"config.json": `{"architectures":["BertModel"],"hidden_size":768}`}, false, nil},
		{"broken config", map[string]string{"config.json": `{"class_name": "Sequential", `, "metadata.json": "{}"}, true, []string{"model-keras-malformed/medium"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, got := scan(t, "model.zip", zipOf(t, tc.files))
			if res.Analysed != tc.analysed || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("analysed=%v findings=%v, want %v %v", res.Analysed, got, tc.analysed, tc.want)
			}
		})
	}
}

func TestConfigDepthLimit(t *testing.T) {
	deep := strings.Repeat(`{"class_name":"Wrapper","config":{"layer":`, 300) + `{"class_name":"Lambda","config":{}}` + strings.Repeat(`}}`, 300)
	probs, err := AnalyseConfig([]byte(deep), "config.json")
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("want a depth limit error, got %v (%d problems)", err, len(probs))
	}
	res, got := scan(t, "m.keras", zipOf(t, map[string]string{"config.json": deep}))
	if !res.Analysed || !reflect.DeepEqual(got, []string{"model-keras-not-fully-analysed/high"}) {
		t.Errorf("findings = %v", got)
	}
}

// TestHubTokenizerFiles: a keras-hub tokenizer whose vocabulary, merges or
// proto is a string reads that path when the model is built; inline
// vocabularies and the null keras-hub saves (files in the assets) do not.
func TestHubTokenizerFiles(t *testing.T) {
	for _, c := range []struct {
		obj  string
		want string // evidence of the file-access finding, "" for none
	}{
		{`{"module":"keras_hub.src.tokenizers.word_piece_tokenizer","class_name":"WordPieceTokenizer","registered_name":"keras_hub>WordPieceTokenizer","config":{"vocabulary":"/etc/passwd"}}`, "WordPieceTokenizer vocabulary /etc/passwd"},
		{`{"module":"keras_nlp.src.models.gpt2.gpt2_tokenizer","class_name":"GPT2Tokenizer","config":{"vocabulary":{"a":0},"merges":"../../merges.txt"}}`, "GPT2Tokenizer merges ../../merges.txt"},
		{`{"class_name":"GemmaTokenizer","registered_name":"keras_hub>GemmaTokenizer","config":{"proto":"gs://bucket/x.model"}}`, "GemmaTokenizer proto gs://bucket/x.model"},
		{`{"module":"keras_hub.src.tokenizers.word_piece_tokenizer","class_name":"WordPieceTokenizer","config":{"vocabulary":null}}`, ""},
		{`{"module":"keras_hub.src.tokenizers.word_piece_tokenizer","class_name":"WordPieceTokenizer","config":{"vocabulary":["[PAD]","a"]}}`, ""},
		{`{"module":"mypkg.layers","class_name":"MyTokenizer","config":{"vocabulary":"vocab.txt"}}`, ""},
	} {
		probs, err := AnalyseConfig([]byte(c.obj), "config.json")
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, p := range probs {
			if p.Rule == RuleFileAccess {
				got = p.Evidence
			}
		}
		if got != c.want {
			t.Errorf("%s: file access %q, want %q", c.obj, got, c.want)
		}
	}
}
