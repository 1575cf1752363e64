package deps

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
)

// Embedded name lists; see data/*.txt headers for source and date, and
// internal/popgen for how to rebuild them.
var (
	//go:embed data/pypi-popular.txt
	pypiPopularTxt string
	//go:embed data/npm-popular.txt
	npmPopularTxt string
	//go:embed data/ml-packages.txt
	mlPackagesTxt string
)

// typosquatTargets is how many of the most popular names a new name is
// compared against; names below that rank are known but not targets.
const typosquatTargets = 2000

// popularity holds, per ecosystem, every known name and the typosquat targets.
type popularity struct {
	known   map[Ecosystem]map[string]bool
	targets map[Ecosystem][]string
	ml      map[Ecosystem]map[string]bool
	scopes  map[string]bool // npm scopes of known packages
}

var (
	popOnce sync.Once
	pop     *popularity
)

func popular() *popularity {
	popOnce.Do(func() {
		p := &popularity{
			known:   map[Ecosystem]map[string]bool{PyPI: {}, Npm: {}},
			targets: map[Ecosystem][]string{},
			ml:      map[Ecosystem]map[string]bool{PyPI: {}, Npm: {}},
			scopes:  map[string]bool{},
		}
		for eco, txt := range map[Ecosystem]string{PyPI: pypiPopularTxt, Npm: npmPopularTxt} {
			for i, n := range dataLines(txt) {
				n = Normalize(eco, n)
				p.known[eco][n] = true
				if i < typosquatTargets {
					p.targets[eco] = append(p.targets[eco], n)
				}
			}
		}
		for _, l := range dataLines(mlPackagesTxt) {
			e, n, ok := strings.Cut(l, " ")
			if !ok {
				continue
			}
			eco := map[string]Ecosystem{"pypi": PyPI, "npm": Npm}[e]
			n = Normalize(eco, n)
			p.ml[eco][n] = true
			if !p.known[eco][n] {
				p.known[eco][n] = true
			}
			p.targets[eco] = append(p.targets[eco], n)
		}
		for n := range p.known[Npm] {
			if s, _, ok := strings.Cut(n, "/"); ok && strings.HasPrefix(s, "@") {
				p.scopes[s] = true
			}
		}
		pop = p
	})
	return pop
}

// dataLines returns the non-comment lines of an embedded list.
func dataLines(txt string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(txt))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Known reports whether a name is in an embedded list.
func Known(eco Ecosystem, name string) bool {
	return popular().known[eco][Normalize(eco, name)]
}

// IsMLPackage reports whether a name is on the curated ML list.
func IsMLPackage(eco Ecosystem, name string) bool {
	return popular().ml[eco][Normalize(eco, name)]
}
