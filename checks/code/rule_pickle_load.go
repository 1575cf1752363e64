package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RulePickleLoad is deserialisation with pickle and its relatives.
const RulePickleLoad = "code-pickle-load"

var pickleModules = []string{"pickle", "_pickle", "cPickle", "dill", "cloudpickle"}

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RulePickleLoad, Title: "Unsafe deserialisation with pickle, dill, shelve or jsonpickle", Severity: checks.SeverityHigh,
		Why: "Unpickling runs code: a pickle stream can call any importable function (os.system, eval) while it " +
			"is being read. Model files, caches and messages that an attacker can write or replace — " +
			"a downloaded checkpoint, a shared bucket, a queue — become remote code execution. dill, " +
			"cloudpickle, shelve and jsonpickle share the problem.",
		Fix: "Store data in a format that cannot carry code: JSON, safetensors for tensors, or numpy .npy " +
			"with allow_pickle=False. If you must read pickles, only read ones you produced and " +
			"authenticate them (HMAC) before loading.",
		FixExample: "from safetensors.torch import load_file\nweights = load_file(\"model.safetensors\")",
		References: []string{"CWE-502", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		for _, m := range pickleModules {
			if hasAny(name, m+".load", m+".loads", m+".Unpickler", m+".Unpickler().load") {
				if strings.HasSuffix(name, "().load") {
					return // reported at the Unpickler construction
				}
				if a := call.arg(0, ""); a != nil && a.kind == kCall && strings.HasSuffix(c.callee(a), ".dumps") {
					return // pickle.loads(pickle.dumps(x)): a copy of an object this code made
				}
				c.report(call, name+" deserialises a pickle stream: whoever controls those bytes can run code in "+
					"this process.")
				return
			}
		}
		switch name {
		case "shelve.open", "shelve.DbfilenameShelf":
			c.report(call, "shelve stores values as pickles: opening a shelf that someone else can write runs their code.")
		case "jsonpickle.decode", "jsonpickle.unpickler.decode", "jsonpickle.unpickler.Unpickler().restore",
			"jsonpickle.Unpickler().restore":
			c.report(call, "jsonpickle.decode rebuilds arbitrary Python objects from JSON and can call any "+
				"function while doing it.")
		}
	},
})
