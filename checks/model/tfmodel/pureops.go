package tfmodel

import (
	_ "embed"
	"strings"
)

//go:embed pure_ops.txt
var pureOpsText string

// pureOps are the ops known to be pure computation (pure_ops.txt).
var pureOps = func() map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(pureOpsText, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		for _, f := range strings.Fields(line) {
			out[f] = true
		}
	}
	return out
}()
