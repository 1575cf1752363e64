package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/app"
)

// clearWard unsets every WARD_* variable for the test.
func clearWard(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "WARD_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// The key rotation in docs/operations.md: the setup page wrote
// WARD_PRIVATE_KEY to .env; the operator deploys the new key as
// WARD_PRIVATE_KEY_FILE in the environment. The environment wins.
func TestProcessEnvKeyFileWinsOverEnvFileKey(t *testing.T) {
	clearWard(t)
	dir := t.TempDir()
	envFile := filepath.Join(dir, ".env")
	if err := app.WriteEnvFile(envFile, map[string]string{"WARD_APP_ID": "7", "WARD_PRIVATE_KEY": "OLD KEY",
		"WARD_WEBHOOK_SECRET": "s"}); err != nil {
		t.Fatal(err)
	}
	keyFile := writeFile(t, filepath.Join(dir, "new.pem"), "NEW KEY", 0o600)
	t.Setenv("WARD_PRIVATE_KEY_FILE", keyFile)
	if err := applyEnvFile(envFile); err != nil {
		t.Fatal(err)
	}
	cfg, err := configFromEnv(envFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(cfg.PrivateKeyPEM) != "NEW KEY" || cfg.AppID != 7 {
		t.Fatalf("key %q, app id %d: want the key file from the environment and the id from .env", cfg.PrivateKeyPEM, cfg.AppID)
	}
}

// Every source of a secret gets the permission check a key file gets.
func TestSecretSourcesRefusedWhenWorldReadable(t *testing.T) {
	dir := t.TempDir()
	t.Run("env file holding the key", func(t *testing.T) {
		clearWard(t)
		envFile := writeFile(t, filepath.Join(dir, "open.env"), "WARD_PRIVATE_KEY=\"k\"\n", 0o644)
		if err := applyEnvFile(envFile); err == nil || !strings.Contains(err.Error(), "world-readable") {
			t.Fatalf("err = %v, want a refusal", err)
		}
	})
	t.Run("env file without secrets", func(t *testing.T) {
		clearWard(t)
		envFile := writeFile(t, filepath.Join(dir, "plain.env"), "WARD_ADDR=:4000\n", 0o644)
		if err := applyEnvFile(envFile); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("webhook secret file", func(t *testing.T) {
		clearWard(t)
		t.Setenv("WARD_WEBHOOK_SECRET_FILE", writeFile(t, filepath.Join(dir, "secret"), "s\n", 0o644))
		if err := loadFileVars(); err == nil || !strings.Contains(err.Error(), "world-readable") {
			t.Fatalf("err = %v, want a refusal", err)
		}
	})
	t.Run("private key file", func(t *testing.T) {
		clearWard(t)
		t.Setenv("WARD_PRIVATE_KEY_FILE", writeFile(t, filepath.Join(dir, "key.pem"), "k", 0o644))
		if _, err := configFromEnv(""); err == nil || !strings.Contains(err.Error(), "world-readable") {
			t.Fatalf("err = %v, want a refusal", err)
		}
	})
}
