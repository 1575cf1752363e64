#!/usr/bin/env bash
# The whole test suite: vet, every package's tests, then each fuzz target
# briefly (FUZZTIME, default 5s). PostgreSQL tests run when
# WARD_TEST_POSTGRES_URL is set (.ci/run starts a server); otherwise they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-5s}
# Go minimises each new interesting input for up to 60 s by default; with
# inputs of a few KB that is the whole of a short run (a 5 s run of FuzzZip
# executed 26 inputs), so minimisation is capped by count.
FUZZMINIMIZE=${FUZZMINIMIZE:-100x}

echo "== go vet"
go vet ./...

if command -v staticcheck >/dev/null 2>&1 || [ -x "$(go env GOPATH)/bin/staticcheck" ]; then
  echo "== staticcheck"
  "$(command -v staticcheck || echo "$(go env GOPATH)/bin/staticcheck")" ./...
elif [ -n "${CI:-}" ]; then
  # CI must not pass by skipping a check it was meant to run.
  echo "== staticcheck not installed in CI (.ci/run installs it): failing" >&2
  exit 1
else
  echo "== staticcheck not installed: SKIPPED (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)" >&2
fi

echo "== go test"
go test -count=1 -timeout 20m ./...

echo "== container image (deploy/image.sh)"
if command -v buildah >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  bash deploy/image.sh
elif [ -n "${CI:-}" ]; then
  echo "buildah missing or not root in CI (.ci/run installs it): failing" >&2
  exit 1
else
  echo "SKIPPED: needs buildah (apt-get install buildah) and root" >&2
fi

echo "== fuzz (${FUZZTIME} each)"
# One log per run, so concurrent runs on one machine do not read each other's.
fuzzlog=$(mktemp "${TMPDIR:-/tmp}/ward-fuzz.XXXXXX")
trap 'rm -f "$fuzzlog"' EXIT
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    echo "-- $pkg $target"
    if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime="$FUZZMINIMIZE" "$pkg" > "$fuzzlog" 2>&1; then
      # Go's fuzz coordinator can end a short run with "context deadline
      # exceeded" when a worker is busy at the deadline (seen on loaded
      # machines). Only a written failing input is a real finding.
      if grep -q "context deadline exceeded" "$fuzzlog" && ! grep -q "Failing input written" "$fuzzlog"; then
        echo "   (fuzz run ended at its deadline while a worker was busy; no failing input)"
        continue
      fi
      cat "$fuzzlog"
      exit 1
    fi
    # the last progress line (how many inputs ran), then the verdict
    grep -E '^fuzz: elapsed' "$fuzzlog" | tail -n 1 || true
    tail -n 1 "$fuzzlog"
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
echo "== all tests passed"
