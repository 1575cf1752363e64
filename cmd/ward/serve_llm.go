package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/ward-sec/ward/review"
)

// llmConfigFromEnv reads the second opinion's settings. Without a model (or
// without an endpoint or an OpenAI key) the second opinion is off.
func llmConfigFromEnv() (review.LLMConfig, error) {
	c := review.LLMConfig{
		BaseURL:    os.Getenv("WARD_LLM_BASE_URL"),
		Model:      os.Getenv("WARD_LLM_MODEL"),
		APIKey:     os.Getenv("WARD_LLM_API_KEY"),
		APIType:    os.Getenv("WARD_LLM_API_TYPE"),
		APIVersion: os.Getenv("WARD_LLM_API_VERSION"),
	}
	if v := os.Getenv("WARD_LLM_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("WARD_LLM_TIMEOUT %q: want a duration such as 60s", v)
		}
		c.Timeout = d
	}
	ints := []struct {
		name string
		dst  *int
	}{
		{"WARD_LLM_MAX_INPUT_TOKENS", &c.MaxInputTokens},
		{"WARD_LLM_MAX_OUTPUT_TOKENS", &c.MaxOutputTokens},
		{"WARD_LLM_DAILY_CALLS", &c.DailyCalls},
		{"WARD_LLM_MAX_RETRIES", &c.MaxRetries},
	}
	for _, it := range ints {
		if v := os.Getenv(it.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return c, fmt.Errorf("%s %q: want a number ≥ 0", it.name, v)
			}
			*it.dst = n
		}
	}
	if c.MaxRetries == 0 && os.Getenv("WARD_LLM_MAX_RETRIES") == "0" {
		c.MaxRetries = -1 // explicitly no retries
	}
	if v := os.Getenv("WARD_LLM_DAILY_TOKENS"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return c, fmt.Errorf("WARD_LLM_DAILY_TOKENS %q: want a number ≥ 0", v)
		}
		c.DailyTokens = n
	}
	if (c.BaseURL != "" || c.APIKey != "") && c.Model == "" {
		return c, fmt.Errorf("WARD_LLM_MODEL is needed with WARD_LLM_BASE_URL or WARD_LLM_API_KEY")
	}
	if c.Enabled() {
		// Fail at start on a bad URL or API type, not later in the server's
		// wait-for-the-database loop.
		if _, err := review.NewLLM(c, nil, nil); err != nil {
			return c, err
		}
	}
	return c, nil
}
