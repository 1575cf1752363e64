package actions

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// source gives access to the raw lines, to tell block scalars apart.
type source struct{ lines []string }

func newSource(b []byte) *source { return &source{lines: strings.Split(string(b), "\n")} }

func (s *source) text(v *actionlint.String) *text {
	if v == nil || v.Pos == nil {
		return nil
	}
	t := &text{Value: v.Value, Line: v.Pos.Line}
	if l := v.Pos.Line - 1; l >= 0 && l < len(s.lines) {
		if c := v.Pos.Col - 1; c >= 0 && c < len(s.lines[l]) {
			t.Block = s.lines[l][c] == '|' || s.lines[l][c] == '>'
		}
	}
	return t
}

// parseWorkflow builds the model from actionlint's parse tree. actionlint
// reports schema problems as errors but still returns the tree; only a
// document it cannot read as YAML at all is unusable.
func parseWorkflow(path string, b []byte) (*workflow, error) {
	aw, errs := actionlint.Parse(b)
	if aw == nil {
		msg := "not a YAML document"
		if len(errs) > 0 {
			msg = errs[0].Message
		}
		return nil, fmt.Errorf("parse workflow: %s", msg)
	}
	src := newSource(b)
	w := &workflow{Path: path, Env: envMap(src, aw.Env)}
	if aw.Name != nil {
		w.Name = aw.Name.Value
	}
	for _, e := range aw.On {
		t := trigger{Name: e.EventName()}
		switch e := e.(type) {
		case *actionlint.WebhookEvent:
			if e.Hook != nil && e.Hook.Pos != nil {
				t.Line = e.Hook.Pos.Line
			}
			t.Tags = !e.Tags.IsEmpty()
		case *actionlint.ScheduledEvent:
			t.Line = posLine(e.Pos)
		case *actionlint.WorkflowDispatchEvent:
			t.Line = posLine(e.Pos)
		case *actionlint.WorkflowCallEvent:
			t.Line = posLine(e.Pos)
		}
		w.Triggers = append(w.Triggers, t)
	}
	w.Permissions = perms(src, aw.Permissions)
	ids := make([]string, 0, len(aw.Jobs))
	for id := range aw.Jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		aj := aw.Jobs[id]
		if aj == nil {
			continue
		}
		j := &job{ID: id, Line: posLine(aj.Pos), Permissions: perms(src, aj.Permissions), Env: envMap(src, aj.Env)}
		if aj.ID != nil {
			j.ID = aj.ID.Value
		}
		for name, o := range aj.Outputs {
			if o != nil {
				if t := src.text(o.Value); t != nil {
					if j.Outputs == nil {
						j.Outputs = map[string]*text{}
					}
					j.Outputs[name] = t
				}
			}
		}
		if aj.Container != nil {
			if t := src.text(aj.Container.Image); t != nil {
				j.Images = append(j.Images, t)
			}
		}
		if aj.Services != nil {
			for _, name := range sortedKeys(aj.Services.Value) {
				s := aj.Services.Value[name]
				if s != nil && s.Container != nil {
					if t := src.text(s.Container.Image); t != nil {
						j.Images = append(j.Images, t)
					}
				}
			}
		}
		if aj.WorkflowCall != nil {
			j.CallUses = src.text(aj.WorkflowCall.Uses)
			if aj.WorkflowCall.InheritSecrets {
				j.Inherit = &text{Value: "secrets: inherit", Line: inheritLine(src, j.CallUses, j.Line)}
			}
		}
		for _, as := range aj.Steps {
			if as == nil {
				continue
			}
			s := &step{Line: posLine(as.Pos), With: map[string]*text{}, Env: envMap(src, as.Env), HasEnv: as.Env != nil}
			if as.ID != nil {
				s.ID = as.ID.Value
			}
			if as.Pos != nil {
				s.Indent = as.Pos.Col - 1
			}
			switch ex := as.Exec.(type) {
			case *actionlint.ExecRun:
				s.Run = src.text(ex.Run)
				s.RunKey = posLine(ex.RunPos)
			case *actionlint.ExecAction:
				s.Uses = src.text(ex.Uses)
				for k, in := range ex.Inputs {
					if in != nil {
						if t := src.text(in.Value); t != nil {
							s.With[strings.ToLower(k)] = t
						}
					}
				}
			}
			j.Steps = append(j.Steps, s)
		}
		w.Jobs = append(w.Jobs, j)
	}
	return w, nil
}

