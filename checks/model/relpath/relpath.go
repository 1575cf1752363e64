// Package relpath judges paths a model file names for its loader to open
// next to it (ONNX external data, a TFSMLayer's SavedModel, a checkpoint
// index's shards): whether the loader could end up outside the model's
// folder.
package relpath

import "strings"

// Escapes reports paths that are absolute, climb with "..", start at a home
// directory, name a drive or a URL, hold a NUL, or use backslashes that
// Windows reads as separators to do any of that. It is strict: a ".." that
// would come back inside still counts, since no writer produces one.
func Escapes(p string) bool {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "\\") || strings.HasPrefix(p, "~") ||
		strings.Contains(p, "://") || (len(p) > 1 && p[1] == ':') || strings.ContainsRune(p, 0) {
		return true
	}
	for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if part == ".." {
			return true
		}
	}
	return false
}
