// Package keras analyses Keras models by content: legacy HDF5 files (the
// model_config attribute of the root group, read with the bounded pure-Go
// reader in ./hdf5) and Keras 3 .keras zip archives (config.json). It
// reports Lambda layers anywhere in the layer tree, marshalled bytecode,
// objects whose module lies outside Keras (CVE-2025-1550) and TFSMLayer
// paths outside the archive.
package keras

import "github.com/ward-sec/ward/checks"

// Rule IDs of the Keras check.
const (
	RuleLambda       = "model-keras-lambda"
	RuleModule       = "model-keras-unsafe-module"
	RuleTFSMLayer    = "model-keras-tfsm-outside"
	RuleFileAccess   = "model-keras-file-access"
	RuleMalformed    = "model-keras-malformed"
	RuleNotAnalysed  = "model-keras-not-fully-analysed"
	safeExportSample = "model = build_model()            # architecture in reviewed code\n" +
		"model.load_weights('model.weights.h5')\n" +
		"# layers instead of Lambda:\n" +
		"class Scale(keras.layers.Layer):\n    def call(self, x):\n        return x / 255.0"
)

var rules = []checks.Rule{
	{
		ID:       RuleLambda,
		Title:    "Keras model contains a Lambda layer (code in the model file)",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "A Lambda layer stores a Python function in the model file, as marshalled bytecode or as the " +
			"name of a function to import. keras.models.load_model runs that bytecode when it rebuilds the " +
			"model (Keras 2 always; Keras 3 when safe_mode=False, which tutorials tell users to set). An " +
			"attacker who edits the bytecode gets code execution on every machine that loads the model, and " +
			"the bytecode cannot be reviewed in a pull request.",
		Fix: "Replace Lambda layers with a registered custom layer whose code lives in your repository, " +
			"and ship only weights; never load models from others with safe_mode=False.",
		FixExample: safeExportSample,
		References: []string{"CWE-94", "CWE-502", "CVE-2024-3660", "LLM03:2025"},
	},
	{
		ID:       RuleModule,
		Title:    "Keras config imports a module outside Keras",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "Keras rebuilds a model by importing the module and class (or function) each config entry " +
			"names. An entry whose module lies outside Keras makes load_model import and call arbitrary " +
			"Python — os.system, subprocess.Popen, builtins.exec — even with safe_mode=True " +
			"(CVE-2025-1550). Custom objects from your own package are legitimate but run that package's code.",
		Fix: "Remove the file. Re-save the model from reviewed code; keep custom layers in your own package " +
			"and register them with keras.saving.register_keras_serializable.",
		FixExample: "@keras.saving.register_keras_serializable(package='my_project')\n" +
			"class Scale(keras.layers.Layer):\n    ...\n\n# in the reviewed training code:\nmodel.save('model.keras')",
		References: []string{"CWE-94", "CWE-470", "CVE-2025-1550", "LLM03:2025"},
	},
	{
		ID:       RuleTFSMLayer,
		Title:    "Keras TFSMLayer loads a SavedModel from outside the archive",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "A TFSMLayer loads and runs a TensorFlow SavedModel from its filepath when the model is " +
			"loaded. A path that is absolute, climbs out with '..' or points at remote storage runs a " +
			"graph nobody reviewed, chosen by whoever controls that location.",
		Fix:        "Ship the SavedModel inside the repository and review it, or rebuild the layer from code.",
		FixExample: "layer = keras.layers.TFSMLayer('exported/serving', call_endpoint='serve')  # reviewed, relative path",
		References: []string{"CWE-73", "CWE-829", "LLM03:2025"},
	},
	{
		ID:       RuleFileAccess,
		Title:    "Keras config makes the loader read a file or URL",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "StringLookup, IntegerLookup and TextVectorization, and keras-hub's tokenizers (WordPiece, BytePair, " +
			"SentencePiece and the model tokenizers built on them), accept a vocabulary, merges or proto given as a " +
			"path, which Keras reads through tf.io.gfile (local files, gs://, http) while rebuilding the model, even with " +
			"safe_mode=True: a model file can pull /etc/passwd or a cloud credential into its weights, or make " +
			"the loading host fetch a URL.",
		Fix:        "Ship the vocabulary inside the model (a list in the config), or load it from reviewed code.",
		FixExample: "layer = keras.layers.StringLookup(vocabulary=['a', 'b', 'c'])",
		References: []string{"CWE-73", "CWE-918", "LLM03:2025"},
	},
	{
		ID:       RuleMalformed,
		Title:    "Malformed Keras model",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The file is a Keras model (HDF5 or .keras archive) whose configuration does not parse. Keras " +
			"refuses it, but ward could not check its layers.",
		Fix:        "Re-save the model with model.save('model.keras') from code you trust.",
		FixExample: "model.save('model.keras')",
		References: []string{"CWE-20"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "Keras model not fully analysed",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "ward stopped before reading the whole model configuration because of a limit (bytes, nesting, " +
			"objects, time) or an HDF5 layout it does not read (compressed or shared attributes, a damaged " +
			"attribute heap or index). The unread part may contain Lambda layers or foreign modules.",
		Fix:        "Re-save the model in the .keras format, or review it by hand and ignore it explicitly.",
		FixExample: "model.save('model.keras')",
		References: []string{"CWE-400"},
	},
}
