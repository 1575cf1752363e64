// Package model analyses model artifacts — pickle, PyTorch (zip, legacy and
// tar formats), joblib with every compressor, NumPy .npy/.npz and archives
// of them — byte by byte, never loading them, and reports every way loading
// the file would run code. Formats are recognised by content, never by name.
package model

import "github.com/ward-sec/ward/checks"

// Rule IDs of the model check.
const (
	RuleDangerousGlobal  = "model-pickle-dangerous-global"
	RuleUnknownCall      = "model-pickle-unknown-call"
	RuleUnknownGlobal    = "model-pickle-unknown-global"
	RuleMutatesGlobal    = "model-pickle-mutates-module"
	RuleMalformed        = "model-pickle-malformed"
	RuleNotAnalysed      = "model-not-fully-analysed"
	RuleArchiveIntegrity = "model-archive-integrity"
	RulePathTraversal    = "model-archive-path-traversal"
	RuleArchiveCode      = "model-archive-code"
)

// reexport is the fix example for a pickle ward distrusts: re-create the
// weights from code and data the user controls. It never loads the suspect
// file: torch.load(..., weights_only=True) was bypassable before torch 2.6
// (CVE-2025-32434), and pickle, joblib and numpy loaders have no safe mode.
const reexport = "git rm model.pt\n" +
	"# in the trusted training code that produced the model:\n" +
	"from safetensors.torch import save_file\n" +
	"save_file(model.state_dict(), 'model.safetensors')"

// reexportOwn is the fix example for files the user's own code wrote.
const reexportOwn = "# save tensors, not objects, from your own code:\n" +
	"from safetensors.torch import save_file\n" +
	"save_file(model.state_dict(), 'model.safetensors')\n" +
	"# scikit-learn: skops.io.dump(estimator, 'model.skops') or ONNX via skl2onnx\n" +
	"# pandas: df.to_parquet('data.parquet')"

