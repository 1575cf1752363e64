// Package pyjson reads JSON the way Python's json module does where it is
// more lenient than Go's encoding/json: the literals NaN, Infinity and
// -Infinity, which json.dumps writes for float('nan') and float('inf') and
// json.loads accepts. A config that holds one loads in Python (Keras,
// transformers, onnx) but fails Go's decoder, which would leave it unread.
package pyjson

import "bytes"

// Literals returns b with every NaN, Infinity and -Infinity outside strings
// replaced by null, or b itself when it holds none.
func Literals(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
		case bytes.HasPrefix(b[i:], []byte("NaN")):
			out = append(out, "null"...)
			i += len("NaN") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("Infinity")):
			out = append(out, "null"...)
			i += len("Infinity") - 1
			continue
		case bytes.HasPrefix(b[i:], []byte("-Infinity")):
			out = append(out, "null"...)
			i += len("-Infinity") - 1
			continue
		}
		out = append(out, c)
	}
	return out
}

// MentionsKey is a cheap filter before decoding: whether b may hold the
// object key key. JSON may spell a key with escapes ("auto\u005fmap"),
// which Python's json decodes like any other, so text holding an escape
// is always decoded.
func MentionsKey(b []byte, key string) bool {
	return bytes.Contains(b, []byte(`"`+key+`"`)) || bytes.Contains(b, []byte(`\u`))
}
