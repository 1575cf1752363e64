// Package prompts holds the LLM second opinion's prompt templates, their
// rendering and the JSON schema of the answer. Templates are versioned files
// embedded in the binary: a change of wording is a new version, which is part
// of the answer cache key, so cached answers never outlive their prompt.
//
// The package knows nothing of ward's other packages: callers pass plain data.
package prompts

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"text/template"
)

// Version names the templates in use; bump it with any change to them.
const Version = "v1"

//go:embed v1/*.tmpl v1/response.schema.json
var files embed.FS

// MaxConcerns is how many additional concerns the prompt asks for at most.
const MaxConcerns = 10

// Input is everything a prompt shows the model. Every string in it is PR
// content (or derived from it) and must already be masked of secrets.
type Input struct {
	Repo     string
	Number   int
	Title    string
	Body     string
	Files    []File
	Findings []Finding
	// Omitted lists files left out of the diff to stay in the token budget.
	Omitted []string
	// Nonce makes the data fence unguessable; NewNonce gives a fresh one.
	Nonce string
}

// File is one changed file's diff hunks as shown to the model.
type File struct {
	Path   string
	Status string
	Patch  string
	Cut    bool // the patch was shortened to fit the budget
}

// Finding is one deterministic finding the model is asked to judge.
type Finding struct {
	ID       string // F1, F2, ... (the answer refers to it)
	Rule     string
	Severity string
	Path     string
	Line     int
	Message  string
	Evidence string
}

// Prompt is a rendered request: the rules and the fenced data.
type Prompt struct {
	System string
	User   string
}

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{"join": strings.Join}).
	ParseFS(files, Version+"/*.tmpl"))

// NewNonce returns 16 random bytes in hex, for the data fence.
func NewNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Open and Close are the fence markers around PR content for a nonce.
func Open(nonce string) string  { return "<<<PR-DATA-" + nonce + ">>>" }
func Close(nonce string) string { return "<<<END-PR-DATA-" + nonce + ">>>" }

// Render fills the templates. It refuses a nonce that occurs in the data:
// the fence must be something the PR's author could not have written.
func Render(in Input) (Prompt, error) {
	if len(in.Nonce) < 16 {
		return Prompt{}, fmt.Errorf("render prompt: nonce %q is too short", in.Nonce)
	}
	if containsNonce(in) {
		return Prompt{}, fmt.Errorf("render prompt: the PR content contains the nonce")
	}
	data := struct {
		Input
		Open, Close, Schema string
		MaxConcerns         int
	}{in, Open(in.Nonce), Close(in.Nonce), compactSchema(), MaxConcerns}
	var sys, user bytes.Buffer
	if err := tmpl.ExecuteTemplate(&sys, "system.tmpl", data); err != nil {
		return Prompt{}, fmt.Errorf("render system prompt: %w", err)
	}
	if err := tmpl.ExecuteTemplate(&user, "user.tmpl", data); err != nil {
		return Prompt{}, fmt.Errorf("render user prompt: %w", err)
	}
	return Prompt{System: sys.String(), User: user.String()}, nil
}

func containsNonce(in Input) bool {
	texts := []string{in.Repo, in.Title, in.Body}
	texts = append(texts, in.Omitted...)
	for _, f := range in.Files {
		texts = append(texts, f.Path, f.Status, f.Patch)
	}
	for _, f := range in.Findings {
		texts = append(texts, f.Rule, f.Path, f.Message, f.Evidence)
	}
	for _, t := range texts {
		if strings.Contains(t, in.Nonce) {
			return true
		}
	}
	return false
}

// Schema returns the JSON schema of the answer, for response_format.
func Schema() json.RawMessage {
	b, err := files.ReadFile(Version + "/response.schema.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	return json.RawMessage(b)
}

func compactSchema() string {
	var b bytes.Buffer
	if err := json.Compact(&b, Schema()); err != nil {
		panic(err)
	}
	return b.String()
}
