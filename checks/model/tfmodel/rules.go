// Package tfmodel analyses TensorFlow SavedModel protobufs (saved_model.pb),
// frozen GraphDefs and Keras' keras_metadata.pb by content. It reports ops
// that reach the file system or Python when the graph runs — ReadFile,
// WriteFile, PyFunc, ImmutableConst, MatchingFiles, Save/Restore outside the
// variables folder, PrintV2 to a file — in the graph and in every function of
// its library (which holds the bodies of tf.function, dataset map/filter
// functions, If/While branches).
package tfmodel

import "github.com/ward-sec/ward/checks"

// Rule IDs of the TensorFlow check.
const (
	RuleDangerousOp = "model-tf-dangerous-op"
	RuleMalformed   = "model-tf-malformed"
	RuleNotAnalysed = "model-tf-not-fully-analysed"
)

var rules = []checks.Rule{
	{
		ID:       RuleDangerousOp,
		Title:    "TensorFlow graph touches files or runs Python",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "A SavedModel is a program: tf.saved_model.load, keras.models.load_model and TF Serving run " +
			"its graph and functions. Ops like WriteFile, ReadFile, MatchingFiles, ImmutableConst, " +
			"Save/Restore with a fixed path and PrintV2 to a file read or write the file system of whoever " +
			"serves the model, and PyFunc/EagerPyFunc call into Python. Real exported models never contain " +
			"them outside the checkpoint machinery; a model that writes ~/.bashrc or reads ~/.ssh/id_rsa when " +
			"it is called is a published attack.",
		Fix: "Do not load or serve the model. Re-export it from training code you review, without " +
			"tf.io.write_file/read_file or tf.py_function inside the served functions.",
		FixExample: "# export only the computation you serve\n" +
			"@tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])\n" +
			"def serve(x):\n    return model(x)\n" +
			"tf.saved_model.save(model, 'export', signatures={'serving_default': serve})",
		References: []string{"CWE-94", "CWE-73", "CWE-502", "LLM03:2025"},
	},
	{
		ID:       RuleMalformed,
		Title:    "Malformed TensorFlow protobuf",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The file decodes as a TensorFlow graph at first but breaks the protobuf encoding further " +
			"on. TensorFlow rejects it, but what ward could not decode was not checked for dangerous ops.",
		Fix:        "Re-export the model with tf.saved_model.save from code you trust.",
		FixExample: "tf.saved_model.save(model, 'export')",
		References: []string{"CWE-20"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "TensorFlow model not fully analysed",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "ward stopped before the end of the graph because of a limit (bytes, nodes, nesting, time). " +
			"The unread part may hold ops that read or write files or run Python.",
		Fix:        "Split the model, or raise the limit for files you trust.",
		FixExample: "# .github/ward.yml: review large exports by hand, then ignore them explicitly",
		References: []string{"CWE-400"},
	},
}
