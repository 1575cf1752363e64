package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// A POST answered 502, 503 or 504 may or may not have been applied: GitHub's
// front end can lose the answer of a write its back end made. Repeating it
// blindly doubles check runs, reviews and comments, so before a POST is
// repeated ward looks for what it would have created and, when it exists,
// finishes with that object as if the first answer had arrived.

var (
	createCheckRunPath = regexp.MustCompile(`^(.*)/repos/([^/]+)/([^/]+)/check-runs$`)
	createReviewPath   = regexp.MustCompile(`^(.*)/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews$`)
	createCommentPath  = regexp.MustCompile(`^(.*)/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$`)
	// Repeating these changes nothing: reads over POST (GraphQL queries, the
	// LFS batch API), a new token, a reaction GitHub returns if it exists,
	// resolving a thread that is resolved.
	repeatablePost = regexp.MustCompile(`(^|/)graphql$|/app/installations/\d+/access_tokens$|/reactions$|/info/lfs/objects/batch$`)
)

// writeFinder looks for the object an uncertain POST would have created.
// found is a response standing in for the lost answer; nil means the write
// was not applied and may be sent again.
type writeFinder func(ctx context.Context, t *rateLimitTransport, req *http.Request, body []byte) (found *http.Response, err error)

// finderFor returns how to look for the result of req, and whether req may
// be repeated at all after an uncertain answer.
func finderFor(req *http.Request) (f writeFinder, repeatable bool) {
	if req.Method != http.MethodPost {
		return nil, true // GET, PATCH, PUT, DELETE: the same request twice has one effect
	}
	p := req.URL.Path
	switch {
	case repeatablePost.MatchString(p):
		return nil, true
	case createCheckRunPath.MatchString(p):
		return findCheckRun, true
	case createReviewPath.MatchString(p):
		return findReview, true
	case createCommentPath.MatchString(p):
		return findIssueComment, true
	}
	return nil, false
}

