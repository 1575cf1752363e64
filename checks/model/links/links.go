// Package links reports committed symbolic links that lead out of the
// repository from a folder a model loader reads by relative name. Git
// stores a link as a blob holding its target (mode 120000); a checkout
// recreates it, and the loader then follows it: an ONNX external-data file,
// Keras's model.weights.h5, a Hugging Face config.json or shard, a joblib
// sidecar that is a link to /etc/passwd, ~/.ssh or ../../other-repo reads
// that file on the machine that loads the model.
package links

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleLinkOutside is the rule this check reports.
const RuleLinkOutside = "model-symlink-outside"

var rules = []checks.Rule{{
	ID:       RuleLinkOutside,
	Title:    "Symbolic link next to a model leads out of the repository",
	Severity: checks.SeverityHigh,
	Family:   "model",
	Why: "Model loaders open files next to the model by name: ONNX external data, Keras's model.weights.h5 " +
		"and config.json, Hugging Face configs, tokenizers and safetensors shards, joblib's sidecar arrays. " +
		"Git keeps a symbolic link as a link, so a checkout recreates it and the loader follows it: a link to " +
		"an absolute path or out of the repository makes loading the model read a file of the machine that " +
		"loads it (credentials, SSH keys, /proc) into the model, or a pickle ward never saw.",
	Fix:        "Replace the link with the file itself, committed next to the model (or in Git LFS).",
	FixExample: "git rm --cached models/weights.bin\ncp /path/to/real/weights.bin models/weights.bin\ngit add models/weights.bin",
	References: []string{"CWE-59", "CWE-22", "CVE-2024-27318", "LLM03:2025"},
}}

// New returns the check.
func New() checks.Check { return check{} }

type check struct{}

func (check) Name() string         { return "model-links" }
func (check) Version() string      { return "1" }
func (check) Rules() []checks.Rule { return rules }

// Scan reports f when it is a symbolic link (the tree says so; its content
// is then the target, as git stores it) that leads out of the repository.
func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	lt, ok := f.Tree.(checks.LinkTree)
	if !ok || !maybeLink(f) {
		return checks.Result{}, nil
	}
	target, isLink, err := lt.Readlink(ctx, f.Path)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read link %s: %w", f.Path, err) // fail closed: the check errored
	}
	if !isLink {
		return checks.Result{}, nil
	}
	esc, err := checks.FollowLinks(ctx, f.Tree, f.Path, "")
	if err != nil && ctx.Err() == nil && !errors.Is(err, checks.ErrLinkLoop) {
		return checks.Result{}, fmt.Errorf("follow link %s: %w", f.Path, err)
	}
	if esc == nil {
		// inside the repository: the target is analysed where it lives
		return checks.Result{Analysed: true}, nil
	}
	where := "a path outside the repository"
	if esc.Resolved == esc.Target {
		where = "an absolute path"
	}
	via := ""
	if esc.Link != f.Path {
		via = fmt.Sprintf(" through the link %s (%q)", esc.Link, esc.Target)
	}
	dir := path.Dir(f.Path)
	reader := loaderOf(path.Base(f.Path))
	models := modelsIn(f.Tree, dir, f.Path)
	sev := checks.SeverityMedium
	why := "No model file sits in its folder, but a loader pointed at this folder would follow it."
	switch {
	case reader != "" && len(models) > 0:
		sev = checks.SeverityHigh
		why = fmt.Sprintf("%s opens a file of this name next to %s.", reader, strings.Join(models, ", "))
	case reader != "":
		sev = checks.SeverityHigh
		why = reader + " opens a file of this name from the model's folder."
	case len(models) > 0:
		sev = checks.SeverityHigh
		why = fmt.Sprintf("It sits next to %s, whose loader opens files of its folder by name.", strings.Join(models, ", "))
	}
	return checks.Result{Analysed: true, Findings: []checks.Finding{{
		RuleID: RuleLinkOutside, Severity: sev,
		Message: fmt.Sprintf("%s is a symbolic link to %q, %s%s: whatever opens it reads that file of the machine "+
			"it runs on. %s", f.Path, target, where, via, why),
		Evidence: "symlink " + f.Path + " → " + target,
	}}}, nil
}

// maxLinkBytes bounds a link's content: a path (PATH_MAX is 4096).
const maxLinkBytes = 4096

// maybeLink says whether f's content could be a link's target (one line of
// path, no NUL), so that only those files make a review list the tree.
func maybeLink(f *checks.File) bool {
	if f.Size == 0 || f.Size > maxLinkBytes {
		return false
	}
	head := f.Head(maxLinkBytes)
	return !strings.ContainsAny(string(head), "\n\x00")
}

// sidecarNames are files loaders open by exact name from the model's folder.
var sidecarNames = map[string]string{
	"model.weights.h5": "keras.saving.load_model (unzipped model folder)", "config.json": "transformers and Keras",
	"metadata.json": "keras.saving.load_model", "generation_config.json": "transformers",
	"tokenizer.json": "transformers (tokenizers)", "tokenizer_config.json": "transformers",
	"special_tokens_map.json": "transformers", "preprocessor_config.json": "transformers",
	"model.safetensors.index.json": "transformers", "pytorch_model.bin.index.json": "transformers",
	"pytorch_model.bin": "transformers (torch.load)", "model.safetensors": "transformers",
	"chat_template.jinja": "transformers", "chat_template.json": "transformers",
	"saved_model.pb": "tf.saved_model.load", "keras_metadata.pb": "tf.keras",
	"model_config.yaml": "nemo restore_from", "model_weights.ckpt": "nemo restore_from",
}

// sidecarExts are extensions of files a loader reaches by a name another
// file gives: ONNX external data, safetensors and PyTorch shards, joblib
// sidecar arrays, TensorFlow variables.
var sidecarExts = map[string]string{
	".data": "onnx.load (external data)", ".bin": "onnx.load (external data) or transformers (shards)",
	".weights": "onnx.load (external data)", ".safetensors": "transformers (index shards)",
	".npy": "joblib.load (NDArrayWrapper sidecars, numpy.load(allow_pickle=True))", ".npz": "numpy.load",
	".index": "tf.train.Checkpoint", ".onnx": "onnxruntime", ".h5": "keras / h5py", ".pt": "torch.load",
	".pth": "torch.load", ".ckpt": "torch.load", ".pkl": "pickle.load / joblib.load", ".joblib": "joblib.load",
	".gguf": "llama.cpp", ".keras": "keras.saving.load_model", ".model": "sentencepiece / transformers",
}

func loaderOf(base string) string {
	if r, ok := sidecarNames[base]; ok {
		return r
	}
	if strings.Contains(base, ".data-") { // TensorFlow variables.data-00000-of-00001
		return "tf.saved_model.load (variables)"
	}
	return sidecarExts[strings.ToLower(path.Ext(base))]
}

// modelsIn lists (at most three) files of dir, other than self, that a
// model loader would open.
func modelsIn(t checks.Tree, dir, self string) []string {
	var out []string
	for _, p := range t.Paths() {
		if p == self || path.Dir(p) != dir {
			continue
		}
		if loaderOf(path.Base(p)) == "" {
			continue
		}
		out = append(out, path.Base(p))
		if len(out) == 3 {
			break
		}
	}
	return out
}
