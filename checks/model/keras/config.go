package keras

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Bounds of one configuration.
const (
	maxDepth   = 256
	maxObjects = 1_000_000
)

// ErrLimit wraps bounds hit while walking a configuration.
var ErrLimit = errors.New("limit")

// Problem is one finding in a configuration.
type Problem struct {
	Rule     string
	Severity checks.Severity
	Message  string
	Evidence string
}

// trustedModules are the packages whose classes Keras configs legitimately
// name: Keras itself, TensorFlow and the Keras-family libraries.
var trustedModules = []string{"keras", "tensorflow", "tf_keras", "keras_nlp", "keras_cv", "keras_hub", "tensorflow_hub"}

// dangerousModules run commands, evaluate code, load native code or touch
// files and the network when a callable of theirs is imported and called.
var dangerousModules = map[string]bool{
	"os": true, "posix": true, "nt": true, "subprocess": true, "builtins": true, "__builtin__": true,
	"sys": true, "shutil": true, "socket": true, "importlib": true, "runpy": true, "pickle": true,
	"_pickle": true, "marshal": true, "code": true, "codeop": true, "ctypes": true, "pty": true,
	"commands": true, "webbrowser": true, "urllib": true, "requests": true, "http": true, "httpx": true,
	"pathlib": true, "io": true, "_io": true, "shelve": true, "dill": true, "cloudpickle": true,
	"joblib": true, "platform": true, "multiprocessing": true, "asyncio": true, "pdb": true,
	"timeit": true, "cProfile": true, "profile": true, "trace": true, "pydoc": true, "tempfile": true,
	"operator": true, "functools": true, "types": true, "inspect": true, "numpy.testing": true,
}

// dangerousNames in Lambda bytecode: names a harmless preprocessing lambda
// has no reason to mention.
var dangerousNames = map[string]bool{
	"os": true, "system": true, "popen": true, "subprocess": true, "exec": true, "eval": true,
	"__import__": true, "compile": true, "open": true, "builtins": true, "__builtins__": true,
	"socket": true, "urllib": true, "requests": true, "pty": true, "spawn": true, "check_output": true,
	"Popen": true, "getattr": true, "globals": true, "environ": true, "getenv": true, "rmtree": true,
	"remove": true, "unlink": true, "marshal": true, "pickle": true, "loads": true, "ctypes": true,
	"importlib": true, "import_module": true, "urlopen": true, "execve": true, "spawnv": true,
}

func trusted(module string) bool {
	for _, t := range trustedModules {
		if module == t || strings.HasPrefix(module, t+".") {
			return true
		}
	}
	return false
}

func dangerous(module string) bool {
	for m := module; m != ""; {
		if dangerousModules[m] {
			return true
		}
		i := strings.LastIndexByte(m, '.')
		if i < 0 {
			break
		}
		m = m[:i]
	}
	return dangerousModules[strings.SplitN(module, ".", 2)[0]]
}

// walker visits every serialised object of a configuration.
type walker struct {
	where   string // "model_config", "config.json"…
	objects int
	probs   []Problem
}

// AnalyseConfig walks a Keras model configuration (model_config of an HDF5
// file, config.json of a .keras archive, a layer's metadata in a
// SavedModel) and reports Lambda layers, foreign modules and TFSMLayer
// paths anywhere in it: nested models, wrappers, initializers, activations.
func AnalyseConfig(raw []byte, where string) ([]Problem, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", where, err)
	}
	w := &walker{where: where}
	err := w.walk(v, nil, 0)
	return w.probs, err
}

func (w *walker) add(rule string, sev checks.Severity, ev, format string, a ...any) {
	w.probs = append(w.probs, Problem{Rule: rule, Severity: sev, Evidence: ev, Message: fmt.Sprintf(format, a...)})
}

