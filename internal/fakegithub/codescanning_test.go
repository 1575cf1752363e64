package fakegithub

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v66/github"
)

func gzipB64(t *testing.T, s string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

func TestUploadSARIFValidatesLikeGitHub(t *testing.T) {
	f := newFixture(t)
	gh := f.client(t)
	ctx := context.Background()
	owner, name, _ := strings.Cut(testRepo, "/")
	good := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"ward"}},"results":[{"ruleId":"r","level":"error","message":{"text":"m"},` +
		`"locations":[{"physicalLocation":{"artifactLocation":{"uri":"app.py"},"region":{"startLine":3}}}]}]}]}`
	upload := func(sha, ref, sarif string) int {
		_, _, err := gh.CodeScanning.UploadSarif(ctx, owner, name, &github.SarifAnalysis{
			CommitSHA: github.String(sha), Ref: github.String(ref), Sarif: github.String(sarif)})
		if err == nil {
			return http.StatusAccepted
		}
		return statusOf(err)
	}
	tests := []struct {
		name, sha, ref, sarif string
		want                  int
	}{
		{"valid", f.head, "refs/pull/1/head", gzipB64(t, good), http.StatusAccepted},
		{"short sha", "abc123", "refs/pull/1/head", gzipB64(t, good), http.StatusUnprocessableEntity},
		{"unknown commit", strings.Repeat("a", 40), "refs/pull/1/head", gzipB64(t, good), http.StatusNotFound},
		{"bare branch name", f.head, "main", gzipB64(t, good), http.StatusUnprocessableEntity},
		{"not gzip", f.head, "refs/heads/main", base64.StdEncoding.EncodeToString([]byte(good)), http.StatusBadRequest},
		{"not base64", f.head, "refs/heads/main", "%%%", http.StatusBadRequest},
		{"SARIF 2.0", f.head, "refs/heads/main", gzipB64(t, strings.Replace(good, "2.1.0", "2.0.0", 1)), http.StatusBadRequest},
		{"no tool name", f.head, "refs/heads/main", gzipB64(t, strings.Replace(good, `"name":"ward"`, `"name":""`, 1)), http.StatusBadRequest},
		{"no location", f.head, "refs/heads/main", gzipB64(t, `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"w"}},"results":[{"ruleId":"r","message":{"text":"m"}}]}]}`), http.StatusBadRequest},
		{"line 0", f.head, "refs/heads/main", gzipB64(t, strings.Replace(good, `"startLine":3`, `"startLine":0`, 1)), http.StatusBadRequest},
	}
	for _, tt := range tests {
		if got := upload(tt.sha, tt.ref, tt.sarif); got != tt.want {
			t.Errorf("%s: HTTP %d, want %d", tt.name, got, tt.want)
		}
	}
	ups := f.s.SARIFUploads(testRepo)
	if len(ups) != 1 || ups[0].Ref != "refs/pull/1/head" || !strings.Contains(string(ups[0].SARIF), `"uri":"app.py"`) {
		t.Fatalf("stored uploads: %+v", ups)
	}
	// An absolute path is accepted, as GitHub does, and noted as unplaceable.
	upload(f.head, "refs/heads/main", gzipB64(t, strings.Replace(good, `"uri":"app.py"`, `"uri":"/tmp/x/app.py"`, 1)))
	if ups := f.s.SARIFUploads(testRepo); len(ups) != 2 || len(ups[1].Unplaceable) != 1 {
		t.Fatalf("absolute URI: %+v", ups)
	}
	// Without security_events: write, GitHub refuses.
	perms := map[string]string{"checks": "write", "contents": "read", "metadata": "read", "pull_requests": "write"}
	f.s.SetAppPermissions(perms)
	if got := upload(f.head, "refs/pull/1/head", gzipB64(t, good)); got != http.StatusForbidden {
		t.Fatalf("without security_events: HTTP %d, want 403", got)
	}
}
