package pyjson

import (
	"encoding/json"
	"testing"
)

func TestLiterals(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": 1}`:                               `{"a": 1}`,
		`{"a": NaN, "b": [Infinity, -Infinity]}`: `{"a": null, "b": [null, null]}`,
		`{"NaN": "Infinity", "s": "a\"NaN"}`:     `{"NaN": "Infinity", "s": "a\"NaN"}`,
		`{"s": "\\", "x": NaN}`:                  `{"s": "\\", "x": null}`,
		`[-Infinity,NaN]`:                        `[null,null]`,
	} {
		got := string(Literals([]byte(in)))
		if got != want {
			t.Errorf("Literals(%s) = %s, want %s", in, got, want)
		}
		var v any
		if json.Unmarshal([]byte(got), &v) != nil && json.Unmarshal([]byte(in), &v) == nil {
			t.Errorf("%s: valid JSON made invalid", in)
		}
	}
}

// FuzzLiterals: valid JSON stays valid and unchanged when it holds no
// literal; the output never fails where the input parsed.
func FuzzLiterals(f *testing.F) {
	f.Add([]byte(`{"a": NaN, "b": "Infinity\"", "c": [-Infinity]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := Literals(b)
		var v any
		if json.Unmarshal(b, &v) == nil && json.Unmarshal(out, &v) != nil {
			t.Fatalf("%q parsed, %q does not", b, out)
		}
	})
}

func TestMentionsKey(t *testing.T) {
	for in, want := range map[string]bool{
		`{"auto_map": {}}`: true, `{"auto\u005fmap": {}}`: true, `{"model_type": "x"}`: false, `{"a": "my auto_map key"}`: false,
	} {
		if got := MentionsKey([]byte(in), "auto_map"); got != want {
			t.Errorf("MentionsKey(%s) = %v, want %v", in, got, want)
		}
	}
}
