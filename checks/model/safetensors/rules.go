// Package safetensors validates safetensors files by content: the header
// length, the JSON header, tensor offsets, dtypes and shapes, and the
// metadata map. It reads only the 8-byte length and the header through
// io.ReaderAt, never the tensor data.
package safetensors

import "github.com/ward-sec/ward/checks"

// Rule IDs of the safetensors check.
const (
	RuleMalformed    = "model-safetensors-malformed"
	RuleHiddenData   = "model-safetensors-hidden-data"
	RuleNotAnalysed  = "model-safetensors-not-fully-analysed"
	RuleMetadataCode = "model-safetensors-metadata-code"
)

var rules = []checks.Rule{
	{
		ID:       RuleMalformed,
		Title:    "Malformed safetensors file",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The file starts like a safetensors file but breaks the format: the header length is out of " +
			"bounds, the JSON header is invalid or repeats a key, a tensor's offsets fall outside the data or " +
			"overlap another tensor, its byte length does not match its dtype and shape, or __metadata__ holds " +
			"something other than strings. The safetensors loader rejects such files, but other readers (and " +
			"scanners) parse them differently: a file that means different things to different parsers is how " +
			"payloads are smuggled past review.",
		Fix:        "Re-create the file with the safetensors library from tensors you trust.",
		FixExample: "from safetensors.torch import save_file\nsave_file(state_dict, 'model.safetensors', metadata={'format': 'pt'})",
		References: []string{"CWE-20", "CWE-1286", "LLM03:2025"},
	},
	{
		ID:       RuleHiddenData,
		Title:    "safetensors file carries bytes outside its tensors",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "safetensors tensors must cover the data area exactly. These bytes belong to no tensor: gaps " +
			"between tensors or data after the last one. Loaders ignore them, so they can hide anything — a " +
			"pickle, a zip or an executable that a second loader (torch.load on a renamed copy, an unzip step) " +
			"finds and runs. Real safetensors writers never leave such bytes.",
		Fix: "Re-save the tensors with the safetensors library from the code that trained the model (it writes no " +
			"slack), and find out where the extra bytes came from.",
		FixExample: "# in the trusted training code, not from the suspect file:\n" +
			"from safetensors.torch import save_file\nsave_file(model.state_dict(), 'model.safetensors')",
		References: []string{"CWE-506", "CWE-434", "LLM03:2025"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "safetensors file not fully analysed",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The header is larger than ward's limit (the safetensors library itself refuses headers over " +
			"100 MB), or the analysis ran out of time, so its tensors were not checked.",
		Fix:        "Split the model into shards with smaller headers, or raise the limit for files you trust.",
		FixExample: "model.save_pretrained('out', safe_serialization=True, max_shard_size='2GB')",
		References: []string{"CWE-400"},
	},
	{
		ID:       RuleMetadataCode,
		Title:    "safetensors metadata holds code or shell commands",
		Severity: checks.SeverityLow,
		Family:   "model",
		Why: "safetensors never runs its metadata: loading this file is safe. But __metadata__ strings are " +
			"read by other tools — model cards and hubs render them, training scripts and pipelines read " +
			"settings from them — and this one holds Python, shell commands or HTML script. Someone put it " +
			"there for a consumer that evaluates or renders it.",
		Fix:        "Remove the code from the metadata and keep metadata to plain descriptive values.",
		FixExample: "save_file(tensors, 'model.safetensors', metadata={'format': 'pt'})",
		References: []string{"CWE-94", "CWE-79", "LLM03:2025"},
	},
}
