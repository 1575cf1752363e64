package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleYAMLLoad is PyYAML loading without a safe loader.
const RuleYAMLLoad = "code-yaml-unsafe-load"

var unsafeYAMLLoaders = set("Loader", "UnsafeLoader", "CLoader", "CUnsafeLoader")

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleYAMLLoad, Title: "YAML loaded without a safe loader", Severity: checks.SeverityMedium,
		Why: "PyYAML's full Loader builds arbitrary Python objects from tags such as !!python/object/apply, " +
			"so a config file, model card or dataset manifest from outside runs code when it is parsed.",
		Fix:        "Use yaml.safe_load (or Loader=yaml.SafeLoader).",
		FixExample: "config = yaml.safe_load(fh)",
		References: []string{"CWE-502", "CWE-20"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch name {
		case "yaml.unsafe_load", "yaml.unsafe_load_all":
			h := c.report(call, name+" builds arbitrary Python objects: a crafted YAML document runs code when parsed.")
			if call.obj.kind == kAttr {
				h.sugg = c.suggest(call, edit{call.obj.eb - len(call.obj.name), call.obj.eb,
					strings.Replace(call.obj.name, "unsafe_load", "safe_load", 1)})
			}
		case "yaml.load", "yaml.load_all":
			loader := call.arg(1, "Loader")
			if loader != nil && !unsafeYAMLLoaders[loader.lastName()] {
				return // SafeLoader, BaseLoader, FullLoader or a loader we cannot see
			}
			h := c.report(call, name+" without a safe Loader can build arbitrary Python objects: a crafted YAML "+
				"document runs code when parsed.")
			switch {
			case loader != nil && loader.kind == kAttr:
				h.sugg = c.suggest(call, edit{loader.eb - len(loader.name), loader.eb, "SafeLoader"})
			case loader == nil && call.obj.kind == kAttr && len(call.args) == 1:
				h.sugg = c.suggest(call, edit{call.obj.eb - len(call.obj.name), call.obj.eb, "safe_" + call.obj.name})
			}
		}
	},
})
