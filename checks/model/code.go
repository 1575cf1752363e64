package model

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
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
var hydraTarget = regexp.MustCompile(`["']?_target_["']?\s*:\s*["']?([A-Za-z_][A-Za-z0-9_.]*)`)

// nemoSafe are the packages whose classes NeMo's own fix for CVE-2025-23304
// lets restore_from instantiate (nemo.core.classes.common safe targets:
// NeMo, PyTorch, Lightning, Megatron, OmegaConf).
var nemoSafe = []string{"nemo", "torch", "pytorch_lightning", "lightning", "megatron", "omegaconf", "transformers"}

// hydraConfig reports the _target_ entries of a YAML config inside a model
// archive (NeMo's model_config.yaml): restore_from passes the config to
// hydra.utils.instantiate, which imports and calls each target.
func (s *scanner) hydraConfig(w where, b []byte) {
	var bad, danger []string
	for _, m := range hydraTarget.FindAllSubmatch(b, 100000) {
		t := string(m[1])
		root, _, _ := strings.Cut(t, ".")
		ok := false
		for _, p := range nemoSafe {
			ok = ok || root == p
		}
		switch {
		case dangerousTarget(t):
			danger = append(danger, t)
		case !ok:
			bad = append(bad, t)
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
			"Only NeMo's, PyTorch's and Lightning's own classes belong there.", w.prefix(), strings.Join(list, ", ")),
		Evidence: w.member + ": _target_ " + strings.Join(list, " ")})
}

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
