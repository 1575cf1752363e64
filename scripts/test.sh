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
else
  echo "== staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2): skipped"
fi

echo "== go test"
go test -count=1 -timeout 20m ./...

echo "== fuzz (${FUZZTIME} each)"
while IFS= read -r file; do
  pkg="./$(dirname "$file")"
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)' "$file" | awk '{print $2}'); do
    echo "-- $pkg $target"
    if ! go test -run='^$' -fuzz="^${target}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime="$FUZZMINIMIZE" "$pkg" > /tmp/ward-fuzz.log 2>&1; then
      # Go's fuzz coordinator can end a short run with "context deadline
      # exceeded" when a worker is busy at the deadline (seen on loaded
      # machines). Only a written failing input is a real finding.
      if grep -q "context deadline exceeded" /tmp/ward-fuzz.log && ! grep -q "Failing input written" /tmp/ward-fuzz.log; then
        echo "   (fuzz run ended at its deadline while a worker was busy; no failing input)"
        continue
      fi
      cat /tmp/ward-fuzz.log
      exit 1
    fi
    # the last progress line (how many inputs ran), then the verdict
    grep -E '^fuzz: elapsed' /tmp/ward-fuzz.log | tail -n 1 || true
    tail -n 1 /tmp/ward-fuzz.log
  done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | sort)
echo "== all tests passed"
