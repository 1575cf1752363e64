package gguf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pyjson"
)

// RuleRemoteCode: a Hugging Face config whose auto_map points at code in
// another repository.
const RuleRemoteCode = "model-hf-remote-code"

// autoMapCheck reads Hugging Face config.json, tokenizer_config.json,
// processor and preprocessor configs: their auto_map tells transformers
// which class to import when trust_remote_code=True. An entry of the form
// "org/repo--module.Class" makes transformers download module.py from
// that other repository and run it; the code is in neither this pull
// request nor this model's repository.
type autoMapCheck struct{}

func (autoMapCheck) Name() string { return "hf-auto-map" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (autoMapCheck) Version() string { return "1" }

func (autoMapCheck) Rules() []checks.Rule {
	return []checks.Rule{{
		ID:       RuleRemoteCode,
		Title:    "Model config loads code from another repository",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "A Hugging Face config's auto_map names the classes transformers imports with trust_remote_code=True. " +
			"An entry written \"org/repo--module.Class\" makes transformers fetch module.py from that other repository " +
			"at load time and run it: code that is neither in this pull request nor pinned to a revision, and that its " +
			"owner can change at any time.",
		Fix: "Point auto_map at modules committed next to the config (\"modeling_x.XModel\"), review them, and have " +
			"users pin the reviewed commit (revision=) when they load the model.",
		FixExample: "\"auto_map\": {\"AutoModel\": \"modeling_x.XModel\"}\n" +
			"# modeling_x.py committed next to config.json and reviewed in this pull request",
		References: []string{"CWE-829", "CWE-494", "LLM03:2025"},
	}}
}

const maxHFConfigBytes = 4 << 20

// hfJSON decodes a small JSON object file (a Hugging Face config) into
// doc when it mentions one of keys, the way transformers reads it (a BOM
// dropped, Python's NaN and Infinity literals accepted). It reports
// whether doc was filled.
func hfJSON(f *checks.File, doc any, keys ...string) bool {
	if f.Size < 8 || f.Size > maxHFConfigBytes || f.Content == nil {
		return false
	}
	head := bytes.TrimLeft(f.Head(64), " \t\r\n\ufeff")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	b, err := f.ReadAll(maxHFConfigBytes)
	if err != nil || !slices.ContainsFunc(keys, func(k string) bool { return pyjson.MentionsKey(b, k) }) {
		return false
	}
	return json.Unmarshal(pyjson.Literals(bytes.TrimPrefix(b, []byte("\ufeff"))), doc) == nil
}

func (autoMapCheck) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	var doc struct {
		AutoMap         map[string]json.RawMessage `json:"auto_map"`
		CustomPipelines map[string]struct {
			Impl json.RawMessage `json:"impl"`
		} `json:"custom_pipelines"`
	}
	if !hfJSON(f, &doc, "auto_map", "custom_pipelines") {
		return checks.Result{}, nil
	}
	// a pipeline's impl is resolved the same way (get_class_from_dynamic_module)
	for task, p := range doc.CustomPipelines {
		if doc.AutoMap == nil {
			doc.AutoMap = map[string]json.RawMessage{}
		}
		doc.AutoMap["custom_pipelines."+task] = p.Impl
	}
	if len(doc.AutoMap) == 0 {
		return checks.Result{}, nil
	}
	var remote []string
	keys := make([]string, 0, len(doc.AutoMap))
	for k := range doc.AutoMap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, ref := range refs(doc.AutoMap[k]) {
			if repo, _, ok := strings.Cut(ref, "--"); ok && repo != "" {
				remote = append(remote, k+" → "+ref)
			}
		}
	}
	if len(remote) == 0 {
		return checks.Result{Analysed: true}, nil
	}
	return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleRemoteCode, Severity: checks.SeverityHigh,
		Message: fmt.Sprintf("%s: auto_map sends transformers to code in another repository (%s). With trust_remote_code=True "+
			"that module is downloaded and run when the model loads.", path.Base(f.Path), strings.Join(remote, "; ")),
		Evidence: "auto_map " + strings.Join(remote, " ")}}}, nil
}

// refs returns the class references of one auto_map value: a string or a
// list of strings (slow and fast tokenizer).
func refs(raw json.RawMessage) []string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return []string{s}
	}
	var l []*string
	var out []string
	if json.Unmarshal(raw, &l) == nil {
		for _, x := range l {
			if x != nil {
				out = append(out, *x)
			}
		}
	}
	return out
}
