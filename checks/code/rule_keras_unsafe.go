package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleKerasUnsafe is Keras safe mode turned off.
const RuleKerasUnsafe = "code-keras-unsafe-mode"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleKerasUnsafe, Title: "Keras model loading with safe mode off", Severity: checks.SeverityHigh,
		Why: "Keras refuses to deserialise Lambda layers (arbitrary Python bytecode) unless safe_mode=False or " +
			"enable_unsafe_deserialization() is used. With safe mode off, a .keras file runs code when loaded.",
		Fix:        "Keep safe_mode=True (the default) and replace Lambda layers by registered custom layers.",
		FixExample: "model = keras.models.load_model(\"model.keras\", safe_mode=True)",
		References: []string{"CWE-502", "LLM03:2025", "CVE-2024-3660"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		isKeras := strings.HasPrefix(name, "keras.") || strings.HasPrefix(name, "tensorflow.keras.") ||
			strings.HasPrefix(name, "tf_keras.") || strings.HasPrefix(name, "tensorflow.python.keras.")
		if !isKeras {
			return
		}
		switch {
		case strings.HasSuffix(name, ".enable_unsafe_deserialization"):
			c.report(call, "enable_unsafe_deserialization() lets every later Keras load run Lambda-layer bytecode "+
				"from the model file.")
		case strings.HasSuffix(name, "load_model") || strings.HasSuffix(name, "model_from_json") ||
			strings.HasSuffix(name, ".deserialize"):
			if sm := call.kwarg("safe_mode"); sm.isFalse() {
				h := c.report(call, "safe_mode=False lets this model file run arbitrary Python (Lambda layers) when loaded.")
				h.sugg = c.suggest(call, replaceNode(sm, "True"))
			}
		}
	},
})
