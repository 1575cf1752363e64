package gguf

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/checktest"
)

func TestTokenizerConfigTemplates(t *testing.T) {
	llama, err := os.ReadFile("chattemplate/testdata/llama31_tools.jinja")
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(v any) []byte {
		b, _ := json.Marshal(map[string]any{"bos_token": "<s>", "chat_template": v, "model_max_length": 4096})
		return b
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string // worst severity or "" for none
	}{
		{"tokenizer_config.json", cfg(string(llama)), ""},
		{"tokenizer_config.json", cfg(`{{ cycler.__init__.__globals__.os.popen('id').read() }}`), "critical"},
		{"chat_template.json", cfg([]map[string]string{{"name": "default", "template": string(llama)},
			{"name": "tool_use", "template": `{{ ()|attr('\x5f\x5fclass\x5f\x5f') }}`}}), "critical"},
		{"chat_template.jinja", []byte("{% for message in messages %}{{ message['content'].__class__.__mro__ }}{% endfor %}"), "critical"},
		{"chat_template.jinja", llama, ""},
		{"page.html", []byte("<p>{{ user.__class__ }}</p>"), ""}, // not a chat template: another check's business
		{"config.json", []byte(`{"hidden_size": 4096}`), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := templateCheck{}.Scan(context.Background(), checks.NewBytesFile(tc.name, tc.in))
			if err != nil {
				t.Fatal(err)
			}
			worst := ""
			for _, f := range res.Findings {
				worst = f.Severity.String()
			}
			if worst != tc.want {
				t.Errorf("worst = %q, want %q (%+v)", worst, tc.want, res.Findings)
			}
		})
	}
}

// TestCorpusTemplateFiles: the Jinja samples of the shared corpus as files.
func TestCorpusTemplateFiles(t *testing.T) {
	dir, _ := filepath.Abs("../../../../shared/corpus/models/modelaudit/samples/jinja2")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("external model corpus not found at %s (it lives next to the repository as ../shared): %v", dir, err)
	}
	counts := map[string]int{}
	_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		res, err := templateCheck{}.Scan(context.Background(), checks.NewBytesFile(rel, b))
		if err != nil {
			t.Fatal(err)
		}
		flagged := false
		for _, f := range res.Findings {
			flagged = flagged || f.Severity >= checks.SeverityHigh
		}
		kind := "other"
		if strings.Contains(rel, "malicious") || strings.Contains(rel, "obfuscated") || rel == "tokenizer_config.json" {
			kind = "ssti"
		} else if strings.Contains(rel, "benign") && !strings.Contains(rel, "suspicious") {
			kind = "benign"
		}
		counts[kind+map[bool]string{true: " flagged", false: " clean"}[flagged]]++
		t.Logf("%s: %s flagged=%v analysed=%v", kind, rel, flagged, res.Analysed)
		if kind == "benign" && flagged {
			t.Errorf("%s: benign template flagged: %+v", rel, res.Findings)
		}
		return nil
	})
	t.Logf("chat template files: %v", counts)
}

// transformers loads chat_template.jinja by name, messages or not.
func TestTemplateByName(t *testing.T) {
	src := []byte("{{ ()|attr('__cla' ~ 'ss__') }}")
	for _, name := range []string{"chat_template.jinja", "m/additional_chat_templates/rag.jinja"} {
		res, got := checktest.Scan(t, templateCheck{}, name, src)
		if !res.Analysed || len(got) != 1 || got[0] != "model-chat-template-injection/critical" {
			t.Errorf("%s: %v", name, got)
		}
	}
	if res, got := checktest.Scan(t, templateCheck{}, "page.jinja", src); res.Analysed || len(got) != 0 {
		t.Errorf("an HTML template was read as a chat template: %v", got)
	}
}

// Agent code that builds chat messages with braces is source, not a chat
// template; the same text in a template file is still analysed.
func TestSourceCodeIsNotATemplate(t *testing.T) {
	src := []byte("class Agent:\n    def prompt(self, messages):\n        for message in messages:\n" +
		"            if message.role == 'user':\n                return f\"{{{{ {self.__class__.__name__} }}}}\"\n")
	for _, name := range []string{"lib/agent/core.py", "src/agent.ts", "docs/templates.md"} {
		if res, got := checktest.Scan(t, templateCheck{}, name, src); res.Analysed || len(got) != 0 {
			t.Errorf("%s read as a chat template: %v", name, got)
		}
	}
	tmpl := []byte("{% for message in messages %}{{ message.role }}{{ message.__class__.__mro__ }}{% endfor %}")
	if _, got := checktest.Scan(t, templateCheck{}, "prompts/chat.j2", tmpl); len(got) != 1 {
		t.Errorf("a .j2 chat template was not analysed: %v", got)
	}
}

// TestTemplateNamePath: a named template is saved as
// additional_chat_templates/<name>.jinja; a name that is a path is
// reported, plain names are not.
func TestTemplateNamePath(t *testing.T) {
	loop := "{% for message in messages %}{{ message['content'] }}{% endfor %}"
	for name, want := range map[string][]string{
		"tool_use":                            nil,
		"rag-v2.1":                            nil,
		"../../../home/u/.config/autostart/x": {RuleTemplateNamePath + "/high"},
		"sub/dir":                             {RuleTemplateNamePath + "/high"},
		"/etc/cron.d/x":                       {RuleTemplateNamePath + "/high"},
	} {
		src := `{"chat_template": [{"name": "default", "template": "` + loop + `"}, {"name": "` + name + `", "template": "` + loop + `"}]}`
		_, got := checktest.Scan(t, templateCheck{}, "tokenizer_config.json", []byte(src))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
}

// TestTemplateMapping: chat_template as a mapping of names to templates
// (transformers uses such a dict as it is) is judged like the list form.
func TestTemplateMapping(t *testing.T) {
	evil := "{% for message in messages %}{{ message['content'] }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}"
	b, _ := json.Marshal(map[string]any{"chat_template": map[string]string{"default": "{{ messages }}", "tool_use": evil}})
	_, got := checktest.Scan(t, templateCheck{}, "tokenizer_config.json", b)
	if !reflect.DeepEqual(got, []string{RuleConfigTemplateInjection + "/critical"}) {
		t.Errorf("findings %v", got)
	}
}
