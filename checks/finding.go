package checks

// Finding is one problem in one file.
type Finding struct {
	RuleID   string   `json:"rule_id"`
	Severity Severity `json:"severity"`
	Path     string   `json:"path"`
	// StartLine and EndLine are 1-based and inclusive; 0 means the finding is
	// about the whole file (an artifact), which always counts in a PR.
	StartLine int `json:"start_line,omitempty"`
	EndLine   int `json:"end_line,omitempty"`
	// Offset is a byte offset for binary formats (for example a pickle opcode).
	Offset  int64  `json:"offset,omitempty"`
	Message string `json:"message"`
	// Evidence is the offending text, already masked where it is a secret.
	// Its normalised form feeds the fingerprint, so it must not contain
	// anything that moves when unrelated lines move (line numbers).
	Evidence string `json:"evidence,omitempty"`
	// Fix overrides the rule's fix text when the finding knows better.
	Fix        string      `json:"fix,omitempty"`
	Suggestion *Suggestion `json:"suggestion,omitempty"`
	// Fingerprint identifies the finding across pushes: rule, path and the
	// normalised evidence (plus its occurrence index), never the line.
	Fingerprint string `json:"fingerprint"`
	// Suppressed is set by review/scan when a config entry, command or
	// inline comment silences the finding; SuppressedBy says which and why.
	Suppressed   bool   `json:"suppressed,omitempty"`
	SuppressedBy string `json:"suppressed_by,omitempty"`
	// Transient marks a finding that may not hold for the same bytes next
	// time (a check that failed or ran out of time, pickle analyses out of
	// their shared memory): a review does not cache it, so the next one
	// analyses the file again.
	Transient bool `json:"-"`
}

// Suggestion is a mechanical fix: replace lines StartLine..EndLine with
// Replacement. It becomes a GitHub ```suggestion block.
type Suggestion struct {
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	Replacement string `json:"replacement"`
}

// WholeFile reports whether the finding is about the file rather than lines.
func (f Finding) WholeFile() bool { return f.StartLine == 0 }
