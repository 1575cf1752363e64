#!/bin/sh
# Builds the ward binary the way the container image does; CI runs it too,
# so the image's flags are tested even where Docker does not run.
# Usage: deploy/build.sh OUTPUT [VERSION]
set -eu
out=${1:?usage: deploy/build.sh OUTPUT [VERSION]}
version=${2:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
# cgo: the tree-sitter grammars are C. Only link flags differ from a plain
# build, so CI reuses the test build's cache.
CGO_ENABLED=1 go build -buildvcs=false \
  -ldflags "-s -w -X main.version=${version}" \
  -o "$out" ./cmd/ward
