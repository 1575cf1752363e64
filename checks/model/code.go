package model

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/hydra"
)

// maxCodeBytes bounds one code member read from an archive.
const maxCodeBytes = 4 << 20

// pyDanger are names in Python source that reach the shell, other code,
// the network or the file system.
var pyDanger = regexp.MustCompile(`\b(os\.system|os\.popen|os\.exec\w*|os\.spawn\w*|subprocess|eval|exec|__import__|compile|importlib|socket|urllib|requests|ctypes|pty|shutil\.rmtree|marshal\.loads|pickle\.loads|base64\.b64decode|builtins)\b`)

// runsModules says how each archive kind runs its Python modules.
var runsModules = map[string]string{
	"torch.package": "torch.package.PackageImporter imports it, running its top-level code, when the archive's pickles refer to it",
	"TorchServe":    "TorchServe imports it when it loads the model (the handler runs on every request)",
}

// packageModule reports a .py module of a torch.package or TorchServe
// archive, which the loader imports.
func (s *scanner) packageModule(w where, r io.Reader, kind string) {
	src, err := io.ReadAll(io.LimitReader(r, maxCodeBytes+1))
	if err != nil {
		s.readError(w, err)
		return
	}
	s.understood = true
	sev := checks.SeverityHigh
	var names []string
	seen := map[string]bool{}
	for _, m := range pyDanger.FindAllString(string(src), 64) {
		if !seen[m] {
			seen[m] = true
			names = append(names, m)
		}
	}
	sort.Strings(names)
	what := "Python module"
	if len(names) > 0 {
		sev = checks.SeverityCritical
		what = "Python module that uses " + strings.Join(names, ", ")
	}
	if len(src) > maxCodeBytes {
		what += fmt.Sprintf(" (over %d bytes; only the start was read)", maxCodeBytes)
	}
	s.codeRules(w, src)
	s.add(checks.Finding{RuleID: RuleArchiveCode, Severity: sev,
		Message: fmt.Sprintf("%sA %s inside a %s archive: %s. It is code shipped as part of a model "+
			"file, outside the reviewed source tree.", w.prefix(), what, kind, runsModules[kind]),
		Evidence: w.member + ": " + strings.Join(append([]string{kind + " module"}, names...), " ")})
}

// codeRules runs ward's source rules (the code check New was given, if
// any; checks/model cannot import it) on a module shipped in a model
// archive, and reports what they find at the member.
func (s *scanner) codeRules(w where, src []byte) {
	c := s.code
	if c == nil {
		return
	}
	name := w.member
	if i := strings.LastIndex(name, " → "); i >= 0 {
		name = name[i+len(" → "):]
	}
	f := checks.NewBytesFile(name, src)
	f.Limits = s.lim
	res, err := c.Scan(s.ctx, f)
	if err != nil {
		s.readError(w, err)
		return
	}
	for _, x := range res.Findings {
		at := w.prefix()
		if x.StartLine > 0 {
			at = fmt.Sprintf("%s (line %d): ", w.member, x.StartLine)
		}
		x.Message = at + x.Message
		x.Evidence = w.member + ": " + x.Evidence
		x.StartLine, x.EndLine, x.Offset, x.Suggestion = 0, 0, 0, nil
		s.add(x)
	}
}

// hydraTarget matches a Hydra _target_ entry in YAML (block or flow style).
// It is only a fallback, quoted in the not-fully-analysed finding of a
// config that does not parse (which OmegaConf refuses to load as well).
var hydraTarget = regexp.MustCompile(`["']?_target_["']?\s*:\s*["']?([A-Za-z_][A-Za-z0-9_.]*)`)

// nemoSafe are the packages whose classes NeMo's own fix for CVE-2025-23304
// lets restore_from instantiate (nemo.core.classes.common safe targets:
// NeMo, PyTorch, Lightning, Megatron, OmegaConf).
var nemoSafe = []string{"nemo", "torch", "pytorch_lightning", "lightning", "megatron", "omegaconf", "transformers"}

// riskyInSafe are name segments that load code, pickles or native libraries
// even inside the packages of nemoSafe (torch.utils.cpp_extension.load_inline,
// torch.ops.load_library, torch.hub.load, torch.utils.model_zoo.load_url,
// torch.package).
var riskyInSafe = map[string]bool{"load_inline": true, "load_library": true, "load_url": true,
	"load_state_dict_from_url": true, "hub": true, "cpp_extension": true, "package": true, "model_zoo": true}

// nemoConfig is the member of a .nemo archive restore_from reads.
const nemoConfig = "model_config.yaml"

// maxHydraNodes bounds the YAML nodes walked in one config.
const maxHydraNodes = 1 << 20

