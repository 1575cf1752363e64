package app

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The ranged reader returns the object's bytes whatever the server does
// with Range: 206 blocks, or one whole-object 200 spooled once; a short or
// failed answer is an error, never silently wrong bytes.
func TestRangedReaderWhateverTheServerDoes(t *testing.T) {
	obj := make([]byte, 3*rangeBlock+1234)
	rand.New(rand.NewSource(1)).Read(obj)
	for _, tc := range []struct {
		name     string
		serve    func(w http.ResponseWriter, r *http.Request)
		spoolMax int64
		wantErr  string
		maxReqs  int64
	}{
		{"honours Range", func(w http.ResponseWriter, r *http.Request) {
			http.ServeContent(w, r, "o", time.Time{}, bytes.NewReader(obj))
		}, 1 << 20, "", 100},
		{"ignores Range", func(w http.ResponseWriter, r *http.Request) { w.Write(obj) }, 1 << 20, "", 1},
		{"ignores Range, over the spool bound", func(w http.ResponseWriter, r *http.Request) { w.Write(obj) }, 1024, "over the", 100},
		{"short whole answer", func(w http.ResponseWriter, r *http.Request) { w.Write(obj[:100]) }, 1 << 20, "sent 100 bytes", 100},
		{"502", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) }, 1 << 20, "HTTP 502", 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reqs atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reqs.Add(1)
				tc.serve(w, r)
			}))
			defer srv.Close()
			fetch := func(ctx context.Context, start, end int64) (*http.Response, error) {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
				req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, end))
				return http.DefaultClient.Do(req)
			}
			r := newRangedReader(context.Background(), int64(len(obj)), tc.spoolMax, fetch)
			got := make([]byte, len(obj))
			// Read the tail first (as a zip reader does), then the rest.
			_, errTail := r.ReadAt(got[len(obj)-500:], int64(len(obj)-500))
			_, errHead := r.ReadAt(got[:len(obj)-500], 0)
			if tc.wantErr != "" {
				if errTail == nil || !strings.Contains(errTail.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", errTail, tc.wantErr)
				}
				return
			}
			if errTail != nil || errHead != nil || !bytes.Equal(got, obj) {
				t.Fatalf("read: %v %v, bytes equal %v", errTail, errHead, bytes.Equal(got, obj))
			}
			if n := reqs.Load(); n > tc.maxReqs {
				t.Fatalf("%d requests, want at most %d", n, tc.maxReqs)
			}
		})
	}
}
