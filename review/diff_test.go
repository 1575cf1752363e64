package review

import (
	"context"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// An added file is reviewed from its patch when that matches the blob id,
// and downloaded when it does not; the findings are the same.
func TestAddedFileFromPatch(t *testing.T) {
	for _, tc := range []struct {
		name, sha string
		reads     int
	}{
		{"patch matches the blob", "c61973a9d4ba237b68d0002c1a66e75e9825de24", 0},
		{"patch does not match", "0000000000000000000000000000000000000000", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := newFake("", "")
			gh.Files = []ChangedFile{{Path: "a.py", Status: "added", BlobSHA: tc.sha, Patch: "@@ -0,0 +1 @@\n+a = BAD", Size: -1}}
			gh.Blobs = map[string][]byte{tc.sha: []byte("a = BAD\n")}
			res, err := Run(context.Background(), gh, Options{Checks: []checks.Check{lineCheck{}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != 1 || res.Findings[0].StartLine != 1 || gh.BlobReads != tc.reads {
				t.Fatalf("findings %+v, %d blob reads; want one on line 1 and %d reads", res.Findings, gh.BlobReads, tc.reads)
			}
		})
	}
}
