package deps

import (
	"strconv"
	"strings"
)

// compareVersions orders PEP 440 and semver versions well enough to evaluate
// OSV ranges: epoch, numeric release segments, then pre-release (dev < alpha
// < beta < rc < final < post). Build metadata and local versions are ignored.
func compareVersions(a, b string) int {
	pa, pb := parseVersion(a), parseVersion(b)
	if pa.epoch != pb.epoch {
		return cmpInt(pa.epoch, pb.epoch)
	}
	for i := 0; i < max(len(pa.release), len(pb.release)); i++ {
		if c := cmpInt(at(pa.release, i), at(pb.release, i)); c != 0 {
			return c
		}
	}
	if pa.phase != pb.phase {
		return cmpInt(pa.phase, pb.phase)
	}
	if pa.phaseNum != pb.phaseNum {
		return cmpInt(pa.phaseNum, pb.phaseNum)
	}
	return strings.Compare(pa.tag, pb.tag)
}

type parsedVersion struct {
	epoch    int
	release  []int
	phase    int // -4 dev, -3 alpha, -2 beta, -1 rc/other pre-release, 0 final, 1 post
	phaseNum int
	tag      string
}

func parseVersion(s string) parsedVersion {
	var v parsedVersion
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "v")
	if i := strings.IndexByte(s, '+'); i >= 0 {
		s = s[:i]
	}
	if e, rest, ok := strings.Cut(s, "!"); ok {
		v.epoch, _ = strconv.Atoi(e)
		s = rest
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	for _, seg := range strings.Split(strings.Trim(s[:i], "."), ".") {
		n, _ := strconv.Atoi(seg)
		v.release = append(v.release, n)
	}
	for len(v.release) > 1 && v.release[len(v.release)-1] == 0 {
		v.release = v.release[:len(v.release)-1]
	}
	rest := strings.TrimLeft(s[i:], ".-_")
	if rest == "" {
		return v
	}
	word := strings.TrimRight(rest, "0123456789.")
	num := strings.Trim(rest[len(word):], ".")
	v.phaseNum, _ = strconv.Atoi(num)
	switch strings.Trim(word, ".-_") {
	case "dev":
		v.phase = -4
	case "a", "alpha":
		v.phase = -3
	case "b", "beta":
		v.phase = -2
	case "post", "r", "rev":
		v.phase = 1
	default: // rc, c, pre, preview, and semver pre-release identifiers
		v.phase = -1
		v.tag = word
	}
	return v
}

func at(s []int, i int) int {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
