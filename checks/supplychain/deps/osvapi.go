package deps

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Bounds for the online OSV API.
const (
	maxOSVBatch         = 1000 // OSV's own limit of queries per querybatch call
	maxOSVResponseBytes = 32 << 20
	osvTimeout          = 20 * time.Second
	// maxOSVPages bounds how many pages of results are read for one query
	// (the first answer plus the follow-ups that carry its page_token).
	maxOSVPages = 10
)

// osvAPI queries an OSV-compatible querybatch endpoint.
type osvAPI struct {
	url    string
	client *http.Client
}

func newOSVAPI(u string) *osvAPI {
	u = strings.TrimRight(u, "/")
	if !strings.HasSuffix(u, "/querybatch") {
		u += "/v1/querybatch"
	}
	return &osvAPI{url: u, client: &http.Client{Timeout: osvTimeout}}
}

type osvQuery struct {
	Package struct {
		Name      string `json:"name"`
		Ecosystem string `json:"ecosystem"`
	} `json:"package"`
	Version string `json:"version,omitempty"`
	// PageToken asks for the next page of a query's results: the
	// next_page_token of the previous answer to the same query.
	PageToken string `json:"page_token,omitempty"`
}

// osvResult is one query's answer in a querybatch response.
type osvResult struct {
	Vulns []struct {
		ID string `json:"id"`
	} `json:"vulns"`
	NextPageToken string `json:"next_page_token"`
}

// query returns, for each dependency, the IDs of the OSV records that affect
// it. Without an exact version OSV returns every record for the package, so
// only MAL- records (malicious in every version they list) are kept then.
// On an error it still returns what it read.
func (a *osvAPI) query(ctx context.Context, deps []Dep) ([][]string, error) {
	out := make([][]string, len(deps))
	for start := 0; start < len(deps); start += maxOSVBatch {
		end := min(start+maxOSVBatch, len(deps))
		ids, err := a.batch(ctx, deps[start:end])
		copy(out[start:end], ids)
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// batch runs one querybatch call and then follows next_page_token: each
// round re-issues only the queries that returned a token, with page_token
// set, until none remains or maxOSVPages pages were read. Stopping at the
// bound is an error (the results are incomplete), not a silent truncation.
func (a *osvAPI) batch(ctx context.Context, deps []Dep) ([][]string, error) {
	out := make([][]string, len(deps))
	pending := make([]int, len(deps)) // indexes into deps still to query
	tokens := make([]string, len(deps))
	for i := range pending {
		pending[i] = i
	}
	for page := 1; len(pending) > 0; page++ {
		if err := ctx.Err(); err != nil {
			return out, fmt.Errorf("OSV querybatch: %w", err)
		}
		if page > maxOSVPages {
			return out, fmt.Errorf("OSV querybatch: %d of %d queries (%s) still had more results after %d pages; the rest were not read",
				len(pending), len(deps), pendingNames(deps, pending), maxOSVPages)
		}
		queries := make([]osvQuery, len(pending))
		for j, i := range pending {
			d := deps[i]
			queries[j].Package.Name, queries[j].Package.Ecosystem = d.Name, string(d.Eco)
			queries[j].Version, queries[j].PageToken = d.Version, tokens[i]
		}
		results, err := a.post(ctx, queries)
		if err != nil {
			return out, err
		}
		var next []int
		for j, r := range results {
			i := pending[j]
			for _, v := range r.Vulns {
				if deps[i].Version == "" && !strings.HasPrefix(v.ID, "MAL-") {
					continue
				}
				out[i] = append(out[i], v.ID)
			}
			if r.NextPageToken != "" {
				tokens[i] = r.NextPageToken
				next = append(next, i)
			}
		}
		pending = next
	}
	return out, nil
}

// pendingNames lists the packages of unfinished queries for an error message.
func pendingNames(deps []Dep, pending []int) string {
	var names []string
	for _, i := range pending[:min(len(pending), 5)] {
		names = append(names, deps[i].Name)
	}
	if len(pending) > 5 {
		names = append(names, fmt.Sprintf("%d more", len(pending)-5))
	}
	return strings.Join(names, ", ")
}

// post sends one querybatch request and returns one result per query.
func (a *osvAPI) post(ctx context.Context, queries []osvQuery) ([]osvResult, error) {
	body, err := json.Marshal(struct {
		Queries []osvQuery `json:"queries"`
	}{queries})
	if err != nil {
		return nil, fmt.Errorf("OSV request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, osvTimeout)
	defer cancel()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("OSV request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("OSV querybatch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("OSV querybatch: HTTP %d", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxOSVResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("OSV querybatch: %w", err)
	}
	if len(b) > maxOSVResponseBytes {
		return nil, fmt.Errorf("OSV querybatch: response over %d bytes", maxOSVResponseBytes)
	}
	var res struct {
		Results []osvResult `json:"results"`
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("OSV querybatch: %w", err)
	}
	if len(res.Results) != len(queries) {
		return nil, fmt.Errorf("OSV querybatch: %d results for %d queries", len(res.Results), len(queries))
	}
	return res.Results, nil
}
