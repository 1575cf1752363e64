// Package fakellm is a fake OpenAI-compatible chat completions server for
// tests: it checks each request against the API's shape, records it, and
// answers from a script (valid, broken, slow, rate-limited, hostile…).
//
// Rules it enforces like the real servers:
//   - POST {base}/chat/completions with a JSON body; model and messages set;
//     roles system, user or assistant; string contents.
//   - response_format, when present, is {"type":"json_object"} or
//     {"type":"json_schema","json_schema":{"name":…,"schema":{…}}}; a type
//     the server is told to reject gets 400, as servers without structured
//     output answer.
package fakellm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Reply is one scripted answer.
type Reply struct {
	Status       int               // default 200
	Header       map[string]string // e.g. Retry-After
	Content      string            // the assistant message
	Refusal      string
	FinishReason string        // default "stop"
	Delay        time.Duration // before answering (or until the client gives up)
	Raw          string        // a raw body instead of a completion
	NoUsage      bool          // leave usage out, as some servers do
}

// Request is what a client sent.
type Request struct {
	Model          string
	Messages       []Message
	ResponseFormat map[string]any // nil when absent
	MaxTokens      int
	Header         http.Header
	Body           []byte
}

// Message is one chat message.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Server is a running fake.
type Server struct {
	ts *httptest.Server

	mu       sync.Mutex
	script   []Reply
	respond  func(Request) Reply
	reject   []string
	requests []Request
}

// New starts a fake; it stops with the test.
func New(t testing.TB) *Server {
	s := &Server{}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.ts.Close)
	return s
}

// URL is the API base, ending in /v1.
func (s *Server) URL() string { return s.ts.URL + "/v1" }

// Script queues replies, used one per request; after them, Respond (or a
// valid empty answer) is used.
func (s *Server) Script(rs ...Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script = append(s.script, rs...)
}

// Respond answers every unscripted request with f.
func (s *Server) Respond(f func(Request) Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.respond = f
}

// RejectResponseFormat makes the server answer 400 to these response_format
// types ("json_schema", "json_object").
func (s *Server) RejectResponseFormat(types ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reject = types
}

// Requests returns every well-formed request received.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Calls counts well-formed requests.
func (s *Server) Calls() int { return len(s.Requests()) }

// Empty is a valid answer with no verdicts and no concerns.
const Empty = `{"findings":[],"concerns":[]}`

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		apiError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no route %s %s", r.Method, r.URL.Path))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		apiError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	req, msg := parse(body)
	if msg != "" {
		apiError(w, http.StatusBadRequest, "invalid_request_error", msg)
		return
	}
	req.Header = r.Header.Clone()
	s.mu.Lock()
	if req.ResponseFormat != nil && slices.Contains(s.reject, fmt.Sprint(req.ResponseFormat["type"])) {
		s.mu.Unlock()
		apiError(w, http.StatusBadRequest, "invalid_request_error",
			fmt.Sprintf("response_format type %v is not supported by this server", req.ResponseFormat["type"]))
		return
	}
	s.requests = append(s.requests, req)
	var rep Reply
	switch {
	case len(s.script) > 0:
		rep, s.script = s.script[0], s.script[1:]
	case s.respond != nil:
		rep = s.respond(req)
	default:
		rep = Reply{Content: Empty}
	}
	s.mu.Unlock()
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	if status != http.StatusOK {
		apiError(w, status, "server_error", http.StatusText(status))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if rep.Raw != "" {
		io.WriteString(w, rep.Raw)
		return
	}
	finish := rep.FinishReason
	if finish == "" {
		finish = "stop"
	}
	msgOut := map[string]any{"role": "assistant", "content": rep.Content}
	if rep.Refusal != "" {
		msgOut["refusal"] = rep.Refusal
		msgOut["content"] = nil
	}
	out := map[string]any{
		"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "message": msgOut, "finish_reason": finish}},
	}
	if !rep.NoUsage {
		in := 0
		for _, m := range req.Messages {
			in += len(m.Content) / 4
		}
		out["usage"] = map[string]int{"prompt_tokens": in, "completion_tokens": len(rep.Content) / 4,
			"total_tokens": in + len(rep.Content)/4}
	}
	json.NewEncoder(w).Encode(out)
}

// parse checks a request body against the chat completions shape.
func parse(body []byte) (Request, string) {
	var raw struct {
		Model          string          `json:"model"`
		Messages       json.RawMessage `json:"messages"`
		ResponseFormat map[string]any  `json:"response_format"`
		MaxTokens      int             `json:"max_tokens"`
		Stream         bool            `json:"stream"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return Request{}, "body is not JSON: " + err.Error()
	}
	req := Request{Model: raw.Model, ResponseFormat: raw.ResponseFormat, MaxTokens: raw.MaxTokens, Body: body}
	if raw.Model == "" {
		return req, "model is required"
	}
	if raw.Stream {
		return req, "this fake does not stream"
	}
	if err := json.Unmarshal(raw.Messages, &req.Messages); err != nil || len(req.Messages) == 0 {
		return req, "messages must be a non-empty array of {role, content} with string content"
	}
	for i, m := range req.Messages {
		if m.Role != "system" && m.Role != "user" && m.Role != "assistant" {
			return req, fmt.Sprintf("messages[%d].role %q is invalid", i, m.Role)
		}
	}
	if f := raw.ResponseFormat; f != nil {
		switch f["type"] {
		case "json_object", "text":
		case "json_schema":
			js, ok := f["json_schema"].(map[string]any)
			if !ok || js["name"] == "" || js["name"] == nil {
				return req, "response_format.json_schema.name is required"
			}
			if _, ok := js["schema"].(map[string]any); !ok {
				return req, "response_format.json_schema.schema must be an object"
			}
		default:
			return req, fmt.Sprintf("response_format.type %v is invalid", f["type"])
		}
	}
	return req, ""
}

func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": typ, "code": nil}})
}

// UserMessage returns the user message of a request.
func (r Request) UserMessage() string {
	for _, m := range r.Messages {
		if m.Role == "user" {
			return m.Content
		}
	}
	return ""
}

// SystemMessage returns the system message of a request.
func (r Request) SystemMessage() string {
	for _, m := range r.Messages {
		if m.Role == "system" {
			return m.Content
		}
	}
	return ""
}

// Between returns the text between the first a and the next b in s.
func Between(s, a, b string) string {
	_, after, ok := strings.Cut(s, a)
	if !ok {
		return ""
	}
	in, _, _ := strings.Cut(after, b)
	return in
}
