package review

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/secrets"
)

// safetensorsWith builds a one-tensor safetensors file with metadata.
func safetensorsWith(meta string) []byte {
	h := `{"__metadata__":{"note":"` + meta + `"},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`
	for len(h)%8 != 0 {
		h += " "
	}
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	return append(append(b, h...), 0, 0, 0, 0)
}

// A secret in a model's metadata is masked in the Model changes section
// and in the file comment, like in findings.
func TestModelChangesMasked(t *testing.T) {
	checks.SetMasker(secrets.Masker())
	const key = "AKIAQ3EGRD5Z7XK2M4NB"
	gh := &fileCommentGitHub{fakeGitHub: &fakeGitHub{
		PR:      PullRequest{Repo: "o/r", Number: 1, HeadSHA: "head1", BaseSHA: "base1"},
		Files:   []ChangedFile{{Path: "m.safetensors", Status: "modified", BlobSHA: "new", Size: -1}},
		Blobs:   map[string][]byte{"new": safetensorsWith("uploaded with aws_access_key_id=" + key)},
		FilesAt: map[string]map[string][]byte{"base1": {"m.safetensors": safetensorsWith("v1")}},
	}}
	res, err := Run(context.Background(), gh, Options{Checks: modelChecks()})
	if err != nil {
		t.Fatal(err)
	}
	summary := gh.run(res.CheckRunID).Output.Summary
	if !strings.Contains(summary, "`note`") {
		t.Fatalf("metadata change not shown:\n%s", summary)
	}
	if strings.Contains(summary, key) || len(gh.FileComments) != 1 || strings.Contains(gh.FileComments[0].Body, key) {
		t.Errorf("secret not masked:\n%s\n%+v", summary, gh.FileComments)
	}
}
