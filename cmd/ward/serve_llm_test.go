package main

import (
	"strings"
	"testing"
	"time"
)

func TestLLMConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		enabled bool
		err     string
	}{
		{name: "nothing set", env: map[string]string{}},
		{name: "local server", env: map[string]string{"WARD_LLM_BASE_URL": "http://localhost:11434", "WARD_LLM_MODEL": "llama3.1"}, enabled: true},
		{name: "openai by key", env: map[string]string{"WARD_LLM_API_KEY": "k", "WARD_LLM_MODEL": "gpt-4o-mini"}, enabled: true},
		{name: "model only", env: map[string]string{"WARD_LLM_MODEL": "m"}},
		{name: "endpoint without model", env: map[string]string{"WARD_LLM_BASE_URL": "http://x/v1"}, err: "WARD_LLM_MODEL is needed"},
		{name: "bad timeout", env: map[string]string{"WARD_LLM_MODEL": "m", "WARD_LLM_TIMEOUT": "soon"}, err: "WARD_LLM_TIMEOUT"},
		{name: "bad budget", env: map[string]string{"WARD_LLM_MODEL": "m", "WARD_LLM_DAILY_CALLS": "-1"}, err: "WARD_LLM_DAILY_CALLS"},
		{name: "bad url", env: map[string]string{"WARD_LLM_MODEL": "m", "WARD_LLM_BASE_URL": "localhost:11434"}, err: "not an http(s) URL"},
		{name: "bad tokens", env: map[string]string{"WARD_LLM_MODEL": "m", "WARD_LLM_DAILY_TOKENS": "lots"}, err: "WARD_LLM_DAILY_TOKENS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"WARD_LLM_BASE_URL", "WARD_LLM_MODEL", "WARD_LLM_API_KEY", "WARD_LLM_TIMEOUT",
				"WARD_LLM_DAILY_CALLS", "WARD_LLM_DAILY_TOKENS", "WARD_LLM_MAX_RETRIES"} {
				t.Setenv(k, tt.env[k])
			}
			c, err := llmConfigFromEnv()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Enabled() != tt.enabled {
				t.Errorf("enabled = %v, want %v", c.Enabled(), tt.enabled)
			}
		})
	}
	t.Setenv("WARD_LLM_MODEL", "m")
	t.Setenv("WARD_LLM_TIMEOUT", "90s")
	t.Setenv("WARD_LLM_DAILY_CALLS", "5")
	t.Setenv("WARD_LLM_MAX_RETRIES", "0")
	c, err := llmConfigFromEnv()
	if err != nil || c.Timeout != 90*time.Second || c.DailyCalls != 5 || c.MaxRetries != -1 {
		t.Fatalf("%+v, %v", c, err)
	}
}
