#!/usr/bin/env bash
# The script of action.yml: build ward, find the change's base in the event
# GitHub Actions wrote, scan the diff, write the job summary and SARIF, and
# exit non-zero on the threshold. Runs in $GITHUB_WORKSPACE (the checkout).
set -euo pipefail

action=${GITHUB_ACTION_PATH:?not running as a GitHub Action}
event=${GITHUB_EVENT_PATH:?no event file}
cd "${GITHUB_WORKSPACE:-.}"

ward=${RUNNER_TEMP:-/tmp}/ward-bin/ward
if [ ! -x "$ward" ]; then
  echo "::group::Build ward"
  (cd "$action" && go build -o "$ward" ./cmd/ward)
  echo "::endgroup::"
fi

base=${INPUT_BASE:-}
if [ -z "$base" ]; then
  case "${GITHUB_EVENT_NAME:-}" in
    pull_request|pull_request_target) base=$(jq -r '.pull_request.base.sha // empty' "$event") ;;
    merge_group) base=$(jq -r '.merge_group.base_sha // empty' "$event") ;;
    push) base=$(jq -r '.before // empty' "$event") ;;
  esac
fi
if [ -z "$base" ] || [ "$base" = "0000000000000000000000000000000000000000" ]; then
  echo "::error::ward: no base commit to compare with (event ${GITHUB_EVENT_NAME:-unknown}); set the base input"
  exit 2
fi

# actions/checkout fetches one commit by default: fetch the base and enough
# history for a merge base.
if ! git cat-file -e "$base^{commit}" 2>/dev/null; then
  git fetch --no-tags --quiet origin "$base" || true
fi
if ! git merge-base "$base" HEAD >/dev/null 2>&1 && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
  git fetch --no-tags --quiet --unshallow origin || true
fi

sarif=${INPUT_SARIF_FILE:-ward.sarif}
set +e
"$ward" scan --diff "$base" --fail-on "${INPUT_FAIL_ON:-high}" --format sarif --output "$sarif" \
  ${GITHUB_STEP_SUMMARY:+--summary "$GITHUB_STEP_SUMMARY"} -- "${INPUT_PATH:-.}"
code=$?
set -e
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "sarif-file=$sarif" >>"$GITHUB_OUTPUT"
  echo "exit-code=$code" >>"$GITHUB_OUTPUT"
fi
case $code in
  0) echo "ward: nothing at or above ${INPUT_FAIL_ON:-high}" ;;
  1) echo "::error::ward: findings at or above ${INPUT_FAIL_ON:-high}; see the job summary and $sarif" ;;
  *) echo "::error::ward scan failed (exit $code)" ;;
esac
exit "$code"