func posLine(p *actionlint.Pos) int {
	if p == nil {
		return 0
	}
	return p.Line
}

func perms(src *source, p *actionlint.Permissions) *permissions {
	if p == nil {
		return nil
	}
	out := &permissions{All: src.text(p.All), Scopes: map[string]*text{}, Line: posLine(p.Pos)}
	for k, s := range p.Scopes {
		if s != nil {
			if t := src.text(s.Value); t != nil {
				out.Scopes[k] = t
			}
		}
	}
	return out
}

func envMap(src *source, e *actionlint.Env) map[string]*text {
	out := map[string]*text{}
	if e == nil {
		return out
	}
	for k, v := range e.Vars {
		if v != nil {
			if t := src.text(v.Value); t != nil {
				if v.Name != nil && v.Name.Value != "" {
					k = v.Name.Value // actionlint keys the map in lower case
				}
				out[k] = t
			}
		}
	}
	return out
}

// inheritLine finds the "secrets: inherit" line after a job's uses line.
func inheritLine(src *source, uses *text, jobLine int) int {
	from := jobLine
	if uses != nil {
		from = uses.Line
	}
	for i := max(from-1, 0); i < len(src.lines) && i < from+40; i++ {
		if strings.Contains(src.lines[i], "secrets:") && strings.Contains(src.lines[i], "inherit") {
			return i + 1
		}
	}
	return jobLine
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// parseAction builds the model of an action.yml: a composite action's steps
// (one pseudo-job) or a Docker action's image. actionlint has no positioned
// tree for action metadata, so this reads YAML nodes directly.
func parseAction(path string, b []byte) (*workflow, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("parse action metadata: %w", err)
	}
	w := &workflow{Path: path, Action: true}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	if doc.Kind != yaml.MappingNode {
		return w, nil
	}
	if n := mapValue(doc, "name"); n != nil {
		w.Name = n.Value
	}
	runs := mapValue(doc, "runs")
	if img := mapValue(runs, "image"); img != nil && img.Kind == yaml.ScalarNode {
		w.ActionImage = &text{Value: img.Value, Line: img.Line}
	}
	steps := mapValue(runs, "steps")
	if steps == nil || steps.Kind != yaml.SequenceNode {
		return w, nil
	}
	j := &job{ID: "(composite action)", Line: steps.Line}
	for _, sn := range steps.Content {
		if sn.Kind != yaml.MappingNode {
			continue
		}
		s := &step{Line: sn.Line, Indent: sn.Column - 1, With: map[string]*text{}, Env: map[string]*text{}}
		for i := 0; i+1 < len(sn.Content); i += 2 {
			k, v := sn.Content[i], sn.Content[i+1]
			switch k.Value {
			case "id":
				s.ID = v.Value
			case "uses":
				s.Uses = nodeText(v)
			case "run":
				s.Run, s.RunKey = nodeText(v), k.Line
			case "with", "env":
				if v.Kind != yaml.MappingNode {
					continue
				}
				if k.Value == "env" {
					s.HasEnv = true
				}
				for x := 0; x+1 < len(v.Content); x += 2 {
					if t := nodeText(v.Content[x+1]); t != nil {
						if k.Value == "with" {
							s.With[strings.ToLower(v.Content[x].Value)] = t
						} else {
							s.Env[v.Content[x].Value] = t
						}
					}
				}
			}
		}
		j.Steps = append(j.Steps, s)
	}
	w.Jobs = append(w.Jobs, j)
	return w, nil
}

func nodeText(n *yaml.Node) *text {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	return &text{Value: n.Value, Line: n.Line, Block: n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0}
}

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
