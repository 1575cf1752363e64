// Package gguf parses GGUF model files (llama.cpp, versions 1–3) by
// content: the header, every metadata key/value (all value types, nested
// arrays, bounded counts and lengths) and the tensor table. It analyses
// tokenizer.chat_template and the named tokenizer.chat_template.* templates
// as Jinja for sandbox escapes (see ./chattemplate): loaders render them,
// and llama-cpp-python rendered them without a sandbox (CVE-2024-34359).
package gguf

import "github.com/ward-sec/ward/checks"

// Rule IDs of the GGUF check.
const (
	RuleTemplateInjection = "model-gguf-chat-template-injection"
	RuleTemplateUnparsed  = "model-gguf-chat-template-unparsed"
	RuleMalformed         = "model-gguf-malformed"
	RuleNotAnalysed       = "model-gguf-not-fully-analysed"
)

var rules = []checks.Rule{
	{
		ID:       RuleTemplateInjection,
		Title:    "GGUF chat template escapes the Jinja sandbox",
		Severity: checks.SeverityCritical,
		Family:   "model",
		Why: "A GGUF file carries its chat template (tokenizer.chat_template), a Jinja program that " +
			"llama.cpp servers, llama-cpp-python, Ollama front ends and transformers render on every " +
			"request. This template reaches Python internals (__class__, __globals__, __builtins__…), " +
			"hides such names behind |attr, |join, |format or escape sequences, or calls Python builtins: " +
			"the published server-side template injection that runs commands on the machine serving the " +
			"model (CVE-2024-34359).",
		Fix: "Do not serve the model. Replace its chat template with the publisher's original one (or " +
			"pass a reviewed template explicitly), and render templates only in a sandboxed environment.",
		FixExample: "from jinja2.sandbox import ImmutableSandboxedEnvironment\n" +
			"env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)\n" +
			"prompt = env.from_string(reviewed_template).render(messages=messages)",
		References: []string{"CWE-1336", "CWE-94", "CVE-2024-34359", "LLM03:2025", "LLM05:2025"},
	},
	{
		ID:       RuleTemplateUnparsed,
		Title:    "GGUF chat template does not parse",
		Severity: checks.SeverityLow,
		Family:   "model",
		Why: "The chat template is not valid Jinja, so it was checked only for unambiguous signs " +
			"(underscore attributes, dunder strings) instead of as a syntax tree. Renderers differ in what they accept; a template that only one " +
			"of them understands deserves a look.",
		Fix: "Compare the template ward quotes with the one the model's publisher ships (tokenizer_config.json in their " +
			"repository), and fix or replace it; or re-download the file and check its checksum against the publisher's.",
		FixExample: "sha256sum model.gguf  # must equal the SHA-256 the publisher lists for the file",
		References: []string{"CWE-1336"},
	},
	{
		ID:       RuleMalformed,
		Title:    "Malformed GGUF file",
		Severity: checks.SeverityMedium,
		Family:   "model",
		Why: "The file starts with the GGUF magic but its header, metadata or tensor table is invalid " +
			"(unknown version or value type, lengths past the end of the file, tensors outside the data). " +
			"Parsers in C and C++ have had memory-safety bugs on exactly such files (llama.cpp " +
			"CVE-2024-25664…25668, out-of-bounds reads and heap overflows in the GGUF loader).",
		Fix:        "Re-download the model from its publisher, or re-convert it with llama.cpp's convert script.",
		FixExample: "python convert_hf_to_gguf.py ./model-dir --outfile model.gguf",
		References: []string{"CWE-20", "CWE-787", "CVE-2024-25664"},
	},
	{
		ID:       RuleNotAnalysed,
		Title:    "GGUF file not fully analysed",
		Severity: checks.SeverityHigh,
		Family:   "model",
		Why: "ward stopped before the end of the GGUF metadata because of a limit (bytes, counts, string " +
			"length, nesting, time). A chat template later in the metadata was not checked.",
		Fix: "Get the file from its publisher and check its checksum against theirs, or re-convert it from the " +
			"publisher's weights; raise the limit only for files you trust.",
		FixExample: "sha256sum model.gguf  # must equal the SHA-256 the publisher lists for the file\n" +
			"python convert_hf_to_gguf.py ./model-dir --outfile model.gguf",
		References: []string{"CWE-400"},
	},
}
