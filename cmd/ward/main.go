// Command ward reviews pull requests for the security risks AI/ML work brings
// in. `ward serve` runs the GitHub App; `ward scan` runs the same checks locally.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
	"github.com/ward-sec/ward/checks/model/pickle"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

const usage = `ward reviews pull requests for the security risks AI/ML work brings in.

Usage:
  ward serve                 run the GitHub App (configured by WARD_* environment variables)
  ward scan [flags] PATH...  scan files and directories locally
  ward rules [--format text|markdown|json] [RULE...]
                             list every rule, or explain the ones named
  ward version               print the version
  ward healthcheck [URL]     exit 0 when a running ward answers /healthz (for container HEALTHCHECKs)

Run "ward <command> -h" for a command's flags.
`

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() { cancel(signalError{<-sigs}) }()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	cancel(nil)
	os.Exit(code)
}

// signalError is the cause of main's context when a signal ended the run.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return "interrupted by " + e.sig.String() }

// Unwrap makes the cause read as context.Canceled to code that asks (the App
// concludes a review cut short by shutdown only then).
func (e signalError) Unwrap() error { return context.Canceled }

// interruptedCode is the shell's convention for a process ended by a signal,
// 128 + its number: 130 for Ctrl-C, 143 for SIGTERM.
func interruptedCode(ctx context.Context) int {
	var se signalError
	if errors.As(context.Cause(ctx), &se) {
		if s, ok := se.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return 130
}

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		sizeModelMemory()
		return serveCmd(ctx, args[1:], stderr, checkSet(os.Getenv))
	case "scan":
		sizeModelMemory()
		return scanCmd(ctx, args[1:], stdout, stderr, checkSet(os.Getenv))
	case "rules":
		checkSet(os.Getenv) // fills the rule catalogue
		return rulesCmd(args[1:], stdout, stderr)
	case "healthcheck":
		return healthcheckCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "ward %s\n", fullVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "ward: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
}

// checkSet builds the check set `ward serve` and `ward scan` run, and the
// rule catalogue `ward rules` reads. cmd owns the environment, and no check
// package reads it (WARD_OSV_DIR, WARD_OSV_URL: OSV data for the
// dependency check).
func checkSet(getenv func(string) string) []checks.Check {
	return all.New(all.Options{OSVDir: getenv("WARD_OSV_DIR"), OSVURL: getenv("WARD_OSV_URL")})
}

func fullVersion() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// sizeModelMemory fits the memory all pickle analyses may hold at once to
// the process's memory limit (GOMEMLIMIT, which a container's limit should
// set): half of it, at most pickle.DefaultProcessMemory. Each file's own
// budget still applies within it.
func sizeModelMemory() {
	if limit := debug.SetMemoryLimit(-1); limit < math.MaxInt64 {
		pickle.SetProcessMemory(min(limit/2, pickle.DefaultProcessMemory))
	}
}
