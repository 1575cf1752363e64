package code

import "github.com/ward-sec/ward/checks"

// RuleNumpyPickle is numpy.load(..., allow_pickle=True).
const RuleNumpyPickle = "code-numpy-allow-pickle"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleNumpyPickle, Title: "numpy.load with allow_pickle=True", Severity: checks.SeverityHigh,
		Why: "With allow_pickle=True, numpy.load unpickles object arrays found in .npy/.npz files, so a crafted " +
			"array file runs code. The default (False) refuses them.",
		Fix:        "Drop allow_pickle=True (or set it to False) and store plain numeric arrays.",
		FixExample: "arr = np.load(\"features.npy\", allow_pickle=False)",
		References: []string{"CWE-502", "LLM03:2025", "CVE-2019-6446"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if !hasAny(c.callee(call), "numpy.load") {
			return
		}
		if ap := call.kwarg("allow_pickle"); ap.isTrue() {
			h := c.report(call, "numpy.load with allow_pickle=True unpickles object arrays: a crafted .npy/.npz "+
				"file runs code when loaded.")
			h.sugg = c.suggest(call, replaceNode(ap, "False"))
		}
	},
})
