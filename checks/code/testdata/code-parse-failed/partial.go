package partial

// ok: code-parse-failed
func F() int {
	return 1 +
}
