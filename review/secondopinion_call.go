package review

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ward-sec/ward/prompts"
)

// maxResponseBytes bounds what ward reads of a model server's answer.
const maxResponseBytes = 1 << 20

var errTooLarge = errors.New("the answer is over the size limit")

// call asks the model once (with retries and response_format fallbacks
// inside) and returns the schema-valid answer or a failure kind.
func (l *LLM) call(ctx context.Context, p prompts.Prompt) (prompts.Response, openai.Usage, string, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
	defer cancel()
	start := time.Now()
	req := openai.ChatCompletionRequest{
		Model: l.cfg.Model,
		Messages: []openai.ChatCompletionMessage{
			{Role: openai.ChatMessageRoleSystem, Content: p.System},
			{Role: openai.ChatMessageRoleUser, Content: p.User},
		},
		// max_tokens, not max_completion_tokens: every OpenAI-compatible
		// server reads it; the newer name is OpenAI's own.
		MaxTokens: l.cfg.MaxOutputTokens, //lint:ignore SA1019 widest server support
	}
	var resp openai.ChatCompletionResponse
	var err error
	for mode := l.format.Load(); ; mode++ {
		req.ResponseFormat = responseFormat(mode)
		resp, err = l.client.CreateChatCompletion(ctx, req)
		if err == nil || mode == formatNone || httpStatus(err) != http.StatusBadRequest {
			if err == nil && mode != l.format.Load() {
				l.format.Store(mode)
				l.cfg.Logger.InfoContext(ctx, "model server rejected a response_format; using the next one", "mode", mode)
			}
			break
		}
	}
	usage := resp.Usage
	kind := "ok"
	var answer prompts.Response
	switch {
	case err != nil:
		kind = failureKind(ctx, err)
	case len(resp.Choices) == 0:
		kind, err = "invalid_json", errors.New("the answer has no choices")
	default:
		c := resp.Choices[0]
		switch {
		case c.Message.Refusal != "" || c.FinishReason == openai.FinishReasonContentFilter:
			kind, err = "refused", errors.New("refused: "+capRunes(c.Message.Refusal, 200))
		case c.FinishReason == openai.FinishReasonLength:
			kind, err = "truncated", errors.New("finish_reason length")
		default:
			answer, err = prompts.ParseResponse(c.Message.Content)
			switch {
			case errors.Is(err, prompts.ErrNoJSON):
				kind = "invalid_json"
			case err != nil && strings.Contains(err.Error(), "limit"):
				kind = "too_large"
			case err != nil:
				kind = "schema"
			}
		}
		if usage.PromptTokens == 0 && usage.CompletionTokens == 0 {
			// Some servers send no usage: count an estimate against the budget.
			usage.PromptTokens = estimateTokens(p.System) + estimateTokens(p.User)
			usage.CompletionTokens = estimateTokens(c.Message.Content)
		}
	}
	if l.obs != nil {
		l.obs.LLMCall(kind, time.Since(start), usage.PromptTokens, usage.CompletionTokens)
	}
	return answer, usage, kind, err
}

func responseFormat(mode int32) *openai.ChatCompletionResponseFormat {
	switch mode {
	case formatSchema:
		return &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{Name: "ward_second_opinion", Schema: prompts.Schema(), Strict: true}}
	case formatObject:
		return &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return nil
}

func httpStatus(err error) int {
	var ae *openai.APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}

func failureKind(ctx context.Context, err error) string {
	var ne net.Error
	switch s := httpStatus(err); {
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil || errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, errTooLarge):
		return "too_large"
	case s == http.StatusTooManyRequests:
		return "rate_limited"
	case s >= 500:
		return "server_error"
	case s >= 400:
		return "bad_request"
	case s == 0 && strings.Contains(err.Error(), "invalid character"):
		return "invalid_json"
	}
	return "unreachable"
}

// retryDoer retries 429 and 5xx answers with backoff, honouring
// Retry-After (seconds or a date) and retry-after-ms (OpenAI, Azure), as long
// as the wait fits in the request's deadline. It also bounds the answer size.
type retryDoer struct {
	client     *http.Client
	maxRetries int
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	ctx := req.Context()
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
		resp, err := d.client.Do(r)
		retryable := err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500) ||
			err != nil && ctx.Err() == nil
		if !retryable || attempt >= d.maxRetries {
			if err != nil {
				return nil, err
			}
			resp.Body = &limitedBody{rc: resp.Body, left: maxResponseBytes}
			return resp, nil
		}
		wait := backoff(attempt)
		if resp != nil {
			if ra, ok := retryAfter(resp.Header, time.Now()); ok {
				wait = ra
			}
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			if err != nil {
				return nil, err
			}
			resp.Body = &limitedBody{rc: resp.Body, left: maxResponseBytes}
			return resp, nil // no time to wait: report this answer
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// backoff is exponential with jitter: about 0.5 s, 1 s, 2 s, … capped at 8 s.
func backoff(attempt int) time.Duration {
	d := 500 * time.Millisecond << min(attempt, 4)
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads how long a server asked to wait.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// limitedBody fails reads past its limit instead of buffering a huge answer.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errTooLarge
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }
