package code

import (
	"regexp"
	"strings"
)

// llmCallSuffixes end the canonical names of calls that return model output,
// whatever the client variable is called: OpenAI and Azure OpenAI (Python,
// JS, openai-go), Anthropic (Python, JS, anthropic-sdk-go), Gemini, Mistral.
var llmCallSuffixes = []string{
	".chat.completions.create", ".chat.completions.parse", ".beta.chat.completions.parse",
	".completions.create", ".responses.create", ".messages.create",
	"openai.ChatCompletion.create", "openai.Completion.create",
	".generate_content", ".generate_content_async", ".generateContent",
	".chat.complete", ".chat.complete_async", ".chat.stream",
	// Go SDKs (openai-go, anthropic-sdk-go, google genai)
	".Chat.Completions.New", ".Completions.New", ".Responses.New", ".Messages.New", ".GenerateContent",
}

// llmCallNames are complete canonical names of LLM calls.
var llmCallNames = set(
	"ollama.chat", "ollama.generate", "ollama.Client().chat", "ollama.Client().generate",
	"ollama.AsyncClient().chat", "ollama.AsyncClient().generate",
	"litellm.completion", "litellm.acompletion",
	"cohere.Client().chat", "cohere.Client().generate", "cohere.ClientV2().chat",
	"ai.generateText", "ai.streamText", "ai.generateObject", "ai.streamObject",
	"ollama.default.chat", "ollama.default.generate", "ollama.chat.default",
)

// Methods that run a model when called on a LangChain or LlamaIndex object.
var llmMethods = set("invoke", "ainvoke", "predict", "apredict", "run", "arun", "query", "aquery",
	"chat", "achat", "complete", "acomplete", "call")

// Go client methods (go-openai).
var goLLMMethods = set("CreateChatCompletion", "CreateCompletion", "CreateChatCompletionStream")

// llmReceiver matches variable names that hold a model, chain, agent or
// query engine. "model" alone is left out: model.predict is scikit-learn.
var llmReceiver = regexp.MustCompile(`(?i)(llm|chain|agent|executor|gpt|claude|gemini|mistral|ollama|chat_?model|chatmodel|^qa|_qa|rag|bot$|assistant|query_?engine|chat_?engine|retriever_?qa)`)

// isLLMCall reports a call whose result is model output.
func (c *ctx) isLLMCall(call *node) bool {
	name := c.callee(call)
	if name == "" {
		return false
	}
	if llmCallNames[name] {
		return true
	}
	for _, s := range llmCallSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	fn := call.obj
	if fn == nil || fn.kind != kAttr {
		return false
	}
	if c.u.lang == golang {
		return goLLMMethods[fn.name]
	}
	if !llmMethods[fn.name] {
		return false
	}
	recv := fn.obj
	recvName := c.name(recv)
	for _, p := range []string{"langchain", "llama_index", "@langchain", "llamaindex", "ollama", "cohere"} {
		if strings.HasPrefix(recvName, p) {
			return true
		}
	}
	if recv != nil && recv.kind == kCall && recv.obj != nil && recv.obj.kind == kAttr &&
		(recv.obj.name == "as_query_engine" || recv.obj.name == "as_chat_engine") {
		return true
	}
	// A receiver imported from some other module (subprocess.run,
	// asyncio.run, app.run) is not a model.
	root := recv
	for root != nil && (root.kind == kAttr || root.kind == kCall || root.kind == kIndex) {
		root = root.obj
	}
	if root != nil && root.kind == kIdent {
		if _, imported := c.u.imports[root.name]; imported {
			return false
		}
	}
	switch {
	case recv == nil:
		return false
	case recv.kind == kIdent:
		return llmReceiver.MatchString(recv.name)
	case recv.kind == kAttr:
		return llmReceiver.MatchString(recv.name)
	}
	return false
}
