package pickle

import "strings"

// Verdict is the policy's judgement of one global.
type Verdict int

// Verdicts, from harmless to dangerous.
const (
	Unknown Verdict = iota // not on either list: judged by how it is used
	Allowed                // imported by legitimate ML files
	Denied                 // a known way to run code, touch files or the network
)

// aliases maps module names that resolve to the same module (Python 2 names
// rewritten by _compat_pickle, C accelerators, os back-ends).
var aliases = map[string]string{
	"__builtin__": "builtins", "__builtins__": "builtins", "exceptions": "builtins",
	"copy_reg": "copyreg", "posix": "os", "nt": "os", "_operator": "operator",
	"_io": "io", "_pyio": "io", "_pickle": "pickle", "cPickle": "pickle",
	"_functools": "functools", "_codecs": "codecs", "commands": "subprocess",
	"_posixsubprocess": "subprocess", "httplib": "http.client", "urllib2": "urllib.request",
	"_socket": "socket", "_ctypes": "ctypes", "thread": "_thread", "Queue": "queue",
	"StringIO": "io", "cStringIO": "io", "_collections": "collections",
	"numpy._core.multiarray": "numpy.core.multiarray", "numpy._core": "numpy.core",
	"numpy._core.numeric": "numpy.core.numeric", "_asyncio": "asyncio",
}

// Canonical returns the module name that module resolves to.
func Canonical(module string) string {
	if a, ok := aliases[module]; ok {
		return a
	}
	for k, v := range aliases {
		if strings.HasPrefix(module, k+".") {
			return v + module[len(k):]
		}
	}
	return module
}

// py2Names are the Python 2 builtins that Python 3's unpickler renames
// (fix_imports, Lib/_compat_pickle.py NAME_MAPPING): protocol 0-2 files
// written by Python 3 name str as __builtin__.unicode.
var py2Names = map[string]string{"unicode": "str", "basestring": "str", "long": "int", "xrange": "range", "unichr": "chr"}

// py2Builtins rewrites builtins.<py2 name>… to the Python 3 name.
func py2Builtins(q string) string {
	rest, ok := strings.CutPrefix(q, "builtins.")
	if !ok {
		return q
	}
	first, tail, _ := strings.Cut(rest, ".")
	if n, ok := py2Names[first]; ok {
		q = "builtins." + n
		if tail != "" {
			q += "." + tail
		}
	}
	return q
}

