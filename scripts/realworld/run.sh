#!/usr/bin/env bash
# Scans the calibration repositories (repos.txt) with the ward built from this
# tree and compares the result with the hand-judged ledger (ledger.csv): volume
# per repository and per rule, precision of high and critical findings, and the
# targets of issue 14. A benchmark run by hand, not in CI.
#
# usage: scripts/realworld/run.sh [SNAPSHOT_DIR]   (or WARD_REALWORLD_DIR=...)
#
# SNAPSHOT_DIR holds one checkout per repository, named owner+name, at the
# commit pinned in repos.txt. To make them from clones (or any git directory):
#   git clone --filter=blob:limit=50m https://github.com/OWNER/NAME /tmp/OWNER+NAME.git --bare
#   scripts/realworld/checkout.sh /tmp/OWNER+NAME.git COMMIT "$SNAPSHOT_DIR/OWNER+NAME"
# checkout.sh skips blobs a partial clone lacks, and records the commit in
# SNAPSHOT_DIR/OWNER+NAME.commit, which run.sh checks.
#
# Results go to WARD_REALWORLD_OUT (default: a temporary directory); findings
# at high or above that the ledger lacks are written to $OUT/unjudged.csv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
snap=${1:-${WARD_REALWORLD_DIR:-}}
if [[ -z $snap || ! -d $snap ]]; then
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
snap=$(cd "$snap" && pwd)
out=${WARD_REALWORLD_OUT:-$(mktemp -d)}
mkdir -p "$out"
(cd "$root" && go build -o "$out/ward" ./cmd/ward)
while read -r repo commit; do
  [[ -z $repo || $repo == \#* ]] && continue
  dir=${repo/\//+}
  if [[ ! -d $snap/$dir ]]; then
    echo "missing checkout $snap/$dir of $repo@$commit (see the usage above)" >&2
    exit 2
  fi
  if [[ -f $snap/$dir.commit && $(cat "$snap/$dir.commit") != "$commit" ]]; then
    echo "$snap/$dir is at $(cat "$snap/$dir.commit"), not the pinned $commit" >&2
    exit 2
  fi
  start=$(date +%s.%N)
  # Exit 1 only means findings at or above the threshold.
  (cd "$snap/$dir" && "$out/ward" scan --format json . >"$out/$dir.json" 2>"$out/$dir.err") || [[ $? == 1 ]]
  printf '%-28s %6.1f s wall  %s findings\n' "$repo" "$(echo "$(date +%s.%N) - $start" | bc)" \
    "$(grep -c '"rule_id"' "$out/$dir.json" || true)" >&2
done <"$here/repos.txt"
(cd "$root" && go run ./scripts/realworld/compare -repos "$here/repos.txt" -ledger "$here/ledger.csv" \
  -results "$out" -snapshots "$snap" -unjudged "$out/unjudged.csv")
echo "results in $out" >&2
