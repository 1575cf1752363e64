package code

import "github.com/ward-sec/ward/checks"

// RuleLangchainDeser is allow_dangerous_deserialization=True.
const RuleLangchainDeser = "code-langchain-dangerous-deserialization"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleLangchainDeser, Title: "LangChain allow_dangerous_deserialization=True", Severity: checks.SeverityHigh,
		Why: "LangChain refuses to load pickled indexes (FAISS.load_local, some retrievers) unless " +
			"allow_dangerous_deserialization=True. With it, a vector store file that someone else can write " +
			"runs their code when it is loaded.",
		Fix:        "Rebuild the index from source documents, or load only index files you produced and verified.",
		FixExample: "store = FAISS.from_documents(docs, embeddings)  # rebuild instead of load_local(..., allow_dangerous_deserialization=True)",
		References: []string{"CWE-502", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if v := call.kwarg("allow_dangerous_deserialization"); v.isTrue() {
			c.report(call, "allow_dangerous_deserialization=True unpickles the stored index: whoever can write that "+
				"file runs code here.")
		}
	},
})
