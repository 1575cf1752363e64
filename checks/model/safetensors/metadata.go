package safetensors

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// codeInMetadata matches Python, shell and HTML script that has no place
// in descriptive metadata. Plain URLs are not matched: hubs store them.
var codeInMetadata = regexp.MustCompile(`(?i)(\bimport\s+(os|subprocess|sys|socket|base64|pickle)\b|__import__|\b(exec|eval|compile)\s*\(|\bos\.(system|popen)|\bsubprocess\.|<script\b|\brm\s+-rf\b|\b(wget|curl)\s+\S+|\bchmod\s+[0-7]{3}|\|\s*(ba)?sh\b|base64\.b64decode)`)

// metadataCode reports metadata values that look like code.
func metadataCode(h *Header, prefix string) []checks.Finding {
	if h == nil {
		return nil
	}
	keys := make([]string, 0, len(h.Metadata))
	for k := range h.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var hits []string
	for _, k := range keys {
		if m := codeInMetadata.FindString(h.Metadata[k]); m != "" {
			hits = append(hits, fmt.Sprintf("%s (%q)", k, m))
		}
	}
	if len(hits) == 0 {
		return nil
	}
	return []checks.Finding{{RuleID: RuleMetadataCode, Severity: checks.SeverityLow, Offset: 8,
		Message: prefix + fmt.Sprintf("__metadata__ holds code or shell commands in %s. Loading the tensors does not run it; "+
			"a tool that renders or evaluates the metadata would.", strings.Join(hits, ", ")),
		Evidence: strings.Join(hits, ", ")}}
}
