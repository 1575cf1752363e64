package aibom

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ward-sec/ward/checks/all"
	"github.com/ward-sec/ward/engine"
)

// cycloneDX16 compiles the committed CycloneDX 1.6 JSON schema (and the
// schemas it references) offline, with format assertions on.
func cycloneDX16(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"} {
		f, err := os.Open(filepath.Join("testdata", "cyclonedx", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := c.AddResource("http://cyclonedx.org/schema/"+name, doc); err != nil {
			t.Fatal(err)
		}
	}
	s, err := c.Compile("http://cyclonedx.org/schema/bom-1.6.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// fixtures are real model files from the checks' test data, written by the
// libraries themselves (see their generators), under the names a project
// would give them.
var fixtures = map[string]string{
	"models/classifier.pt":            "../checks/model/testdata/corpus/benign/torch/sequential_module.pt",
	"models/legacy.pt":                "../checks/model/testdata/corpus/benign/torch/sequential_module_legacy.pt",
	"models/encoder.safetensors":      "../checks/model/testdata/formats/st_benign.safetensors",
	"models/llama.gguf":               "../checks/model/testdata/formats/gguf_llama3.gguf",
	"models/embed.npy":                "../checks/model/testdata/corpus/benign/numpy/dtype_f4.npy",
	"models/arrays.npz":               "../checks/model/testdata/corpus/benign/numpy/all_dtypes.npz",
	"models/pipeline.joblib":          "../checks/model/testdata/corpus/benign/sklearn/Binarizer.joblib",
	"models/net.h5":                   "../checks/model/testdata/formats/keras_lambda.h5",
	"models/net.keras":                "../checks/model/testdata/formats/keras3_benign.keras",
	"models/graph.onnx":               "../checks/model/testdata/formats/onnx_benign.onnx",
	"models/weights.bin":              "../checks/model/testdata/formats/st_benign_named.bin",
	"assets/data.zip":                 "", // an ordinary zip: not a model
	"requirements.txt":                "",
	"web/package.json":                "",
	".cursor/mcp.json":                "",
	"AGENTS.md":                       "",
	".github/copilot-instructions.md": "",
}

var texts = map[string]string{
	"requirements.txt": "torch==2.3.1\ntransformers>=4.40\nopenai==1.30.0\nhuggingface_hub==0.23.0\nrequests==2.32.3\n",
	"web/package.json": `{"name": "web", "dependencies": {"@anthropic-ai/sdk": "0.24.0", "react": "18.3.1", "@langchain/core": "^0.2.0"}}`,
	".cursor/mcp.json": `{"mcpServers": {"files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.1.14", "."]},
  "remote": {"url": "https://user:hunter2@mcp.example.com/sse?token=ghp_` + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5" + `"}}}`,
	"AGENTS.md":                       "Run the tests before committing.\n",
	".github/copilot-instructions.md": "Prefer small functions.\n",
}

func buildTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range fixtures {
		var data []byte
		var err error
		switch {
		case src != "":
			data, err = os.ReadFile(src)
		case name == "assets/data.zip":
			data = zipOf(t, map[string]string{"readme.txt": "hello"})
		default:
			data = []byte(texts[name])
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAIBOMValidatesAndListsTheAIParts(t *testing.T) {
	dir := buildTree(t)
	targets, err := engine.Walk(dir, []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), targets, engine.Options{Checks: all.Default()}) // the real checks, for the findings in the BOM
	if err != nil {
		t.Fatal(err)
	}
	bom := Build(Input{Name: "project", Version: "test", Targets: targets, Findings: res.Findings, Now: time.Unix(1_700_000_000, 0)})
	var buf bytes.Buffer
	if err := Write(&buf, bom); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, cycloneDX16(t), buf.Bytes()); err != nil {
		t.Fatalf("the AI-BOM is not valid CycloneDX 1.6: %v\n%s", err, buf.String())
	}

	var doc struct {
		SpecVersion string `json:"specVersion"`
		Components  []struct {
			Type, Name, Version, Purl string
			Hashes                    []struct{ Alg, Content string }
			Properties                []struct{ Name, Value string }
		} `json:"components"`
		Services []struct {
			Name       string
			Endpoints  []string
			Properties []struct{ Name, Value string }
		} `json:"services"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // name -> type/format/can-run-code/role
	for _, c := range doc.Components {
		desc := c.Type
		for _, p := range c.Properties {
			switch p.Name {
			case "ward:format", "ward:can-run-code", "ward:role":
				desc += "/" + p.Value
			}
		}
		if c.Type != "library" && (len(c.Hashes) != 2 || c.Hashes[1].Alg != "SHA-256" || len(c.Hashes[1].Content) != 64) {
			t.Errorf("%s: hashes %v", c.Name, c.Hashes)
		}
		if c.Type == "library" {
			desc += "@" + c.Version + " " + c.Purl
		}
		got[c.Name] = desc
	}
	want := map[string]string{
		"models/classifier.pt":            "machine-learning-model/PyTorch (zip)/true",
		"models/legacy.pt":                "machine-learning-model/PyTorch (legacy pickle)/true",
		"models/encoder.safetensors":      "machine-learning-model/safetensors/false",
		"models/weights.bin":              "machine-learning-model/safetensors/false",
		"models/llama.gguf":               "machine-learning-model/GGUF/false",
		"models/embed.npy":                "machine-learning-model/NumPy .npy/true",
		"models/arrays.npz":               "machine-learning-model/NumPy .npz/true",
		"models/pipeline.joblib":          "machine-learning-model/joblib/true",
		"models/net.h5":                   "machine-learning-model/Keras HDF5/true",
		"models/net.keras":                "machine-learning-model/Keras v3 (.keras)/true",
		"models/graph.onnx":               "machine-learning-model/ONNX/false",
		"AGENTS.md":                       "file/agent-instructions",
		".github/copilot-instructions.md": "file/agent-instructions",
		"torch":                           "library/ml-library@2.3.1 pkg:pypi/torch@2.3.1",
		"transformers":                    "library/ml-library@>=4.40 ",
		"openai":                          "library/ai-sdk@1.30.0 pkg:pypi/openai@1.30.0",
		"huggingface_hub":                 "library/model-hub@0.23.0 pkg:pypi/huggingface-hub@0.23.0",
		"@anthropic-ai/sdk":               "library/ai-sdk@0.24.0 pkg:npm/%40anthropic-ai/sdk@0.24.0",
		"@langchain/core":                 "library/ai-sdk@^0.2.0 ",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("component %s = %q, want %q", name, got[name], w)
		}
	}
	for _, name := range []string{"requests", "react", "assets/data.zip"} {
		if _, ok := got[name]; ok {
			t.Errorf("%s is not an AI part but is in the BOM", name)
		}
	}
	// The Lambda layer's finding is on the model's component.
	for _, c := range doc.Components {
		if c.Name == "models/net.h5" && !strings.Contains(jsonOf(c.Properties), "model-keras-lambda") {
			t.Errorf("models/net.h5 does not carry its finding: %v", c.Properties)
		}
	}
	svcs := map[string]string{}
	for _, s := range doc.Services {
		svcs[s.Name] = jsonOf(s)
	}
	if !strings.Contains(svcs["files"], "server-filesystem@2025.1.14") || !strings.Contains(svcs["files"], "stdio") {
		t.Errorf("MCP server files: %s", svcs["files"])
	}
	if r := svcs["remote"]; !strings.Contains(r, "mcp.example.com") || strings.Contains(r, "hunter2") || strings.Contains(r, "aB3dE5fG7hJ9") {
		t.Errorf("MCP server remote (want its host, no credentials): %s", r)
	}
}

func TestSchemaRejectsAnInvalidBOM(t *testing.T) {
	// The validator is not a rubber stamp: a component type CycloneDX does
	// not define is refused.
	bad := []byte(`{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [{"type": "model", "name": "x"}]}`)
	if err := validate(t, cycloneDX16(t), bad); err == nil {
		t.Fatal("an invalid BOM passed the schema")
	}
}

func jsonOf(v any) string { b, _ := json.Marshal(v); return string(b) }

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
