package tfmodel

import (
	"context"
	"fmt"
	"strings"
)

// Node is a NodeDef with the attributes ward looks at.
type Node struct {
	Name   string
	Op     string
	Inputs []string
	// Strings holds string attributes and string tensor values by attr name
	// (for example PrintV2's output_stream, Const's value).
	Strings map[string][]string
	// Funcs are the functions named by func attributes (dataset ops, If,
	// While, PartitionedCall…).
	Funcs []string
}

// Graph is a graph or a function body: where a node lives matters for
// resolving inputs and for the message.
type Graph struct {
	Where string // "graph" or "function NAME"
	Nodes []Node
}

// decoder carries the bounds of one file.
type decoder struct {
	ctx      context.Context
	maxNodes int
	nodes    int
}

func (d *decoder) countNode() error {
	d.nodes++
	if d.nodes > d.maxNodes {
		return fmt.Errorf("%w: more than %d nodes", errLimit, d.maxNodes)
	}
	if d.nodes%4096 == 0 {
		if err := d.ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// savedModel decodes SavedModel.meta_graphs[].graph_def.
func (d *decoder) savedModel(b []byte) ([]Graph, error) {
	var out []Graph
	metas := 0
	err := eachField(b, func(f field) error {
		switch f.Num {
		case 1:
			if f.Type != 0 {
				return fmt.Errorf("saved_model_schema_version is not a varint")
			}
		case 2:
			if err := wantBytes(f, "meta_graphs"); err != nil {
				return err
			}
			metas++
			return eachField(f.Bytes, func(m field) error {
				if m.Num != 2 {
					return nil
				}
				if err := wantBytes(m, "graph_def"); err != nil {
					return err
				}
				gs, err := d.graphDef(m.Bytes, fmt.Sprintf("meta graph %d", metas))
				out = append(out, gs...)
				return err
			})
		default:
			return fmt.Errorf("unexpected SavedModel field %d", f.Num)
		}
		return nil
	})
	if err == nil && metas == 0 {
		err = fmt.Errorf("no meta graph")
	}
	return out, err
}

// graphDef decodes GraphDef.node and the function library.
func (d *decoder) graphDef(b []byte, where string) ([]Graph, error) {
	g := Graph{Where: where}
	var funcs []Graph
	err := eachField(b, func(f field) error {
		switch f.Num {
		case 1:
			if err := wantBytes(f, "node"); err != nil {
				return err
			}
			n, err := d.nodeDef(f.Bytes)
			if err != nil {
				return err
			}
			g.Nodes = append(g.Nodes, n)
		case 2:
			if err := wantBytes(f, "library"); err != nil {
				return err
			}
			return eachField(f.Bytes, func(lf field) error {
				if lf.Num != 1 {
					return nil
				}
				if err := wantBytes(lf, "function"); err != nil {
					return err
				}
				fn, err := d.functionDef(lf.Bytes)
				funcs = append(funcs, fn)
				return err
			})
		}
		return nil
	})
	return append([]Graph{g}, funcs...), err
}

func (d *decoder) functionDef(b []byte) (Graph, error) {
	g := Graph{Where: "function"}
	err := eachField(b, func(f field) error {
		switch f.Num {
		case 1:
			if err := wantBytes(f, "signature"); err != nil {
				return err
			}
			return eachField(f.Bytes, func(s field) error {
				if s.Num == 1 && s.Type == 2 {
					g.Where = "function " + string(s.Bytes)
				}
				return nil
			})
		case 3:
			if err := wantBytes(f, "node_def"); err != nil {
				return err
			}
			n, err := d.nodeDef(f.Bytes)
			if err != nil {
				return err
			}
			g.Nodes = append(g.Nodes, n)
		}
		return nil
	})
	return g, err
}

func (d *decoder) nodeDef(b []byte) (Node, error) {
	if err := d.countNode(); err != nil {
		return Node{}, err
	}
	var n Node
	err := eachField(b, func(f field) error {
		switch f.Num {
		case 1, 2, 3:
			if err := wantBytes(f, "node field"); err != nil {
				return err
			}
			s := string(f.Bytes)
			switch f.Num {
			case 1:
				n.Name = s
			case 2:
				n.Op = s
			case 3:
				n.Inputs = append(n.Inputs, s)
			}
		case 5:
			if err := wantBytes(f, "attr"); err != nil {
				return err
			}
			return d.attrEntry(f.Bytes, &n, 0)
		}
		return nil
	})
	return n, err
}

// attrEntry decodes one map<string, AttrValue> entry into the node.
func (d *decoder) attrEntry(b []byte, n *Node, depth int) error {
	var key string
	var val []byte
	err := eachField(b, func(f field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case 1:
			key = string(f.Bytes)
		case 2:
			val = f.Bytes
		}
		return nil
	})
	if err != nil {
		return err
	}
	return d.attrValue(val, key, n, depth)
}

const maxAttrDepth = 16

func (d *decoder) attrValue(b []byte, key string, n *Node, depth int) error {
	if depth > maxAttrDepth {
		return fmt.Errorf("%w: attributes nested more than %d deep", errLimit, maxAttrDepth)
	}
	addStr := func(s []byte) {
		if n.Strings == nil {
			n.Strings = map[string][]string{}
		}
		n.Strings[key] = append(n.Strings[key], string(s))
	}
	return eachField(b, func(f field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case 1: // list
			return eachField(f.Bytes, func(l field) error {
				switch {
				case l.Num == 2 && l.Type == 2:
					addStr(l.Bytes)
				case l.Num == 9 && l.Type == 2:
					return d.funcRef(l.Bytes, n, depth+1)
				}
				return nil
			})
		case 2:
			addStr(f.Bytes)
		case 8: // tensor: string_val
			return eachField(f.Bytes, func(t field) error {
				if t.Num == 8 && t.Type == 2 {
					addStr(t.Bytes)
				}
				return nil
			})
		case 10:
			return d.funcRef(f.Bytes, n, depth+1)
		}
		return nil
	})
}

// funcRef records a NameAttrList's function name and its nested attrs.
func (d *decoder) funcRef(b []byte, n *Node, depth int) error {
	return eachField(b, func(f field) error {
		if f.Type != 2 {
			return nil
		}
		switch f.Num {
		case 1:
			n.Funcs = append(n.Funcs, string(f.Bytes))
		case 2:
			return d.attrEntry(f.Bytes, n, depth)
		}
		return nil
	})
}

// inputNode is the node name an input refers to: "^ctrl", "n:0" and
// "n:output:0" all name n.
func inputNode(in string) string {
	in = strings.TrimPrefix(in, "^")
	name, _, _ := strings.Cut(in, ":")
	return name
}
