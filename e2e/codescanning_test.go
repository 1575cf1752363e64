package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCodeScanningUpload: with `code_scanning: on` in the base branch's
// ward.yml, the review's SARIF reaches code scanning for the PR's head; the
// fake GitHub decodes and checks it as GitHub does. Without it (the PR
// reviewed first), nothing is uploaded.
func TestCodeScanningUpload(t *testing.T) {
	gh, r, w := setup(t)
	// First a PR reviewed without code_scanning (the default): no upload.
	sha0 := r.commit("other", "add loader", map[string]string{"src/other.py": "import torch\nm = torch.load(p)\n"})
	gh.OpenPR(repo, 5, "main", "other")
	w.deliver("pull_request", "d-cs-0", gh.PullRequestEvent("opened", repo, 5))
	waitConclusion(t, gh, repo, sha0, 1)

	r.commit("main", "turn on code scanning", map[string]string{".github/ward.yml": "code_scanning: on\n"})
	sha := r.commit("feature", "add loader", map[string]string{"src/loader.py": "import torch\n\nmodel = torch.load(path)\n"})
	gh.OpenPR(repo, 4, "main", "feature")
	w.deliver("pull_request", "d-cs-1", gh.PullRequestEvent("opened", repo, 4))
	waitConclusion(t, gh, repo, sha, 1)
	waitFor(t, 10*time.Second, "the SARIF upload", func() bool { return len(gh.SARIFUploads(repo)) > 0 })
	ups := gh.SARIFUploads(repo)
	if len(ups) != 1 || ups[0].CommitSHA != sha || ups[0].Ref != "refs/pull/4/head" || len(ups[0].Unplaceable) != 0 {
		t.Fatalf("uploads: %+v", ups)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(ups[0].SARIF, &log); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, res := range log.Runs[0].Results {
		pl := res.Locations[0].PhysicalLocation
		got = append(got, res.RuleID+"@"+pl.ArtifactLocation.URI+":"+itoa(pl.Region.StartLine))
	}
	if strings.Join(got, ",") != "code-torch-load-unsafe@src/loader.py:3" {
		t.Fatalf("SARIF results %v, want the torch.load on src/loader.py:3", got)
	}

}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
