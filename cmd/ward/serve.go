package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ward-sec/ward"
	"github.com/ward-sec/ward/app"
	"github.com/ward-sec/ward/checks"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer, set []checks.Check) int {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	envFile := fl.String("env-file", envOr("WARD_ENV_FILE", ".env"), "file of WARD_* settings read at start and written by the setup page")
	addr := fl.String("addr", "", "listen address (default $WARD_ADDR or :3000)")
	drain := fl.Duration("drain", 30*time.Second, "on SIGTERM, how long in-flight reviews may finish")
	if err := fl.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: logLevel()}))
	slog.SetDefault(log)

	if err := applyEnvFile(*envFile); err != nil {
		log.Error("cannot use the env file", "file", *envFile, "err", err)
		return 2
	}
	if err := loadFileVars(); err != nil {
		log.Error("invalid configuration", "err", err)
		return 2
	}
	cfg, err := configFromEnv(*envFile)
	if err != nil {
		log.Error("invalid configuration", "err", err)
		return 2
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	cfg.Checks = set
	cfg.Logger = log
	cfg.Manifest = ward.Manifest
	srv, err := app.NewServerWaiting(ctx, cfg)
	if err != nil {
		log.Error("cannot start", "err", err)
		return 1
	}
	if !cfg.Configured() {
		// The token is what stops a stranger who reaches the page first from
		// registering their own App: it is only ever in this log.
		log.Warn("no GitHub App credentials: open the setup page and enter the setup token to register the App",
			"setup_token", srv.SetupToken(), "url", "http://localhost"+portOf(cfg.Addr)+"/?token="+srv.SetupToken())
	}
	if err := srv.Run(ctx, *drain); err != nil {
		log.Error("stopped", "err", err)
		return 1
	}
	return 0
}

// configFromEnv reads the WARD_* variables DESIGN.md lists.
func configFromEnv(envFile string) (app.Config, error) {
	cfg := app.Config{
		APIURL:      envOr("WARD_GITHUB_API_URL", app.DefaultAPIURL),
		Addr:        envOr("WARD_ADDR", ":3000"),
		DatabaseURL: envOr("WARD_DATABASE_URL", "sqlite://ward.db"),
		PublicURL:   os.Getenv("WARD_PUBLIC_URL"),
		// The App's OAuth client, for "Sign in with GitHub" to ward's pages.
		OAuthClientID:     os.Getenv("WARD_GITHUB_CLIENT_ID"),
		OAuthClientSecret: os.Getenv("WARD_GITHUB_CLIENT_SECRET"),
		EnvFile:           envFile,
	}
	if v := os.Getenv("WARD_APP_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("WARD_APP_ID %q is not a number", v)
		}
		cfg.AppID = id
	}
	switch key, file := os.Getenv("WARD_PRIVATE_KEY"), os.Getenv("WARD_PRIVATE_KEY_FILE"); {
	case key != "":
		cfg.PrivateKeyPEM = []byte(key)
	case file != "":
		pem, err := readSecretFile("WARD_PRIVATE_KEY_FILE", file)
		if err != nil {
			return cfg, err
		}
		cfg.PrivateKeyPEM = pem
	}
	for _, name := range []string{"WARD_WEBHOOK_SECRET", "WARD_WEBHOOK_SECRET_PREVIOUS"} {
		if v := os.Getenv(name); v != "" {
			cfg.WebhookSecrets = append(cfg.WebhookSecrets, []byte(v))
		}
	}
	if v := os.Getenv("WARD_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("WARD_WORKERS %q: want a positive number", v)
		}
		cfg.Workers = n
	}
	if v := os.Getenv("WARD_REVIEW_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fmt.Errorf("WARD_REVIEW_TIMEOUT %q: want a duration such as 10m", v)
		}
		cfg.ReviewTimeout = d
	}
	if v := os.Getenv("WARD_MAX_CONNECTIONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 16 {
			return cfg, fmt.Errorf("WARD_MAX_CONNECTIONS %q: want a number of at least 16", v)
		}
		cfg.MaxConns = n
	}
	if v := os.Getenv("WARD_JOB_LEASE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Second {
			return cfg, fmt.Errorf("WARD_JOB_LEASE %q: want a duration of at least 1s, such as 30s", v)
		}
		cfg.JobLease = d
	}
	llm, err := llmConfigFromEnv()
	if err != nil {
		return cfg, err
	}
	cfg.LLM = llm
	cfg.Hub = hubFromEnv(cfg.Limits)
	partial := cfg.AppID != 0 || len(cfg.PrivateKeyPEM) > 0 || len(cfg.WebhookSecrets) > 0
	if partial && !cfg.Configured() {
		return cfg, fmt.Errorf("WARD_APP_ID, WARD_PRIVATE_KEY (or WARD_PRIVATE_KEY_FILE) and WARD_WEBHOOK_SECRET must be set together")
	}
	return cfg, nil
}

