package review

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/checks/model"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/internal/fakehub"
)

// fileCommentGitHub adds file comments to the struct fake.
type fileCommentGitHub struct {
	*fakeGitHub
	FileComments []NewComment
}

func (f *fileCommentGitHub) CreateFileComment(_ context.Context, _, path, body string) error {
	f.FileComments = append(f.FileComments, NewComment{Path: path, Body: body})
	return nil
}

// modelFixture is a file torch wrote (checks/model/modeldiff/testdata/gen.py).
func modelFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "checks", "model", "modeldiff", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// modelChecks are the checks a model review needs: the model check.
func modelChecks() []checks.Check { return []checks.Check{model.New(nil)} }

func TestModelChangesInSummaryAndComment(t *testing.T) {
	for _, tc := range []struct {
		head string
		want []string
	}{
		{"payload.pt", []string{"Calls added (run by the unpickler on load): `posix.system`", "dangerous",
			"model-pickle-dangerous-global", "Tensors: 7 → 7"}},
		{"added_tensor.pt", []string{"| added | `classifier.weight` |  | float32 [3, 2] |", "parameters 19 → 30",
			"weights only**: data changed, no new code paths", "save_file("}},
	} {
		t.Run(tc.head, func(t *testing.T) {
			gh := &fileCommentGitHub{fakeGitHub: &fakeGitHub{
				PR:      PullRequest{Repo: "o/r", Number: 1, HeadSHA: "head1", BaseSHA: "base1"},
				Files:   []ChangedFile{{Path: "models/model.pt", Status: "modified", BlobSHA: "new", Size: -1}},
				Blobs:   map[string][]byte{"new": modelFixture(t, tc.head)},
				FilesAt: map[string]map[string][]byte{"base1": {"models/model.pt": modelFixture(t, "base.pt")}},
			}}
			res, err := Run(context.Background(), gh, Options{Checks: modelChecks()})
			if err != nil {
				t.Fatal(err)
			}
			summary := gh.run(res.CheckRunID).Output.Summary
			if !strings.Contains(summary, "### Model changes") {
				t.Fatalf("no Model changes section:\n%s", summary)
			}
			if len(gh.FileComments) != 1 || gh.FileComments[0].Path != "models/model.pt" {
				t.Fatalf("file comments: %+v", gh.FileComments)
			}
			for _, want := range tc.want {
				if !strings.Contains(summary, want) {
					t.Errorf("summary lacks %q:\n%s", want, summary)
				}
				if !strings.Contains(gh.FileComments[0].Body, want) {
					t.Errorf("comment lacks %q:\n%s", want, gh.FileComments[0].Body)
				}
			}
			// the next push with the same file keeps the comment
			gh.Existing = []Comment{{ID: 9, Path: "models/model.pt", Body: gh.FileComments[0].Body, Bot: true}}
			if _, err := Run(context.Background(), gh, Options{Checks: modelChecks()}); err != nil {
				t.Fatal(err)
			}
			if len(gh.FileComments) != 1 || len(gh.Deleted) != 0 {
				t.Errorf("comment repeated or removed: %d comments, deleted %v", len(gh.FileComments), gh.Deleted)
			}
		})
	}
}

func TestHubCheckOnAddedLines(t *testing.T) {
	h := fakehub.New()
	defer h.Close()
	h.AddCommit("acme/evil", "main", map[string][]byte{"pytorch_model.bin": modelFixture(t, "payload.pt")})
	patch := "@@ -1,2 +1,4 @@\n import transformers\n+from transformers import AutoModel\n+model = AutoModel.from_pretrained(\"acme/evil\")\n old = AutoModel.from_pretrained(\"acme/evil\")"
	for _, tc := range []struct {
		name, yml string
		want      int
	}{
		{"hub_check on", "hub_check: on\n", 1},
		{"off by default", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := &fakeGitHub{
				PR:      PullRequest{Repo: "o/r", Number: 1, HeadSHA: "head1", BaseSHA: "base1"},
				Files:   []ChangedFile{{Path: "app.py", Status: "modified", BlobSHA: "new", Patch: patch}},
				Blobs:   map[string][]byte{"new": []byte("import transformers\nfrom transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"acme/evil\")\nold = AutoModel.from_pretrained(\"acme/evil\")\n")},
				FilesAt: map[string]map[string][]byte{"base1": {config.Path: []byte(tc.yml)}},
			}
			res, err := Run(context.Background(), gh, Options{Checks: []checks.Check{}, Hub: &hub.Checker{Checks: modelChecks(), Client: hub.NewClient(h.URL, "", nil)}})
			if err != nil {
				t.Fatal(err)
			}
			var unsafe []checks.Finding
			for _, f := range res.Findings {
				if f.RuleID == hub.RuleUnsafeModel {
					unsafe = append(unsafe, f)
				}
			}
			if len(unsafe) != tc.want {
				t.Fatalf("hub-model-unsafe findings %d, want %d: %+v", len(unsafe), tc.want, res.Findings)
			}
			if tc.want == 0 {
				return
			}
			if unsafe[0].StartLine != 3 || !strings.Contains(unsafe[0].Message, "posix.system") {
				t.Errorf("finding %+v", unsafe[0])
			}
			if res.Conclusion != "failure" || len(gh.Reviews) != 1 || gh.Reviews[0].Comments[0].Line != 3 {
				t.Errorf("conclusion %s, reviews %+v", res.Conclusion, gh.Reviews)
			}
		})
	}
}

func TestPatchText(t *testing.T) {
	got := string(patchText("@@ -1,2 +3,3 @@\n a\n-b\n+c\n+d\n@@ -10 +12 @@\n+e"))
	want := "\n\na\nc\nd\n\n\n\n\n\n\ne\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// An inline ward:ignore on the call's line silences a hub finding like any other.
func TestHubFindingInlineIgnore(t *testing.T) {
	h := fakehub.New()
	defer h.Close()
	h.AddCommit("acme/evil", "main", map[string][]byte{"pytorch_model.bin": modelFixture(t, "payload.pt")})
	patch := "@@ -0,0 +1,2 @@\n+from transformers import AutoModel\n+m = AutoModel.from_pretrained(\"acme/evil\")  # ward:ignore hub-model-unsafe red-team fixture, never loaded\n"
	gh := &fakeGitHub{
		PR:      PullRequest{Repo: "o/r", Number: 1, HeadSHA: "head1", BaseSHA: "base1"},
		Files:   []ChangedFile{{Path: "t.py", Status: "added", BlobSHA: "new", Patch: patch}},
		Blobs:   map[string][]byte{"new": []byte(strings.ReplaceAll(strings.TrimPrefix(patch, "@@ -0,0 +1,2 @@\n+"), "\n+", "\n"))},
		FilesAt: map[string]map[string][]byte{"base1": {config.Path: []byte("hub_check: on\n")}},
	}
	res, err := Run(context.Background(), gh, Options{Checks: []checks.Check{}, Hub: &hub.Checker{Checks: modelChecks(), Client: hub.NewClient(h.URL, "", nil)}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range res.Findings {
		if f.RuleID == hub.RuleUnsafeModel {
			found = true
			if !f.Suppressed {
				t.Errorf("not silenced: %+v", f)
			}
		}
	}
	if !found || res.Conclusion != "success" {
		t.Errorf("found %v, conclusion %s: %+v", found, res.Conclusion, res.Findings)
	}
}
