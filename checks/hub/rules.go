package hub

import "github.com/ward-sec/ward/checks"

// Rule IDs of the hub check.
const (
	RuleUnsafeModel = "hub-model-unsafe"
	RulePickleOnly  = "hub-model-pickle-only"
	RuleUnpinned    = "hub-model-unpinned"
	RuleRemoteCode  = "hub-model-remote-code"
	RuleNotChecked  = "hub-model-not-checked"
)

const pinExample = "model = AutoModel.from_pretrained(\n    \"org/name\",\n" +
	"    revision=\"3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e\",  # the commit ward reviewed\n    use_safetensors=True,\n)"

// Rules are the hub check's rules; they are reported on the line of the
// call that loads the model.
var Rules = []checks.Rule{
	{
		ID: RuleUnsafeModel, Title: "Code loads a model from the Hub that ward finds unsafe", Severity: checks.SeverityCritical,
		Family: "hub",
		Why: "The model is not in the pull request, but the added code downloads it by name and loads it: " +
			"ward read the files this call would load from the Hub (with range requests, never loading " +
			"them) and ran its model checks on them. The finding in them — for example a pickle that calls " +
			"os.system — runs on every machine that runs this code. The severity is that of the finding in " +
			"the downloaded file.",
		Fix: "Do not load this model. Use a repository you trust, pinned to a reviewed commit, in " +
			"safetensors format.",
		FixExample: pinExample,
		References: []string{"CWE-502", "CWE-494", "LLM03:2025", "CVE-2025-32434"},
	},
	{
		ID: RulePickleOnly, Title: "Model from the Hub has only pickle weights", Severity: checks.SeverityMedium, Family: "hub",
		Why: "The repository this call loads from has no safetensors weights, so the loader unpickles " +
			"pytorch_model.bin (or .pt/.ckpt): a pickle can call any Python function while it loads. ward " +
			"found nothing in today's files, but the next push to the repository can change them.",
		Fix: "Prefer a repository that publishes safetensors (and pass use_safetensors=True), or convert the " +
			"weights once, review them and host them yourself; pin the revision.",
		FixExample: pinExample,
		References: []string{"CWE-502", "LLM03:2025"},
	},
	{
		ID: RuleUnpinned, Title: "Model from the Hub is not pinned to a commit", Severity: checks.SeverityLow, Family: "hub",
		Why: "Without revision=<full commit hash> the call loads whatever the branch holds when it runs. " +
			"ward checked the commit the branch points at today; a later push (or a compromised account) " +
			"changes what your code loads without any change in your repository.",
		Fix:        "Pin revision= to the commit hash ward names in the finding.",
		FixExample: pinExample,
		References: []string{"CWE-494", "CWE-829", "LLM03:2025"},
	},
	{
		ID: RuleRemoteCode, Title: "Model's auto_map runs code from another repository", Severity: checks.SeverityHigh,
		Family: "hub",
		Why: "config.json's auto_map names classes as \"org/other--module.Class\": with trust_remote_code=True " +
			"the loader downloads module.py from that other repository and imports it. The code that runs " +
			"is neither in your repository nor in the model repository your code names.",
		Fix: "Do not pass trust_remote_code=True for this model; use a model whose architecture your " +
			"installed transformers supports, or vendor the reviewed modelling code.",
		FixExample: "model = AutoModel.from_pretrained(\"org/name\", revision=\"<commit>\")  # no trust_remote_code",
		References: []string{"CWE-829", "CWE-94", "LLM03:2025"},
	},
	{
		ID: RuleNotChecked, Title: "Model from the Hub could not be checked", Severity: checks.SeverityInfo, Family: "hub",
		Why: "ward tried to look the model up on the Hub and could not (the Hub was unreachable or " +
			"rate-limited, the repository is gated or private and WARD_HF_TOKEN has no access, or the " +
			"revision is not a literal). A Hub outage never blocks a review, so this is a note; the " +
			"model was not reviewed.",
		Fix: "Give ward a token with access (WARD_HF_TOKEN) or pin a literal revision, then /rescan; or " +
			"review the model yourself.",
		FixExample: "WARD_HF_TOKEN=hf_… ward serve",
		References: []string{"CWE-494"},
	},
}
