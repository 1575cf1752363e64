package gguf

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/gguf/chattemplate"
	"github.com/ward-sec/ward/checks/model/pyjson"
	"github.com/ward-sec/ward/checks/model/relpath"
)

// RuleConfigTemplateInjection is the chat-template rule for templates that
// ship outside GGUF: tokenizer_config.json and chat_template.json
// ("chat_template" keys) and standalone chat template files.
const RuleConfigTemplateInjection = "model-chat-template-injection"

// templateCheck recognises chat templates by content: a JSON object with
// a chat_template key (a string, or a list of {name, template}), or a
// Jinja file that renders chat messages.
type templateCheck struct{}

func (templateCheck) Name() string { return "chat-template" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (templateCheck) Version() string { return "1" }

func (templateCheck) Rules() []checks.Rule {
	return []checks.Rule{{
		ID:       RuleConfigTemplateInjection,
		Title:    "Chat template escapes the Jinja sandbox",
		Severity: checks.SeverityCritical,
		Family:   "model",
		Why: "Hugging Face models ship their chat template in tokenizer_config.json, chat_template.json or " +
			"chat_template.jinja; transformers, vLLM, llama.cpp's server and many custom servers render it " +
			"on every request. This template reaches Python internals (__class__, __globals__, " +
			"__builtins__…), hides such names behind |attr, |join, |format or escape sequences, or calls " +
			"Python builtins: server-side template injection that runs commands wherever the template is " +
			"rendered without a strict sandbox (CVE-2024-34359).",
		Fix: "Restore the publisher's template, and render chat templates only with Jinja's " +
			"ImmutableSandboxedEnvironment.",
		FixExample: "from jinja2.sandbox import ImmutableSandboxedEnvironment\n" +
			"prompt = ImmutableSandboxedEnvironment().from_string(reviewed_template).render(messages=messages)",
		References: []string{"CWE-1336", "CWE-94", "CVE-2024-34359", "LLM03:2025", "LLM05:2025"},
	}, {
		ID:       RuleTemplateNamePath,
		Title:    "Named chat template writes outside the save folder",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "transformers saves each named chat template of tokenizer_config.json as " +
			"additional_chat_templates/<name>.jinja when a tokenizer or processor is saved (save_pretrained, push_to_hub, " +
			"Trainer checkpoints). A name holding '/', '\\' or '..' or an absolute path makes that write land outside the " +
			"folder, with the template text as content (transformers PR #46191).",
		Fix:        "Name templates with plain words, as transformers' own templates are named (default, tool_use, rag).",
		FixExample: "\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"...\"}]",
		References: []string{"CWE-22", "CWE-73", "LLM03:2025"},
	}}
}

// RuleTemplateNamePath: a named chat template whose name is a path.
const RuleTemplateNamePath = "model-chat-template-name-path"

// maxConfigBytes bounds the JSON or template read.
const maxConfigBytes = 8 << 20

func (templateCheck) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 8 || f.Size > maxConfigBytes || f.Content == nil || f.Binary {
		return checks.Result{}, nil
	}
	head := bytes.TrimLeft(f.Head(8000), " \t\r\n\ufeff")
	if len(head) == 0 || checks.LooksBinary(head) {
		return checks.Result{}, nil
	}
	b, err := f.ReadAll(maxConfigBytes)
	if err != nil {
		return checks.Result{}, nil
	}
	var templates map[string]string
	if head[0] == '{' && !bytes.Contains(b, []byte(`"chat_template"`)) && pyjson.MentionsKey(b, "chat_template") {
		templates = jsonTemplates(b) // the key may be spelt with escapes
	}
	switch {
	case len(templates) > 0:
	case head[0] == '{' && bytes.Contains(b, []byte(`"chat_template"`)):
		templates = jsonTemplates(b)
	case loadedAsTemplate(f.Path) || !sourceCode[strings.ToLower(path.Ext(f.Path))] && looksLikeChatTemplate(b):
		templates = map[string]string{"template": string(b)}
	}
	if len(templates) == 0 {
		return checks.Result{}, nil
	}
	names := make([]string, 0, len(templates))
	for n := range templates {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []checks.Finding
	for _, n := range names {
		if name, ok := strings.CutPrefix(n, "chat_template."); ok && (relpath.Escapes(name) || strings.ContainsAny(name, "/\\")) {
			out = append(out, checks.Finding{RuleID: RuleTemplateNamePath, Severity: checks.SeverityHigh,
				Message: fmt.Sprintf("The chat template named %q is saved as additional_chat_templates/%s.jinja by save_pretrained: "+
					"the name is a path, so the template's text is written outside the save folder.", name, name),
				Evidence: "chat template name " + name})
		}
	}
	for _, n := range names {
		if ctx.Err() != nil {
			return checks.Result{Analysed: true, Findings: out}, ctx.Err()
		}
		r := chattemplate.Analyse(templates[n])
		if len(r.Indicators) == 0 {
			continue
		}
		var evs []string
		for _, ind := range r.Indicators {
			evs = append(evs, ind.Evidence)
		}
		out = append(out, checks.Finding{RuleID: RuleConfigTemplateInjection, Severity: r.Worst(),
			Message: fmt.Sprintf("%s: %s It is rendered on every chat request; outside a strict sandbox it runs "+
				"commands on the serving machine.", n, r.Summary(8)),
			Evidence: n + ": " + strings.Join(evs, " | ")})
	}
	return checks.Result{Analysed: true, Findings: out}, nil
}

// jsonTemplates returns the chat templates of a tokenizer_config.json or
// chat_template.json: "chat_template" as a string, a list of
// {"name", "template"} objects or a mapping of names to templates.
func jsonTemplates(b []byte) map[string]string {
	var doc map[string]json.RawMessage
	if json.Unmarshal(pyjson.Literals(b), &doc) != nil {
		return nil
	}
	raw, ok := doc["chat_template"]
	if !ok {
		return nil
	}
	out := map[string]string{}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		out["chat_template"] = s
		return out
	}
	var list []struct {
		Name     string `json:"name"`
		Template string `json:"template"`
	}
	if json.Unmarshal(raw, &list) == nil {
		for i, t := range list {
			name := t.Name
			if name == "" {
				name = fmt.Sprint(i)
			}
			out["chat_template."+name] = t.Template
		}
		return out
	}
	// a mapping of name to template: what transformers builds from the
	// list and keeps as tokenizer.chat_template, and uses as it is when a
	// config holds one (apply_chat_template picks "default" or "tool_use")
	var named map[string]string
	if json.Unmarshal(raw, &named) == nil {
		for name, t := range named {
			out["chat_template."+name] = t
		}
	}
	return out
}

