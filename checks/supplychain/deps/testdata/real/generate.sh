#!/usr/bin/env bash
# Regenerates the real lock files in this folder with the real package
# managers (npm 11, pnpm 9 through npx). Registry URLs are left out of the
# npm lock (omit-lockfile-registry-resolved); pnpm records integrity only.
# Needs network access to the npm registry; the tests do not run this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/package.json" <<'JSON'
{
  "name": "ward-fixture",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "ms": "2.1.3",
    "debug": "4.3.7"
  }
}
JSON
cp "$work/package.json" "$here/package.json"
(cd "$work" && npm install --package-lock-only --ignore-scripts --omit-lockfile-registry-resolved --no-audit --no-fund >/dev/null)
cp "$work/package-lock.json" "$here/package-lock.json"
(cd "$work" && rm package-lock.json && npx --yes pnpm@9.15.0 install --lockfile-only --ignore-scripts >/dev/null)
cp "$work/pnpm-lock.yaml" "$here/pnpm-lock.yaml"
