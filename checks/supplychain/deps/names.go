package deps

import (
	"regexp"
	"strings"
)

var pep503Seps = regexp.MustCompile(`[-_.]+`)

// Normalize returns the name a registry treats as identical: PEP 503 for
// PyPI (case-insensitive, runs of -_. equal), lower case for npm, as-is for Go.
func Normalize(eco Ecosystem, name string) string {
	switch eco {
	case PyPI:
		return pep503Seps.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-")
	case Npm:
		return strings.ToLower(strings.TrimSpace(name))
	}
	return strings.TrimSpace(name)
}

// validPyPIName is PEP 508's name grammar.
var validPyPIName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)
