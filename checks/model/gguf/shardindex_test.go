package gguf

import (
	"reflect"
	"testing"

	"github.com/ward-sec/ward/checks/checktest"
)

func TestShardIndex(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"model.safetensors.index.json", `{"metadata":{"total_size":8},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}}`, nil},
		{"pytorch_model.bin.index.json", `{"weight_map":{"a":"../../../tmp/evil.bin","b":"pytorch_model-00001-of-00001.bin"}}`, []string{RuleShardOutside + "/high"}},
		{"diffusion_pytorch_model.safetensors.index.json", `{"weight_map":{"a":"/home/u/.cache/other/model.safetensors"}}`, []string{RuleShardOutside + "/high"}},
		{"index.json", `{"weight_map":{"a":"C:\\Users\\x\\m.safetensors"}}`, []string{RuleShardOutside + "/high"}},
		{"config.json", `{"model_type":"bert"}`, nil},
		{"odd.json", `{"weight_map":{"a":1}}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := checktest.Scan(t, shardIndexCheck{}, tc.name, []byte(tc.src))
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings %v, want %v", got, tc.want)
			}
		})
	}
}