// deny lists dangerous callables: module → names, where "*" means every
// name in the module and its sub-modules. Each entry says what it does.
var deny = map[string]struct {
	names []string
	what  string
}{
	"os":                               {[]string{"*"}, "runs commands or touches the file system"},
	"pty":                              {[]string{"*"}, "spawns a shell"},
	"subprocess":                       {[]string{"*"}, "runs a process"},
	"popen2":                           {[]string{"*"}, "runs a process"},
	"builtins":                         {[]string{"eval", "exec", "execfile", "compile", "open", "__import__", "getattr", "setattr", "delattr", "globals", "locals", "vars", "breakpoint", "input", "raw_input", "apply", "file", "reload", "execfile", "memoryview.__class__"}, "evaluates code, imports modules or reaches arbitrary attributes"},
	"runpy":                            {[]string{"*"}, "runs Python code"},
	"pip":                              {[]string{"*"}, "installs packages (runs their setup code)"},
	"ensurepip":                        {[]string{"*"}, "installs packages"},
	"venv":                             {[]string{"*"}, "creates environments and runs pip"},
	"distutils":                        {[]string{"*"}, "writes files and runs build commands"},
	"setuptools":                       {[]string{"*"}, "runs build commands"},
	"importlib":                        {[]string{"*"}, "imports arbitrary modules"},
	"imp":                              {[]string{"*"}, "imports arbitrary modules"},
	"zipimport":                        {[]string{"*"}, "imports code from archives"},
	"pkgutil":                          {[]string{"*"}, "resolves arbitrary names"},
	"pydoc":                            {[]string{"*"}, "resolves names and runs a pager command"},
	"code":                             {[]string{"*"}, "runs Python code"},
	"codeop":                           {[]string{"*"}, "compiles Python code"},
	"timeit":                           {[]string{"*"}, "runs Python code"},
	"cProfile":                         {[]string{"*"}, "runs Python code"},
	"profile":                          {[]string{"*"}, "runs Python code"},
	"trace":                            {[]string{"*"}, "runs Python code"},
	"pdb":                              {[]string{"*"}, "runs Python code"},
	"bdb":                              {[]string{"*"}, "runs Python code"},
	"doctest":                          {[]string{"*"}, "runs Python code"},
	"idlelib":                          {[]string{"*"}, "runs Python code"},
	"lib2to3":                          {[]string{"*"}, "evaluates code"},
	"test":                             {[]string{"*"}, "runs Python subprocesses"},
	"_aix_support":                     {[]string{"*"}, "runs shell commands"},
	"_osx_support":                     {[]string{"*"}, "runs shell commands"},
	"_pyrepl":                          {[]string{"*"}, "runs commands"},
	"uuid":                             {[]string{"_get_command_stdout", "_popen", "_find_mac", "_find_mac_near_keyword", "_ifconfig_getnode", "_ip_getnode", "_arp_getnode", "_lanscan_getnode", "_netstat_getnode"}, "runs shell commands"},
	"ctypes":                           {[]string{"*"}, "calls native code"},
	"io":                               {[]string{"open", "FileIO", "open_code", "TextIOWrapper", "BufferedWriter", "BufferedReader", "BufferedRandom"}, "opens files"},
	"codecs":                           {[]string{"open", "EncodedFile"}, "opens files"},
	"logging":                          {[]string{"FileHandler", "handlers", "config", "basicConfig", "makeLogRecord"}, "writes files"},
	"logging.handlers":                 {[]string{"*"}, "writes files or opens connections"},
	"logging.config":                   {[]string{"*"}, "evaluates configuration (imports and calls)"},
	"operator":                         {[]string{"attrgetter", "methodcaller", "itemgetter", "call", "getitem", "setitem", "delitem"}, "reaches arbitrary attributes or calls methods"},
	"functools":                        {[]string{"partial", "partialmethod", "reduce", "singledispatch", "wraps"}, "builds calls to arbitrary functions"},
	"shutil":                           {[]string{"*"}, "copies, moves or deletes files"},
	"tempfile":                         {[]string{"*"}, "creates files"},
	"glob":                             {[]string{"*"}, "lists files"},
	"fileinput":                        {[]string{"*"}, "reads files"},
	"socket":                           {[]string{"*"}, "opens network connections"},
	"ssl":                              {[]string{"*"}, "opens network connections"},
	"http":                             {[]string{"*"}, "opens network connections"},
	"urllib":                           {[]string{"*"}, "opens network connections"},
	"requests":                         {[]string{"*"}, "makes HTTP requests"},
	"aiohttp":                          {[]string{"*"}, "makes HTTP requests"},
	"httpx":                            {[]string{"*"}, "makes HTTP requests"},
	"urllib3":                          {[]string{"*"}, "makes HTTP requests"},
	"ftplib":                           {[]string{"*"}, "opens network connections"},
	"smtplib":                          {[]string{"*"}, "opens network connections"},
	"telnetlib":                        {[]string{"*"}, "opens network connections"},
	"poplib":                           {[]string{"*"}, "opens network connections"},
	"imaplib":                          {[]string{"*"}, "runs commands or opens connections"},
	"nntplib":                          {[]string{"*"}, "opens network connections"},
	"xmlrpc":                           {[]string{"*"}, "opens network connections"},
	"paramiko":                         {[]string{"*"}, "opens SSH connections"},
	"webbrowser":                       {[]string{"*"}, "runs a browser command"},
	"asyncio":                          {[]string{"*"}, "runs processes or opens connections"},
	"multiprocessing":                  {[]string{"*"}, "starts processes"},
	"concurrent":                       {[]string{"*"}, "starts workers"},
	"_thread":                          {[]string{"*"}, "starts threads"},
	"threading":                        {[]string{"*"}, "starts threads"},
	"signal":                           {[]string{"*"}, "changes signal handling"},
	"sys":                              {[]string{"*"}, "changes the interpreter (modules, hooks, exit)"},
	"gc":                               {[]string{"*"}, "reaches arbitrary live objects"},
	"inspect":                          {[]string{"*"}, "reaches frames and code"},
	"types":                            {[]string{"CodeType", "FunctionType", "LambdaType", "MethodType", "ModuleType", "new_class", "SimpleNamespace.__init__"}, "builds code objects or functions"},
	"marshal":                          {[]string{"*"}, "loads code objects"},
	"pickle":                           {[]string{"*"}, "unpickles nested data (a second payload)"},
	"dill":                             {[]string{"*"}, "unpickles code (dill)"},
	"cloudpickle":                      {[]string{"*"}, "rebuilds functions from code (cloudpickle)"},
	"shelve":                           {[]string{"*"}, "opens pickle databases"},
	"joblib":                           {[]string{"load", "Parallel", "delayed", "Memory"}, "loads nested data or runs functions"},
	"numpy.testing":                    {[]string{"*"}, "runs Python code"},
	"numpy.f2py":                       {[]string{"*"}, "evaluates expressions or runs a compiler"},
	"numpy.distutils":                  {[]string{"*"}, "runs build commands"},
	"numpy":                            {[]string{"load", "loadtxt", "fromfile", "save", "savetxt", "ctypeslib", "memmap"}, "reads or writes files"},
	"numpy.lib.npyio":                  {[]string{"*"}, "reads or writes files"},
	"numpy.lib.format":                 {[]string{"read_array", "open_memmap"}, "reads files"},
	"numpy.ctypeslib":                  {[]string{"*"}, "calls native code"},
	"torch":                            {[]string{"load", "save", "hub", "package", "jit.load", "jit.unsupported_tensor_ops"}, "loads nested checkpoints or code"},
	"torch.serialization":              {[]string{"*"}, "loads a nested checkpoint (a second payload)"},
	"torch.storage":                    {[]string{"_load_from_bytes"}, "loads a nested checkpoint from bytes"},
	"torch.hub":                        {[]string{"*"}, "downloads and runs code"},
	"torch.jit.unsupported_tensor_ops": {[]string{"*"}, "runs code"},
	"torch.jit.frontend":               {[]string{"*"}, "compiles code"},
	"torch.package":                    {[]string{"*"}, "imports packaged code"},
	"torch._inductor":                  {[]string{"*"}, "compiles and loads code"},
	"torch._dynamo":                    {[]string{"*"}, "evaluates guard code"},
	"torch.fx":                         {[]string{"*"}, "evaluates generated code"},
	"torch.utils.collect_env":          {[]string{"*"}, "runs shell commands"},
	"torch.utils.bottleneck":           {[]string{"*"}, "runs Python code"},
	"torch.utils._config_module":       {[]string{"*"}, "loads configuration with pickle"},
	"torch.utils.data.datapipes":       {[]string{"*"}, "decodes data with pickle"},
	"torch.utils.cpp_extension":        {[]string{"*"}, "runs a compiler"},
	"torch._C":                         {[]string{"_jit_pass_inline", "_import_ir_module_from_package", "import_ir_module"}, "loads code"},
	"tensorflow":                       {[]string{"*"}, "runs TensorFlow ops (file and process access)"},
	"keras":                            {[]string{"*"}, "rebuilds layers (Lambda layers run code)"},
	"jinja2":                           {[]string{"*"}, "renders templates (code execution in templates)"},
	"yaml":                             {[]string{"load", "unsafe_load", "full_load", "load_all"}, "loads YAML that can construct objects"},
	"site":                             {[]string{"*"}, "changes import paths"},
	"copyreg":                          {[]string{"add_extension", "remove_extension", "clear_extension_cache", "dispatch_table"}, "changes how pickles resolve names"},
	"bz2":                              {[]string{"open", "BZ2File"}, "opens files"},
	"gzip":                             {[]string{"open", "GzipFile"}, "opens files"},
	"lzma":                             {[]string{"open", "LZMAFile"}, "opens files"},
	"zipfile":                          {[]string{"*"}, "reads or writes archives"},
	"tarfile":                          {[]string{"*"}, "reads or writes archives"},
	"sqlite3":                          {[]string{"*"}, "opens databases"},
	"pathlib":                          {[]string{"Path.write_text", "Path.write_bytes", "Path.unlink", "Path.open", "Path.read_text", "Path.read_bytes", "Path.rename", "Path.touch", "Path.mkdir", "Path.rmdir", "PosixPath.write_text", "PosixPath.unlink", "PosixPath.open"}, "touches files"},
	"dbm":                              {[]string{"*"}, "opens files"},
	"mailbox":                          {[]string{"*"}, "opens files"},
	"smtpd":                            {[]string{"*"}, "opens network services"},
	"socketserver":                     {[]string{"*"}, "opens network services"},
	"wsgiref":                          {[]string{"*"}, "opens network services"},
	"xml.sax":                          {[]string{"*"}, "parses external entities"},
	"cgi":                              {[]string{"*"}, "web handlers"},
	"platform":                         {[]string{"popen", "_syscmd_file", "_syscmd_ver", "architecture", "libc_ver"}, "runs shell commands"},
	"ctypes.util":                      {[]string{"*"}, "runs shell commands"},
	"nturl2path":                       {[]string{"*"}, "opens URLs"},
	"antigravity":                      {[]string{"*"}, "opens a browser"},
	"this":                             {[]string{"*"}, "prints text"},
	"mock":                             {[]string{"*"}, "calls arbitrary targets"},
	"unittest":                         {[]string{"*"}, "calls arbitrary targets"},
}

