package deps

import "strings"

// aiAnchors are words that AI assistants build plausible package names
// around; a hallucinated name usually joins one to a filler word
// ("huggingface-cli", "langchain-utils", "openai-helper").
var aiAnchors = map[string]bool{
	"ai": true, "llm": true, "llms": true, "gpt": true, "chatgpt": true, "openai": true, "anthropic": true,
	"claude": true, "gemini": true, "langchain": true, "llama": true, "huggingface": true, "hf": true,
	"transformers": true, "torch": true, "pytorch": true, "tensorflow": true, "keras": true, "diffusers": true,
	"ml": true, "agent": true, "agents": true, "rag": true, "mcp": true, "embedding": true, "embeddings": true,
	"mistral": true, "ollama": true, "vllm": true, "onnx": true, "safetensors": true, "tokenizer": true,
	"copilot": true, "cohere": true, "groq": true, "deepseek": true,
}

// fillerWords make a name sound like an official helper package.
var fillerWords = map[string]bool{
	"utils": true, "util": true, "tools": true, "tool": true, "helper": true, "helpers": true, "sdk": true,
	"client": true, "api": true, "wrapper": true, "lib": true, "core": true, "plus": true, "pro": true,
	"toolkit": true, "kit": true, "integration": true, "integrations": true, "connector": true, "easy": true,
	"simple": true, "auto": true, "fast": true, "cli": true, "official": true, "extended": true, "hub": true,
	"bridge": true, "adapter": true, "loader": true, "manager": true, "lite": true, "py": true, "python": true,
	"js": true, "node": true, "v2": true, "next": true, "secure": true, "safe": true, "free": true,
}

// LooksHallucinated reports whether an unknown name has the shape of names
// AI assistants invent: an AI/ML anchor word joined to a filler word.
func LooksHallucinated(eco Ecosystem, name string) bool {
	if eco != PyPI && eco != Npm || Known(eco, name) {
		return false
	}
	n := Normalize(eco, name)
	if strings.HasPrefix(n, "@") {
		return false // only a scope's owner can publish in it: not the slopsquatting pattern
	}
	words := strings.FieldsFunc(n, func(r rune) bool { return r == '-' || r == '_' || r == '.' })
	if len(words) < 2 {
		return false
	}
	anchor, filler := false, false
	for _, w := range words {
		anchor = anchor || aiAnchors[w] || IsMLPackage(eco, w)
		filler = filler || fillerWords[w]
	}
	return anchor && filler
}
