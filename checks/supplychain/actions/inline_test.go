package actions

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/ward-sec/ward/checks"
)

func scanInline(t *testing.T, src string) []string {
	t.Helper()
	res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(".github/workflows/x.yml", []byte(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("%d %s", f.StartLine, f.RuleID))
	}
	sort.Strings(out)
	return out
}

// TestUntrustedCheckoutVariants covers the trigger × checkout × execution
// combinations of the critical rule (all actions pinned, so it stands alone).
func TestUntrustedCheckoutVariants(t *testing.T) {
	const co = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683"
	tests := []struct {
		name, src string
		want      []string
	}{
		{"workflow_run head_sha then make", `on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          ref: ${{ github.event.workflow_run.head_sha }}
      - run: make all
`, []string{"11 actions-untrusted-checkout"}},
		{"merge ref then a script in the checkout", `on: pull_request_target
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          ref: refs/pull/${{ github.event.number }}/merge
      - run: ./scripts/build.sh
`, []string{"8 actions-untrusted-checkout"}},
		{"fork repository checked out", `on: pull_request_target
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          repository: ${{ github.event.pull_request.head.repo.full_name }}
      - run: pip install .
`, []string{"8 actions-untrusted-checkout"}},
		{"docker build of the checkout", `on: pull_request_target
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          ref: ${{ github.head_ref }}
      - uses: docker/build-push-action@4f58ea79222b3b9dc2c8bbdd6debcef730109a75
`, []string{"8 actions-untrusted-checkout"}},
		{"artifact of the triggering run then executed", `on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16
        with:
          name: build
          run-id: ${{ github.event.workflow_run.id }}
          github-token: ${{ github.token }}
      - run: bash ./build/post.sh
`, []string{"12 actions-untrusted-checkout"}},
		{"plain pull_request is not privileged", `on: pull_request
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci
`, nil},
		{"head checked out but nothing runs it", `on: pull_request_target
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - uses: ` + co + `
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo done
`, nil},
		{"build step before the checkout does not count", `on: pull_request_target
jobs:
  j:
    runs-on: ubuntu-latest
    steps:
      - run: npm ci
      - uses: ` + co + `
        with:
          ref: ${{ github.event.pull_request.head.sha }}
`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanInline(t, tt.src)
			diffLines(t, tt.name, got, tt.want)
		})
	}
}

func TestReleaseDetection(t *testing.T) {
	const cache = "      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57\n        with:\n          path: x\n          key: k\n"
	tests := []struct {
		name, head string
		want       []string
	}{
		{"tag push", "on:\n  push:\n    tags: ['v*']\n", []string{"8 actions-cache-in-release"}},
		{"named publish", "name: Publish to PyPI\non: workflow_dispatch\n", []string{"8 actions-cache-in-release"}},
		{"branch push", "on:\n  push:\n    branches: [main]\n", nil},
	}
	for _, tt := range tests {
		src := tt.head + "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n" + cache
		if tt.name == "named publish" {
			src = tt.head + "jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n" + cache
		}
		got := scanInline(t, src)
		diffLines(t, tt.name, got, tt.want)
	}
}
