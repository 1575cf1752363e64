package model

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

func nemoArchive(t *testing.T, config string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, m := range []struct{ name, body string }{{"./model_config.yaml", config}, {"./notes.txt", "x"}} {
		if err := w.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A config that does not parse is not fully analysed (OmegaConf refuses
// it too): ward says so and quotes what the text mentions, and never turns
// a pattern match into a code finding.
func TestNemoConfigThatDoesNotParse(t *testing.T) {
	for _, tt := range []struct{ name, config, quoted string }{
		{"unclosed flow", "encoder: {_target_: os.system, _args_: [\"x\"]\n", "os.system"},
		{"undefined alias", "encoder:\n  _target_: *nowhere\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := check{}.Scan(context.Background(), checks.NewBytesFile("m.nemo", nemoArchive(t, tt.config)))
			if err != nil {
				t.Fatal(err)
			}
			if !has(res.Findings, want{RuleNotAnalysed, checks.SeverityHigh, "does not parse"}) {
				t.Errorf("no not-fully-analysed finding: %s", dump(res.Findings))
			}
			if tt.quoted != "" && !has(res.Findings, want{RuleNotAnalysed, checks.SeverityHigh, tt.quoted}) {
				t.Errorf("the text's target %q not quoted: %s", tt.quoted, dump(res.Findings))
			}
			for _, f := range res.Findings {
				if f.RuleID == RuleArchiveCode {
					t.Errorf("a config that does not parse gave a code finding: %s", f.Message)
				}
			}
		})
	}
}

// Targets of NeMo's stack stay clean however they are spelled; each
// other name is reported with the name.
func TestJudgeTarget(t *testing.T) {
	for _, tt := range []struct {
		config string
		sev    checks.Severity
		name   string
	}{
		{"a:\n  _target_: nemo.collections.asr.modules.ConformerEncoder\n", 0, ""},
		{"x: &x torch.optim.Adam\na:\n  _target_: *x\n", 0, ""},
		{"a:\n  _target_: ${b}\nb: lightning.pytorch.Trainer\n", 0, ""},
		{"a:\n  _target_: torch.hub.load\n", checks.SeverityCritical, "torch.hub.load"},
		{"a:\n  _target_: torch.ops.load_library\n", checks.SeverityHigh, "torch.ops.load_library"},
		{"a:\n  _target_: torch._C._jit_pass\n", checks.SeverityHigh, "torch._C._jit_pass"},
		{"a:\n  _target_: mypkg.Model\n", checks.SeverityHigh, "mypkg.Model"},
		{"a:\n  _target_: \" os.system\"\n", checks.SeverityCritical, " os.system"},
		{"a:\n  _target_: ${oc.env:X}\n", checks.SeverityHigh, "oc.env:X"},
		{"a:\n  _target_: nemo.${x}\nx: ../os\n", checks.SeverityHigh, "nemo.../os"},
		// inside NeMo's stack only classes pass: functions and methods load
		// checkpoints, pickles or a repository's code (issue 13: exact
		// names, never prefixes)
		{"a:\n  _target_: torch.load\n  _args_: [evil.pt]\n", checks.SeverityCritical, "torch.load"},
		{"a:\n  _target_: torch.jit.load\n  f: evil.pt\n", checks.SeverityCritical, "torch.jit.load"},
		{"a:\n  _target_: torch.serialization.load\n", checks.SeverityCritical, "torch.serialization.load"},
		{"a:\n  _target_: transformers.AutoModel.from_pretrained\n  pretrained_model_name_or_path: x/y\n",
			checks.SeverityHigh, "transformers.AutoModel.from_pretrained"},
		{"a:\n  _target_: transformers.pipeline\n  model: x/y\n", checks.SeverityHigh, "transformers.pipeline"},
		{"a:\n  _target_: pytorch_lightning.LightningModule.load_from_checkpoint\n  checkpoint_path: x.ckpt\n",
			checks.SeverityHigh, "pytorch_lightning.LightningModule.load_from_checkpoint"},
		{"a:\n  _target_: nemo.core.ModelPT.restore_from\n  restore_path: other.nemo\n", checks.SeverityHigh,
			"nemo.core.ModelPT.restore_from"},
		{"a:\n  _target_: torch.utils.data.get_worker_info\n", checks.SeverityHigh, "torch.utils.data.get_worker_info"},
		{"a:\n  _target_: lightning.pytorch.utilities.cloud_io._load\n", checks.SeverityHigh, "cloud_io._load"},
		{"a:\n  _target_: megatron.core.dist_checkpointing.load\n", checks.SeverityCritical, "dist_checkpointing.load"},
		{"a:\n  _target_: omegaconf.OmegaConf.load\n", checks.SeverityCritical, "omegaconf.OmegaConf.load"},
		{"target: nemo.core.ModelPT.from_pretrained\n", checks.SeverityHigh, "nemo.core.ModelPT.from_pretrained"},
		// trust_remote_code makes any class import a repository's code
		{"tok:\n  _target_: nemo.collections.common.tokenizers.AutoTokenizer\n  pretrained_model_name: x/y\n  trust_remote_code: true\n",
			checks.SeverityHigh, "trust_remote_code: true"},
		{"tok:\n  _target_: transformers.AutoTokenizer\n  trust_remote_code: \"false\"\n", checks.SeverityHigh,
			"transformers.AutoTokenizer (at tok._target_, with trust_remote_code: \"false\")"},
		{"t: &t yes\nenc:\n  _target_: transformers.AutoModel\n  trust_remote_code: *t\n", checks.SeverityHigh,
			"trust_remote_code: yes"},
		{"emb:\n  _target_: transformers.AutoModel\n  model_kwargs: {trust_remote_code: on}\n", checks.SeverityHigh,
			"model_kwargs.trust_remote_code: on"},
		{"tok:\n  _target_: transformers.AutoTokenizer\n  trust_remote_code: false\n", 0, ""},
		{"a:\n  _target_: transformers.AutoConfig\n", 0, ""},
		{"a:\n  _target_: torch.optim.lr_scheduler.CosineAnnealingLR\n", 0, ""},
	} {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("m.nemo", nemoArchive(t, tt.config)))
		if err != nil {
			t.Fatal(err)
		}
		if tt.sev == 0 {
			if len(res.Findings) > 0 {
				t.Errorf("%q: %s", tt.config, dump(res.Findings))
			}
			continue
		}
		if !has(res.Findings, want{RuleArchiveCode, tt.sev, tt.name}) {
			t.Errorf("%q: want %s naming %q: %s", tt.config, tt.sev, tt.name, dump(res.Findings))
		}
	}
}

func tarOf(t *testing.T, name, body string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	if err := w.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(body)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// YAML files of other tarballs (a Helm chart: Go templates that are not
// YAML, `target:` host names) are nobody's Hydra config: nothing to report.
func TestOtherTarballsYAML(t *testing.T) {
	for _, tt := range []struct{ name, body string }{
		{"chart/templates/deployment.yaml", "spec:\n  replicas: {{ .Values.replicas }}\n  {{- if .Values.x }}\n  x: [\n"},
		{"chart/values.yaml", "ingress:\n  target: api.example.com\n  cls: nginx.ingress\n"},
	} {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("chart.tar", tarOf(t, tt.name, tt.body)))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) > 0 {
			t.Errorf("%s: %s", tt.name, dump(res.Findings))
		}
	}
	// the same text as NeMo's config is judged
	res, _ := check{}.Scan(context.Background(), checks.NewBytesFile("m.nemo", tarOf(t, "./model_config.yaml", "target: api.example.com\n")))
	if !has(res.Findings, want{RuleArchiveCode, checks.SeverityHigh, "api.example.com"}) {
		t.Errorf("NeMo target not judged: %s", dump(res.Findings))
	}
}

// The Hydra targets of real NeMo configs (testdata/nemo/real_targets.yaml,
// one document per source file) give no finding, each as the
// model_config.yaml of its own .nemo archive.
func TestRealNemoTargets(t *testing.T) {
	b, err := os.ReadFile("testdata/nemo/real_targets.yaml")
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(b), "\n---\n")
	if len(docs) < 10 {
		t.Fatalf("%d documents, want at least 10", len(docs))
	}
	for i, doc := range docs {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("m.nemo", nemoArchive(t, doc)))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) > 0 {
			t.Errorf("document %d: %s", i, dump(res.Findings))
		}
	}
}
