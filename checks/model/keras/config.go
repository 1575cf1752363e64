package keras

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/relpath"
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
	where      string // "model_config", "config.json"…
	objects    int
	probs      []Problem
	lambdaDone map[uintptr]bool // Lambda configs whose function was judged
}

// AnalyseConfig walks a Keras model configuration (model_config of an HDF5
// file, config.json of a .keras archive, a layer's metadata in a
// SavedModel) and reports Lambda layers, foreign modules and TFSMLayer
// paths anywhere in it: nested models, wrappers, initializers, activations.
func AnalyseConfig(raw []byte, where string) ([]Problem, error) {
	var v any
	text, err := PythonJSONText(raw)
	if err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", where, err)
	}
	if err = json.Unmarshal(text, &v); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %w", where, err)
	}
	w := &walker{where: where, lambdaDone: map[uintptr]bool{}}
	err = w.walk(v, nil, 0)
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
		w.legacyLambdas(x, strings.Join(trail, " › "))
		if fn, ok := x["fn"].(string); ok && dottedName(fn) && strings.Contains(fn, ".") {
			i := strings.LastIndexByte(fn, '.')
			w.reference(fn[:i], fn[i+1:], strings.Join(trail, " › "), "fn "+fn)
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

// object checks one serialised object {class_name, config, module,
// registered_name}: what Keras imports and calls to rebuild it.
func (w *walker) object(obj map[string]any, cls string, trail []string) {
	at := strings.Join(trail, " › ")
	module, _ := obj["module"].(string)
	cfg, _ := obj["config"].(map[string]any)
	switch cls {
	case "Lambda":
		w.lambda(cfg, at)
	case "__lambda__":
		code, _ := cfg["code"].(string)
		w.code(code, at, "a Keras 3 __lambda__ object (Python code Keras rebuilds with safe_mode=False or after keras.config.enable_unsafe_deserialization())")
		return
	case "TFSMLayer":
		if p, ok := cfg["filepath"].(string); ok && relpath.Escapes(p) {
			w.add(RuleTFSMLayer, checks.SeverityHigh, "TFSMLayer "+p,
				"%s: TFSMLayer loads and runs the SavedModel at %q, outside the model archive, when %s is loaded.", at, p, w.where)
		}
	case "TorchModuleWrapper":
		w.torchModule(cfg, at)
	case "StringLookup", "IntegerLookup", "TextVectorization":
		if p, ok := cfg["vocabulary"].(string); ok && p != "" {
			w.add(RuleFileAccess, checks.SeverityHigh, cls+" vocabulary "+p,
				"%s: the layer's vocabulary is the path %q, which Keras reads (through tf.io.gfile: local files, "+
					"gs://, http) when the model is loaded, even with safe_mode=True: its content ends up in the model.", at, p)
		}
	default:
		if hubTokenizer(module, obj, cls) {
			// keras-hub's tokenizers take a vocabulary, merges or
			// SentencePiece proto either inline or as a path they read
			// when built (keras-hub PR #2517); what keras-hub saves
			// itself is null here, the files living in the archive's assets
			for _, k := range []string{"vocabulary", "merges", "proto"} {
				if p, ok := cfg[k].(string); ok && p != "" {
					w.add(RuleFileAccess, checks.SeverityHigh, cls+" "+k+" "+p,
						"%s: the tokenizer's %s is the path %q, which keras-hub reads (through tf.io.gfile: local files, "+
							"gs://, http) when the model is loaded (safe_mode=True did not stop it before keras-hub PR #2517): its content ends up in the model.", at, k, p)
				}
			}
		}
	}
	name := cls
	if cls == "function" {
		if n, ok := obj["config"].(string); ok {
			name = n
		}
	}
	// registered_name resolves through Keras's registry of custom objects;
	// a foreign module already says the same, so report it only next to a
	// Keras module or none
	if reg, ok := obj["registered_name"].(string); ok && reg != "" && reg != cls && reg != name &&
		(module == "" || coreModule(module) || dangerous(strings.SplitN(reg, ">", 2)[0])) {
		if pkg, rn, found := strings.Cut(reg, ">"); found {
			w.reference(pkg, rn, at, "registered_name "+reg)
		} else if !allowed[reg] && module == "" {
			w.reference("", reg, at, "registered_name "+reg)
		}
	}
	if cls == "Lambda" || cls == "TFSMLayer" || cls == "TorchModuleWrapper" {
		return // reported above by what they do
	}
	w.reference(module, name, at, "")
}

// reference judges one module + name Keras resolves while loading.
func (w *walker) reference(module, name, at, via string) {
	callable := name
	if module != "" {
		callable = module + "." + name
	}
	if via == "" {
		via = callable
	}
	switch {
	case module == "__main__":
		w.add(RuleModule, checks.SeverityMedium, callable,
			"%s: the config names %s, defined in the script that saved the model; load_model needs it passed as a custom object.", at, callable)
	case unsafeKeras[name] != "":
		w.add(RuleModule, checks.SeverityCritical, callable,
			"%s: the config names %s (%s); Keras resolves it by name while loading the model, even with safe_mode=True.", at, callable, unsafeKeras[name])
	case module == "" && allowed[name]:
	case module == "":
		// Keras 2 style: a bare class name, resolved through the objects
		// the loading code registers
		w.add(RuleModule, checks.SeverityMedium, via,
			"%s: the config names %s, which is not one of Keras's built-in layers or functions; load_model uses "+
				"whatever the loading code registers under that name.", at, name)
	case dangerous(module):
		w.add(RuleModule, checks.SeverityCritical, callable,
			"%s: the config names %s; Keras imports %q and calls %s while loading the model — code execution "+
				"even with safe_mode=True (CVE-2025-1550).", at, callable, module, callable)
	case coreModule(module):
		if !allowed[name] {
			w.add(RuleModule, checks.SeverityHigh, callable,
				"%s: the config names %s, which is not one of Keras's inert built-ins (layers, initializers, "+
					"activations, losses, metrics, optimizers): Keras imports and calls it while loading the model, and "+
					"keras.* holds functions that download files, load other models or turn safe mode off "+
					"(CVE-2025-8747, CVE-2025-9906).", at, callable)
		}
	case trusted(module):
		if !allowed[name] {
			w.add(RuleModule, checks.SeverityMedium, callable,
				"%s: the config names %s from a Keras extension library; load_model imports %q and runs its code.", at, callable, module)
		}
	case thirdParty[strings.SplitN(module, ".", 2)[0]]:
		w.add(RuleModule, checks.SeverityHigh, callable,
			"%s: the config names %s, a function or class of a general-purpose library, not a Keras layer: Keras "+
				"imports it and calls it with arguments the config chooses (numpy.load with allow_pickle, torch.load, "+
				"pandas.read_pickle run code) even with safe_mode=True (CVE-2025-1550).", at, callable)
	default:
		w.add(RuleModule, checks.SeverityMedium, callable,
			"%s: the config names the custom object %s; load_model imports module %q and runs its code. "+
				"Make sure it is your own, reviewed package.", at, callable, module)
	}
}

// thirdParty are libraries a model's own custom objects do not live in:
// a config naming them reaches their file, network or pickle functions.
var thirdParty = map[string]bool{
	"numpy": true, "scipy": true, "pandas": true, "torch": true, "sklearn": true, "jax": true, "jaxlib": true,
	"h5py": true, "PIL": true, "cv2": true, "yaml": true, "json": true, "csv": true, "sqlite3": true,
	"zipfile": true, "tarfile": true, "gzip": true, "bz2": true, "lzma": true, "base64": true, "codecs": true,
	"huggingface_hub": true, "transformers": true, "datasets": true, "safetensors": true, "onnx": true,
	"onnxruntime": true, "fsspec": true, "smart_open": true, "boto3": true, "botocore": true, "google": true,
	"urllib3": true, "aiohttp": true, "paramiko": true, "git": true, "docker": true, "setuptools": true,
	"pip": true, "distutils": true, "site": true, "glob": true, "fnmatch": true, "logging": true,
	"threading": true, "signal": true, "resource": true, "gc": true, "weakref": true, "copyreg": true,
	"atexit": true, "traceback": true, "linecache": true, "zipimport": true, "pkgutil": true,
}

// lambda reports a Lambda layer by what its function is. Marshalled
// code (Keras 2) is judged here; a Keras 3 function object ({"class_name":
// "__lambda__"} or a named function) is judged when the walk reaches it.
func (w *walker) lambda(cfg map[string]any, at string) {
	fn := cfg["function"]
	module, _ := cfg["module"].(string)
	switch f := fn.(type) {
	case []any: // Keras 2: [base64 marshal, defaults, closure]
		code := ""
		if len(f) > 0 {
			code, _ = f[0].(string)
		}
		w.lambdaDone[cfgKey(cfg)] = true
		w.code(code, at, "a Lambda layer")
	case map[string]any:
		// reached by the walk
	case string:
		w.lambdaDone[cfgKey(cfg)] = true
		if cfg["function_type"] == "lambda" || !dottedName(f) {
			w.code(f, at, "a Lambda layer")
			return
		}
		callable := f
		if module != "" {
			callable = module + "." + f
		}
		if dangerous(module) || dangerousNames[f] || unsafeKeras[f] != "" {
			w.add(RuleLambda, checks.SeverityCritical, "Lambda "+callable,
				"%s: the Lambda layer calls %s on every input, imported by name when the model is loaded.", at, callable)
			return
		}
		w.add(RuleLambda, checks.SeverityMedium, "Lambda "+callable,
			"%s: the Lambda layer calls the function %s, looked up by name at load time; whatever defines that name runs.", at, callable)
	default:
		w.add(RuleLambda, checks.SeverityHigh, "Lambda",
			"%s: Lambda layer with a function Keras would deserialise at load time.", at)
	}
}

func cfgKey(m map[string]any) uintptr { return reflect.ValueOf(m).Pointer() }

// legacyLambdas finds Keras 2 function dumps outside a Lambda layer's
// function: output_shape and mask of type "lambda", and any other key
// with a "<key>_type": "lambda" companion (custom layers, losses,
// metrics that reuse keras.utils.func_dump).
func (w *walker) legacyLambdas(x map[string]any, at string) {
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if v := x[k]; !strings.HasSuffix(k, "_type") || v != "lambda" {
			continue
		}
		key := strings.TrimSuffix(k, "_type")
		if key == "function" && w.lambdaDone[cfgKey(x)] {
			continue // judged as the Lambda layer's function
		}
		code := ""
		switch f := x[key].(type) {
		case []any:
			if len(f) > 0 {
				code, _ = f[0].(string)
			}
		case string:
			code = f
		}
		w.code(code, at, fmt.Sprintf("the %q entry (a marshalled Python lambda)", key))
	}
}