// hydraConfig reports the names a YAML config inside a model archive
// (NeMo's model_config.yaml) makes its loader import and call: restore_from
// hands the config to hydra.utils.instantiate (every _target_) and to
// from_config_dict (the model's target/cls class path). The YAML is parsed,
// so anchors, merge keys, escaped or quoted keys, flow style, tags and
// ${…} interpolations are seen as OmegaConf sees them.
func (s *scanner) hydraConfig(w where, b []byte, nemo bool) {
	targets, err := hydra.Targets(s.ctx, b, hydra.Limits{MaxNodes: maxHydraNodes})
	if errors.Is(err, hydra.ErrParse) && !nemo && !bytes.Contains(b, []byte("_target_")) {
		return // a YAML file of some other tarball (a Helm chart's templates): no loader instantiates it
	}
	if errors.Is(err, hydra.ErrParse) {
		s.understood = true
		what := fmt.Sprintf("the YAML config does not parse (%v), so the classes it names for Hydra were not read", err)
		if m := hydraTarget.FindAllSubmatch(b, 6); len(m) > 0 {
			var names []string
			for _, x := range m {
				names = append(names, string(x[1]))
			}
			what += "; its text mentions _target_ " + strings.Join(names, ", ")
		}
		s.limit(w, checks.SeverityHigh, what)
		return
	}
	if err != nil {
		s.limit(w, checks.SeverityHigh, "YAML config: "+err.Error())
	}
	var bad, danger []string
	for _, t := range targets {
		if t.Key != "_target_" && !nemo {
			continue // target/cls name classes only in NeMo's own config
		}
		name := fmt.Sprintf("%s (at %s)", t.Value, t.Path)
		if t.Computed != "" {
			name = fmt.Sprintf("%s (at %s, computed at load time from %q)", t.Value, t.Path, t.Computed)
		}
		if t.RemoteCode != "" {
			name = strings.TrimSuffix(name, ")") + ", with " + t.RemoteCode + ")"
		}
		switch judgeTarget(t) {
		case checks.SeverityCritical:
			danger = append(danger, name)
		case checks.SeverityHigh:
			bad = append(bad, name)
		}
	}
	if len(danger) == 0 && len(bad) == 0 {
		return
	}
	s.understood = true
	sev := checks.SeverityHigh
	list := append(danger, bad...)
	if len(danger) > 0 {
		sev = checks.SeverityCritical
	}
	if len(list) > 6 {
		list = append(list[:6:6], "…")
	}
	s.add(checks.Finding{RuleID: RuleArchiveCode, Severity: sev,
		Message: fmt.Sprintf("%sThe model config names the Hydra target(s) %s: NeMo's restore_from hands the config to "+
			"hydra.utils.instantiate, which imports and calls each _target_ while loading the model (CVE-2025-23304). "+
			"Only NeMo's, PyTorch's and Lightning's own classes belong there: no functions or methods that load files "+
			"(torch.jit.load, from_pretrained, restore_from) and no trust_remote_code, which imports a model repository's code.", w.prefix(), strings.Join(list, ", ")),
		Evidence: w.member + ": _target_ " + strings.Join(list, " ")})
}

// judgeTarget is the severity of one instantiated name: critical for names
// that run commands or code, high for anything not known to be a class of
// NeMo's stack (or computed at load time, or given trust_remote_code), 0
// for those. Inside NeMo's stack only classes pass: a function or method
// (torch.jit.load, transformers.pipeline, AutoModel.from_pretrained,
// ModelPT.restore_from, LightningModule.load_from_checkpoint) loads
// checkpoints, pickles or a repository's code with the arguments the
// config gives it.
func judgeTarget(t hydra.Target) checks.Severity {
	v := t.Value
	if dangerousTarget(v) {
		return checks.SeverityCritical
	}
	if t.Computed != "" || !validName.MatchString(v) || t.RemoteCode != "" {
		return checks.SeverityHigh
	}
	if inertTargets[v] {
		return 0
	}
	segs := strings.Split(v, ".")
	safe := false
	for _, p := range nemoSafe {
		safe = safe || segs[0] == p
	}
	for _, seg := range segs[1:] {
		if riskyInSafe[seg] || strings.HasPrefix(seg, "_") {
			safe = false
		}
	}
	if !safe || !isClassName(segs[len(segs)-1]) {
		return checks.SeverityHigh
	}
	return 0
}

// isClassName says whether a name is written as a class (PEP 8 CapWords),
// not as a function, method or module.
func isClassName(s string) bool {
	return s != "" && s[0] >= 'A' && s[0] <= 'Z'
}

// inertTargets are the exact names outside the class rule that NeMo's own
// published configs instantiate and that only build modules or read data
// (testdata/nemo/real_targets.yaml lists where each is used).
var inertTargets = map[string]bool{
	// builds a TransformerEncoderNM/DecoderNM from config_dict; it raises
	// when asked for model_name or pretrained weights, so it loads nothing
	// (nemo/collections/asr/modules/transformer/transformer_utils.py).
	// Canary's transf_decoder: examples/asr/conf/speech_multitask/fast-conformer_aed.yaml
	"nemo.collections.asr.modules.transformer.get_nemo_transformer": true,
	// NeMo's text normaliser (a class outside the nemo package) builds or
	// reads its grammar cache (.far files, no code):
	// examples/tts/conf/fastpitch_align_v1.05.yaml
	"nemo_text_processing.text_normalization.normalize.Normalizer": true,
}

// validName is a dotted Python path, as Hydra's _locate imports it.
var validName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

func dangerousTarget(t string) bool {
	root, _, _ := strings.Cut(t, ".")
	switch root {
	case "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "shutil", "socket", "importlib",
		"runpy", "pickle", "_pickle", "marshal", "code", "ctypes", "pty", "webbrowser", "urllib", "requests",
		"http", "pathlib", "io", "shelve", "dill", "cloudpickle", "joblib", "multiprocessing", "asyncio", "pdb",
		"timeit", "operator", "functools", "types", "inspect", "tempfile", "hydra", "eval", "exec":
		return true
	}
	return strings.HasSuffix(t, ".system") || strings.HasSuffix(t, ".eval") || strings.HasSuffix(t, ".exec") ||
		strings.HasSuffix(t, ".load") || strings.HasSuffix(t, ".loads")
}
