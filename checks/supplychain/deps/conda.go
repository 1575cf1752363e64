package deps

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Conda is the ecosystem of conda packages; OSV has no data for it, so conda
// entries only count as new dependencies. Their pip section is PyPI.
const Conda Ecosystem = "conda"

// ParseCondaEnv reads a conda environment.yml: conda specs ("numpy=1.26",
// "pytorch::pytorch") and the nested pip list, which takes every option a
// requirements file does.
func ParseCondaEnv(src string) (*Manifest, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return nil, fmt.Errorf("parse environment.yml: %w", err)
	}
	m := &Manifest{Format: "environment.yml", App: true}
	doc := docMapping(&root)
	deps := mapValue(doc, "dependencies")
	if deps == nil || deps.Kind != yaml.SequenceNode {
		return m, nil
	}
	for _, item := range deps.Content {
		switch item.Kind {
		case yaml.ScalarNode:
			if d, ok := condaSpec(item.Value); ok {
				d.Line, d.Text = item.Line, item.Value
				m.Deps = append(m.Deps, d)
			}
		case yaml.MappingNode:
			pip := mapValue(item, "pip")
			if pip == nil || pip.Kind != yaml.SequenceNode {
				continue
			}
			for _, p := range pip.Content {
				if p.Kind == yaml.ScalarNode {
					parseRequirementLine(m, logicalLine{text: strings.TrimSpace(p.Value), line: p.Line}, PyPI)
				}
			}
		}
	}
	return m, nil
}

// condaSpec reads "channel::name=version=build" or "name>=1.0".
func condaSpec(s string) (Dep, bool) {
	s = strings.TrimSpace(s)
	if _, after, ok := strings.Cut(s, "::"); ok {
		s = after
	}
	n := 0
	for n < len(s) && isNameByte(s[n]) {
		n++
	}
	if n == 0 {
		return Dep{}, false
	}
	d := Dep{Eco: Conda, Name: s[:n], Spec: strings.TrimSpace(s[n:])}
	return d, true
}

func docMapping(root *yaml.Node) *yaml.Node {
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil
	}
	return root
}

// mapValue returns the value node of key k in a mapping node.
func mapValue(n *yaml.Node, k string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}
