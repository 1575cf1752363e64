package chattemplate

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// Escapes hidden in the places the gonja-based walker never judged, and
// names computed at render time (issue 13).
func TestWholeTreeIsJudged(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      checks.Severity
		evidence  string
	}{
		{"set expression", `{% set x = ()|attr('__class__') %}{{ x }}`, checks.SeverityCritical, "__class__"},
		{"block set constant", `{% set k %}__class__{% endset %}{{ ''[k] }}`, checks.SeverityCritical, "__class__"},
		{"block set filters", `{% set k | upper %}__CLASS__{% endset %}{{ ''[k|lower] }}`, checks.SeverityCritical, "__class__"},
		{"with", `{% with g = lipsum.__globals__ %}{{ g }}{% endwith %}`, checks.SeverityCritical, "__globals__"},
		{"filter block", `{% filter attr('__doc__') %}x{% endfilter %}`, checks.SeverityCritical, "__doc__"},
		{"call block", `{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ cycler.__init__ }}{% endcall %}`, checks.SeverityCritical, "__init__"},
		{"macro default", `{% macro m(x=self._TemplateReference__context) %}{{ x }}{% endmacro %}{{ m() }}`, checks.SeverityHigh, "_TemplateReference__context"},
		{"for condition", `{% for m in messages if m.__class__ %}{{ m }}{% endfor %}`, checks.SeverityCritical, "__class__"},
		{"percent c", `{{ ''[('%c' % 95) * 2 ~ 'class' ~ ('%c' % 95) * 2] }}`, checks.SeverityCritical, "__class__"},
		{"set variable join", `{% set p = ['__cla', 'ss__'] %}{% set k = p|join %}{{ ()|attr(k) }}`, checks.SeverityCritical, "__class__"},
		{"loop over constants", `{% for k in ['__globals__'] %}{{ lipsum[k] }}{% endfor %}`, checks.SeverityCritical, "__globals__"},
		{"reversed slice", `{{ ''['__ssalc__'[::-1]] }}`, checks.SeverityCritical, "__class__"},
		{"computed subscript from data", `{{ cycler[messages[0].content][messages[1].content] }}`, checks.SeverityHigh, "cycler["},
		{"computed subscript built", `{% set ns = namespace(s='') %}{% for c in messages[0].content %}{% set ns.s = ns.s ~ c %}{% endfor %}{{ x[ns.s ~ ''] }}`, checks.SeverityHigh, "x["},
		{"repr characters", `{% set u = (lipsum|string)[18] %}{{ ''|attr(u ~ u ~ 'class' ~ u ~ u) }}`, checks.SeverityHigh, "|attr("},
		{"names from messages on a literal", `{{ ''[messages[0].content][messages[1].content] }}`, checks.SeverityHigh, "[messages[1].content]"},
		{"os after internals", `{{ lipsum.__globals__['os']['system'] }}`, checks.SeverityCritical, "system"},
		{"map attribute computed", `{{ messages|map(attribute=messages[0].content)|list }}`, checks.SeverityHigh, "map("},
		{"map attribute dunder", `{{ messages|map(attribute='__class__.__init__')|list }}`, checks.SeverityCritical, "__init__"},
		{"map attr filter", `{{ [lipsum]|map('attr', '__globals__')|list }}`, checks.SeverityCritical, "__globals__"},
		{"selectattr", `{{ messages|selectattr('__class__')|list }}`, checks.SeverityCritical, "__class__"},
		{"sort attribute", `{{ messages|sort(false, false, '_private')|list }}`, checks.SeverityHigh, "_private"},
		{"groupby", `{{ messages|groupby('__class__') }}`, checks.SeverityCritical, "__class__"},
		{"sum attribute", `{{ messages|sum(attribute=k) }}`, checks.SeverityHigh, "sum("},
		{"computed map filter", `{{ messages|map(f)|list }}`, checks.SeverityHigh, "map("},
		{"namespace beyond use", `{{ namespace.__init__ }}`, checks.SeverityCritical, "__init__"},
		{"helper attribute", `{{ joiner.x }}`, checks.SeverityHigh, "joiner.x"},
		{"loop object", `{% for m in messages %}{{ loop._after }}{% endfor %}`, checks.SeverityHigh, "_after"},
		{"loop helper filter", `{{ range|string }}`, checks.SeverityHigh, "range|string"},
		{"format field", `{{ '{0.__class__}'.format(messages) }}`, checks.SeverityCritical, "{0.__class__}"},
		{"dict kwarg", `{{ dict(__class__=1) }}`, checks.SeverityCritical, "__class__"},
		{"include", `{% include '/etc/passwd' %}`, checks.SeverityHigh, "include"},
		{"generation with payload", `{% for m in messages %}{% generation %}{{ m.__class__ }}{% endgeneration %}{% endfor %}`, checks.SeverityCritical, "__class__"},
		{"octal escapes", `{{ ''|attr('\137\137class\137\137') }}`, checks.SeverityCritical, `\137`},
		// a membership guard makes obj[key] an item read only while it holds
		{"guard then clear", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in d %}{{ d.clear() or d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard then rebind", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in d %}{% set k = k ~ 'x' %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard then macro", `{% macro m(n) %}{% set n.d = '' %}{% endmacro %}{% set k = messages[0].content ~ '' %}{% set ns = namespace(d={}) %}{% if ns.d is mapping and k in ns.d %}{{ m(ns) }}{{ ns.d[k] }}{% endif %}`, checks.SeverityHigh, "ns.d[k]"},
		{"guard on another mapping", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in e %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard with or", `{% set k = messages[0].content ~ '' %}{% if d is mapping or k in d %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard without mapping", `{% set d = 'x__class__' %}{% set k = messages[0].content ~ '' %}{% if k in d %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard in else", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in d %}{% else %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard then loop rebinds", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in d %}{% for x in messages %}{% set k = x.content ~ '' %}{{ d[k] }}{% endfor %}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard with call in test", `{% set k = messages[0].content ~ '' %}{% if d is mapping and k in d and d.clear() is none %}{{ d[k] }}{% endif %}`, checks.SeverityHigh, "d[k]"},
		{"guard in a conditional without mapping", `{% set d = eos_token %}{% set k = m.name.split('.')[0] %}{{ d[k] if k in d else '' }}`, checks.SeverityHigh, "d[k]"},
		{"counter reassigned text", `{% set ns = namespace(i=0) %}{% set ns.i = ns.i + 1 %}{% set ns.i = messages[0].content ~ '' %}{{ x[ns.i] }}`, checks.SeverityHigh, "x[ns.i]"},
		{"numeric cycle through a text", `{% set a = b + 1 %}{% set b = a %}{% set b = messages[0].content ~ '' %}{{ x[b] }}{{ y[a] }}`, checks.SeverityHigh, "x[b]"},
		{"guard on a publisher token", `{% set k = m.name.split('.')[0] %}{{ bos_token[k] if k in bos_token else '' }}`, checks.SeverityHigh, "bos_token[k]"},
		{"guard on a token through a variable", `{% set nd = eos_token if x else {} %}{% set k = m.name.split('.')[0] %}{{ nd[k] if k in nd else '' }}`, checks.SeverityHigh, "nd[k]"},
		{"guard on a literal string", `{% set nd = '__class__' %}{% set k = m.name.split('.')[0] %}{{ nd[k] if k in nd else '' }}`, checks.SeverityHigh, "nd[k]"},
		{"guard on a loop variable", `{% for nd in ['__class__'] %}{% set k = m.name.split('.')[0] %}{{ nd[k] if k in nd else '' }}{% endfor %}`, checks.SeverityHigh, "nd[k]"},
		{"large template", strings.Repeat("{{ message['content'] }}", 60000) + "{{ ()|attr('__cla' ~ 'ss__') }}", checks.SeverityCritical, "__class__"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyse(tc.src)
			if !r.Parsed {
				t.Fatalf("did not parse: %s", r.ParseError)
			}
			if r.Worst() != tc.want {
				t.Errorf("worst = %v, want %v; indicators %+v", r.Worst(), tc.want, r.Indicators)
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

// Constructs real templates use must stay quiet: numeric and same-mapping
// subscripts, documented helper use, transformers' extensions.
func TestDocumentedUseIsQuiet(t *testing.T) {
	for _, src := range []string{
		`{% for i in range(messages|length) %}{{ messages[i]['content'] }}{{ messages[loop.index0 - 1] }}{% endfor %}`,
		`{% for k in tool.parameters %}{{ tool.parameters[k] }}{% endfor %}{% for k, v in d|items %}{{ d[k] }}{% endfor %}`,
		`{% set ns = namespace(a=1) %}{% set ns.a = ns.a + 1 %}{{ ns.a }}{{ cycler('a','b').next() }}{{ joiner(', ')() }}`,
		`{% for m in messages %}{% if loop.first %}{{ loop.cycle('a', 'b') }}{% endif %}{% if m is not none and m.role in ['user', 'system'] %}{% break %}{% endif %}{% continue %}{% endfor %}`,
		`{{ raise_exception('bad') }}{{ strftime_now('%d %b %Y') }}{{ tools|tojson(indent=4) }}{{ x if y }}{{ a is divisibleby 3 }}`,
		`{%- generation -%}{{ m.content }}{%- endgeneration -%}{% raw %}{{ not parsed }}{% endraw %}{# comment #}`,
		`{{ {'a': {'b': 1}}['a'] }}{{ messages[-1]['content'][:10] }}{{ "a" "b" }}{{ 1_000 + 0x10 }}{{ x.0.y }}`,
		// EXAONE's template: 'system' is a key of the template's own table
		`{% set role_indicators = {'system': '[|system|]', 'user': '[|user|]'} %}{{ role_indicators['system'] }}{% for m in messages %}{{ role_indicators[m.role] }}{% endfor %}`,
		`{{ conversation.system }}{{ message['system'] }}`,
		`{% set a, b = messages[0].role, messages[0].content %}{% set (c, d) = (1, 2) %}{{ a ~ b }}{{ x.startswith('a') and y.split(':')[-1].strip() }}`,
		// GigaChat 3.5's tool-schema template (llama.cpp models/templates/GigaChat3.5.jinja)
		// walks a JSON pointer with membership-guarded lookups
		`{%- set ns_p = namespace(n=schema) -%}{%- for raw_seg in refstr[2:].split('/') -%}{%- set seg = raw_seg | replace('~1', '/') | replace('~0', '~') -%}{%- if ns_p.n is mapping and seg in ns_p.n -%}{%- set ns_p.n = ns_p.n[seg] -%}{%- elif ns_p.n is sequence and ns_p.n is not string and seg == (seg | int | string) -%}{%- set ns_p.n = ns_p.n[seg | int] -%}{%- else -%}{%- set ns_p.n = none -%}{%- endif -%}{%- endfor -%}`,
		// Kimi K3 (llama.cpp models/templates/Kimi-K3.jinja): a namespace counter as an index
		`{%- macro next_image(state) -%}{{- image_prompts[state.image_index] -}}{%- set state.image_index = state.image_index + 1 -%}{%- endmacro -%}{%- set state = namespace(image_index=0) -%}{{ next_image(state) }}`,
		`{% set k = m.name.split('.')[0] %}{{ d[k] if d is mapping and k in d else '' }}`,
		// Muse Glimmer (vLLM examples/tool_chat_template_muse_glimmer.jinja, llama.cpp models/templates):
		// a caller-supplied mapping or an empty dict, looked up under a membership test
		`{%- set nd = tool_namespace_descriptions if tool_namespace_descriptions is defined else {} -%}{%- for fn in tools -%}{%- set tns = fn.name.split('.')[0] -%}{{ (nd[tns] if tns in nd else '') | tojson }}{%- endfor -%}`,
		`{% block b %}{{ self.b() }}{% endblock %}{% macro f(a, b=[1, 2], c={'k': 'v'}) %}{{ varargs }}{% endmacro %}`,
	} {
		r := Analyse(src)
		if !r.Parsed {
			t.Errorf("%s: did not parse: %s", src, r.ParseError)
			continue
		}
		if len(r.Indicators) > 0 {
			t.Errorf("%s: flagged %+v", src, r.Indicators)
		}
	}
}

// A template that does not parse is never read as something it is not:
// ['system', …] in a broken template is a list, not a subscript.
func TestParseFailureInventsNothing(t *testing.T) {
	for _, src := range []string{
		`{% if message['role'] in ['system', 'user'] %}{{ x }`,
		`{% for m in messages %}{{ m.content | os }}{% endfr %}`,
		`{% unknown_tag %}{{ eval }}`,
	} {
		r := Analyse(src)
		if r.Parsed {
			t.Errorf("%s: parsed", src)
		}
		if len(r.Indicators) > 0 {
			t.Errorf("%s: a broken template got findings: %+v", src, r.Indicators)
		}
	}
}

func TestBounds(t *testing.T) {
	deep := strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000)
	r := Analyse("{{ " + deep + " }}")
	if !r.Truncated {
		t.Errorf("nesting past the bound must be reported as truncated: %+v", r)
	}
}

// A chain of conditional sets, each name assigned six times from the next
// one on both branches, is decided once per name (callerData), not once per
// path (12^12 of them).
func TestCallerDataChainIsLinear(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 12; i++ {
		for k := 0; k < 6; k++ {
			b.WriteString("{% set a" + strconv.Itoa(i) + " = a" + strconv.Itoa(i+1) + " if x else a" + strconv.Itoa(i+1) + " %}")
		}
	}
	b.WriteString("{% set k = m.name.split('.')[0] %}{{ a0[k] if k in a0 else '' }}")
	r := Analyse(b.String())
	if !r.Parsed || r.Truncated || r.Worst() >= checks.SeverityHigh {
		t.Errorf("a lookup guarded by caller data: %+v", r)
	}
}

// A chain of sets that each use the previous one twice is a DAG whose
// paths double at every step: each variable must be evaluated once.
func TestSetChainIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("{% set v0 = '_' %}")
	for i := 1; i < 60; i++ {
		b.WriteString("{% set v" + strconv.Itoa(i) + " = v" + strconv.Itoa(i-1) + " ~ v" + strconv.Itoa(i-1) + " %}")
	}
	b.WriteString("{{ x|attr(v59) }}")
	// without memoisation the walk runs into its visit bound (truncated)
	r := Analyse(b.String())
	if r.Truncated {
		t.Fatal("the set chain exhausted the visit bound")
	}
	if r.Worst() < checks.SeverityHigh {
		t.Errorf("unresolvable |attr name not reported: %+v", r.Indicators)
	}
}
