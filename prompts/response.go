package prompts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Verdicts a model may give a deterministic finding.
const (
	Agree               = "agree"
	LikelyFalsePositive = "likely-false-positive"
)

// Severities a concern may suggest.
var Severities = []string{"critical", "high", "medium", "low", "info"}

// Response is a schema-valid answer. It says nothing yet about whether its
// paths and lines belong to the PR: the caller checks that against the diff.
type Response struct {
	Findings []Verdict `json:"findings"`
	Concerns []Concern `json:"concerns"`
}

// Verdict is the model's view of one deterministic finding.
type Verdict struct {
	ID      string `json:"id"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

// Concern is an additional issue the model raises.
type Concern struct {
	File        string `json:"file"`
	Line        int    `json:"line"`
	Severity    string `json:"severity"`
	Title       string `json:"title"`
	Explanation string `json:"explanation"`
}

// ErrNoJSON means the answer held no JSON object at all.
var ErrNoJSON = errors.New("the answer is not JSON")

// MaxAnswerBytes bounds what ParseResponse reads.
const MaxAnswerBytes = 256 << 10

// strict mirrors Response with pointers, so that a missing required field
// is told apart from an empty one.
type strict struct {
	Findings *[]struct {
		ID      *string `json:"id"`
		Verdict *string `json:"verdict"`
		Reason  *string `json:"reason"`
	} `json:"findings"`
	Concerns *[]struct {
		File        *string `json:"file"`
		Line        *int    `json:"line"`
		Severity    *string `json:"severity"`
		Title       *string `json:"title"`
		Explanation *string `json:"explanation"`
	} `json:"concerns"`
}

var thinkBlock = regexp.MustCompile(`(?s)<think>.*?</think>`)

// ParseResponse reads a model's answer and validates it against the schema:
// required fields, types, enums, no unknown fields. It tolerates what
// OpenAI-compatible servers wrap JSON in: a reasoning model's <think> block,
// a markdown code fence, a sentence before the object.
func ParseResponse(content string) (Response, error) {
	if len(content) > MaxAnswerBytes {
		return Response{}, fmt.Errorf("the answer is %d bytes, over the %d-byte limit", len(content), MaxAnswerBytes)
	}
	content = thinkBlock.ReplaceAllString(content, "")
	start := strings.IndexByte(content, '{')
	if start < 0 {
		return Response{}, ErrNoJSON
	}
	dec := json.NewDecoder(strings.NewReader(content[start:]))
	dec.DisallowUnknownFields()
	var s strict
	if err := dec.Decode(&s); err != nil {
		return Response{}, fmt.Errorf("the answer does not follow the schema: %w", err)
	}
	rest := bytes.TrimSpace([]byte(content[start+int(dec.InputOffset()):]))
	rest = bytes.TrimSpace(bytes.TrimPrefix(rest, []byte("```")))
	if len(rest) > 0 && rest[0] == '{' {
		return Response{}, errors.New("the answer holds more than one JSON object")
	}
	if s.Findings == nil || s.Concerns == nil {
		return Response{}, errors.New("the answer lacks \"findings\" or \"concerns\"")
	}
	r := Response{Findings: []Verdict{}, Concerns: []Concern{}}
	for i, f := range *s.Findings {
		if f.ID == nil || f.Verdict == nil || f.Reason == nil {
			return Response{}, fmt.Errorf("findings[%d] lacks id, verdict or reason", i)
		}
		if *f.Verdict != Agree && *f.Verdict != LikelyFalsePositive {
			return Response{}, fmt.Errorf("findings[%d].verdict %q is not %q or %q", i, clip(*f.Verdict), Agree, LikelyFalsePositive)
		}
		r.Findings = append(r.Findings, Verdict{ID: *f.ID, Verdict: *f.Verdict, Reason: *f.Reason})
	}
	for i, c := range *s.Concerns {
		if c.File == nil || c.Line == nil || c.Severity == nil || c.Title == nil || c.Explanation == nil {
			return Response{}, fmt.Errorf("concerns[%d] lacks file, line, severity, title or explanation", i)
		}
		if !validSeverity(*c.Severity) {
			return Response{}, fmt.Errorf("concerns[%d].severity %q is not one of %s", i, clip(*c.Severity), strings.Join(Severities, ", "))
		}
		if *c.Line < 0 {
			return Response{}, fmt.Errorf("concerns[%d].line %d is negative", i, *c.Line)
		}
		r.Concerns = append(r.Concerns, Concern{File: *c.File, Line: *c.Line, Severity: *c.Severity,
			Title: *c.Title, Explanation: *c.Explanation})
	}
	return r, nil
}

func validSeverity(s string) bool {
	for _, v := range Severities {
		if s == v {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
