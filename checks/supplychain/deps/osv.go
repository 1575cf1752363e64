package deps

import (
	"encoding/json"
	"strings"
)

// Advisory is the part of an OSV record the check uses.
type Advisory struct {
	ID        string
	Summary   string
	Aliases   []string
	Malicious bool // a MAL- record of the OpenSSF malicious-packages project
	Affected  []Affected
}

// Affected is one affected package of an OSV record.
type Affected struct {
	Eco      Ecosystem
	Name     string
	Versions []string
	Ranges   []Range
}

// Range is an OSV ECOSYSTEM or SEMVER range: ordered events.
type Range struct {
	Events []Event
}

// Event is one OSV range event; exactly one field is set.
type Event struct {
	Introduced, Fixed, LastAffected string
}

// osvRecord mirrors the OSV JSON schema (only the fields ward reads).
type osvRecord struct {
	ID        string   `json:"id"`
	Summary   string   `json:"summary"`
	Details   string   `json:"details"`
	Aliases   []string `json:"aliases"`
	Withdrawn string   `json:"withdrawn"`
	Affected  []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Versions []string `json:"versions"`
		Ranges   []struct {
			Type   string `json:"type"`
			Events []struct {
				Introduced   string `json:"introduced"`
				Fixed        string `json:"fixed"`
				LastAffected string `json:"last_affected"`
			} `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

// parseAdvisory decodes one OSV JSON record. Withdrawn records are dropped.
func parseAdvisory(b []byte) (*Advisory, error) {
	var r osvRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	if r.ID == "" || r.Withdrawn != "" {
		return nil, nil
	}
	a := &Advisory{ID: r.ID, Summary: r.Summary, Aliases: r.Aliases, Malicious: strings.HasPrefix(r.ID, "MAL-")}
	if a.Summary == "" {
		a.Summary = firstLine(r.Details)
	}
	for _, af := range r.Affected {
		x := Affected{Eco: Ecosystem(ecosystemBase(af.Package.Ecosystem)), Name: af.Package.Name, Versions: af.Versions}
		for _, rg := range af.Ranges {
			if rg.Type != "ECOSYSTEM" && rg.Type != "SEMVER" {
				continue // GIT ranges name commits, not releases
			}
			var out Range
			for _, e := range rg.Events {
				out.Events = append(out.Events, Event{e.Introduced, e.Fixed, e.LastAffected})
			}
			x.Ranges = append(x.Ranges, out)
		}
		a.Affected = append(a.Affected, x)
	}
	return a, nil
}

// ecosystemBase drops OSV ecosystem suffixes such as "Debian:12".
func ecosystemBase(e string) string {
	b, _, _ := strings.Cut(e, ":")
	return b
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return truncate(s, 160)
}

// Match says whether the advisory affects a dependency. With no exact
// version, only an advisory covering every version matches.
func (a *Advisory) Match(eco Ecosystem, name, version string) bool {
	n := Normalize(eco, name)
	for _, af := range a.Affected {
		if af.Eco != eco || Normalize(eco, af.Name) != n {
			continue
		}
		if version == "" {
			if af.allVersions() {
				return true
			}
			continue
		}
		if af.affects(version) {
			return true
		}
	}
	return false
}

func (af Affected) allVersions() bool {
	if len(af.Versions) == 0 && len(af.Ranges) == 0 {
		return true // OSV: no versions and no ranges means every version
	}
	for _, r := range af.Ranges {
		if len(r.Events) == 1 && r.Events[0].Introduced == "0" {
			return true
		}
	}
	return false
}

func (af Affected) affects(version string) bool {
	v := strings.TrimPrefix(version, "v")
	for _, x := range af.Versions {
		if strings.TrimPrefix(x, "v") == v {
			return true
		}
	}
	for _, r := range af.Ranges {
		in := false
		for _, e := range r.Events {
			switch {
			case e.Introduced != "":
				if e.Introduced == "0" || compareVersions(v, e.Introduced) >= 0 {
					in = true
				}
			case e.Fixed != "":
				if in && compareVersions(v, e.Fixed) >= 0 {
					in = false
				}
			case e.LastAffected != "":
				if in && compareVersions(v, e.LastAffected) > 0 {
					in = false
				}
			}
		}
		if in {
			return true
		}
	}
	if len(af.Versions) == 0 && len(af.Ranges) == 0 {
		return true
	}
	return false
}
