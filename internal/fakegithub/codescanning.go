package fakegithub

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// GitHub's limits on a code scanning upload (docs: "SARIF support for code
// scanning"): 10 MB gzip-compressed, 20 runs, 25,000 results a run.
const (
	maxSARIFGzip    = 10 << 20
	maxSARIFRuns    = 20
	maxSARIFResults = 25000
	maxSARIFJSON    = 100 << 20 // decompressed, for the fake's own safety
)

// SARIFUpload is one accepted code scanning upload, decoded.
type SARIFUpload struct {
	ID        string
	CommitSHA string
	Ref       string
	ToolName  string
	SARIF     []byte // the SARIF JSON, decompressed
	// Unplaceable are location URIs code scanning cannot resolve in the
	// repository (absolute, outside it); GitHub accepts them all the same.
	Unplaceable []string
}

var (
	shaRe      = regexp.MustCompile(`^[0-9a-f]{40}$`)
	sarifRefRe = regexp.MustCompile(`^refs/(heads/.+|tags/.+|pull/[0-9]+/(head|merge))$`)
)

// handleUploadSARIF is POST /repos/{o}/{r}/code-scanning/sarifs: it checks
// what GitHub checks (a known commit, a branch or PR ref, base64 of gzip,
// the size limits, SARIF 2.1.0's shape) and answers 202 with the id.
func (s *Server) handleUploadSARIF(w http.ResponseWriter, r *http.Request, rp *repo) {
	var body struct {
		CommitSHA string `json:"commit_sha"`
		Ref       string `json:"ref"`
		SARIF     string `json:"sarif"`
		ToolName  string `json:"tool_name"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch {
	case !shaRe.MatchString(body.CommitSHA):
		writeInvalidRequest(w, fmt.Sprintf("For 'properties/commit_sha', %q is not a 40-character commit SHA.", body.CommitSHA))
		return
	case !sarifRefRe.MatchString(body.Ref):
		writeInvalidRequest(w, fmt.Sprintf("For 'properties/ref', %q is not refs/heads/<branch> or refs/pull/<number>/(head|merge).", body.Ref))
		return
	case body.SARIF == "":
		writeInvalidRequest(w, "No subschema in \"anyOf\" matched. \"sarif\" wasn't supplied.")
		return
	}
	if _, typ, _, ok := objectInfo(rp.gitDir, body.CommitSHA); !ok || typ != "commit" {
		writeError(w, http.StatusNotFound, "commit not found")
		return
	}
	gz, err := base64.StdEncoding.DecodeString(body.SARIF)
	if err != nil {
		writeError(w, http.StatusBadRequest, "sarif is not base64: "+err.Error())
		return
	}
	if len(gz) > maxSARIFGzip {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("SARIF upload is %d bytes gzipped, over the 10 MB limit", len(gz)))
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		writeError(w, http.StatusBadRequest, "sarif is not gzip-compressed: "+err.Error())
		return
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxSARIFJSON+1))
	if err != nil || len(raw) > maxSARIFJSON {
		writeError(w, http.StatusBadRequest, "sarif could not be decompressed")
		return
	}
	unplaceable, err := validateSARIF(raw)
	if err != nil {
		writeError(w, http.StatusBadRequest, "Invalid SARIF: "+err.Error())
		return
	}
	if s.sarifs == nil {
		s.sarifs = map[string][]SARIFUpload{}
	}
	up := SARIFUpload{ID: fmt.Sprintf("sarif-%d", s.newID()), CommitSHA: body.CommitSHA, Ref: body.Ref, ToolName: body.ToolName,
		SARIF: raw, Unplaceable: unplaceable}
	key := strings.ToLower(rp.fullName())
	s.sarifs[key] = append(s.sarifs[key], up)
	writeJSON(w, http.StatusAccepted, map[string]any{"id": up.ID,
		"url": fmt.Sprintf("%s/repos/%s/code-scanning/sarifs/%s", s.ts.URL, rp.fullName(), up.ID)})
}

// validateSARIF checks the parts of SARIF 2.1.0 code scanning reads: the
// version, runs with a tool name, and results with a rule, a message and
// locations it can place (a relative URI, lines from 1).
// GitHub accepts a location it cannot place in the repository (and shows
// the alert without a file); those URIs are returned for tests to check.
func validateSARIF(raw []byte) (unplaceable []string, err error) {
	var log struct {
		Version *string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region *struct {
							StartLine *int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &log); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	if log.Version == nil || *log.Version != "2.1.0" {
		return nil, fmt.Errorf("version must be 2.1.0")
	}
	if log.Runs == nil {
		return nil, fmt.Errorf("runs is required")
	}
	if len(log.Runs) > maxSARIFRuns {
		return nil, fmt.Errorf("%d runs, over the limit of %d", len(log.Runs), maxSARIFRuns)
	}
	for i, run := range log.Runs {
		if run.Tool.Driver.Name == "" {
			return nil, fmt.Errorf("runs[%d].tool.driver.name is required", i)
		}
		if len(run.Results) > maxSARIFResults {
			return nil, fmt.Errorf("runs[%d] has %d results, over the limit of %d", i, len(run.Results), maxSARIFResults)
		}
		for j, res := range run.Results {
			at := fmt.Sprintf("runs[%d].results[%d]", i, j)
			switch {
			case res.RuleID == "":
				return nil, fmt.Errorf("%s.ruleId is required", at)
			case res.Message.Text == "":
				return nil, fmt.Errorf("%s.message.text is required", at)
			case res.Level != "" && res.Level != "error" && res.Level != "warning" && res.Level != "note" && res.Level != "none":
				return nil, fmt.Errorf("%s.level %q is not a SARIF level", at, res.Level)
			case len(res.Locations) == 0:
				return nil, fmt.Errorf("%s has no location", at)
			}
			for _, loc := range res.Locations {
				pl := loc.PhysicalLocation
				if pl == nil || pl.ArtifactLocation.URI == "" {
					return nil, fmt.Errorf("%s: a location without physicalLocation.artifactLocation.uri", at)
				}
				if u := pl.ArtifactLocation.URI; !placeable(u) {
					unplaceable = append(unplaceable, u)
				}
				if pl.Region != nil && pl.Region.StartLine != nil && *pl.Region.StartLine < 1 {
					return nil, fmt.Errorf("%s: region.startLine must be at least 1", at)
				}
			}
		}
	}
	return unplaceable, nil
}

// placeable: a path relative to the repository root, as code scanning
// resolves it against the checkout.
func placeable(u string) bool {
	return u != "" && !strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "../") && u != ".." && !strings.Contains(u, "://")
}

// SARIFUploads returns the code scanning uploads a repository received.
func (s *Server) SARIFUploads(fullName string) []SARIFUpload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SARIFUpload(nil), s.sarifs[strings.ToLower(fullName)]...)
}
