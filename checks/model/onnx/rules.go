// Package onnx analyses ONNX models (ModelProto) by content, decoding the
// protobuf over io.ReaderAt without reading the weights. It reports
// external-data locations that leave the model's folder, custom operator
// domains (which need a native library registered in the runtime), and
// tensors whose sizes disagree with their shapes, in the main graph, in
// subgraphs of If/Loop/Scan attributes, in training graphs and in
// model-local functions.
package onnx

import "github.com/ward-sec/ward/checks"

// Rule IDs of the ONNX check.
const (
	RuleExternalPath = "model-onnx-external-data-path"
	RuleCustomOp     = "model-onnx-custom-op"
	RuleMalformed    = "model-onnx-malformed"
	RuleNotAnalysed  = "model-onnx-not-fully-analysed"
)

var rules = []checks.Rule{
	{
		ID:       RuleExternalPath,
		Title:    "ONNX external data points outside the model folder",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "Large ONNX models keep weights in separate files named by each tensor's external_data " +
			"location. onnx.load and ONNX Runtime open that path relative to the model — and follow an " +
			"absolute path, '..' or a committed symbolic link anywhere on the disk (CVE-2024-27318, CVE-2022-25882). A model can then " +
			"read /etc/passwd, SSH keys or cloud credentials into its weights and leak them through its " +
			"outputs, or make the loader touch device files.",
		Fix: "Keep external data files next to the model and name them with plain relative file names; " +
			"re-save the model with onnx.save_model(..., save_as_external_data=True, location='weights.bin').",
		FixExample: "onnx.save_model(model, 'model.onnx', save_as_external_data=True,\n" +
			"                all_tensors_to_one_file=True, location='model.onnx.data')",
		References: []string{"CWE-22", "CWE-59", "CWE-73", "CVE-2024-27318", "CVE-2022-25882", "LLM03:2025"},
	},
	{
		ID:       RuleCustomOp,
		Title:    "ONNX model uses a custom operator domain",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "Operators outside the standard domains (ai.onnx, ai.onnx.ml, com.microsoft) only run when " +
			"the application registers a native library that implements them (ONNX Runtime's " +
			"register_custom_ops_library, onnxruntime-extensions). That library is compiled code loaded " +
			"into the process; a model that requires one asks its users to run code nobody reviewed here.",
		Fix: "Replace the custom operators with standard ones when exporting, or vendor and review the " +
			"custom-op library's source and build it yourself.",
		FixExample: "torch.onnx.export(model, x, 'model.onnx', opset_version=17,\n" +
			"                  operator_export_type=torch.onnx.OperatorExportTypes.ONNX)",
		References: []string{"CWE-829", "CWE-114", "LLM03:2025"},
	},
	{
		ID:       RuleMalformed,
		Title:    "Malformed ONNX model",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The model decodes as ONNX but breaks the format: invalid protobuf, a tensor whose data size " +
			"disagrees with its shape and type, external data without a location or missing from the " +
			"repository. Runtimes written in C++ have had out-of-bounds reads on such tensors, and a " +
			"missing external file is read from wherever the model is later deployed.",
		Fix: "Re-export the model from the code that built it (torch.onnx.export, tf2onnx, skl2onnx) and commit " +
			"its external data files next to it.",
		FixExample: "# in the trusted code that built the model, not from the suspect file:\n" +
			"torch.onnx.export(model, example_input, 'model.onnx', opset_version=17)",
		References: []string{"CWE-20", "CWE-125"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "ONNX model not fully analysed",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "ward stopped before the end of the model because of a limit (bytes, nodes, nesting, time). " +
			"Operators or external-data paths after that point were not checked.",
		Fix: "Re-export the model from trusted code, or get it from its publisher and check its checksum against " +
			"theirs; raise the limit only for files you trust.",
		FixExample: "sha256sum model.onnx  # must equal the SHA-256 the publisher lists for the file",
		References: []string{"CWE-400"},
	},
}
