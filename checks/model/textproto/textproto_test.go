package textproto

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	src := `# comment
meta_graphs {
  graph_def {
    node { name: "c" op: "Const" attr { key: "value" value { tensor { dtype: DT_STRING string_val: "/etc/\160asswd" } } } }
    node < name: 'w' op: "WriteFile" input: ["c", "c"] >
  }
}
ir_version: 8, producer_name: "x" "y";
`
	m, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	g := m.Messages("meta_graphs")[0].Messages("graph_def")[0]
	nodes := g.Messages("node")
	if len(nodes) != 2 || nodes[1].String("op") != "WriteFile" || len(nodes[1].Strings("input")) != 2 {
		t.Fatalf("nodes = %+v", nodes)
	}
	v := nodes[0].Messages("attr")[0].Messages("value")[0].Messages("tensor")[0].String("string_val")
	if v != "/etc/passwd" {
		t.Errorf("string_val = %q", v)
	}
	if m.String("producer_name") != "xy" || m.String("ir_version") != "8" {
		t.Errorf("scalars: %+v", m.Fields)
	}
}

func TestBounds(t *testing.T) {
	if _, err := Parse(strings.Repeat("a {", 1000) + strings.Repeat("}", 1000)); err == nil {
		t.Error("deep nesting accepted")
	}
	for _, bad := range []string{"a {", `a: "x`, "a", "{", "a: [1, 2"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`node { name: "a" op: "Const" input: ["x"] attr < key: 'k' value { s: "\x41\101" } > }`)
	f.Add(`graph { initializer { name: "w" data_location: EXTERNAL external_data { key: "location" value: "../x" } } }`)
	f.Fuzz(func(t *testing.T, s string) {
		done := make(chan struct{})
		go func() {
			_, _ = Parse(s)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse hangs on %q", s)
		}
	})
}