// findCheckRun finds the run by its external_id on its head SHA. A run
// created without an external_id cannot be told apart: not repeated.
func findCheckRun(ctx context.Context, t *rateLimitTransport, req *http.Request, body []byte) (*http.Response, error) {
	var in struct {
		Name       string `json:"name"`
		HeadSHA    string `json:"head_sha"`
		ExternalID string `json:"external_id"`
	}
	if json.Unmarshal(body, &in) != nil || in.ExternalID == "" || in.HeadSHA == "" {
		return nil, errNotFindable
	}
	m := createCheckRunPath.FindStringSubmatch(req.URL.Path)
	u := *req.URL
	u.Path = fmt.Sprintf("%s/repos/%s/%s/commits/%s/check-runs", m[1], m[2], m[3], in.HeadSHA)
	u.RawQuery = "filter=all&per_page=100&check_name=" + url.QueryEscape(in.Name)
	var found json.RawMessage
	err := t.pages(ctx, req, u.String(), func(raw []byte) (bool, error) {
		var page struct {
			CheckRuns []json.RawMessage `json:"check_runs"`
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			return false, err
		}
		for _, r := range page.CheckRuns {
			var run struct {
				ExternalID string `json:"external_id"`
			}
			if json.Unmarshal(r, &run) == nil && run.ExternalID == in.ExternalID {
				found = r
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil || found == nil {
		return nil, err
	}
	return synthesized(req, http.StatusCreated, found), nil
}

// reviewMarker is the fingerprint ward hides in each inline comment.
var reviewMarker = regexp.MustCompile(`<!-- ward:(?:fingerprint|advisory):[0-9a-f]+ -->`)

// findReview finds a review on the same commit with the same body whose
// comments carry the same markers.
func findReview(ctx context.Context, t *rateLimitTransport, req *http.Request, body []byte) (*http.Response, error) {
	var in struct {
		CommitID string `json:"commit_id"`
		Body     string `json:"body"`
		Comments []struct {
			Body string `json:"body"`
		} `json:"comments"`
	}
	if json.Unmarshal(body, &in) != nil {
		return nil, errNotFindable
	}
	want := map[string]bool{}
	for _, c := range in.Comments {
		for _, mk := range reviewMarker.FindAllString(c.Body, -1) {
			want[mk] = true
		}
	}
	if len(in.Comments) > 0 && len(want) == 0 {
		return nil, errNotFindable
	}
	m := createReviewPath.FindStringSubmatch(req.URL.Path)
	base := fmt.Sprintf("%s/repos/%s/%s/pulls/%s/reviews", m[1], m[2], m[3], m[4])
	u := *req.URL
	u.Path, u.RawQuery = base, "per_page=100"
	var candidates []json.RawMessage
	var ids []int64
	err := t.pages(ctx, req, u.String(), func(raw []byte) (bool, error) {
		var page []json.RawMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return false, err
		}
		for _, r := range page {
			var rv struct {
				ID       int64  `json:"id"`
				CommitID string `json:"commit_id"`
				Body     string `json:"body"`
			}
			if json.Unmarshal(r, &rv) == nil && rv.CommitID == in.CommitID && rv.Body == in.Body {
				candidates = append(candidates, r)
				ids = append(ids, rv.ID)
			}
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	for i := len(ids) - 1; i >= 0; i-- { // the newest first
		if len(want) == 0 {
			return synthesized(req, http.StatusOK, candidates[i]), nil
		}
		cu := *req.URL
		cu.Path, cu.RawQuery = fmt.Sprintf("%s/%d/comments", base, ids[i]), "per_page=100"
		have := map[string]bool{}
		err := t.pages(ctx, req, cu.String(), func(raw []byte) (bool, error) {
			var page []struct {
				Body string `json:"body"`
			}
			if err := json.Unmarshal(raw, &page); err != nil {
				return false, err
			}
			for _, c := range page {
				for _, mk := range reviewMarker.FindAllString(c.Body, -1) {
					have[mk] = true
				}
			}
			return false, nil
		})
		if err != nil {
			return nil, err
		}
		all := true
		for mk := range want {
			all = all && have[mk]
		}
		if all {
			return synthesized(req, http.StatusOK, candidates[i]), nil
		}
	}
	return nil, nil
}

// findIssueComment finds a comment with the same body posted in the last
// few minutes (ward's replies to commands).
func findIssueComment(ctx context.Context, t *rateLimitTransport, req *http.Request, body []byte) (*http.Response, error) {
	var in struct {
		Body string `json:"body"`
	}
	if json.Unmarshal(body, &in) != nil || in.Body == "" {
		return nil, errNotFindable
	}
	u := *req.URL
	u.RawQuery = "per_page=100&since=" + now().Add(-10*time.Minute).UTC().Format(time.RFC3339)
	var found json.RawMessage
	err := t.pages(ctx, req, u.String(), func(raw []byte) (bool, error) {
		var page []json.RawMessage
		if err := json.Unmarshal(raw, &page); err != nil {
			return false, err
		}
		for _, c := range page {
			var cm struct {
				Body string `json:"body"`
			}
			if json.Unmarshal(c, &cm) == nil && cm.Body == in.Body {
				found = c
			}
		}
		return false, nil
	})
	if err != nil || found == nil {
		return nil, err
	}
	return synthesized(req, http.StatusCreated, found), nil
}

// errNotFindable: the request does not say enough to look for its result.
var errNotFindable = fmt.Errorf("the write cannot be looked up")

// pages GETs next and the pages its Link headers name (at most 30), with the
// original request's credentials, until each returns true.
func (t *rateLimitTransport) pages(ctx context.Context, orig *http.Request, next string, each func([]byte) (bool, error)) error {
	for range 30 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next, nil)
		if err != nil {
			return err
		}
		for _, h := range []string{"Authorization", "Accept", "User-Agent", "X-GitHub-Api-Version"} {
			if v := orig.Header.Get(h); v != "" {
				req.Header.Set(h, v)
			}
		}
		resp, err := t.RoundTrip(req)
		if err != nil {
			return err
		}
		raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: HTTP %d", req.URL.Path, resp.StatusCode)
		}
		done, err := each(raw)
		if err != nil || done {
			return err
		}
		next = nextLink(resp.Header.Get("Link"))
		if next == "" {
			return nil
		}
	}
	return nil
}

// nextLink reads rel="next" from a Link header.
func nextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		seg := strings.Split(part, ";")
		if len(seg) < 2 || !strings.Contains(seg[1], `rel="next"`) {
			continue
		}
		return strings.Trim(strings.TrimSpace(seg[0]), "<>")
	}
	return ""
}

func synthesized(req *http.Request, status int, body []byte) *http.Response {
	return &http.Response{StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: req,
		Header:        http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Ward-Recovered": {"1"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body))}
}

// uncertain reports whether a status leaves open whether a write was applied.
func uncertain(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

// afterUncertain decides what follows an uncertain answer to req: the
// object the write created (found), a repeat (repeat true), or an error.
func (t *rateLimitTransport) afterUncertain(req *http.Request, finder writeFinder) (found *http.Response, repeat bool, err error) {
	if finder == nil {
		return nil, true, nil
	}
	var body []byte
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, false, err
		}
		body, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, false, err
		}
	}
	found, err = finder(req.Context(), t, req, body)
	if err != nil {
		return nil, false, fmt.Errorf("%s %s: GitHub's answer was lost and ward could not tell whether the write was applied: %w",
			req.Method, req.URL.Path, err)
	}
	return found, found == nil, nil
}
