package keras

import (
	_ "embed"
	"strings"
)

//go:embed allowlist.txt
var allowlistText string

// allowed holds Keras's inert built-in names (allowlist.txt).
var allowed = parseAllowlist(allowlistText)

func parseAllowlist(s string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		for _, f := range strings.Fields(line) {
			out[f] = true
		}
	}
	return out
}

// unsafeKeras are names inside keras.* that a config can reach and that
// do more than compute: why each one matters.
var unsafeKeras = map[string]string{
	"get_file":                      "keras.utils.get_file downloads a URL into a path the config chooses, CVE-2025-8747",
	"enable_unsafe_deserialization": "keras.config.enable_unsafe_deserialization turns safe mode off for the rest of the load, CVE-2025-9906",
	"TorchModuleWrapper":            "torch.load of an embedded pickle, CVE-2025-49655",
	"load_model":                    "loads a second model file, with its own Lambda layers",
	"load_weights":                  "reads a file the config names",
	"TFSMLayer":                     "loads and runs a TensorFlow SavedModel",
	"JaxLayer":                      "calls the functions the config names",
	"FlaxLayer":                     "builds and calls the Flax module the config names",
	"Lambda":                        "runs a Python function",
	"deserialize_keras_object":      "deserialises a second object, with the caller's safe_mode",
	"register_keras_serializable":   "registers an arbitrary class under a Keras name",
	"set_floatx":                    "changes global Keras state while loading",
}

// coreModule: Keras itself, whose names are held against the allowlist.
func coreModule(module string) bool {
	for _, m := range []string{"keras", "tf_keras", "tensorflow"} {
		if module == m || strings.HasPrefix(module, m+".") {
			return true
		}
	}
	return false
}
