package model

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pickle"
)

type want struct {
	rule     string
	severity checks.Severity
	evidence string // substring of the finding's Evidence
}

func scanFixture(t *testing.T, path string) []checks.Finding {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := checks.NewBytesFile(filepath.ToSlash(path), b)
	res, err := check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if !res.Analysed {
		t.Errorf("%s: not analysed", path)
	}
	return res.Findings
}

func has(fs []checks.Finding, w want) bool {
	for _, f := range fs {
		if f.RuleID == w.rule && f.Severity == w.severity && strings.Contains(f.Evidence, w.evidence) {
			return true
		}
	}
	return false
}

func dump(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n  " + f.Severity.String() + " " + f.RuleID + " [" + f.Evidence + "] " + f.Message)
	}
	return b.String()
}

func TestMaliciousFixtures(t *testing.T) {
	crit := checks.SeverityCritical
	high := checks.SeverityHigh
	med := checks.SeverityMedium
	cases := map[string][]want{
		"reduce_os_system.pkl":             {{RuleDangerousGlobal, crit, "os.system"}},
		"proto0_posix_system.pkl":          {{RuleDangerousGlobal, crit, "posix.system"}},
		"stack_global_memo.pkl":            {{RuleDangerousGlobal, crit, "os.system"}},
		"dotted_name.pkl":                  {{RuleDangerousGlobal, crit, "pathlib.os.system"}},
		"string_opcodes.pkl":               {{RuleDangerousGlobal, crit, "subprocess.check_output"}},
		"inst_eval.pkl":                    {{RuleDangerousGlobal, crit, "__builtin__.eval"}},
		"obj_exec.pkl":                     {{RuleDangerousGlobal, crit, "builtins.exec"}},
		"newobj_ex_popen.pkl":              {{RuleDangerousGlobal, crit, "subprocess.Popen"}},
		"module_override.pkl":              {{RuleMutatesGlobal, crit, "torch._utils"}, {RuleDangerousGlobal, crit, "builtins.eval"}},
		"ext_code.pkl":                     {{RuleUnknownCall, high, "copyreg extension.7"}},
		"getattr_import.pkl":               {{RuleDangerousGlobal, crit, ": os.system"}, {RuleDangerousGlobal, crit, "builtins.getattr"}},
		"truncated_after_payload.pkl":      {{RuleDangerousGlobal, crit, "os.system"}, {RuleMalformed, high, "truncated"}},
		"junk_prefix.pkl":                  {{RuleDangerousGlobal, crit, "os.system"}, {RuleMalformed, high, "junk"}},
		"second_stream.pkl":                {{RuleDangerousGlobal, crit, "os.system"}},
		"nested_base64_loads.pkl":          {{RuleDangerousGlobal, crit, "pickle.loads"}, {RuleDangerousGlobal, crit, "nested payload (base64.b64decode → pickle.loads"}},
		"load_from_bytes.pkl":              {{RuleDangerousGlobal, crit, "torch.storage._load_from_bytes"}, {RuleDangerousGlobal, crit, "nested payload (torch.storage._load_from_bytes"}},
		"embedded_stage.pkl":               {{RuleDangerousGlobal, crit, "embedded in data"}},
		"unknown_call.pkl":                 {{RuleUnknownCall, high, "shady_helpers.bootstrap"}},
		"torch_zip_payload.pt":             {{RuleDangerousGlobal, crit, "archive/data.pkl: os.system"}},
		"torch_zip_other_root.pt":          {{RuleDangerousGlobal, crit, "resnet50_final/data.pkl: os.system"}},
		"torch_zip_uppercase.pt":           {{RuleDangerousGlobal, crit, "ARCHIVE/DATA.PKL: os.system"}},
		"torch_zip_deflated.pt":            {{RuleDangerousGlobal, crit, "archive/data.pkl: os.system"}},
		"torch_zip_lzma.pt":                {{RuleDangerousGlobal, crit, "archive/data.pkl: os.system"}},
		"torch_zip_lzma_truncated.pt":      {{RuleNotAnalysed, high, "archive/data.pkl: unreadable"}},
		"torch_zip_bad_crc.pt":             {{RuleDangerousGlobal, crit, "os.system"}, {RuleArchiveIntegrity, med, "crc"}},
		"torch_zip_local_name.pt":          {{RuleDangerousGlobal, crit, "os.system"}, {RuleArchiveIntegrity, high, "local header names it"}},
		"torch_legacy_trailing_payload.pt": {{RuleDangerousGlobal, crit, "os.system"}},
		"torch_legacy_magic_payload.pt":    {{RuleDangerousGlobal, crit, "builtins.eval"}},
		"torch_legacy_tar.tar":             {{RuleDangerousGlobal, crit, "pickle: os.system"}},
		"torch_legacy_tar_storages.tar":    {{RuleDangerousGlobal, crit, "storages: os.system"}},
		"joblib_zlib.joblib":               {{RuleDangerousGlobal, crit, "(zlib stream): os.system"}},
		"joblib_gzip.joblib":               {{RuleDangerousGlobal, crit, "(gzip stream): os.system"}},
		"joblib_bz2.joblib":                {{RuleDangerousGlobal, crit, "(bzip2 stream): os.system"}},
		"joblib_lzma.joblib":               {{RuleDangerousGlobal, crit, "(lzma stream): os.system"}},
		"joblib_xz.joblib":                 {{RuleDangerousGlobal, crit, "(xz stream): os.system"}},
		"joblib_lz4.joblib":                {{RuleDangerousGlobal, crit, "(lz4 stream): os.system"}},
		"object_array.npy":                 {{RuleDangerousGlobal, crit, "(object array data): os.system"}},
		"object_arrays.npz":                {{RuleDangerousGlobal, crit, "evil.npy (object array data): os.system"}},
		"object_arrays_lzma.npz":           {{RuleDangerousGlobal, crit, "evil.npy (object array data): os.system"}},
		"nested_zip_in_targz.tgz":          {{RuleDangerousGlobal, crit, "bundle/weights.zip → inner/model.bin: os.system"}},
		"zip_slip.zip":                     {{RulePathTraversal, high, "../../home/user/.bashrc"}},
		"named_config.json":                {{RuleDangerousGlobal, crit, "os.system"}},
		"named_model.safetensors":          {{RuleDangerousGlobal, crit, "os.system"}},
		"named_notes.txt":                  {{RuleDangerousGlobal, crit, "os.system"}},
	}
	files, _ := filepath.Glob("testdata/malicious/*")
	seen := map[string]bool{}
	for _, p := range files {
		name := filepath.Base(p)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			fs := scanFixture(t, p)
			ws, ok := cases[name]
			if !ok {
				if name == "unknown_class.pkl" {
					ws = []want{{RuleUnknownGlobal, med, "my_project.models.CustomNet"}}
				} else {
					t.Fatalf("no expectation for %s:%s", name, dump(fs))
				}
			}
			for _, w := range ws {
				if !has(fs, w) {
					t.Errorf("missing %s %s %q in:%s", w.severity, w.rule, w.evidence, dump(fs))
				}
			}
		})
	}
	for name := range cases {
		if !seen[name] {
			t.Errorf("fixture %s missing: run testdata/gen.py", name)
		}
	}
}

func TestBenignFixtures(t *testing.T) {
	files, _ := filepath.Glob("testdata/benign/*")
	if len(files) < 20 {
		t.Fatalf("only %d benign fixtures: run testdata/gen.py", len(files))
	}
	for _, p := range files {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			fs := scanFixture(t, p)
			if name == "torch_full_module.pt" {
				// a whole nn.Module: its class is imported and instantiated
				// with NEWOBJ, which weights_only refuses — medium, not a gate failure
				if len(fs) != 1 || !has(fs, want{RuleUnknownGlobal, checks.SeverityMedium, "__main__.Net"}) {
					t.Errorf("want one medium %s for __main__.Net, got:%s", RuleUnknownGlobal, dump(fs))
				} else if strings.Contains(fs[0].Fix, "weights_only=True") || !strings.Contains(fs[0].Fix, "save_file") {
					t.Errorf("fix must teach safetensors without suggesting to load the file: %s", fs[0].Fix)
				}
				return
			}
			if len(fs) != 0 {
				t.Errorf("benign file has findings:%s", dump(fs))
			}
		})
	}
}

// TestNamesDoNotMatter: pickle content under a name that promises JSON,
// text or safetensors is found alone and in a directory walk.
func TestNamesDoNotMatter(t *testing.T) {
	payload, err := os.ReadFile("testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names := []string{"model.safetensors", "config.json", "README.txt", "weights"}
	var files []*checks.File
	for _, n := range names {
		p := filepath.Join(dir, "sub", n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, payload, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, checks.NewBytesFile(filepath.ToSlash(rel), b))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fs := checks.Run(context.Background(), files, checks.RunOptions{Checks: []checks.Check{check{}}})
	var flagged []string
	for _, f := range fs {
		if f.RuleID == RuleDangerousGlobal && f.Severity == checks.SeverityCritical {
			flagged = append(flagged, f.Path)
		}
	}
	sort.Strings(flagged)
	if len(flagged) != len(names) {
		t.Fatalf("walk flagged %v, want all of %v", flagged, names)
	}
	for _, n := range names {
		f := checks.NewBytesFile(n, payload)
		res, _ := check{}.Scan(context.Background(), f)
		if !has(res.Findings, want{RuleDangerousGlobal, checks.SeverityCritical, "os.system"}) {
			t.Errorf("%s alone: not flagged:%s", n, dump(res.Findings))
		}
	}
}

// TestRulesDocumented: every rule has what the framework promises users.
func TestRulesDocumented(t *testing.T) {
	for _, r := range rules {
		if r.ID == "" || r.Title == "" || r.Why == "" || r.Fix == "" || r.FixExample == "" || len(r.References) == 0 ||
			!strings.HasPrefix(r.ID, "model-") {
			t.Errorf("rule %q is incomplete", r.ID)
		}
	}
}

// TestFixesNeverLoadTheFile: the fix for a pickle ward distrusts never tells
// the user to load it (torch.load's weights_only was bypassable before
// torch 2.6, CVE-2025-32434; pickle and joblib have no safe mode), and files
// of scikit-learn and pandas get a fix that fits them.
func TestFixesNeverLoadTheFile(t *testing.T) {
	loads := []string{"torch.load(", "joblib.load(", "pickle.load", "numpy.load(", "np.load(", "Load it with", "load it with"}
	pickleRules := map[string]bool{RuleDangerousGlobal: true, RuleUnknownCall: true, RuleUnknownGlobal: true,
		RuleMutatesGlobal: true, RuleMalformed: true, RuleNotAnalysed: true}
	for _, r := range rules {
		if !pickleRules[r.ID] {
			continue
		}
		for _, l := range loads {
			if strings.Contains(r.FixExample, l) {
				t.Errorf("%s: fix example loads the file (%q): %s", r.ID, l, r.FixExample)
			}
			if l != "torch.load(" && strings.Contains(r.Fix, l) {
				t.Errorf("%s: fix suggests loading the file (%q): %s", r.ID, l, r.Fix)
			}
		}
	}
	for _, c := range []struct {
		loader  string
		globals []string
		want    string
	}{
		{"joblib.load", []string{"posix.system"}, "skops"},
		{defaultLoaders, []string{"sklearn.ensemble._forest.RandomForestClassifier", "posix.system"}, "skops"},
		{defaultLoaders, []string{"pandas.core.frame.DataFrame", "builtins.exec"}, "Parquet"},
		{"numpy.load(allow_pickle=True)", []string{"posix.system"}, "allow_pickle=False"},
		{"torch.load", []string{"torch._utils._rebuild_tensor_v2", "posix.system"}, ""},
	} {
		res := &pickle.Result{}
		for _, q := range c.globals {
			i := strings.LastIndexByte(q, '.')
			res.Globals = append(res.Globals, &pickle.Global{Module: q[:i], Name: q[i+1:]})
		}
		fix := fixMalicious(c.loader, res)
		if c.want == "" && fix != "" || !strings.Contains(fix, c.want) {
			t.Errorf("fixMalicious(%q, %v) = %q, want one naming %q", c.loader, c.globals, fix, c.want)
		}
		for _, l := range append(loads, "torch.load(") {
			if strings.Contains(fix, l) {
				t.Errorf("fixMalicious(%q) suggests loading the file (%q): %s", c.loader, l, fix)
			}
		}
	}
	for _, c := range []struct{ loader, qual, want string }{
		{"torch.load", "evil.Thing", "safetensors"},
		{"joblib.load", "sklearn.linear_model._logistic.Unknown", "skops"},
		{defaultLoaders, "pandas.core.computation.expr.Expr", "Parquet"},
		{"numpy.load(allow_pickle=True)", "x.y", "allow_pickle=False"},
	} {
		fix := fixFor(c.loader, c.qual)
		if !strings.Contains(fix, c.want) {
			t.Errorf("fixFor(%q, %q) lacks %q: %s", c.loader, c.qual, c.want, fix)
		}
		for _, l := range loads {
			if strings.Contains(fix, l) {
				t.Errorf("fixFor(%q, %q) suggests loading the file (%q): %s", c.loader, c.qual, l, fix)
			}
		}
	}
}

// TestAllowlistIsExact: each of these was allowed by a package prefix or
// by an entry's name alone before the allowlist named exact uses.
func TestAllowlistIsExact(t *testing.T) {
	high := checks.SeverityHigh
	cases := []struct {
		name, pickle string
		want         []want
	}{
		{"pandas Expr evaluates its argument", "\x80\x02cpandas.core.computation.expr\nExpr\nX\x03\x00\x00\x001+1\x85R.",
			[]want{{RuleUnknownCall, high, "pandas.core.computation.expr.Expr"}}},
		{"SentenceTransformer runs remote code", "\x80\x02csentence_transformers\nSentenceTransformer\n)}X\x11\x00\x00\x00trust_remote_code\x88s\x92.",
			[]want{{RuleUnknownGlobal, checks.SeverityMedium, "sentence_transformers.SentenceTransformer"}}},
		{"SentenceTransformer called", "\x80\x02csentence_transformers\nSentenceTransformer\nX\x08\x00\x00\x00evil/rep\x85R.",
			[]want{{RuleUnknownCall, high, "sentence_transformers.SentenceTransformer"}}},
		{"estimator class called with arguments", "\x80\x02csklearn.linear_model._logistic\nLogisticRegression\nX\x01\x00\x00\x00x\x85R.",
			[]want{{RuleUnknownCall, high, "sklearn.linear_model._logistic.LogisticRegression"}}},
		{"dateutil tzfile given a path", "\x80\x02cdateutil.tz.tz\ntzfile\nX\x0b\x00\x00\x00/etc/passwdN\x86R.",
			[]want{{RuleUnknownCall, high, "dateutil.tz.tz.tzfile"}}},
		{"getattr reaching os.system", "\x80\x02c__builtin__\ngetattr\ncos\n_exit\nX\x06\x00\x00\x00system\x86R.",
			[]want{{RuleDangerousGlobal, checks.SeverityCritical, "getattr"}}},
	}
	for _, c := range cases {
		fs := scanBytes("x.pkl", []byte(c.pickle), checks.Limits{})
		for _, w := range c.want {
			if !has(fs, w) {
				t.Errorf("%s: want %s %s %q, got:%s", c.name, w.severity, w.rule, w.evidence, dump(fs))
			}
		}
	}
	// what the libraries write themselves stays quiet
	for name, p := range map[string]string{
		"tzfile(None, name)":             "\x80\x02cdateutil.tz.tz\ntzfile\nNX\x10\x00\x00\x00America/New_York\x86R.",
		"getattr(ZoneInfo, '_unpickle')": "\x80\x02c__builtin__\ngetattr\nczoneinfo\nZoneInfo\nX\x09\x00\x00\x00_unpickle\x86RX\x0a\x00\x00\x00Asia/TokyoK\x01\x86R.",
		"newObj(KDTree)":                 "\x80\x02csklearn.neighbors._kd_tree\nnewObj\ncsklearn.neighbors._kd_tree\nKDTree\n\x85R.",
	} {
		if fs := scanBytes("x.pkl", []byte(p), checks.Limits{}); len(fs) != 0 {
			t.Errorf("%s: want no finding, got:%s", name, dump(fs))
		}
	}
	// a reconstructor that instantiates the class it is given judges the class
	fs := scanBytes("x.pkl", []byte("\x80\x02csklearn.neighbors._kd_tree\nnewObj\ncsubprocess\nPopen\n\x85R."), checks.Limits{})
	if !has(fs, want{RuleDangerousGlobal, checks.SeverityCritical, "subprocess.Popen"}) {
		t.Errorf("newObj(subprocess.Popen): want critical, got:%s", dump(fs))
	}
}

// TestNpyDescr: the .npy header is read as the Python literal numpy.load
// evaluates, whatever the spelling of an object dtype.
func TestNpyDescr(t *testing.T) {
	for _, c := range []struct {
		descr  string
		object bool
	}{
		{`'<f4'`, false}, {`'|b1'`, false}, {`'<U5'`, false}, {`[('O', '<f8')]`, false}, {`'|S3'`, false},
		{`"<M8[ns]"`, false}, {`[(('title', 'name'), '<i4')]`, false}, {`{'names': ['O'], 'formats': ['<i4']}`, false},
		{`'O'`, true}, {`'|O'`, true}, {`'|O8'`, true}, {`'object'`, true}, {`"O"`, true}, {`b'O'`, true},
		{`'\x4f'`, true}, {`'\u004f'`, true}, {`'\117'`, true}, {`'|' 'O'`, true}, {`'i4, O'`, true}, {`'2O'`, true},
		{`[('a', '<i4'), ('b', '|O')]`, true}, {`('O', (2,))`, true}, {`[('o', [('i', 'O')])]`, true},
		{`[('a', 'O', (2, 2))]`, true}, {`{'names': ['a'], 'formats': ['O']}`, true}, {`{'a': ('O', 0)}`, true},
	} {
		lit, err := parsePyLiteral("{'descr': " + c.descr + ", 'fortran_order': False, 'shape': (3,), }")
		if err != nil {
			t.Errorf("%s: %v", c.descr, err)
			continue
		}
		d, _ := lit.dictGet("descr")
		if got := descrHasObject(d, 0); got != c.object {
			t.Errorf("descr %s: object = %v, want %v", c.descr, got, c.object)
		}
	}
	// a key written twice has its last value (Python's dict literal)
	for hdr, object := range map[string]bool{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '|O', }":     true,
		"{'descr': '|O', 'fortran_order': False, 'shape': (1,), 'descr': '<f8', }":     false,
		"{'d\\x65scr': '<f8', 'descr': '|O', 'fortran_order': False, 'shape': (1,), }": true,
		"{'descr': '\\x7cO', # a comment\n 'fortran_order': False, 'shape': (1,), }":   true,
		"{'descr': '<f8', # 'descr': '|O'\n 'fortran_order': False, 'shape': (1,), }":  false,
	} {
		lit, err := parsePyLiteral(hdr)
		if err != nil {
			t.Fatalf("%s: %v", hdr, err)
		}
		if d, _ := lit.dictGet("descr"); descrHasObject(d, 0) != object {
			t.Errorf("%s: object = %v, want %v", hdr, !object, object)
		}
	}
	for _, bad := range []string{"{'descr': '<f4'", "{'descr': '\\x4'}", "{'descr' '<f4'}", strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100)} {
		if _, err := parsePyLiteral(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestTextIsNotPickle: text whose first lines read like a GLOBAL operand is
// not taken for a pickle by the whole-content probe.
func TestTextIsNotPickle(t *testing.T) {
	for _, text := range []string{"cmake\nmake\ninstall\n", "cd\nls\n\nrun the tests\n", "ctypes\nCDLL\nis used here.\n",
		strings.Repeat("(", 5000) + "\nnot a pickle\n"} {
		if fs, ok := Analyse(context.Background(), "notes.txt", strings.NewReader(text), int64(len(text)), checks.Limits{}); ok || len(fs) > 0 {
			t.Errorf("%q: understood=%v, findings:%s", text, ok, dump(fs))
		}
	}
}
