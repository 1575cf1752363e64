package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/prompts"
)

// LLMConfig configures the second opinion's model (WARD_LLM_*).
type LLMConfig struct {
	// BaseURL of an OpenAI-compatible API ("…/v1"); empty means OpenAI's,
	// which needs APIKey.
	BaseURL string
	Model   string
	APIKey  string
	// APIType is "openai" (default) or "azure" (api-key header, deployments).
	APIType    string
	APIVersion string // Azure's api-version
	// Timeout bounds one second opinion, retries included (default 60 s).
	Timeout time.Duration
	// MaxInputTokens budgets the prompt (default 12,000); MaxOutputTokens
	// caps the answer (default 2,000).
	MaxInputTokens  int
	MaxOutputTokens int
	// DailyCalls and DailyTokens bound each installation's use per UTC day
	// (defaults 200 calls, 2,000,000 tokens).
	DailyCalls  int
	DailyTokens int64
	// MaxRetries on 429 and 5xx (default 3).
	MaxRetries int
	HTTPClient *http.Client
	Logger     *slog.Logger
}

// Enabled reports whether a model is configured: a model name and either an
// endpoint or an OpenAI key.
func (c LLMConfig) Enabled() bool {
	return c.Model != "" && (c.BaseURL != "" || c.APIKey != "")
}