var rules = []checks.Rule{
	{
		ID:       RuleDangerousGlobal,
		Title:    "Model file runs code when loaded",
		Severity: checks.SeverityCritical,
		Family:   "model",
		Why: "Pickle-based model files (PyTorch .pt/.bin/.pth, joblib, .pkl, NumPy object arrays) are programs: " +
			"the unpickler imports the globals the file names and calls them. This file imports a callable that " +
			"runs commands, evaluates code, touches files or the network, or unpickles a second payload. " +
			"torch.load, pickle.load, joblib.load or numpy.load(allow_pickle=True) run it on the machine that " +
			"loads the model — a developer laptop, CI, or a production server.",
		Fix: "Do not load the file with any loader or option, not to inspect it either: PyTorch's weights-only mode " +
			"was bypassed before torch 2.6 (CVE-2025-32434). Remove it from the pull request and find out where it came from. Get " +
			"the model from its original publisher in safetensors format, or re-create it from trusted code and data.",
		FixExample: reexport,
		References: []string{"CWE-502", "LLM03:2025", "LLM04:2025", "CVE-2025-32434"},
	},
	{
		ID:       RuleUnknownCall,
		Title:    "Model file calls an unexpected function when loaded",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "The file's pickle calls a global that legitimate PyTorch, NumPy, scikit-learn or transformers " +
			"checkpoints do not use. Loading the file runs that function with the arguments shown; new gadget " +
			"functions that run code are published every month, so anything outside the known set is treated " +
			"as code execution until a human says otherwise.",
		Fix: "Find out what the function does from its source, without loading the file. If your own code wrote " +
			"the file, save data instead of objects (tensors as safetensors, scikit-learn models with skops or ONNX, " +
			"tables as Parquet); otherwise remove it and get the model from its publisher in a format without code.",
		FixExample: reexportOwn,
		References: []string{"CWE-502", "LLM03:2025"},
	},
	{
		ID:       RuleUnknownGlobal,
		Title:    "Model file imports an unexpected global",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The file's pickle imports a module attribute outside the set legitimate checkpoints use, without " +
			"calling it directly (for example a class instantiated without arguments, or a custom model class). " +
			"Importing runs the module's import-time code, and weights_only loading refuses such files.",
		Fix: "Save data instead of whole objects from the code that wrote the file: tensors as safetensors, " +
			"scikit-learn models with skops or ONNX, tables as Parquet.",
		FixExample: reexportOwn,
		References: []string{"CWE-502", "LLM03:2025"},
	},
	{
		ID:       RuleMutatesGlobal,
		Title:    "Model file rewrites a module while loading",
		Severity: checks.SeverityCritical,
		Family:   "model",
		Why: "The pickle applies BUILD to a module, class or function instead of an object: it overwrites " +
			"attributes of imported code while loading. No legitimate checkpoint does this; it is used to make " +
			"an allowed name (such as torch._utils._rebuild_tensor) resolve to eval or os.system later in the stream.",
		Fix:        "Do not load the file; remove it from the pull request.",
		FixExample: "git rm model.pkl",
		References: []string{"CWE-502", "CWE-471", "LLM03:2025"},
	},
	{
		ID:       RuleMalformed,
		Title:    "Malformed pickle stream",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "The pickle is truncated or contains an invalid opcode. Loaders execute a pickle opcode by opcode, so " +
			"everything before the error has already run when the load fails: a broken stream after a payload is a " +
			"known way to confuse scanners that give up on errors.",
		Fix:        "Do not load the file. Regenerate it from trusted code; if it is a model, save it as safetensors.",
		FixExample: reexport,
		References: []string{"CWE-502", "CWE-20"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "Model file not fully analysed",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "ward stopped before the end of the file because it hit an analysis limit (size, decompressed bytes, " +
			"compression ratio, nesting, members, opcodes, memo) or an unsupported encoding. The unread part may " +
			"contain code that runs when the file is loaded.",
		Fix: "Re-create the model as safetensors from the code that trained it (safetensors has no code path); " +
			"raise the limit in ward's configuration only for files you trust.",
		FixExample: reexport,
		References: []string{"CWE-502", "CWE-400"},
	},
	{
		ID:       RuleArchiveIntegrity,
		Title:    "Inconsistent model archive",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The zip archive's headers disagree (local header vs central directory name, flags or sizes; CRC " +
			"mismatch; two members with one name under PyTorch's case-insensitive lookup). Different readers " +
			"(Python's zipfile, PyTorch's miniz) then see different files, which hides payloads from scanners.",
		Fix:        "Re-create the archive with the library that normally writes it (torch.save, numpy.savez, zipfile).",
		FixExample: "# in the code that built the model, not from the suspect file:\ntorch.save(model.state_dict(), 'model.pt')",
		References: []string{"CWE-20", "CWE-434"},
	},
	{
		ID:       RuleArchiveCode,
		Title:    "Model archive carries Python code that runs when it is loaded",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "Some model formats ship code next to the weights and run it while loading: torch.package archives and TorchServe .mar archives " +
			"import their own .py modules (torch.package.PackageImporter), and NeMo archives (.nemo) build every " +
			"object their model_config.yaml names through Hydra's _target_ (CVE-2025-23304). That code is not " +
			"reviewed as source in the pull request, and a model file is not where reviewers look for it.",
		Fix: "Ship weights only (safetensors) and keep the model's code in the repository, where it is reviewed; " +
			"for NeMo, restore from a checkpoint whose _target_ entries name only classes of NeMo's stack (no functions " +
			"or methods such as torch.jit.load or from_pretrained) and never set trust_remote_code.",
		FixExample: "from safetensors.torch import save_file\nsave_file(model.state_dict(), 'model.safetensors')",
		References: []string{"CWE-94", "CWE-502", "CVE-2025-23304", "LLM03:2025"},
	},
	{
		ID:       RulePathTraversal,
		Title:    "Archive member escapes the extraction folder",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "A member name is absolute or contains '..': tools that extract the archive write outside the target " +
			"folder (zip slip), for example over a startup script or a Python module.",
		Fix:        "Remove the archive; re-create it with relative member names.",
		FixExample: "git rm model.zip",
		References: []string{"CWE-22"},
	},
}
