package pickle

import (
	"strings"
	"testing"
)

// denyOverrides are the allowlist entries that name a function inside a
// module the denylist covers as a whole: each was reviewed for that reason.
var denyOverrides = map[string]string{
	"torch.serialization._get_layout": "returns the torch.layout object of that name from a cache of torch's own",
}

func TestAllowlistFile(t *testing.T) {
	es, err := AllowlistEntries()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 300 {
		t.Fatalf("allowlist has %d entries; the embedded file did not load", len(es))
	}
	seen := map[string]int{}
	for _, e := range es {
		if e.Source == "" {
			t.Errorf("line %d: %s has no source comment", e.Line, e.Name)
		}
		if prev, ok := seen[e.Name]; ok {
			t.Errorf("line %d: %s repeats line %d", e.Line, e.Name, prev)
		}
		seen[e.Name] = e.Line
		if strings.ContainsAny(e.Name, "*? ") || strings.HasSuffix(e.Name, ".") || !strings.Contains(e.Name, ".") {
			t.Errorf("line %d: %q is not an exact qualified name", e.Line, e.Name)
		}
		if Canonical(e.Name[:strings.LastIndexByte(e.Name, '.')]) != e.Name[:strings.LastIndexByte(e.Name, '.')] {
			t.Errorf("line %d: %s is spelled with a module alias; write the canonical module", e.Line, e.Name)
		}
		i := strings.LastIndexByte(e.Name, '.')
		if what, ok := denied(e.Name[:i], e.Name[i+1:]); ok && denyOverrides[e.Name] == "" {
			t.Errorf("line %d: %s is also denylisted (%s): review it and list it in denyOverrides", e.Line, e.Name, what)
		}
	}
}

// TestAllowlistExactNames: names next to an allowlisted one, or in a package
// that has allowlisted classes, are not allowed by proximity.
func TestAllowlistExactNames(t *testing.T) {
	for _, c := range []struct{ module, name string }{
		{"pandas.core.computation.expr", "Expr"},         // parses and evaluates expressions
		{"pandas.core.computation.eval", "eval"},         // pandas.eval
		{"pandas.io.pickle", "read_pickle"},              // a second pickle
		{"sentence_transformers", "SentenceTransformer"}, // trust_remote_code=True runs hub code
		{"sentence_transformers.SentenceTransformer", "SentenceTransformer"},
		{"transformers", "AutoModel"},                             // from_pretrained downloads and runs code
		{"sklearn.utils._testing", "Helper"},                      // not a model class
		{"sklearn.tree._classes", "DecisionTreeClassifier.fit"},   // a method, not the class
		{"torch._utils", "_rebuild_tensor_v2.__globals__"},        // an attribute of an allowed function
		{"sklearn.linear_model._logistic", "LogisticRegressionX"}, // a neighbour of an allowed class
		{"numpy.core.multiarray", "_reconstructX"},
		{"torch.nn.modules.linear", "Identity2"},
	} {
		if v, _ := Classify(c.module, c.name); v == Allowed {
			t.Errorf("Classify(%q, %q) = Allowed; only exact allowlist entries may be", c.module, c.name)
		}
	}
	for _, c := range []struct {
		module, name string
		want         Use
	}{
		{"sklearn.neighbors._kd_tree", "newObj", UseCall},
		{"pytz", "_UTC", UseCall},
		{"sklearn.linear_model._logistic", "LogisticRegression", UseNew},
		{"__builtin__", "set", UseCall},
		{"zoneinfo", "ZoneInfo._unpickle", UseCall},
		{"os", "system", UseNone},
	} {
		if got := Allowance(c.module, c.name); got != c.want {
			t.Errorf("Allowance(%q, %q) = %d, want %d", c.module, c.name, got, c.want)
		}
	}
}
