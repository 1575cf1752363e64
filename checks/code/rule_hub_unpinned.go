package code

import (
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleHubUnpinned is a hub download without an immutable revision.
const RuleHubUnpinned = "code-hub-download-unpinned"

var commitHash = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Dataset builders that ship with the datasets library (not hub repos).
var packagedBuilders = set("csv", "json", "parquet", "text", "imagefolder", "audiofolder", "arrow", "pandas",
	"webdataset", "sql", "generator", "videofolder", "xml")

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleHubUnpinned, Title: "Hugging Face Hub download without a pinned revision", Severity: checks.SeverityMedium,
		Why: "Without revision=<commit hash>, from_pretrained, hf_hub_download, snapshot_download and " +
			"load_dataset fetch whatever the repository's main branch holds at run time. If the owner's " +
			"account is compromised or the name is re-registered, your next run loads the new (possibly " +
			"malicious) weights, code or data without any change in your repository.",
		Fix:        "Pin revision= to the full commit hash you reviewed.",
		FixExample: "tok = AutoTokenizer.from_pretrained(\"org/model\", revision=\"3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e\")",
		References: []string{"CWE-494", "CWE-829", "LLM03:2025"},
		Hygiene:    true,
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		var repo *node
		switch {
		case call.obj != nil && call.obj.kind == kAttr && call.obj.name == "from_pretrained":
			repo = call.arg(0, "pretrained_model_name_or_path")
		case suffixAny(name, "huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download"):
			repo = call.arg(0, "repo_id")
		case suffixAny(name, "datasets.load_dataset"):
			repo = call.arg(0, "path")
			if repo != nil && repo.kind == kStr && packagedBuilders[repo.str] {
				return
			}
		case suffixAny(name, "transformers.pipeline"):
			repo = call.kwarg("model")
		default:
			return
		}
		if repo == nil || repo.kind != kStr || !looksLikeHubID(repo.str) {
			return // a variable or a local path: nothing to pin here
		}
		rev := call.kwarg("revision")
		switch {
		case rev == nil:
			c.report(call, "Downloads "+repo.str+" from the Hugging Face Hub at whatever its main branch holds at "+
				"run time; pin revision= to a commit hash.")
		case rev.kind == kStr && !commitHash.MatchString(rev.str):
			c.report(call, "revision=\""+rev.str+"\" is a branch or tag: it can be moved to new content. Pin the "+
				"full commit hash instead.")
		}
	},
})

// looksLikeHubID tells a hub repository id ("org/name" or a legacy
// "bert-base-uncased") from a local path.
func looksLikeHubID(s string) bool {
	if s == "" || strings.ContainsAny(s, "\\ {}") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") ||
		strings.HasPrefix(s, "~") || strings.Count(s, "/") > 1 || strings.Contains(s, ":") {
		return false
	}
	for _, ext := range []string{".bin", ".pt", ".pth", ".json", ".safetensors", ".ckpt", ".h5", ".onnx", ".gguf"} {
		if strings.HasSuffix(s, ext) {
			return false
		}
	}
	return true
}
