package hydra

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func values(ts []Target) string {
	var s []string
	for _, t := range ts {
		v := t.Key + "=" + t.Value
		if t.Computed != "" {
			v += "~" + t.Computed
		}
		s = append(s, v)
	}
	return strings.Join(s, " ")
}

func TestTargets(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"plain", "enc:\n  _target_: os.system\n", "_target_=os.system"},
		{"flow", "enc: {_target_: 'builtins.exec'}\n", "_target_=builtins.exec"},
		{"alias value", "x: &r posix.system\nenc:\n  _target_: *r\n", "_target_=posix.system"},
		{"merge key: found where the anchor is", "b: &b\n  _target_: subprocess.run\ne:\n  <<: *b\n", "_target_=subprocess.run"},
		{"hex escape", "e:\n  \"\\x5ftarget_\": os.system\n", "_target_=os.system"},
		{"unicode escape", "e:\n  \"\\u005ftarget_\": os.system\n", "_target_=os.system"},
		{"explicit key", "e:\n  ? _target_ # c\n  : os.popen\n", "_target_=os.popen"},
		{"aliased key", "a:\n  &k _target_: nemo.X\nb:\n  *k : os.system\n", "_target_=nemo.X _target_=os.system"},
		{"tag", "e:\n  _target_: !!str os.system\n", "_target_=os.system"},
		{"folded", "e:\n  _target_: >-\n    builtins.eval\n", "_target_=builtins.eval"},
		{"multi-document", "a: 1\n---\ne:\n  _target_: os.system\n", "_target_=os.system"},
		{"absolute interpolation", "p:\n  fn: os.system\ne:\n  _target_: ${p.fn}\n", "_target_=os.system"},
		{"relative interpolation", "e:\n  fn: posix.system\n  _target_: ${.fn}\n", "_target_=posix.system"},
		{"parent interpolation", "fn: os.system\ne:\n  _target_: ${..fn}\n", "_target_=os.system"},
		{"string interpolation", "m: os\nf: system\ne:\n  _target_: ${m}.${f}\n", "_target_=os.system"},
		{"chained interpolation", "a: ${b}\nb: os.system\ne:\n  _target_: ${a}\n", "_target_=os.system"},
		{"interpolation through a merge", "d: &d\n  fn: os.system\np:\n  <<: *d\ne:\n  _target_: ${p.fn}\n", "_target_=os.system"},
		{"interpolation to an alias", "x: &x os.system\np:\n  fn: *x\ne:\n  _target_: ${p.fn}\n", "_target_=os.system"},
		{"resolver", "e:\n  _target_: ${oc.env:T,os.system}\n", "_target_=${oc.env:T,os.system}~${oc.env:T,os.system}"},
		{"unresolved", "e:\n  _target_: ${nowhere.fn}\n", "_target_=${nowhere.fn}~${nowhere.fn}"},
		{"interpolation cycle", "a: ${b}\nb: ${a}\ne:\n  _target_: ${a}\n", "_target_=${a}~${a}"},
		{"relative through a list", "fn: os.system\nl:\n  - _target_: ${..fn}\n", "_target_=${..fn}~${..fn}"},
		{"duplicate keys: both seen", "e:\n  _target_: nemo.X\n  _target_: os.system\n", "_target_=nemo.X _target_=os.system"},
		{"merge overridden in place", "b: &b {_target_: os.system}\ne:\n  <<: *b\n  _target_: nemo.X\n", "_target_=os.system _target_=nemo.X"},
		{"merge list", "a: &a {x: 1}\nb: &b {_target_: posix.system}\ne: {<<: [*a, *b]}\n", "_target_=posix.system"},
		{"interpolation into a merge list", "a: &a {x: 1}\nb: &b {fn: os.system}\np: {<<: [*a, *b]}\ne: {_target_: '${p.fn}'}\n", "_target_=os.system"},
		{"python tag", "e:\n  _target_: !!python/name:os.system ''\n", "_target_="},
		{"nemo target key", "target: subprocess.Popen\n", "target=subprocess.Popen"},
		{"cls key", "m:\n  cls: os.system\n  params: {}\n", "cls=os.system"},
		{"target number is not a class", "loss:\n  target: 0.5\n  cls: 3\n  target_lang: en\n", ""},
		{"key that is a mapping", "? {_target_: os.system}\n: 1\n", "_target_=os.system"},
		{"target in a list", "l:\n  - {_target_: os.system}\n", "_target_=os.system"},
		{"mapping value is no name", "e:\n  _target_: {a: 1}\n", ""},
		{"quoted merge key is an ordinary key", "b: &b {_target_: nemo.A}\ne:\n  \"<<\": *b\n  x: ${e.<<._target_}\n", "_target_=nemo.A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Targets(context.Background(), []byte(tt.yaml), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if v := values(got); v != tt.want {
				t.Errorf("got %q, want %q", v, tt.want)
			}
		})
	}
}