// code reports Python code (marshalled bytecode or source) in a config.
func (w *walker) code(code, at, what string) {
	names := bytecodeNames(code)
	if len(names) > 0 {
		w.add(RuleLambda, checks.SeverityCritical, "Lambda bytecode "+strings.Join(names, ","),
			"%s: %s holds Python code (marshalled bytecode or source) that refers to %s. load_model runs it "+
				"(Keras 2 always, Keras 3 with safe_mode=False): code execution when the model is loaded.", at, what, strings.Join(names, ", "))
		return
	}
	w.add(RuleLambda, checks.SeverityHigh, "Lambda bytecode",
		"%s: %s holds %d bytes of Python code (marshalled bytecode or source) that load_model runs "+
			"(Keras 2 always, Keras 3 with safe_mode=False). It cannot be reviewed as source.", at, what, len(code))
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
	if utf8.Valid(raw) && !bytes.ContainsRune(raw, 0) {
		return sourceNames(string(raw)) // base64 of source text
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

// hubTokenizer: a tokenizer class of keras-hub (or its predecessor
// keras-nlp), named by its module or its registered name.
func hubTokenizer(module string, obj map[string]any, cls string) bool {
	if !strings.HasSuffix(cls, "Tokenizer") {
		return false
	}
	reg, _ := obj["registered_name"].(string)
	for _, s := range []string{module, reg} {
		for _, p := range []string{"keras_hub", "keras_nlp"} {
			if s == p || strings.HasPrefix(s, p+".") || strings.HasPrefix(s, p+">") {
				return true
			}
		}
	}
	return false
}
