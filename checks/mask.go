package checks

import (
	"sync"
)

// Masker hides secrets in text. The secrets family provides the real one
// (gitleaks rules plus credential-looking assignments); checks cannot import
// it (imports point down), so it plugs in here.
type Masker interface {
	MaskText(text string) string
}

var (
	maskerMu sync.RWMutex
	masker   Masker
)

// SetMasker installs the masker every finding passes through (MaskFinding).
// checks/all.Default installs the secrets family's masker.
func SetMasker(m Masker) {
	maskerMu.Lock()
	defer maskerMu.Unlock()
	masker = m
}

// MaskText masks every secret in text with the installed masker. Every
// build of ward installs one (checks/all.Default does, and its test asserts
// it); a package tested alone has none, and its text passes unchanged.
func MaskText(text string) string {
	if text == "" {
		return text
	}
	maskerMu.RLock()
	m := masker
	maskerMu.RUnlock()
	if m == nil {
		return text
	}
	return m.MaskText(text)
}

// HasMasker reports whether a masker is registered.
func HasMasker() bool {
	maskerMu.RLock()
	defer maskerMu.RUnlock()
	return masker != nil
}

// MaskFinding is the one boundary every finding crosses on its way out of
// the checks (ScanFile calls it, and so does anything that builds a finding
// elsewhere): message, evidence, fix and suggestion lose any secret they
// carry, so JSON, SARIF, text, the result cache, check runs, review
// comments, logs and the LLM's input never see a raw one. A suggestion whose
// text holds a secret is dropped, not masked: applying it would replace the
// author's line with a mask.
func MaskFinding(f Finding) Finding {
	f.Message = MaskText(f.Message)
	f.Fix = MaskText(f.Fix)
	if ev := MaskText(f.Evidence); ev != f.Evidence {
		f.Evidence = ev
		f.Suggestion = nil // the offending line holds a secret
	}
	if f.Suggestion != nil && MaskText(f.Suggestion.Replacement) != f.Suggestion.Replacement {
		f.Suggestion = nil
	}
	return f
}
