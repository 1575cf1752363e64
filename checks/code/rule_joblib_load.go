package code

import "github.com/ward-sec/ward/checks"

// RuleJoblibLoad is joblib.load.
const RuleJoblibLoad = "code-joblib-load"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleJoblibLoad, Title: "joblib.load of a model file", Severity: checks.SeverityHigh,
		Why: "joblib.load is pickle underneath: a scikit-learn model file (.joblib, .pkl) downloaded from a hub " +
			"or written by someone else runs code when it is loaded.",
		Fix: "Load only files you produced and verify them (checksum or signature) first; for sharing, " +
			"export the model to ONNX or skops, whose loaders do not run code.",
		FixExample: "import skops.io as sio\nmodel = sio.load(\"model.skops\", trusted=[])",
		References: []string{"CWE-502", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if hasAny(c.callee(call), "joblib.load", "sklearn.externals.joblib.load") {
			c.report(call, "joblib.load unpickles this file: a tampered or downloaded model file runs code on load.")
		}
	},
})
