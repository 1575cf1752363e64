package deps

import "testing"

func TestTyposquat(t *testing.T) {
	tests := []struct {
		eco         Ecosystem
		name        string
		target, how string // empty target: not a typosquat
	}{
		// Positives: one per technique.
		{PyPI, "reqeusts", "requests", "adjacent letters swapped"},
		{PyPI, "requestss", "requests", "one character added"},
		{PyPI, "reqests", "requests", "one character missing"},
		{PyPI, "requezts", "requests", "one character changed"},
		{PyPI, "scikitlearn", "scikit-learn", "same letters with different separators"},
		{PyPI, "huggingfacehub", "huggingface-hub", "same letters with different separators"},
		{PyPI, "python-torch", "torch", "py/python prefix or suffix added"},
		{PyPI, "tensorflow-py", "tensorflow", "py/python prefix or suffix added"},
		{PyPI, "pytorch-lightnin", "pytorch-lightning", "one character missing"},
		{PyPI, "dateutil", "python-dateutil", "py/python prefix or suffix dropped"},
		{PyPI, "trasnformers", "transformers", "adjacent letters swapped"},
		{PyPI, "anthropc", "anthropic", "one character missing"},
		{PyPI, "peft", "", ""}, // itself on the ML list
		{PyPI, "pfet", "peft", "adjacent letters swapped"},
		{Npm, "expresss", "express", "one character added"},
		{Npm, "types-node", "@types/node", "scoped package name without its scope"},
		{Npm, "@typse/node", "@types/node", "npm scope misspelt"},
		// Negatives: popular names themselves, normalised spellings, short
		// names, unrelated names.
		{PyPI, "requests", "", ""},
		{PyPI, "Requests", "", ""},
		{PyPI, "scikit_learn", "", ""},
		{PyPI, "huggingface_hub", "", ""},
		{PyPI, "torch", "", ""},
		{PyPI, "six", "", ""},
		{PyPI, "sux", "", ""}, // one edit from "six", but too short to judge
		{PyPI, "my-internal-service", "", ""},
		{Npm, "react", "", ""},
		{Npm, "corn", "", ""},     // one letter from "acorn", but a short word
		{Npm, "isset", "", ""},    // "is-set" without separators: too short to judge
		{PyPI, "cparser", "", ""}, // "pycparser" minus a bare "py": too many real names
		{PyPI, "cline", "", ""},
		{Npm, "@types/node", "", ""},
		{Npm, "@ourorg/node", "", ""}, // an unknown scope alone is not confusion
		{Go, "github.com/pkg/errros", "", ""},
	}
	for _, tt := range tests {
		sq, ok := Typosquat(tt.eco, tt.name)
		if ok != (tt.target != "") || sq.Target != tt.target || sq.How != tt.how {
			t.Errorf("Typosquat(%s, %q) = %+v, %v; want %q (%s)", tt.eco, tt.name, sq, ok, tt.target, tt.how)
		}
	}
}

func TestLooksHallucinated(t *testing.T) {
	tests := []struct {
		eco  Ecosystem
		name string
		want bool
	}{
		{PyPI, "huggingface-cli", true},
		{PyPI, "langchain-utils-pro", true},
		{PyPI, "openai_helper", true},
		{Npm, "openai-wrapper", true},
		{Npm, "@someone/openai-wrapper", false}, // scoped: only the scope owner publishes there
		{PyPI, "langchain-openai", false},       // popular: known
		{PyPI, "torch", false},
		{PyPI, "my-company-utils", false}, // no AI anchor
		{PyPI, "torchmetrics", false},     // known
		{PyPI, "llm", false},              // one word
	}
	for _, tt := range tests {
		if got := LooksHallucinated(tt.eco, tt.name); got != tt.want {
			t.Errorf("LooksHallucinated(%s, %q) = %v, want %v", tt.eco, tt.name, got, tt.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		eco        Ecosystem
		name, want string
	}{
		{PyPI, "Hugging_Face..Hub", "hugging-face-hub"},
		{PyPI, " Torch ", "torch"},
		{Npm, "@Types/Node", "@types/node"},
		{Go, "github.com/Foo/bar", "github.com/Foo/bar"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.eco, tt.name); got != tt.want {
			t.Errorf("Normalize(%s, %q) = %q, want %q", tt.eco, tt.name, got, tt.want)
		}
	}
}