// loaders deserialise their argument: a byte string reaching one is a second
// payload, analysed recursively.
var loaders = map[string]bool{
	"pickle.loads": true, "pickle.load": true, "pickle._loads": true, "pickle.Unpickler": true,
	"dill.loads": true, "cloudpickle.loads": true, "joblib.load": true,
	"torch.load": true, "torch.serialization.load": true, "torch.serialization._load": true,
	"torch.storage._load_from_bytes": true, "marshal.loads": true, "numpy.load": true,
}

// decoders turn their first argument into bytes that may feed a loader.
var decoders = map[string]string{
	"base64.b64decode": "base64", "base64.standard_b64decode": "base64", "base64.urlsafe_b64decode": "base64url",
	"base64.decodebytes": "base64", "base64.decodestring": "base64", "binascii.a2b_base64": "base64",
	"base64.b32decode": "base32", "base64.b16decode": "hex", "binascii.a2b_hex": "hex", "binascii.unhexlify": "hex",
	"builtins.bytes.fromhex": "hex", "builtins.bytearray.fromhex": "hex", "base64.a85decode": "ascii85", "base64.b85decode": "base85",
	"zlib.decompress": "zlib", "gzip.decompress": "gzip", "bz2.decompress": "bz2", "lzma.decompress": "lzma",
	"codecs.encode": "latin1", "codecs.decode": "codec", "builtins.bytes": "bytes", "builtins.bytearray": "bytes",
	"io.BytesIO": "bytes",
}

