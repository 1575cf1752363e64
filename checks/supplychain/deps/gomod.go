package deps

import (
	"fmt"
	"strings"

	"golang.org/x/mod/modfile"
)

// ParseGoMod reads go.mod with golang.org/x/mod (strict Parse: ParseLax
// would drop replace directives): requirements (indirect ones count as
// resolved, not declared) and replace directives.
func ParseGoMod(src string) (*Manifest, error) {
	f, err := modfile.Parse("go.mod", []byte(src), nil)
	if err != nil {
		return nil, fmt.Errorf("parse go.mod: %w", err)
	}
	m := &Manifest{Format: "go.mod"}
	for _, r := range f.Require {
		m.Deps = append(m.Deps, Dep{Eco: Go, Name: r.Mod.Path, Spec: r.Mod.Version,
			Version: strings.TrimPrefix(r.Mod.Version, "v"), Lock: r.Indirect,
			Line: r.Syntax.Start.Line, Text: r.Mod.Path + " " + r.Mod.Version})
	}
	for _, r := range f.Replace {
		text := r.Old.Path
		if r.Old.Version != "" {
			text += " " + r.Old.Version
		}
		text += " => " + r.New.Path
		if r.New.Version != "" {
			text += " " + r.New.Version
		}
		m.Replaces = append(m.Replaces, Replace{Old: r.Old.Path, New: r.New.Path, Version: r.New.Version,
			Local: r.New.Version == "", Line: r.Syntax.Start.Line, Text: text})
	}
	return m, nil
}
