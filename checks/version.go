package checks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
)

// Versioned is implemented by checks that say which version of their
// detection they run. Bump it whenever the check may report something
// different for the same bytes: the result cache key includes it, so files
// judged clean before are analysed again.
type Versioned interface {
	Version() string
}

// AnalyserVersion names what analysed a file: the build (module version and
// VCS revision, or the executable's own hash for a development build) and
// every check's name, version and rules. It is part of the result cache key
// (invariant 6): an upgrade that adds a detection re-analyses files.
func AnalyserVersion(all []Check) string {
	h := sha256.New()
	fmt.Fprintf(h, "build %s\n", buildID())
	names := make([]string, 0, len(all))
	for _, c := range all {
		v := "0"
		if vc, ok := c.(Versioned); ok {
			v = vc.Version()
		}
		var rules []string
		for _, r := range c.Rules() {
			rules = append(rules, r.ID+":"+r.Severity.String())
		}
		sort.Strings(rules)
		names = append(names, c.Name()+"@"+v+" "+strings.Join(rules, ","))
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintln(h, n)
	}
	for _, r := range coreRules {
		fmt.Fprintf(h, "core %s:%s\n", r.ID, r.Severity)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

var (
	buildOnce sync.Once
	buildVal  string
)

// buildID identifies the running build: a release's module version and
// clean VCS revision, else a hash of the executable (a development build from
// a dirty tree, or a test binary), so that no two different builds share it.
func buildID() string {
	buildOnce.Do(func() {
		if bi, ok := debug.ReadBuildInfo(); ok {
			var rev, modified string
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					rev = s.Value
				case "vcs.modified":
					modified = s.Value
				}
			}
			if rev != "" && modified == "false" {
				buildVal = bi.Main.Path + "@" + bi.Main.Version + "+" + rev
				return
			}
		}
		buildVal = "exe:" + executableHash()
	})
	return buildVal
}

func executableHash() string {
	p, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(p)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
