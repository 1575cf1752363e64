package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestArtifactsThroughAPR sends the newer checks through the real binary
// and a pull request: Python bytecode, an LZMA-compressed PyTorch member,
// Keras attributes in HDF5 dense storage, model output run in a closure,
// and an extra package index in pip.conf. The benign dense Keras file must
// not appear at all.
func TestArtifactsThroughAPR(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("artifacts", "models and tools", map[string]string{
		"pkg/__pycache__/greet.cpython-311.pyc": readFile(t, "../checks/supplychain/testdata/greet.cpython-311.pyc"),
		"models/model.pt":                       readFile(t, "../checks/model/testdata/malicious/torch_zip_lzma.pt"),
		"models/lambda.h5":                      readFile(t, "../checks/model/testdata/formats/keras_lambda_dense.h5"),
		"models/benign.h5":                      readFile(t, "../checks/model/testdata/formats/keras_benign_dense_large.h5"),
		"pip.conf":                              "[global]\nextra-index-url = https://pkgs.internal.example/simple\n",
		"src/agent.py": `from openai import OpenAI

client = OpenAI()


def make_runner(question):
    code = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content

    def run():
        exec(code)

    return run
`,
	})
	gh.OpenPR(repo, 3, "main", "artifacts")
	if code := w.deliver("pull_request", "d-artifacts", gh.PullRequestEvent("opened", repo, 3)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure; summary:\n%s", run.Conclusion, run.Summary)
	}
	for _, rule := range []string{"binary-python-bytecode", "model-pickle-dangerous-global", "model-keras-lambda",
		"code-llm-output-exec", "deps-dependency-confusion"} {
		if !strings.Contains(run.Summary, rule) {
			t.Errorf("summary does not report %s:\n%s", rule, run.Summary)
		}
	}
	// the findings name files, so the benign one's absence means something
	// (the "Model changes" section describes every model file, benign too)
	findings, _, _ := strings.Cut(run.Summary, "### Model changes")
	if !strings.Contains(findings, "models/lambda.h5") || strings.Contains(findings, "models/benign.h5") {
		t.Errorf("the benign dense Keras file is reported:\n%s", run.Summary)
	}
}