// loadedAsTemplate: names transformers reads as chat templates whatever
// they contain (chat_template.jinja, additional_chat_templates/*.jinja).
func loadedAsTemplate(p string) bool {
	base := path.Base(p)
	return base == "chat_template.jinja" ||
		path.Base(path.Dir(p)) == "additional_chat_templates" && strings.HasSuffix(base, ".jinja")
}

// sourceCode are extensions of program source and documentation. Agent
// frameworks build chat messages in f-strings and template literals
// ("{{", "messages", "message.role"), and no loader renders a .py or .md
// file as a chat template; read whole as Jinja, such a file only yields
// noise (its own attribute accesses reported as template injection).
var sourceCode = map[string]bool{".py": true, ".pyi": true, ".ipynb": true, ".js": true, ".jsx": true, ".ts": true,
	".tsx": true, ".mjs": true, ".cjs": true, ".mts": true, ".cts": true, ".go": true, ".java": true, ".kt": true,
	".rs": true, ".rb": true, ".php": true, ".cs": true, ".swift": true, ".c": true, ".cc": true, ".cpp": true,
	".h": true, ".hpp": true, ".sh": true, ".md": true, ".mdx": true, ".rst": true}

// looksLikeChatTemplate: Jinja that iterates chat messages. HTML, Ansible
// and other Jinja files do not mention messages and generation prompts.
func looksLikeChatTemplate(b []byte) bool {
	s := string(b)
	return (strings.Contains(s, "{%") || strings.Contains(s, "{{")) && strings.Contains(s, "messages") &&
		(strings.Contains(s, "add_generation_prompt") || strings.Contains(s, "in messages") ||
			strings.Contains(s, "message['role']") || strings.Contains(s, `message["role"]`) || strings.Contains(s, "message.role"))
}
