package gguf

import (
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/relpath"
)

// RuleShardOutside: a sharded checkpoint's index names a shard outside the
// model's folder.
const RuleShardOutside = "model-hf-shard-outside"

// shardIndexCheck reads the index of a sharded checkpoint
// (model.safetensors.index.json, pytorch_model.bin.index.json, diffusers'
// and PEFT's, whatever the file is called): transformers joins each
// weight_map value to the model's folder with os.path.join and opens the
// result with safe_open or torch.load, so an absolute or ".." name loads a
// file from elsewhere on the machine (transformers issues #46097, #47176).
type shardIndexCheck struct{}

func (shardIndexCheck) Name() string { return "hf-shard-index" }

// Version implements checks.Versioned.
func (shardIndexCheck) Version() string { return "1" }

func (shardIndexCheck) Rules() []checks.Rule {
	return []checks.Rule{{
		ID:       RuleShardOutside,
		Title:    "Checkpoint index loads a shard from outside the model",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "from_pretrained reads the shard names of a sharded checkpoint from its index's weight_map and joins them to " +
			"the model's folder without checking them. An absolute name or one that climbs with '..' makes the loader " +
			"open a file elsewhere on the machine: another model's weights or any safetensors file are copied into this " +
			"model (and so into its outputs), a pickle checkpoint there is unpickled by torch.load, and any path becomes " +
			"an existence oracle.",
		Fix:        "Name each shard by its file name next to the index, as save_pretrained writes it.",
		FixExample: "\"weight_map\": {\"lm_head.weight\": \"model-00001-of-00002.safetensors\"}",
		References: []string{"CWE-22", "CWE-73", "LLM03:2025"},
	}}
}

func (shardIndexCheck) Scan(_ context.Context, f *checks.File) (checks.Result, error) {
	var doc struct {
		WeightMap map[string]json.RawMessage `json:"weight_map"`
	}
	if !hfJSON(f, &doc, "weight_map") || doc.WeightMap == nil {
		return checks.Result{}, nil
	}
	seen := map[string]bool{}
	var bad []string
	for _, raw := range doc.WeightMap {
		var shard string
		if json.Unmarshal(raw, &shard) != nil || seen[shard] {
			continue
		}
		seen[shard] = true
		if relpath.Escapes(shard) {
			bad = append(bad, shard)
		}
	}
	if len(bad) == 0 {
		return checks.Result{Analysed: true}, nil
	}
	sort.Strings(bad)
	quoted := make([]string, len(bad))
	for i, s := range bad {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	return checks.Result{Analysed: true, Findings: []checks.Finding{{RuleID: RuleShardOutside, Severity: checks.SeverityHigh,
		Message: fmt.Sprintf("%s: the weight_map names shard(s) outside the model's folder (%s). from_pretrained joins them to "+
			"the folder unchecked and opens them with safe_open or torch.load.", path.Base(f.Path), strings.Join(quoted, ", ")),
		Evidence: "weight_map " + strings.Join(bad, " ")}}}, nil
}