// walk visits v; trail holds the names of the enclosing layers.
func (w *walker) walk(v any, trail []string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%s nested more than %d deep: %w", w.where, maxDepth, ErrLimit)
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			if err := w.walk(e, trail, depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		w.objects++
		if w.objects > maxObjects {
			return fmt.Errorf("%s has more than %d objects: %w", w.where, maxObjects, ErrLimit)
		}
		if cls, ok := x["class_name"].(string); ok {
			trail = append(trail, layerName(x, cls))
			w.object(x, cls, trail)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys) // findings in a stable order
		for _, k := range keys {
			if err := w.walk(x[k], trail, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

func layerName(obj map[string]any, cls string) string {
	if cfg, ok := obj["config"].(map[string]any); ok {
		if n, ok := cfg["name"].(string); ok && n != "" {
			return fmt.Sprintf("%s %q", cls, n)
		}
	}
	return cls
}

// object checks one serialised object {class_name, config, module, registered_name}.
func (w *walker) object(obj map[string]any, cls string, trail []string) {
	at := strings.Join(trail, " › ")
	module, _ := obj["module"].(string)
	cfg, _ := obj["config"].(map[string]any)
	switch cls {
	case "Lambda":
		w.lambda(cfg, at)
	case "TFSMLayer":
		if p, ok := cfg["filepath"].(string); ok && outside(p) {
			w.add(RuleTFSMLayer, checks.SeverityHigh, "TFSMLayer "+p,
				"%s: TFSMLayer loads and runs the SavedModel at %q, outside the model archive, when %s is loaded.", at, p, w.where)
		}
	}
	if module != "" && !trusted(module) && module != "__main__" {
		callable := module + "." + cls
		if cls == "function" {
			if name, ok := obj["config"].(string); ok {
				callable = module + "." + name
			}
		}
		if dangerous(module) {
			w.add(RuleModule, checks.SeverityCritical, callable,
				"%s: the config names %s; Keras imports %q and calls %s while loading the model — code execution "+
					"even with safe_mode=True (CVE-2025-1550).", at, callable, module, callable)
		} else {
			w.add(RuleModule, checks.SeverityMedium, callable,
				"%s: the config names the custom object %s; load_model imports module %q and runs its code. "+
					"Make sure it is your own, reviewed package.", at, callable, module)
		}
	}
	if reg, ok := obj["registered_name"].(string); ok {
		if pkg, name, found := strings.Cut(reg, ">"); found && dangerous(pkg) {
			w.add(RuleModule, checks.SeverityCritical, reg,
				"%s: registered_name %q resolves to %s.%s, a callable that runs code.", at, reg, pkg, name)
		}
	}
}

// lambda reports a Lambda layer by what its function is.
func (w *walker) lambda(cfg map[string]any, at string) {
	fn := cfg["function"]
	module, _ := cfg["module"].(string)
	var code string
	switch f := fn.(type) {
	case []any: // Keras 2: [base64 marshal, defaults, closure]
		if len(f) > 0 {
			code, _ = f[0].(string)
		}
	case map[string]any: // Keras 3: {"class_name": "__lambda__", "config": {"code": …}}
		if c, ok := f["config"].(map[string]any); ok {
			code, _ = c["code"].(string)
		}
		if code == "" {
			return // a named function object; its module is checked as an object
		}
	case string:
		if cfg["function_type"] == "lambda" || !dottedName(f) {
			code = f
			break
		}
		callable := f
		if module != "" {
			callable = module + "." + f
		}
		if dangerous(module) || dangerousNames[f] {
			w.add(RuleLambda, checks.SeverityCritical, "Lambda "+callable,
				"%s: the Lambda layer calls %s on every input, imported by name when the model is loaded.", at, callable)
			return
		}
		w.add(RuleLambda, checks.SeverityMedium, "Lambda "+callable,
			"%s: the Lambda layer calls the function %s, looked up by name at load time; whatever defines that name runs.", at, callable)
		return
	default:
		w.add(RuleLambda, checks.SeverityHigh, "Lambda",
			"%s: Lambda layer with a function Keras would deserialise at load time.", at)
		return
	}
	names := bytecodeNames(code)
	if len(names) > 0 {
		w.add(RuleLambda, checks.SeverityCritical, "Lambda bytecode "+strings.Join(names, ","),
			"%s: the Lambda layer holds Python code (marshalled bytecode or source) that refers to %s. load_model runs it "+
				"(Keras 2 always, Keras 3 with safe_mode=False): code execution when the model is loaded.", at, strings.Join(names, ", "))
		return
	}
	w.add(RuleLambda, checks.SeverityHigh, "Lambda bytecode",
		"%s: the Lambda layer holds %d bytes of Python code (marshalled bytecode or source) that load_model runs "+
			"(Keras 2 always, Keras 3 with safe_mode=False). It cannot be reviewed as source.", at, len(code))
}

// bytecodeNames decodes the base64 marshal data and returns the dangerous
// identifiers among its strings. Marshal writes each name as a type byte
// ('z'/'Z' with a 1-byte length, 'a'/'A'/'u'/'t' with a 4-byte length,
// optionally with the 0x80 reference flag) followed by the characters;
// every offset is tried, which finds the names of nested code objects too.
func bytecodeNames(b64 string) []string {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return sourceNames(b64) // source text rather than marshal data
	}
	seen := map[string]bool{}
	var out []string
	for i := 0; i < len(raw); i++ {
		var n, p int
		switch raw[i] &^ 0x80 {
		case 'z', 'Z':
			if i+1 >= len(raw) {
				continue
			}
			n, p = int(raw[i+1]), i+2
		case 'a', 'A', 'u', 't':
			if i+5 > len(raw) {
				continue
			}
			n = int(uint32(raw[i+1]) | uint32(raw[i+2])<<8 | uint32(raw[i+3])<<16 | uint32(raw[i+4])<<24)
			p = i + 5
		default:
			continue
		}
		if n <= 0 || n > 64 || p+n > len(raw) {
			continue
		}
		if s := string(raw[p : p+n]); dangerousNames[s] && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// sourceNames returns the dangerous identifiers of Python source text.
func sourceNames(src string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range strings.FieldsFunc(src, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		if dangerousNames[w] && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}

// dottedName reports whether s is a Python dotted name (a function reference).
func dottedName(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || part[0] >= '0' && part[0] <= '9' {
			return false
		}
		for _, r := range part {
			if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// outside reports whether a TFSMLayer path leaves the archive's folder.
func outside(p string) bool {
	if strings.Contains(p, "://") || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "\\") ||
		strings.HasPrefix(p, "~") || (len(p) > 1 && p[1] == ':') {
		return true
	}
	c := path.Clean(strings.ReplaceAll(p, "\\", "/"))
	return c == ".." || strings.HasPrefix(c, "../")
}