func (c LLMConfig) withDefaults() LLMConfig {
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.MaxInputTokens <= 0 {
		c.MaxInputTokens = 12000
	}
	if c.MaxOutputTokens <= 0 {
		c.MaxOutputTokens = 2000
	}
	if c.DailyCalls <= 0 {
		c.DailyCalls = 200
	}
	if c.DailyTokens <= 0 {
		c.DailyTokens = 2_000_000
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = 3
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// OpinionStore keeps answers and budgets in the database.
type OpinionStore interface {
	CachedOpinion(ctx context.Context, key string) ([]byte, bool)
	CacheOpinion(ctx context.Context, key string, answer []byte)
	// ReserveLLMCall counts one call for an installation and UTC day unless
	// its calls or tokens are spent; false means over budget.
	ReserveLLMCall(ctx context.Context, installation int64, day string, maxCalls int, maxTokens int64) (bool, error)
	AddLLMTokens(ctx context.Context, installation int64, day string, tokens int64) error
}

// LLMObserver receives the second opinion's metrics.
type LLMObserver interface {
	// LLMCall reports one model call: outcome is "ok" or a failure kind.
	LLMCall(outcome string, elapsed time.Duration, tokensIn, tokensOut int)
	// LLMSkipped reports an opinion served without a call ("cached", "budget").
	LLMSkipped(reason string)
}

// LLM is the second opinion backed by an OpenAI-compatible endpoint.
type LLM struct {
	cfg     LLMConfig
	client  *openai.Client
	store   OpinionStore
	obs     LLMObserver
	format  atomic.Int32 // the response_format this server accepts (formatSchema…)
	nowFunc func() time.Time
}

// response_format modes, tried in order: servers that reject one with 400
// get the next, and the LLM remembers what worked.
const (
	formatSchema int32 = iota // json_schema (OpenAI, vLLM, LM Studio, recent Ollama and llama.cpp)
	formatObject              // json_object (older vLLM and llama.cpp, LiteLLM proxies)
	formatNone                // plain prompt (servers without structured output)
)

// NewLLM builds the client; store and obs may be nil (no cache or budget,
// no metrics).
func NewLLM(cfg LLMConfig, store OpinionStore, obs LLMObserver) (*LLM, error) {
	cfg = cfg.withDefaults()
	if !cfg.Enabled() {
		return nil, errors.New("second opinion: WARD_LLM_MODEL and WARD_LLM_BASE_URL (or WARD_LLM_API_KEY) are needed")
	}
	var oc openai.ClientConfig
	switch strings.ToLower(cfg.APIType) {
	case "", "openai":
		oc = openai.DefaultConfig(cfg.APIKey)
		if cfg.BaseURL != "" {
			base, err := normaliseBaseURL(cfg.BaseURL)
			if err != nil {
				return nil, err
			}
			oc.BaseURL = base
		}
	case "azure":
		if cfg.BaseURL == "" {
			return nil, errors.New("second opinion: Azure OpenAI needs WARD_LLM_BASE_URL (https://NAME.openai.azure.com)")
		}
		oc = openai.DefaultAzureConfig(cfg.APIKey, cfg.BaseURL)
		if cfg.APIVersion != "" {
			oc.APIVersion = cfg.APIVersion
		}
	default:
		return nil, fmt.Errorf("second opinion: API type %q: want openai or azure", cfg.APIType)
	}
	oc.HTTPClient = &retryDoer{client: cfg.HTTPClient, maxRetries: cfg.MaxRetries}
	l := &LLM{cfg: cfg, client: openai.NewClientWithConfig(oc), store: store, obs: obs, nowFunc: time.Now}
	return l, nil
}

// normaliseBaseURL adds /v1 to a bare host: local servers (Ollama, vLLM, LM
// Studio, llama.cpp) serve the OpenAI API under /v1, and users often give
// only host:port.
func normaliseBaseURL(s string) (string, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("WARD_LLM_BASE_URL %q is not an http(s) URL", s)
	}
	if u.Path == "" {
		u.Path = "/v1"
	}
	return u.String(), nil
}

// Model names the configured model.
func (l *LLM) Model() string { return l.cfg.Model }

// ForJob binds the LLM to one review: the installation whose budget pays,
// and whether a cached answer may be reused (not for /rescan --second-opinion).
func (l *LLM) ForJob(installation int64, fresh bool) SecondOpinion {
	return &llmJob{l: l, installation: installation, fresh: fresh}
}

type llmJob struct {
	l            *LLM
	installation int64
	fresh        bool
}

// CacheKey is the answer cache key: head SHA, prompt version, model.
func CacheKey(repo, headSHA, model string) string {
	s := sha256.Sum256([]byte(repo + "\x00" + headSHA + "\x00" + prompts.Version + "\x00" + model))
	return "llm:" + hex.EncodeToString(s[:16])
}

func (j *llmJob) Opinion(ctx context.Context, req OpinionRequest) *Opinion {
	l := j.l
	op := &Opinion{Model: l.cfg.Model}
	var prompt prompts.Prompt
	var in prompts.Input
	var err error
	for range 3 { // a fresh nonce if the PR happened to contain one
		in = buildInput(req, l.cfg.MaxInputTokens, prompts.NewNonce())
		if prompt, err = prompts.Render(in); err == nil {
			break
		}
	}
	if err != nil {
		op.Note = "the prompt could not be built (" + err.Error() + ")."
		return op
	}
	op.Omitted = in.Omitted
	key := CacheKey(req.PR.Repo, req.PR.HeadSHA, l.cfg.Model)
	if !j.fresh && l.store != nil {
		if raw, ok := l.store.CachedOpinion(ctx, key); ok {
			if r, err := decodeCached(raw, req.Findings); err == nil {
				op.Answer, op.Cached = &r, true
				l.skipped("cached")
				return op
			}
		}
	}
	day := l.nowFunc().UTC().Format("2006-01-02")
	if l.store != nil {
		ok, err := l.store.ReserveLLMCall(ctx, j.installation, day, l.cfg.DailyCalls, l.cfg.DailyTokens)
		if err != nil {
			op.Note = "the daily budget could not be checked, so the model was not asked."
			l.cfg.Logger.WarnContext(ctx, "second opinion budget", "err", err)
			return op
		}
		if !ok {
			op.Note = fmt.Sprintf("this installation's daily budget (%d calls, %d tokens) is spent; the model was not asked. It resets at 00:00 UTC.",
				l.cfg.DailyCalls, l.cfg.DailyTokens)
			l.skipped("budget")
			return op
		}
	}
	answer, usage, kind, err := l.call(ctx, prompt)
	if l.store != nil {
		tokens := int64(usage.PromptTokens + usage.CompletionTokens)
		if err := l.store.AddLLMTokens(context.WithoutCancel(ctx), j.installation, day, tokens); err != nil {
			l.cfg.Logger.WarnContext(ctx, "second opinion token count", "err", err)
		}
	}
	if err != nil {
		op.Note = failureNote(kind, l.cfg.Timeout)
		l.cfg.Logger.WarnContext(ctx, "second opinion failed", "kind", kind, "err", err)
		return op
	}
	op.Answer = &answer
	if l.store != nil {
		if raw, err := encodeCached(answer, req.Findings); err == nil {
			l.store.CacheOpinion(context.WithoutCancel(ctx), key, raw)
		}
	}
	return op
}

func (l *LLM) skipped(reason string) {
	if l.obs != nil {
		l.obs.LLMSkipped(reason)
	}
}

// failureNote is the one line a review shows when the model did not help.
func failureNote(kind string, timeout time.Duration) string {
	switch kind {
	case "timeout":
		return fmt.Sprintf("the model did not answer within %s.", timeout)
	case "rate_limited":
		return "the model's server kept answering 429 (rate limited)."
	case "server_error":
		return "the model's server failed (5xx)."
	case "unreachable":
		return "the model's server could not be reached."
	case "refused":
		return "the model declined to answer."
	case "truncated":
		return "the model's answer was cut off at the output limit."
	case "too_large":
		return "the model's answer was too large to read."
	case "invalid_json":
		return "the model's answer was not the JSON asked for."
	case "schema":
		return "the model's answer did not follow the schema."
	case "bad_request":
		return "the model's server rejected the request (4xx); check WARD_LLM_MODEL and the endpoint."
	}
	return "the model could not be asked."
}

// cachedAnswer is what the cache keeps: the answer and the fingerprints of
// the findings its F1, F2, … named. The same head can have other findings
// later (an /ignore, a changed config), so IDs are mapped again on reuse.
type cachedAnswer struct {
	Answer   json.RawMessage `json:"answer"`
	Findings []string        `json:"findings"`
}

func encodeCached(r prompts.Response, fs []checks.Finding) ([]byte, error) {
	a, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	c := cachedAnswer{Answer: a, Findings: []string{}}
	for _, f := range fs {
		c.Findings = append(c.Findings, f.Fingerprint)
	}
	return json.Marshal(c)
}

func decodeCached(raw []byte, fs []checks.Finding) (prompts.Response, error) {
	var c cachedAnswer
	if err := json.Unmarshal(raw, &c); err != nil {
		return prompts.Response{}, err
	}
	r, err := prompts.ParseResponse(string(c.Answer))
	if err != nil {
		return r, err
	}
	now := map[string]int{}
	for i, f := range fs {
		now[f.Fingerprint] = i + 1
	}
	kept := r.Findings[:0]
	for _, v := range r.Findings {
		n, err := strconv.Atoi(strings.TrimPrefix(v.ID, "F"))
		if err != nil || n < 1 || n > len(c.Findings) {
			continue
		}
		if j, ok := now[c.Findings[n-1]]; ok {
			v.ID = fmt.Sprintf("F%d", j)
			kept = append(kept, v)
		}
	}
	r.Findings = kept
	return r, nil
}
