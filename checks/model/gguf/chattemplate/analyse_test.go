package chattemplate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
)

// Real chat templates shipped with popular models: none may be flagged.
func TestBenignTemplates(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jinja")
	more, _ := filepath.Glob("testdata/benign/*.jinja")
	files = append(files, more...)
	if len(files) < 60 {
		t.Fatalf("expected the benign templates in testdata, found %d", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		r := Analyse(string(b))
		if !r.Parsed {
			t.Errorf("%s: did not parse: %s", p, r.ParseError)
		}
		if len(r.Indicators) > 0 {
			t.Errorf("%s: flagged %+v", p, r.Indicators)
		}
	}
}

func TestMaliciousTemplates(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      checks.Severity
		evidence  string
	}{
		{"CVE-2024-34359", `{% for x in ().__class__.__base__.__subclasses__() %}{% if "warning" in x.__name__ %}{{x()._module.__builtins__['__import__']('os').popen("touch /tmp/retr0reg")}}{%endif%}{% endfor %}`,
			checks.SeverityCritical, "__subclasses__"},
		{"self globals", `{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}`, checks.SeverityCritical, "__globals__"},
		{"lipsum globals item", `{{ lipsum.__globals__['os'].popen('id').read() }}`, checks.SeverityCritical, "os"},
		{"cycler", `{{ cycler.__init__.__globals__.os.popen('id').read() }}`, checks.SeverityCritical, "popen"},
		{"attr join", `{{ ()|attr(['__cla','ss__']|join)|attr('mro') }}`, checks.SeverityCritical, "__class__"},
		{"attr concat", `{{ ()|attr('__cla' ~ 'ss__') }}`, checks.SeverityCritical, "__class__"},
		{"attr format", `{{ ()|attr('%c%cclass%c%c'|format(95,95,95,95)) }}`, checks.SeverityCritical, "__class__"},
		{"hex escapes", `{{ ()|attr('\x5f\x5fclass\x5f\x5f') }}`, checks.SeverityCritical, `\x5f`},
		{"unicode escapes", `{{ ''|attr("\u005f\u005fclass\u005f\u005f") }}`, checks.SeverityCritical, `\u005f`},
		{"dynamic attr", `{% set n = messages[0]['content'] %}{{ ''|attr(n) }}`, checks.SeverityHigh, "|attr("},
		{"private attribute", `{{ self._TemplateReference__context }}`, checks.SeverityHigh, "_TemplateReference__context"},
		{"eval call", `{{ eval('1+1') }}`, checks.SeverityCritical, "eval("},
		{"method format", `{{ '{}{}class{}{}'.format('_','_','_','_') }}`, checks.SeverityCritical, "__class__"},
		{"unparsable with payload", `{% for m in messages %}{{ m.__class__.__mro__[1].__subclasses__() }`, checks.SeverityCritical, "__mro__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyse(tc.src)
			if r.Worst() != tc.want {
				t.Errorf("worst = %v, want %v; parsed=%v (%s) indicators %+v", r.Worst(), tc.want, r.Parsed, r.ParseError, r.Indicators)
			}
			found := false
			for _, i := range r.Indicators {
				found = found || strings.Contains(i.Evidence, tc.evidence)
			}
			if !found {
				t.Errorf("no indicator with evidence %q: %+v", tc.evidence, r.Indicators)
			}
		})
	}
}

func TestUnparsableIsReported(t *testing.T) {
	r := Analyse(`{% for m in messages %}{{ m.content }`)
	if r.Parsed || r.ParseError == "" {
		t.Errorf("want a parse error, got parsed=%v", r.Parsed)
	}
	if len(r.Indicators) != 0 {
		t.Errorf("benign but broken template flagged: %+v", r.Indicators)
	}
}

// TestCorpusTemplates runs the analysis over the Jinja samples of the
// shared corpus (ModelAudit's test templates, as JSON, YAML or raw files).
// They are labelled "suspicious" (SSTI payloads) or "unknown" (benign-named
// samples); the expectation comes from the file's folder and name.
func TestCorpusTemplates(t *testing.T) {
	dir, _ := filepath.Abs("../../../../../shared/corpus/models/modelaudit/samples/jinja2")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("external model corpus not found at %s (it lives next to the repository as ../shared): %v", dir, err)
	}
	counts := map[string]int{}
	var rows []string
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		for i, src := range templatesIn(p, b) {
			r := Analyse(src)
			malicious := strings.Contains(rel, "malicious") || strings.Contains(rel, "obfuscated") || strings.Contains(rel, "exploit")
			benign := strings.Contains(rel, "benign") && !strings.Contains(rel, "suspicious")
			flagged := r.Worst() >= checks.SeverityHigh
			kind := "other"
			if malicious {
				kind = "malicious"
			} else if benign {
				kind = "benign"
			}
			counts[kind+map[bool]string{true: " flagged", false: " clean"}[flagged]]++
			rows = append(rows, rel+"#"+string(rune('0'+i))+": "+r.Worst().String()+" parsed="+map[bool]string{true: "yes", false: "no"}[r.Parsed])
			if malicious && !flagged {
				t.Errorf("%s: SSTI sample not flagged: %+v", rel, r)
			}
			if benign && flagged {
				t.Errorf("%s: benign sample flagged: %+v", rel, r.Indicators)
			}
		}
		return nil
	})
	sort.Strings(rows)
	for _, r := range rows {
		t.Log(r)
	}
	t.Logf("chat template corpus: %v", counts)
}

// templatesIn extracts chat templates: the chat_template fields of JSON,
// the chat_template block of YAML, or the whole file.
func templatesIn(path string, b []byte) []string {
	switch filepath.Ext(path) {
	case ".json":
		var v any
		if json.Unmarshal(b, &v) != nil {
			return []string{string(b)}
		}
		var out []string
		var walk func(any)
		walk = func(x any) {
			switch y := x.(type) {
			case map[string]any:
				for k, e := range y {
					if s, ok := e.(string); ok && strings.Contains(k, "template") {
						out = append(out, s)
					} else {
						walk(e)
					}
				}
			case []any:
				for _, e := range y {
					if m, ok := e.(map[string]any); ok {
						if s, ok := m["template"].(string); ok {
							out = append(out, s)
							continue
						}
					}
					walk(e)
				}
			}
		}
		walk(v)
		return out
	}
	return []string{string(b)}
}

func FuzzChatTemplate(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.jinja")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`{{ ()|attr(['__cla','ss__']|join)|attr('%c%c'|format(95,95)) }}{{ '\x5f'.join([]) }}`)
	f.Fuzz(func(t *testing.T, src string) {
		done := make(chan Report, 1)
		go func() { done <- Analyse(src) }()
		var r Report
		select {
		case r = <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Analyse hangs on %q", src)
		}
		for _, i := range r.Indicators {
			if i.What == "" || i.Severity == 0 {
				t.Fatalf("empty indicator %+v", i)
			}
		}
	})
}

// TestConcurrent: checks run on many files at once (go test -race).
func TestConcurrent(t *testing.T) {
	b, err := os.ReadFile("testdata/llama31_tools.jinja")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 8)
	for i := 0; i < 8; i++ {
		go func() {
			r := Analyse(string(b))
			done <- len(r.Indicators)
		}()
	}
	for i := 0; i < 8; i++ {
		if n := <-done; n != 0 {
			t.Errorf("indicators on a benign template: %d", n)
		}
	}
}
