package review

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks/secrets"
	"github.com/ward-sec/ward/prompts"
)

// Caps on PR text sent to the model, in characters.
const (
	maxSentTitle    = 300
	maxSentBody     = 4000
	maxSentMessage  = 400
	maxSentEvidence = 200
	// promptOverheadTokens covers the system prompt and the schema.
	promptOverheadTokens = 900
	// minCutChars: a diff cut shorter than this is left out instead.
	minCutChars = 800
	// maxRelevanceScan bounds how much of a diff is searched for AI code.
	maxRelevanceScan = 16 << 10
)

// estimateTokens is a conservative count for budgeting: code averages
// three to four characters a token in the tokenizers in use.
func estimateTokens(s string) int { return (len(s) + 2) / 3 }

// aiMarkers mark diffs that load models or call LLMs: the second opinion
// reads them first. Plain substrings of the lower-cased diff: a regexp
// alternation with case folding reads under 1 MB/s.
var aiMarkers = []string{"torch.load", "pickle", "joblib", "dill", "from_pretrained", "trust_remote_code",
	"hf_hub_download", "snapshot_download", "safetensors", "keras", "onnx", "gguf", "openai", "anthropic",
	"langchain", "llama", "ollama", "chat.completions", "chatcompletion", "generate(", "eval(", "exec(",
	"subprocess", "os.system"}

func looksLikeAICode(patch string) bool {
	low := strings.ToLower(patch[:min(len(patch), maxRelevanceScan)])
	for _, m := range aiMarkers {
		if strings.Contains(low, m) {
			return true
		}
	}
	return false
}

var manifests = map[string]bool{
	"requirements.txt": true, "pyproject.toml": true, "setup.py": true, "setup.cfg": true, "Pipfile": true,
	"Pipfile.lock": true, "poetry.lock": true, "uv.lock": true, "package.json": true, "package-lock.json": true,
	"pnpm-lock.yaml": true, "yarn.lock": true, "go.mod": true, "go.sum": true, "Cargo.toml": true,
	"Dockerfile": true, "environment.yml": true, "conda.yaml": true,
}

// relevance orders files for the budget: deterministic findings first, then
// model-loading and LLM code, workflows, manifests, the rest.
func relevance(f OpinionFile) int {
	base := path.Base(f.Path)
	switch {
	case f.Findings > 0:
		return 0
	case looksLikeAICode(f.Patch):
		return 1
	case strings.HasPrefix(f.Path, ".github/workflows/") || strings.HasPrefix(f.Path, ".github/actions/"):
		return 2
	case manifests[base] || strings.HasPrefix(base, "requirements") && strings.HasSuffix(base, ".txt"):
		return 3
	}
	return 4
}

// buildInput turns a request into the prompt's data: every string masked of
// secrets, files in order of relevance, diffs cut to the token budget with
// a list of what was left out.
func buildInput(req OpinionRequest, maxTokens int, nonce string) prompts.Input {
	in := prompts.Input{
		Repo:   req.PR.Repo,
		Number: req.PR.Number,
		Title:  secrets.MaskText(capRunes(req.PR.Title, maxSentTitle)),
		Body:   secrets.MaskText(capRunes(req.PR.Body, maxSentBody)),
		Nonce:  nonce,
	}
	for i, f := range req.Findings {
		in.Findings = append(in.Findings, prompts.Finding{
			ID: fmt.Sprintf("F%d", i+1), Rule: f.RuleID, Severity: f.Severity.String(), Path: secrets.MaskText(f.Path),
			Line: f.StartLine, Message: secrets.MaskText(capRunes(oneLine(f.Message), maxSentMessage)),
			Evidence: secrets.MaskText(capRunes(oneLine(f.Evidence), maxSentEvidence)),
		})
	}
	used := promptOverheadTokens + estimateTokens(in.Title) + estimateTokens(in.Body)
	for _, f := range in.Findings {
		used += estimateTokens(f.Message) + estimateTokens(f.Evidence) + 20
	}
	files := append([]OpinionFile(nil), req.Files...)
	rank := make(map[string]int, len(files))
	for _, f := range files {
		rank[f.Path] = relevance(f)
	}
	sort.SliceStable(files, func(i, j int) bool { return rank[files[i].Path] < rank[files[j].Path] })
	for _, f := range files {
		// Decide on the raw size and mask only what is sent: masking is
		// the slow part (every secret rule over every line).
		cost := estimateTokens(f.Patch) + estimateTokens(f.Path) + 10
		lines := strings.Count(f.Patch, "\n") + 1
		switch {
		case used+cost <= maxTokens:
			patch := secrets.MaskText(f.Patch)
			in.Files = append(in.Files, prompts.File{Path: secrets.MaskText(f.Path), Status: f.Status, Patch: patch})
			used += estimateTokens(patch) + estimateTokens(f.Path) + 10
		case (maxTokens-used)*3 >= minCutChars:
			// Mask the whole patch before cutting it, so a cut through a
			// multi-line secret (a PEM block) cannot hide it from the masker.
			patch := secrets.MaskText(f.Patch)
			cut := cutAtLine(patch, (maxTokens-used)*3-estimateTokens(f.Path)*3-60)
			shown := strings.Count(cut, "\n")
			in.Files = append(in.Files, prompts.File{Path: secrets.MaskText(f.Path), Status: f.Status, Patch: cut, Cut: true})
			in.Omitted = append(in.Omitted, fmt.Sprintf("%s (diff cut after %d of %d lines)", secrets.MaskText(f.Path), shown, lines))
			used = maxTokens
		default:
			in.Omitted = append(in.Omitted, fmt.Sprintf("%s (%d diff lines)", secrets.MaskText(f.Path), lines))
		}
	}
	return in
}

// cutAtLine shortens s to at most n bytes, at a line break.
func cutAtLine(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	s = s[:n]
	if i := strings.LastIndexByte(s, '\n'); i > 0 {
		s = s[:i+1]
	}
	return s
}

func capRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