// trust_remote_code next to an instantiated name is read as Python would
// read the value PyYAML and OmegaConf hand over: every true spelling, a
// quoted "false" (a non-empty string), aliases, merges and interpolations;
// false, no, off, null, 0 and empty values are not reported.
func TestRemoteCode(t *testing.T) {
	const head = "m:\n  _target_: nemo.collections.common.tokenizers.AutoTokenizer\n"
	for _, tt := range []struct{ name, yaml, want string }{
		{"true", head + "  trust_remote_code: true\n", "trust_remote_code: true"},
		{"True", head + "  trust_remote_code: True\n", "trust_remote_code: True"},
		{"yes (YAML 1.1)", head + "  trust_remote_code: yes\n", "trust_remote_code: yes"},
		{"ON", head + "  trust_remote_code: ON\n", "trust_remote_code: ON"},
		{"1", head + "  trust_remote_code: 1\n", "trust_remote_code: 1"},
		{"quoted false is a string", head + "  trust_remote_code: \"false\"\n", `trust_remote_code: "false"`},
		{"str tag", head + "  trust_remote_code: !!str no\n", `trust_remote_code: "no"`},
		{"any word", head + "  trust_remote_code: y\n", "trust_remote_code: y"},
		{"list", head + "  trust_remote_code: [1]\n", "trust_remote_code: a non-empty list"},
		{"alias", "t: &t true\n" + head + "  trust_remote_code: *t\n", "trust_remote_code: true"},
		{"interpolation", "t: true\n" + head + "  trust_remote_code: ${t}\n", "trust_remote_code: true"},
		{"relative interpolation", head + "  rc: on\n  trust_remote_code: ${.rc}\n", "trust_remote_code: on"},
		{"chained interpolation", "a: ${b}\nb: true\n" + head + "  trust_remote_code: ${a}\n", "trust_remote_code: true"},
		{"resolver", head + "  trust_remote_code: ${oc.env:TRC,true}\n", "trust_remote_code: ${oc.env:TRC,true}"},
		{"unresolved", head + "  trust_remote_code: ${nowhere}\n", "trust_remote_code: ${nowhere}"},
		{"escaped key", head + "  \"trust\\x5fremote_code\": true\n", "trust_remote_code: true"},
		{"merged in", "b: &b {trust_remote_code: true}\n" + head + "  <<: *b\n", "trust_remote_code: true"},
		{"next to a merged target", "b: &b {_target_: transformers.AutoModel}\nm:\n  <<: *b\n  trust_remote_code: true\n",
			"|trust_remote_code: true"},
		{"false", head + "  trust_remote_code: false\n", ""},
		{"No", head + "  trust_remote_code: No\n", ""},
		{"OFF", head + "  trust_remote_code: OFF\n", ""},
		{"null", head + "  trust_remote_code: null\n", ""},
		{"tilde", head + "  trust_remote_code: ~\n", ""},
		{"empty", head + "  trust_remote_code:\n", ""},
		{"quoted empty", head + "  trust_remote_code: ''\n", ""},
		{"zero", head + "  trust_remote_code: 0\n", ""},
		{"zero float", head + "  trust_remote_code: 0.0\n", ""},
		{"interpolated false", "t: false\n" + head + "  trust_remote_code: ${t}\n", ""},
		{"in model_kwargs", head + "  model_kwargs:\n    trust_remote_code: true\n", "model_kwargs.trust_remote_code: true"},
		{"false in config_kwargs", head + "  config_kwargs: {trust_remote_code: false}\n", ""},
		{"not instantiated", "m:\n  name: x\n  trust_remote_code: true\n", "-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Targets(context.Background(), []byte(tt.yaml), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			var rc []string
			for _, x := range got {
				rc = append(rc, x.RemoteCode)
			}
			want := []string{tt.want}
			switch {
			case tt.want == "-":
				want = nil
			case strings.Contains(tt.want, "|"):
				want = strings.Split(tt.want, "|")
			}
			if strings.Join(rc, "|") != strings.Join(want, "|") || len(rc) != len(want) {
				t.Errorf("got %q, want %q (%s)", rc, want, values(got))
			}
		})
	}
}

func TestTargetsParseFailure(t *testing.T) {
	for _, src := range []string{"a: [1, 2\n", "a: *undefined\n", "\t- x: :\n  - ]\n", "a: 1\n a: 2\n  - b"} {
		_, err := Targets(context.Background(), []byte(src), Limits{})
		if !errors.Is(err, ErrParse) {
			t.Errorf("%q: err = %v, want ErrParse", src, err)
		}
	}
}

// An alias bomb (billion laughs) is walked in linear time: aliases are
// never expanded.
func TestAliasBombIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [\"os.system\", \"x\"]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	b.WriteString("e:\n  _target_: nemo.X\n  args: *a39\n")
	start := time.Now()
	got, err := Targets(context.Background(), []byte(b.String()), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if values(got) != "_target_=nemo.X" {
		t.Errorf("got %q", values(got))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bomb took %v", d)
	}
}

func TestNodeLimit(t *testing.T) {
	src := strings.Repeat("- 1\n", 2000) + "- {_target_: os.system}\n"
	got, err := Targets(context.Background(), []byte(src), Limits{MaxNodes: 500})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
	if len(got) != 0 {
		t.Errorf("targets past the limit: %v", got)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := strings.Repeat("- 1\n", 10000)
	if _, err := Targets(ctx, []byte(src), Limits{}); !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v, want ErrLimit", err)
	}
}

func FuzzTargets(f *testing.F) {
	for _, s := range []string{"enc:\n  _target_: os.system\n", "b: &b {_target_: x.y}\ne: {<<: *b}\n",
		"e:\n  _target_: ${a.b}\na: {b: ${e._target_}}\n", "? [a, *x]\n: 1\n", "a: &a [*a]\n",
		"x: ${...........a}\n_target_: ${.x}\n", "\"\\x5ftarget_\": !!str ${m}.${f}\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := Targets(context.Background(), b, Limits{MaxNodes: 1 << 14})
		if err != nil && !errors.Is(err, ErrParse) && !errors.Is(err, ErrLimit) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		for _, x := range ts {
			if x.Key != "_target_" && x.Key != "target" && x.Key != "cls" {
				t.Fatalf("target under key %q", x.Key)
			}
		}
	})
}
