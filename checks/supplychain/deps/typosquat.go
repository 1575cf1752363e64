package deps

import (
	"strings"
	"sync"

	"github.com/hbollon/go-edlib"
)

// Squat describes why a name looks like a popular package's.
type Squat struct {
	Target string // the popular name it imitates
	How    string // "one character changed", "adjacent letters swapped", …
}

// Minimum lengths for one-edit comparisons, so that a single edit is unlikely
// to turn one legitimate short word into another ("corn" / "acorn"). Swapped
// adjacent letters are rarely a real name and count from shorter lengths.
const (
	minEditLen   = 6 // insertion, deletion, substitution; both names
	minEditLenML = 5 // the same against the curated ML names
	minSwapLen   = 5 // adjacent transposition (4 for ML names)
	minFlatLen   = 6 // separator variants, letters only
)

type squatIndex struct {
	stripped map[Ecosystem]map[string]string // name without separators → target
	variants map[Ecosystem]map[string]string // target without py/python affixes → target
	byLen    map[Ecosystem]map[int][]string
}

var (
	squatOnce sync.Once
	squatIx   *squatIndex
)

func squats() *squatIndex {
	squatOnce.Do(func() {
		p := popular()
		ix := &squatIndex{
			stripped: map[Ecosystem]map[string]string{},
			variants: map[Ecosystem]map[string]string{},
			byLen:    map[Ecosystem]map[int][]string{},
		}
		for eco, targets := range p.targets {
			ix.stripped[eco], ix.variants[eco], ix.byLen[eco] = map[string]string{}, map[string]string{}, map[int][]string{}
			for _, t := range targets {
				if _, dup := ix.stripped[eco][stripSeparators(t)]; !dup {
					ix.stripped[eco][stripSeparators(t)] = t
				}
				// Dropping "python-" is a known trick ("dateutil"); dropping a
				// bare "py" hits too many legitimate names ("cparser").
				if v := stripPythonAffix(t); v != t && len(v) >= 4 {
					ix.variants[eco][v] = t
				}
				ix.byLen[eco][len(t)] = append(ix.byLen[eco][len(t)], t)
			}
		}
		squatIx = ix
	})
	return squatIx
}

// Typosquat reports whether name imitates a popular or ML package without
// being one: separator or py/python variants, one edit (Damerau/OSA), an
// adjacent swap, or npm scope confusion.
func Typosquat(eco Ecosystem, name string) (Squat, bool) {
	if eco != PyPI && eco != Npm {
		return Squat{}, false
	}
	n := Normalize(eco, name)
	p := popular()
	if n == "" || p.known[eco][n] {
		return Squat{}, false
	}
	ix := squats()
	if t, ok := ix.stripped[eco][stripSeparators(n)]; ok && t != n && len(stripSeparators(n)) >= minFlatLen {
		return Squat{t, "same letters with different separators"}, true
	}
	if v := stripPyAffix(n); v != n && len(v) >= 3 {
		if p.known[eco][v] && contains(p.targets[eco], v) {
			return Squat{v, "py/python prefix or suffix added"}, true
		}
		if t, ok := ix.variants[eco][v]; ok {
			return Squat{t, "py/python prefix or suffix changed"}, true
		}
	}
	if t, ok := ix.variants[eco][n]; ok {
		return Squat{t, "py/python prefix or suffix dropped"}, true
	}
	if eco == Npm {
		if s, ok := npmScopeConfusion(n, p); ok {
			return s, true
		}
	}
	for l := len(n) - 1; l <= len(n)+1; l++ {
		for _, t := range ix.byLen[eco][l] {
			if s, ok := oneEdit(n, t, p.ml[eco][t]); ok {
				return s, true
			}
		}
	}
	return Squat{}, false
}

// oneEdit compares with OSA distance (an adjacent transposition is one edit).
// Four-letter ML names only count for swaps, which rarely happen by accident.
func oneEdit(n, t string, ml bool) (Squat, bool) {
	swapMin, editMin := minSwapLen, minEditLen
	if ml {
		swapMin, editMin = 4, minEditLenML
	}
	if min(len(n), len(t)) < swapMin {
		return Squat{}, false
	}
	if !withinOneEdit(n, t) || edlib.OSADamerauLevenshteinDistance(n, t) != 1 {
		return Squat{}, false
	}
	if len(n) == len(t) && isAdjacentSwap(n, t) {
		return Squat{t, "adjacent letters swapped"}, true
	}
	if min(len(n), len(t)) < editMin {
		return Squat{}, false
	}
	switch {
	case len(n) > len(t):
		return Squat{t, "one character added"}, true
	case len(n) < len(t):
		return Squat{t, "one character missing"}, true
	}
	return Squat{t, "one character changed"}, true
}

func isAdjacentSwap(a, b string) bool {
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// npmScopeConfusion catches "@types-node" style flattening of a popular scoped
// name, an unscoped copy of it ("types-node"), and a misspelt scope.
func npmScopeConfusion(n string, p *popularity) (Squat, bool) {
	scope, pkg, scoped := strings.Cut(n, "/")
	if scoped && strings.HasPrefix(scope, "@") {
		if p.scopes[scope] {
			return Squat{}, false
		}
		for s := range p.scopes {
			if len(s) >= 4 && edlib.OSADamerauLevenshteinDistance(scope, s) == 1 && p.known[Npm][s+"/"+pkg] {
				return Squat{s + "/" + pkg, "npm scope misspelt"}, true
			}
		}
		return Squat{}, false
	}
	flat := strings.TrimPrefix(n, "@")
	for _, t := range p.targets[Npm] {
		if strings.HasPrefix(t, "@") && strings.Contains(t, "/") {
			ts, tp, _ := strings.Cut(t[1:], "/")
			if flat == ts+"-"+tp || flat == ts+"/"+tp || flat == ts+tp {
				return Squat{t, "scoped package name without its scope"}, true
			}
		}
	}
	return Squat{}, false
}

func stripSeparators(s string) string {
	return strings.NewReplacer("-", "", "_", "", ".", "").Replace(s)
}

// stripPyAffix removes one python/py prefix or suffix.
func stripPyAffix(s string) string {
	for _, a := range []string{"python3-", "python-", "py3-", "py-"} {
		if strings.HasPrefix(s, a) {
			return s[len(a):]
		}
	}
	for _, a := range []string{"-python3", "-python", "-py3", "-py"} {
		if strings.HasSuffix(s, a) {
			return s[:len(s)-len(a)]
		}
	}
	if strings.HasPrefix(s, "python") && len(s) > 9 {
		return s[len("python"):]
	}
	if strings.HasPrefix(s, "py") && len(s) > 6 {
		return s[2:]
	}
	return s
}

// stripPythonAffix removes a python/python3 prefix or suffix only.
func stripPythonAffix(s string) string {
	for _, a := range []string{"python3-", "python-"} {
		if strings.HasPrefix(s, a) {
			return s[len(a):]
		}
	}
	for _, a := range []string{"-python3", "-python"} {
		if strings.HasSuffix(s, a) {
			return s[:len(s)-len(a)]
		}
	}
	return s
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// withinOneEdit is a cheap allocation-free pre-filter for OSA distance ≤ 1:
// one substitution, insertion, deletion or adjacent transposition.
func withinOneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		i := 0
		for i < len(a) && a[i] == b[i] {
			i++
		}
		if i == len(a) {
			return true
		}
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		i := 0
		for i < len(b) && a[i] == b[i] {
			i++
		}
		return a[i+1:] == b[i:]
	}
	return false
}
