package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleXXE is an XML parser with external entities turned on.
const RuleXXE = "code-xml-external-entities"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleXXE, Title: "XML parser with external entities enabled", Severity: checks.SeverityHigh,
		Why: "With external entity resolution on, a document can declare <!ENTITY x SYSTEM \"file:///etc/passwd\"> " +
			"or an internal URL and have the parser read it into the result (XXE): file disclosure and SSRF.",
		Fix:        "Leave entity resolution off (defusedxml for Python; the default options elsewhere).",
		FixExample: "parser = etree.XMLParser(resolve_entities=False, no_network=True)",
		References: []string{"CWE-611"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch c.u.lang {
		case python:
			if strings.HasPrefix(name, "lxml.") && strings.HasSuffix(name, "XMLParser") {
				if v := call.kwarg("resolve_entities"); v.isTrue() {
					h := c.report(call, "lxml XMLParser(resolve_entities=True) expands external entities: documents can read local files.")
					h.sugg = c.suggest(call, replaceNode(v, "False"))
				} else if v := call.kwarg("no_network"); v.isFalse() {
					c.report(call, "lxml XMLParser(no_network=False) fetches external entities over the network (XXE/SSRF).")
				}
				return
			}
			if call.obj != nil && call.obj.kind == kAttr && call.obj.name == "setFeature" && len(call.args) == 2 {
				f := call.args[0]
				if (f.lastName() == "feature_external_ges" || f.lastName() == "feature_external_pes") && call.args[1].isTrue() {
					c.report(call, "The SAX parser is told to resolve external entities: documents can read local files.")
				}
			}
		case javascript, typescript, tsx:
			if strings.HasPrefix(name, "libxmljs") && (strings.HasSuffix(name, "parseXml") || strings.HasSuffix(name, "parseXmlString")) {
				if v := call.kwarg("noent"); v.isTrue() {
					c.report(call, "libxmljs with noent: true substitutes external entities: documents can read local files.")
				}
			}
		}
	},
})
