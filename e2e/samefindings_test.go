package e2e

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestScanDiffAndPRReviewAgree holds `ward scan --diff` and the App's PR
// review of the same change side by side: the same findings (rule, path,
// line and fingerprint), read from the SARIF each writes (the review's goes
// to code scanning).
func TestScanDiffAndPRReviewAgree(t *testing.T) {
	gh, r, w := setup(t)
	r.commit("main", "base", map[string]string{
		".github/ward.yml": "code_scanning: on\nrules:\n  code-hub-download-unpinned:\n    severity: low\n",
		"src/train.py":     "import torch\n\nmodel = torch.load(path)\n\n\ndef run():\n    return model\n",
		"requirements.txt": "torch==2.3.1\nrequests==2.32.3\n",
	})
	sha := r.commit("feature", "the change", map[string]string{
		// Line 3's old torch.load is not part of the change; the new lines are.
		"src/train.py": "import torch\n\nmodel = torch.load(path)\n\n\ndef run():\n    return model\n\n\n" +
			"def load(blob):\n    import pickle\n    return pickle.loads(blob)\n\n\n" +
			"from transformers import AutoModel\nm = AutoModel.from_pretrained(\"acme/chat\", trust_remote_code=True)\n",
		"requirements.txt":         "torch==2.3.1\nrequests==2.32.3\nreqeusts==2.31.0\n",
		"models/classifier.pkl":    readFile(t, "../checks/model/testdata/malicious/proto0_posix_system.pkl"),
		"tools/helper":             elfBinary(t),
		".github/workflows/ci.yml": "on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n      - run: echo \"${{ github.event.pull_request.title }}\"\n",
		// A file with no other finding and a bare ignore: reported both ways.
		"src/clean.py": "def ok():\n    return 1  # ward:ignore\n",
	})

	// The App reviews the PR.
	gh.OpenPR(repo, 9, "main", "feature")
	w.deliver("pull_request", "d-same-1", gh.PullRequestEvent("opened", repo, 9))
	waitConclusion(t, gh, repo, sha, 1)
	waitFor(t, 10*time.Second, "the review's SARIF upload", func() bool { return len(gh.SARIFUploads(repo)) > 0 })
	review := sarifFindings(t, gh.SARIFUploads(repo)[0].SARIF)

	// ward scan --diff on a clone of the same change.
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command("git", "clone", "-q", "--branch", "feature", r.dir, clone).CombinedOutput(); err != nil {
		t.Fatalf("clone: %v\n%s", err, out)
	}
	cmd := exec.Command(wardBin, "scan", "--diff", "origin/main", "--format", "sarif")
	cmd.Dir = clone
	out, _ := cmd.Output()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("ward scan --diff: exit %d\n%s", code, out)
	}
	scan := sarifFindings(t, out)

	if len(review) < 6 {
		t.Fatalf("the review found only %v; the change holds at least six findings", review)
	}
	if !slices.Equal(scan, review) {
		t.Fatalf("ward scan --diff and the PR review differ:\nscan:   %s\nreview: %s", strings.Join(scan, "\n        "), strings.Join(review, "\n        "))
	}
	t.Logf("both found:\n%s", strings.Join(review, "\n"))
	if !slices.ContainsFunc(review, func(f string) bool { return strings.HasPrefix(f, "suppression-without-reason src/clean.py:2 ") }) {
		t.Errorf("the bare ward:ignore in a clean file was not reported")
	}
	for _, f := range review {
		if strings.HasPrefix(f, "code-torch-load-unsafe src/train.py:3 ") {
			t.Errorf("an unchanged line was reported: %s", f)
		}
	}
}

// sarifFindings lists "rule path:line fingerprint level" of each result.
func sarifFindings(t *testing.T, data []byte) []string {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string            `json:"ruleId"`
				Level        string            `json:"level"`
				Fingerprints map[string]string `json:"partialFingerprints"`
				Locations    []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
				Suppressions []any `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, data)
	}
	var out []string
	for _, r := range log.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		out = append(out, r.RuleID+" "+pl.ArtifactLocation.URI+":"+itoa(pl.Region.StartLine)+" "+r.Fingerprints["wardFingerprint/v1"]+" "+r.Level+" suppressed="+itoa(len(r.Suppressions)))
	}
	slices.Sort(out)
	return out
}