// fileVars may be given as NAME_FILE, a file holding the value (Docker and
// Kubernetes secrets). WARD_PRIVATE_KEY_FILE is read by configFromEnv, which
// also checks its permissions.
var fileVars = []string{"WARD_APP_ID", "WARD_WEBHOOK_SECRET", "WARD_WEBHOOK_SECRET_PREVIOUS", "WARD_DATABASE_URL", "WARD_LLM_API_KEY",
	"WARD_GITHUB_CLIENT_ID", "WARD_GITHUB_CLIENT_SECRET", "WARD_HF_TOKEN"}

func loadFileVars() error {
	for _, name := range fileVars {
		file := os.Getenv(name + "_FILE")
		if file == "" || os.Getenv(name) != "" {
			continue
		}
		b, err := readSecretFile(name+"_FILE", file)
		if err != nil {
			return err
		}
		os.Setenv(name, strings.TrimRight(string(b), "\r\n"))
	}
	return nil
}

// readSecretFile reads a file holding a secret, refusing one that every
// user of the machine can read: every source of a key gets this check.
func readSecretFile(setting, file string) ([]byte, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	if info.Mode().Perm()&0o004 != 0 {
		return nil, fmt.Errorf("%s %s is world-readable (mode %s): run chmod 600 %s", setting, file, info.Mode().Perm(), file)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setting, err)
	}
	return b, nil
}

// secretVars are settings whose value is a secret: an env file that holds
// one gets the same permission check as a key file.
var secretVars = []string{"WARD_PRIVATE_KEY", "WARD_WEBHOOK_SECRET", "WARD_WEBHOOK_SECRET_PREVIOUS", "WARD_DATABASE_URL",
	"WARD_LLM_API_KEY", "WARD_GITHUB_CLIENT_SECRET", "WARD_HF_TOKEN"}

// applyEnvFile sets WARD_* settings from the env file that the process
// environment does not set. A setting and its NAME_FILE form are one
// setting: WARD_PRIVATE_KEY_FILE in the environment keeps WARD_PRIVATE_KEY
// (written by the setup page) in the file from overriding it, as the key
// rotation in docs/operations.md relies on.
func applyEnvFile(path string) error {
	vars, err := app.ReadEnvFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, k := range secretVars {
		if _, ok := vars[k]; ok {
			if _, err := readSecretFile(k+" in the env file", path); err != nil {
				return err
			}
			break
		}
	}
	for k, v := range vars {
		if !strings.HasPrefix(k, "WARD_") {
			continue
		}
		base := strings.TrimSuffix(k, "_FILE")
		if _, set := os.LookupEnv(base); set {
			continue
		}
		if _, set := os.LookupEnv(base + "_FILE"); set {
			continue
		}
		os.Setenv(k, v)
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("WARD_LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

func portOf(addr string) string {
	if i := strings.LastIndex(addr, ":"); i >= 0 {
		return addr[i:]
	}
	return ":" + addr
}
