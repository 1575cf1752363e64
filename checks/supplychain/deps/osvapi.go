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
}

// query returns, for each dependency, the IDs of the OSV records that affect
// it. Without an exact version OSV returns every record for the package, so
// only MAL- records (malicious in every version they list) are kept then.
func (a *osvAPI) query(ctx context.Context, deps []Dep) ([][]string, error) {
	out := make([][]string, len(deps))
	for start := 0; start < len(deps); start += maxOSVBatch {
		end := min(start+maxOSVBatch, len(deps))
		ids, err := a.batch(ctx, deps[start:end])
		if err != nil {
			return out, err
		}
		copy(out[start:end], ids)
	}
	return out, nil
}

func (a *osvAPI) batch(ctx context.Context, deps []Dep) ([][]string, error) {
	var req struct {
		Queries []osvQuery `json:"queries"`
	}
	for _, d := range deps {
		var q osvQuery
		q.Package.Name, q.Package.Ecosystem, q.Version = d.Name, string(d.Eco), d.Version
		req.Queries = append(req.Queries, q)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
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
	var res struct {
		Results []struct {
			Vulns []struct {
				ID string `json:"id"`
			} `json:"vulns"`
		} `json:"results"`
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxOSVResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("OSV querybatch: %w", err)
	}
	if len(b) > maxOSVResponseBytes {
		return nil, fmt.Errorf("OSV querybatch: response over %d bytes", maxOSVResponseBytes)
	}
	if err := json.Unmarshal(b, &res); err != nil {
		return nil, fmt.Errorf("OSV querybatch: %w", err)
	}
	if len(res.Results) != len(deps) {
		return nil, fmt.Errorf("OSV querybatch: %d results for %d queries", len(res.Results), len(deps))
	}
	out := make([][]string, len(deps))
	for i, r := range res.Results {
		for _, v := range r.Vulns {
			if deps[i].Version == "" && !strings.HasPrefix(v.ID, "MAL-") {
				continue
			}
			out[i] = append(out[i], v.ID)
		}
	}
	return out, nil
}