// allow holds the exact globals legitimate files import (allowlist.txt):
// qualified name → how the unpickler may use it. No prefixes: a new name
// in a trusted package is judged like any other until it is reviewed.
var allow = parseAllowlist(allowlistText)

// Classify judges a global the way find_class would resolve it: module and
// dotted name, with module aliases. It returns what a denied global does.
func Classify(module, name string) (Verdict, string) {
	mod := Canonical(module)
	if _, ok := allow[py2Builtins(mod+"."+name)]; ok && name != "" {
		// an exact, reviewed entry: it may name a function of a module the
		// denylist covers as a whole (torch.serialization._get_layout)
		return Allowed, ""
	}
	if what, ok := denied(mod, name); ok {
		return Denied, what
	}
	if strings.HasPrefix(mod, "__torch__.") || mod == "__torch__" {
		// TorchScript class types: resolved by torch.jit.load's C++
		// unpickler against the archive's compiled code, and not importable
		// from Python at all
		return Allowed, ""
	}
	return Unknown, ""
}

// Use says how the allowlist lets the unpickler use a global.
type Use int

// Uses, from narrowest to widest.
const (
	UseNone Use = iota // not allowlisted
	UseNew             // referenced or instantiated (cls.__new__, BUILD with the default __setstate__)
	UseCall            // also called with arguments (REDUCE, INST, OBJ, a custom __setstate__)
)

// Allowance returns how the allowlist lets the unpickler use module.name
// (UseCall for TorchScript class types, which torch.jit.load resolves
// against the archive's own compiled code).
func Allowance(module, name string) Use {
	mod := Canonical(module)
	if u, ok := allow[py2Builtins(mod+"."+name)]; ok && name != "" {
		return u
	}
	if v, _ := Classify(module, name); v == Allowed {
		return UseCall
	}
	return UseNone
}

