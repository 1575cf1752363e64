package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleNativeLibrary is loading native code into an ML runtime.
const RuleNativeLibrary = "code-native-library-load"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleNativeLibrary, Title: "Native library or packaged code loaded into the ML runtime", Severity: checks.SeverityMedium,
		Why: "tf.load_op_library, torch.ops.load_library and onnxruntime's register_custom_ops_library load a " +
			"shared library into the process; torch.package imports code shipped inside the package file. " +
			"Whatever the library or package contains runs with the application's rights, and it cannot be " +
			"reviewed in the PR.",
		Fix: "Build custom ops from reviewed source in CI and load them from a fixed, verified location; " +
			"do not load libraries or packages that come with a model download.",
		FixExample: "lib = os.path.join(BUILD_DIR, \"my_ops.so\")  # built in CI from ops/my_ops.cc\ntorch.ops.load_library(lib)",
		References: []string{"CWE-114", "CWE-829", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch {
		case hasAny(name, "tensorflow.load_op_library", "tensorflow.load_library", "torch.ops.load_library",
			"torch.classes.load_library", "tensorflow.experimental.register_filesystem_plugin"):
			c.report(call, name+" loads a native shared library into the process: its code runs unreviewed.")
		case call.obj != nil && call.obj.kind == kAttr && call.obj.name == "register_custom_ops_library":
			c.report(call, "register_custom_ops_library loads a native shared library into onnxruntime: its code runs unreviewed.")
		case strings.HasPrefix(name, "torch.package.") && strings.HasSuffix(name, "PackageImporter"):
			c.report(call, "torch.package.PackageImporter imports Python code shipped inside the package file.")
		}
	},
})
