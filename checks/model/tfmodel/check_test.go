package tfmodel

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/checktest"
)

func scan(t testing.TB, name string, content []byte) (checks.Result, []string) {
	t.Helper()
	return checktest.Scan(t, check{}, name, content)
}

func cases() []struct {
	name     string
	in       []byte
	analysed bool
	want     []string
} {
	with := func(extra ...[]byte) [][]byte { return append(benignNodes(), extra...) }
	return []struct {
		name     string
		in       []byte
		analysed bool
		want     []string
	}{
		{"benign saved model", savedModel(graphDef(benignNodes())), true, nil},
		{"benign frozen graph", graphDef(benignNodes()), true, nil},
		{"write file", savedModel(graphDef(with(constString("p", "/home/u/.bashrc"), node("wf", "WriteFile", []string{"p", "x"})))),
			true, []string{"model-tf-dangerous-op/critical"}},
		{"read file in dataset function", savedModel(graphDef(with(node("ds", "MapDataset", []string{"x"}, attrFunc("f", "exfil"))),
			function("exfil", constString("k", "/root/.ssh/id_rsa"), node("rf", "ReadFile", []string{"k:output:0"})))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"pyfunc", savedModel(graphDef(with(node("pf", "PyFunc", []string{"x"}, attrString("token", "pyfunc_0"))))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"eager pyfunc in frozen graph", graphDef(with(node("pf", "EagerPyFunc", []string{"x"}))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"save outside variables", savedModel(graphDef(with(constString("evil", "/etc/cron.d/x"), node("s", "SaveV2", []string{"evil", "n", "s"})))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"save through StringJoin", savedModel(graphDef(with(constString("d", "/etc/cron.d"), constString("f", "job"),
			node("j", "StringJoin", []string{"d", "f"}, attrString("separator", "/")), node("id", "Identity", []string{"j"}),
			node("s", "SaveV2", []string{"id:0", "n", "s"})))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"restore with traversal", savedModel(graphDef(with(constString("evil", "variables/../../secret"), node("r", "RestoreV2", []string{"evil", "n", "s"})))),
			true, []string{"model-tf-dangerous-op/medium"}},
		{"print to file", savedModel(graphDef(with(node("pr", "PrintV2", []string{"y"}, attrString("output_stream", "file:///tmp/leak"))))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"matching files and immutable const", savedModel(graphDef(with(node("m", "MatchingFiles", []string{"x"}), node("ic", "ImmutableConst", nil)))),
			true, []string{"model-tf-dangerous-op/medium", "model-tf-dangerous-op/medium"}},
		{"immutable const of a file", savedModel(graphDef(with(node("ic", "ImmutableConst", nil, attrString("memory_region_name", "/etc/passwd"))))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"immutable const of the memmapped package", savedModel(graphDef(with(node("ic", "ImmutableConst", nil,
			attrString("memory_region_name", "memmapped_package://w"))))), true, []string{"model-tf-dangerous-op/medium"}},
		{"truncated after write", func() []byte {
			b := savedModel(graphDef(with(node("wf", "WriteFile", []string{"p", "x"}), node("late", "Identity", []string{"x"}))))
			return b[:len(b)-3]
		}(), true, []string{"model-tf-dangerous-op/critical", "model-tf-malformed/medium"}},
		{"keras metadata with lambda", lenField(1, cat(strField(3, "root.layer-1"), strField(4, "_tf_keras_layer"),
			strField(5, `{"name": "lambda", "class_name": "Lambda", "config": {"name": "lambda", "function": ["lambda x: __import__('os').system('id')", null, null], "function_type": "lambda", "module": "__main__"}}`))),
			true, []string{"model-keras-lambda/critical"}},
		{"keras metadata benign", lenField(1, cat(strField(3, "root.layer-1"), strField(5, `{"name": "dense", "class_name": "Dense", "config": {"units": 4}}`))),
			true, nil},
		{"op outside the pure-compute list", savedModel(graphDef(with(node("z", "SomeNewFileOp", []string{"x"})))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"function call by name is not an op", savedModel(graphDef(with(node("c", "StatefulPartitionedCall", []string{"x"}, attrFunc("f", "__inference_f_1"))),
			function("__inference_f_1", node("inner", "__inference_g_2", nil)), function("__inference_g_2", node("m", "MatMul", nil)))),
			true, nil},
		{"dataset to tfrecord", savedModel(graphDef(with(constString("out", "/home/u/.bashrc"), node("w", "DatasetToTFRecord", []string{"ds", "out", "ct"})))),
			true, []string{"model-tf-dangerous-op/critical"}},
		{"lookup table from text file", savedModel(graphDef(with(constString("vocab", "/etc/shadow"), node("t", "HashTableV2", nil),
			node("init", "InitializeTableFromTextFileV2", []string{"t", "vocab"})))),
			true, []string{"model-tf-dangerous-op/high"}},
		{"vocabulary table from assets", savedModel(graphDef(with(constString("vocab", "assets/vocab.txt"), node("t", "HashTableV2", nil),
			node("init", "InitializeTableFromTextFileV2", []string{"t", "vocab"})))),
			true, nil},
		{"vocabulary table fed at load time", savedModel(graphDef(with(node("vocab", "Placeholder", nil), node("t", "HashTableV2", nil),
			node("init", "InitializeTableFromTextFileV2", []string{"t", "vocab"})))),
			true, []string{"model-tf-dangerous-op/medium"}},
		{"whole file reader", savedModel(graphDef(with(node("r", "WholeFileReaderV2", nil), node("rr", "ReaderReadV2", []string{"r", "q"})))),
			true, []string{"model-tf-dangerous-op/high", "model-tf-dangerous-op/high"}},
		{"not protobuf", []byte("\nhello world, this is text\n"), false, nil},
	}
}

func TestGraphs(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			res, got := scan(t, "saved_model.pb", tc.in)
			if res.Analysed != tc.analysed {
				t.Errorf("Analysed = %v, want %v", res.Analysed, tc.analysed)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTruncatedKeepsEarlierOps(t *testing.T) {
	b := savedModel(graphDef([][]byte{node("wf", "WriteFile", []string{"p", "x"}), node("late", "Identity", []string{"x"}), node("l2", "Identity", nil)}))
	r := Analyse(context.Background(), b[:len(b)-10])
	if r.Err == nil || len(r.Problems) != 1 || r.Problems[0].Op != "WriteFile" {
		t.Fatalf("want WriteFile kept and an error, got %+v", r)
	}
}

func TestNodeLimit(t *testing.T) {
	var nodes [][]byte
	for i := 0; i < 50; i++ {
		nodes = append(nodes, node("n", "Identity", nil))
	}
	r := analyseWith(context.Background(), savedModel(graphDef(nodes)), 10)
	if r.Kind != KindSavedModel || r.Err == nil || !strings.Contains(r.Err.Error(), "limit") {
		t.Fatalf("want a node limit error, got kind %v err %v", r.Kind, r.Err)
	}
}

// saved_model.pbtxt: TensorFlow loads the text format when there is no
// saved_model.pb.
func TestTextFormat(t *testing.T) {
	src := `saved_model_schema_version: 1
meta_graphs {
  graph_def {
    node { name: "p" op: "Const" attr { key: "value" value { tensor { dtype: DT_STRING string_val: "/root/.bashrc" } } } }
    node { name: "w" op: "WriteFile" input: "p" input: "x" }
    library { function { signature { name: "f" } node_def { name: "r" op: "ReadFile" input: "k" } } }
  }
}`
	res, got := scan(t, "model/saved_model.pbtxt", []byte(src))
	if !res.Analysed || len(got) != 2 || got[0] != "model-tf-dangerous-op/critical" || got[1] != "model-tf-dangerous-op/high" {
		t.Errorf("findings = %v (analysed %v)", got, res.Analysed)
	}
	if !strings.Contains(res.Findings[0].Message, "/root/.bashrc") {
		t.Errorf("path not resolved: %s", res.Findings[0].Message)
	}
	_, got = scan(t, "graph.pbtxt", []byte(`node { name: "x" op: "Placeholder" } node { name: "y" op: "MatMul" input: "x" input: "x" }`))
	if len(got) != 0 {
		t.Errorf("benign text graph: %v", got)
	}
}

func TestCorpus(t *testing.T) { checktest.Corpus(t, check{}, "TensorFlow") }

func FuzzTFModel(f *testing.F) {
	for _, tc := range cases() {
		f.Add(tc.in)
	}
	for _, p := range []string{"modelaudit/samples/tensorflow/malicious_pyfunc/saved_model.pb", "modelaudit/samples/tensorflow/safe_savedmodel/saved_model.pb"} {
		if b, err := os.ReadFile(filepath.Join("../../../../shared/corpus/models", p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("saved_model_schema_version: 1\nmeta_graphs { graph_def { node { name: \"w\" op: \"WriteFile\" input: \"p\" }\n library { function { signature { name: \"f\" } node_def { op: \"f\" } } } } }"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := checks.NewBytesFile("fuzz.pb", data)
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

func TestHeadFilter(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"saved model", savedModel(graphDef(benignNodes())), true},
		{"graph def", graphDef(benignNodes()), true},
		{"onnx", []byte{0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'}, false},
		{"onnx without producer", []byte{0x08, 0x08, 0x3a, 0x10, 0x0a, 0x02}, false},
		{"text", []byte("\n# heading\nsome text"), false},
	} {
		if got := headLooksLikeTF(tc.in, int64(len(tc.in))); got != tc.want {
			t.Errorf("%s: headLooksLikeTF = %v, want %v", tc.name, got, tc.want)
		}
	}
}