// denied checks every way a dotted name can resolve: the module itself and
// its parents, attributes of a denied object, and modules reached through an
// attribute (("pathlib", "os.system") is os.system).
func denied(mod, name string) (string, bool) {
	mc := strings.Split(mod, ".")
	nc := []string{}
	if name != "" {
		nc = strings.Split(name, ".")
	}
	check := func(m string, n []string) (string, bool) {
		m = Canonical(m)
		// the module or a parent package denied as a whole
		parts := strings.Split(m, ".")
		for i := len(parts); i >= 1; i-- {
			p := strings.Join(parts[:i], ".")
			if d, ok := deny[p]; ok {
				for _, x := range d.names {
					if x == "*" {
						return d.what, true
					}
					if i == len(parts) {
						for j := 1; j <= len(n); j++ {
							if x == strings.Join(n[:j], ".") {
								return d.what, true
							}
						}
					} else if x == parts[i] {
						return d.what, true
					}
				}
			}
		}
		return "", false
	}
	if w, ok := check(mod, nc); ok {
		return w, true
	}
	// sub-modules reached as attributes: ("torch", "serialization.load")
	for j := 1; j < len(nc); j++ {
		if w, ok := check(mod+"."+strings.Join(nc[:j], "."), nc[j:]); ok {
			return w, true
		}
	}
	// attribute traversal: mod.n1…nk where some n_i is a module alias
	for i := 0; i < len(nc)-1; i++ {
		m := strings.Join(nc[:i+1], ".")
		if w, ok := check(m, nc[i+1:]); ok {
			return w, true
		}
		for s := 1; s <= i; s++ {
			if w, ok := check(strings.Join(nc[s:i+1], "."), nc[i+1:]); ok {
				return w, true
			}
		}
	}
	// the module path itself may reach a denied module through a package
	// attribute of the same name (rare, but cheap to check)
	_ = mc
	return "", false
}

// classArg maps allowlisted reconstructors that instantiate a class passed
// as an argument (cls.__new__(cls), cls._simple_new(…)) to that argument's
// index.
var classArg = map[string]int{
	"numpy.core.multiarray._reconstruct": 0, "numpy.ma.core._mareconstruct": 0,
	"sklearn.neighbors._kd_tree.newObj": 0, "sklearn.neighbors._ball_tree.newObj": 0,
	"sklearn.metrics._dist_metrics.newObj": 0, "pandas.core.indexes.base._new_Index": 0,
	"pandas.core.indexes.datetimes._new_DatetimeIndex": 0, "pandas.core.indexes.interval._new_IntervalIndex": 0,
	"pandas.core.indexes.period._new_PeriodIndex": 0, "pandas._libs.arrays.__pyx_unpickle_NDArrayBacked": 0,
	"pandas._libs.interval.__pyx_unpickle_IntervalMixin": 0, "sklearn._loss._loss.__pyx_unpickle_CyHalfGammaLoss": 0,
	"sklearn._loss._loss.__pyx_unpickle_CyHalfMultinomialLoss": 0, "sklearn._loss._loss.__pyx_unpickle_CyHalfPoissonLoss": 0,
	"sklearn._loss._loss.__pyx_unpickle_CyHalfSquaredError": 0, "sklearn._loss._loss.__pyx_unpickle_CyHalfTweedieLossIdentity": 0,
	"sklearn._loss._loss.__pyx_unpickle_CyAbsoluteError": 0, "sklearn._loss._loss.__pyx_unpickle_CyHalfBinomialLoss": 0,
	"sklearn._loss._loss.__pyx_unpickle_CyHalfTweedieLoss": 0, "sklearn._loss._loss.__pyx_unpickle_CyPinballLoss": 0,
	"sklearn._loss._loss.__pyx_unpickle_CyHuberLoss": 0, "sklearn._loss._loss.__pyx_unpickle_CyExponentialLoss": 0,
	"sklearn.neighbors._kd_tree.__pyx_unpickle_KDTree": 0, "sklearn.neighbors._ball_tree.__pyx_unpickle_BallTree": 0,
	"numpy.random.bit_generator.__pyx_unpickle_SeedSequence": 0,
}

// ctorArg maps allowlisted reconstructors that call one of their arguments
// with another to (callee index, argument index): NumPy's
// __randomstate_ctor(name, ctor) and __generator_ctor(name, ctor) return
// RandomState(ctor(name)) (numpy/random/_pickle.py).
var ctorArg = map[string][2]int{
	"numpy.random._pickle.__randomstate_ctor": {1, 0}, "numpy.random._pickle.__generator_ctor": {1, 0},
}

// FirstArgMustBeNone lists allowlisted constructors that are inert only
// when their first argument is None, and what they do otherwise.
var FirstArgMustBeNone = map[string]string{
	"dateutil.tz.tz.tzfile": "opens and reads the file its first argument names",
}

// IsLoader reports whether the global deserialises its argument.
func IsLoader(qual string) bool { return loaders[canonicalQual(qual)] }

func canonicalQual(q string) string {
	i := strings.LastIndexByte(q, '.')
	if i < 0 {
		return q
	}
	// keep multi-part names (builtins.bytes.fromhex) by trying the longest
	// module that has an alias first
	return Canonical(q[:i]) + q[i:]
}
