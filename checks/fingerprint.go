package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// Fingerprint fills in the Fingerprint of each finding that has none: a hash
// of the rule, the path, the normalised evidence and the occurrence index of
// that (rule, path, evidence) triple in the file. Lines inserted above a
// finding do not change it; a second identical finding in the same file gets
// its own. The findings must all come from one file scan, in file order.
func Fingerprint(fs []Finding) {
	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		if f.Fingerprint != "" {
			continue
		}
		ev := f.Evidence
		if ev == "" {
			ev = f.Message
		}
		key := f.RuleID + "\x00" + f.Path + "\x00" + normalise(ev)
		n := seen[key]
		seen[key] = n + 1
		sum := sha256.Sum256([]byte(key + "\x00" + strconv.Itoa(n)))
		f.Fingerprint = hex.EncodeToString(sum[:10])
	}
}

// normalise folds white space so that re-indentation keeps a fingerprint.
func normalise(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
