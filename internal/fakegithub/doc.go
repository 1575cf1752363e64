// Package fakegithub is a stateful, in-process GitHub for tests. It serves the
// REST and GraphQL endpoints ward calls, backs repositories with real git
// repositories on disk, and enforces the rules GitHub enforces, so that code
// which passes against the fake does not fail against GitHub for a reason the
// fake could have shown. Tests assert on the state the fake holds at the end
// (CheckRuns, Reviews, ReviewComments, IssueComments, Reactions), not on the
// order of calls.
//
// Typical use:
//
//	gh := fakegithub.New(t)
//	gh.AddInstallation(7, "acme")
//	gh.AddRepo("acme/widgets", gitDir) // a real repository written by the test
//	gh.OpenPR("acme/widgets", 1, "main", "feature")
//	// point the App at gh.URL() (go-github WithEnterpriseURLs, ghinstallation
//	// BaseURL) with gh.AppID() and gh.PrivateKeyPEM(), then:
//	body := gh.PullRequestEvent("opened", "acme/widgets", 1)
//	resp, err := fakegithub.Deliver(ctx, appURL+"/webhook", secret, "pull_request", fakegithub.DeliveryID(), body)
//	...
//	run, ok := gh.LatestCheckRun("acme/widgets", gh.HeadSHA("acme/widgets", 1), "ward")
//
// Routes are served at the root (api.github.com style) and under /api/v3
// (GitHub Enterprise Server); GraphQL at /graphql and /api/graphql; the App
// manifest form at /settings/apps/new and /organizations/{org}/settings/apps/new;
// Git LFS at /{owner}/{repo}.git/info/lfs/objects/batch.
//
// Helpers for tests: GitRepo writes real repositories; WaitFor and
// WaitForCheckRun wait for asynchronous work; Hold parks matching requests
// in flight (to kill the App mid-request); InjectFault makes GitHub fail;
// MergePR merges as a maintainer; the *Event methods build webhook payloads
// and Deliver sends them signed.
//
// Rules enforced, each answered with GitHub's status and message shape:
//   - App JWT: RS256 with the App key, iss = app id, integer iat/exp, not
//     expired, exp at most 10 minutes after iat and after now (401).
//   - Installation tokens (token/Bearer/Basic): unknown or expired → 401;
//     a repository of another owner, or outside a token restricted to
//     repositories → 404.
//   - App permissions per endpoint (default: ward's app.yml set, or the
//     manifest's default_permissions after the manifest flow): 403
//     "Resource not accessible by integration". Merging needs contents:write.
//   - GraphQL names bots without the "[bot]" suffix REST uses.
//   - Pagination: per_page default 30, max 100; RFC 5988 Link with
//     first/prev/next/last keeping the /api/v3 prefix; PR files capped at
//     3,000, compare files at 300, directory listings at 1,000.
//   - Files: status added/modified/removed/renamed/changed, patch without
//     file headers, no patch for binary files or diffs over 1 MiB / 20,000
//     lines (configurable).
//   - Contents: JSON content only up to 1 MB (encoding "none" above), raw
//     media type, 100 MB ceiling; blobs: JSON or raw with Range.
//   - Check runs: name and head_sha required, head_sha must be a commit,
//     status and conclusion values, conclusion ⇒ completed, completed needs
//     a conclusion, output title and summary required, summary and text
//     ≤ 65,535 characters and ≤ 65,535 bytes of UTF-8 (GitHub checks both),
//     ≤ 50 annotations a request (appended across
//     requests), annotation fields and levels, columns only on one line,
//     ≤ 3 actions with label ≤ 20, description ≤ 40, identifier ≤ 20.
//   - Reviews: event values, body rules, commit_id must be a head the PR
//     had; every comment must sit on a line of its file's diff on its side
//     (multi-line: both ends in the same hunk, start before end; legacy
//     position inside the patch) or the whole review is rejected with 422
//     and nothing is stored. Each reply is its own COMMENTED review.
//   - Bodies ≤ 65,536 characters; reactions from the allowed set (201 new,
//     200 existing).
//   - Merging: 405 unless every required check has a completed success,
//     neutral or skipped latest run on the head SHA; 409 on a stale sha;
//     405 for drafts and closed PRs.
//   - Rate limits: x-ratelimit-* headers on every answer, a primary budget
//     (12,500/hour), content-creation secondary limits (80/minute,
//     500/hour on reviews, comments, replies, reactions), optional REST
//     points limit (900/minute), injected faults (403/429 secondary limit
//     with retry-after, primary 403, 502, 503, delays) and Hold gates.
package fakegithub
