package gguf

import (
	"reflect"
	"testing"

	"github.com/ward-sec/ward/checks/checktest"
)

func TestAutoMap(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"remote model", `{"model_type": "x", "auto_map": {"AutoConfig": "configuration_x.XConfig", "AutoModelForCausalLM": "evil-org/payload--modeling_x.XForCausalLM"}}`,
			[]string{"model-hf-remote-code/high"}},
		{"remote tokenizer list", `{"auto_map": {"AutoTokenizer": ["other/repo--tokenization_x.XTokenizer", null]}}`,
			[]string{"model-hf-remote-code/high"}},
		{"remote pipeline", `{"custom_pipelines": {"pair-classification": {"impl": "evil/pipes--pair.PairPipeline", "pt": ["AutoModelForSequenceClassification"]}}}`,
			[]string{"model-hf-remote-code/high"}},
		{"local modules", `{"auto_map": {"AutoModel": "modeling_x.XModel", "AutoTokenizer": ["tokenization_x.T", "tokenization_x.TFast"]}}`, nil},
		{"no auto_map", `{"architectures": ["LlamaForCausalLM"]}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := checktest.Scan(t, autoMapCheck{}, "config.json", []byte(tc.src))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}
