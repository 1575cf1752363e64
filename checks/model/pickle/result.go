// Package pickle is a symbolic pickle machine: it decodes every opcode of
// protocols 0–5 from a stream and drives an abstract stack and memo the way
// CPython's _pickle.c does, without importing or calling anything. It records
// every global a stream imports, how each is called and the arguments it
// could resolve, so that a policy can judge what loading the file would do.
package pickle

import "fmt"

// Limits bound the work spent on one file. Zero fields take defaults.
type Limits struct {
	MaxOpcodes     int64 // opcodes per stream
	MaxMemo        int   // memo entries per stream
	MaxStack       int   // stack depth (values plus marks)
	MaxStringBytes int64 // bytes of string/bytes operands kept for resolution, per analysis
	MaxDepth       int   // nested payloads (pickle.loads of embedded bytes)
	MaxBytes       int64 // bytes read in total (0: unbounded)
	MaxStreams     int   // pickle streams per file
	// MaxMemoryBytes is the memory budget of one file's analysis (memo,
	// stack, strings, containers, calls, globals, nested payloads).
	MaxMemoryBytes int64
}

// DefaultLimits fit real checkpoints.
var DefaultLimits = Limits{
	MaxOpcodes:     200_000_000,
	MaxMemo:        64 << 20,
	MaxStack:       1_000_000,
	MaxStringBytes: 16 << 20,
	MaxDepth:       4,
	MaxStreams:     10_000,
	MaxMemoryBytes: 512 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxOpcodes > 0 {
		d.MaxOpcodes = l.MaxOpcodes
	}
	if l.MaxMemo > 0 {
		d.MaxMemo = l.MaxMemo
	}
	if l.MaxStack > 0 {
		d.MaxStack = l.MaxStack
	}
	if l.MaxStringBytes > 0 {
		d.MaxStringBytes = l.MaxStringBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxStreams > 0 {
		d.MaxStreams = l.MaxStreams
	}
	if l.MaxMemoryBytes > 0 {
		d.MaxMemoryBytes = l.MaxMemoryBytes
	}
	return d
}

// CallKind says how a global was invoked by the unpickler.
type CallKind string

// The ways an unpickler invokes a global.
const (
	CallReduce    CallKind = "REDUCE"    // callable(*args)
	CallNewObj    CallKind = "NEWOBJ"    // cls.__new__(cls, *args)
	CallNewObjEx  CallKind = "NEWOBJ_EX" // cls.__new__(cls, *args, **kwargs)
	CallInst      CallKind = "INST"      // cls(*args), protocol 0
	CallObj       CallKind = "OBJ"       // cls(*args), protocol 1
	CallBuild     CallKind = "BUILD"     // obj.__setstate__(state) on an instance of the global
	CallAppend    CallKind = "APPEND"    // obj.append/extend on an instance of the global
	CallSetItem   CallKind = "SETITEM"   // obj.__setitem__ on an instance of the global
	CallAddItems  CallKind = "ADDITEMS"  // obj.add on an instance of the global
	CallPersLoad  CallKind = "PERSID"    // persistent_load(pid): the loader's hook
	CallExtension CallKind = "EXT"       // extension registry lookup
)

// Call is one invocation of a global.
type Call struct {
	Kind   CallKind
	Offset int64  // offset of the opcode that made the call
	Args   string // the arguments as far as they resolve, Python-like
	// CustomState is set for a BUILD whose state is not what the default
	// object.__setstate__ accepts (a dict, or a (dict, dict) pair): the
	// class must define __setstate__, which runs with that argument.
	CustomState bool
	// FirstArgNone is set when the first argument is None (dateutil's
	// tzfile reads the file its first argument names unless it is None).
	FirstArgNone bool
}

// Global is one distinct global a file imports.
type Global struct {
	Module, Name string
	Offset       int64  // offset of the first import opcode
	Opcode       string // GLOBAL, STACK_GLOBAL, INST, EXT1… or "getattr"/"__import__" when synthesised
	Imports      int    // how many times it was imported
	Calls        []Call // the first calls (bounded)
	CallCount    int    // all calls
	// DirectCalls counts the calls that run the global with arguments
	// (REDUCE, INST, OBJ) or a custom __setstate__ on its instance.
	DirectCalls int
	Unresolved  bool // the name could not be resolved statically (STACK_GLOBAL of unknown operands, EXT codes)
	Stream      int  // index of the stream of the first import
	// Mutated lists BUILDs applied to the global itself: the pickle sets
	// attributes of a module, class or function while loading.
	Mutated []Call
	// Targets are the attributes a getattr global resolved to (bounded);
	// ResolvedCalls counts its calls whose target resolved statically.
	Targets         []string
	ResolvedCalls   int
	UnlistedTargets int // resolved calls whose target the allowlist lacks
}

// Called reports whether the unpickler invokes the global (or an instance of it).
func (g *Global) Called() bool { return g.CallCount > 0 }

// QualName is "module.name", the way policies and messages show it.
func (g *Global) QualName() string {
	if g.Name == "" {
		return g.Module
	}
	if g.Module == "" {
		return g.Name
	}
	return g.Module + "." + g.Name
}

// Payload is a byte string that reaches a loader (pickle.loads, torch.load,
// marshal.loads…) and was analysed as a nested file.
type Payload struct {
	Loader string // qualified name of the loader global
	Offset int64  // offset of the call
	Chain  string // decoders applied, e.g. "base64.b64decode"
	Data   []byte // the decoded bytes (nil when they could not be resolved)
	Result *Result
}

// Limit names a bound that stopped the analysis.
type Limit string

// The bounds the machine enforces.
const (
	LimitOpcodes Limit = "opcodes per stream"
	LimitMemo    Limit = "memo entries"
	LimitStack   Limit = "stack depth"
	LimitStrings Limit = "retained string bytes"
	LimitDepth   Limit = "nested payload depth"
	LimitBytes   Limit = "bytes read"
	LimitStreams Limit = "streams per file"
	LimitGlobals Limit = "distinct globals"
	LimitJoblib  Limit = "joblib array whose size could not be resolved"
	LimitMemory  Limit = "memory budget"
	// LimitSharedMemory: the analyses running at the same time had taken
	// the process's pool (SetProcessMemory), and none returned enough in time.
	LimitSharedMemory Limit = "memory shared by concurrent analyses"
)

// Result is what the machine found in one file (all its streams).
type Result struct {
	Streams  int   // complete or partial streams analysed
	Opcodes  int64 // opcodes decoded in all streams
	Globals  []*Global
	Payloads []*Payload
	// Malformed is set when a stream is truncated or invalid; everything
	// found before the error is kept (a loader runs it before failing).
	Malformed *Error
	Limits    []Limit // bounds hit, in order
	Skipped   int64   // junk bytes skipped before a stream by resynchronising
	EndOffset int64   // offset just after the last STOP
	// LegacyDataEnd is where the storage data of a PyTorch legacy-format
	// file ends (0 when the file is not one); pickles after it are found
	// without reading the data.
	LegacyDataEnd int64
	// Protocol is the highest PROTO seen (0 when none).
	Protocol int
	// Sidecars are the files joblib's legacy NDArrayWrapper names: joblib.load
	// opens each, relative to the pickle's folder, with
	// numpy.load(allow_pickle=True).
	Sidecars []Sidecar

	storages []storageRef // PyTorch persistent ids, to skip legacy storage data
}

// storageRef is one ('storage', type, key, location, numel) persistent id.
type storageRef struct {
	key         string
	numel, elem int64
}

// Sidecar is one file a legacy joblib array wrapper loads.
type Sidecar struct {
	Name   string // "" when the name could not be resolved statically
	Offset int64  // offset of the BUILD that sets it
}

const maxSidecars = 1024

// Error is a malformed-stream error with its offset.
type Error struct {
	Offset int64
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func (r *Result) hitLimit(l Limit) {
	for _, x := range r.Limits {
		if x == l {
			return
		}
	}
	r.Limits = append(r.Limits, l)
}
