package onnx

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Bounds of one model.
const (
	maxItems      = 2_000_000 // nodes + tensors
	maxGraphDepth = 32
	maxString     = 1 << 20
)

// Node is one operator.
type Node struct {
	Graph  string
	Name   string
	OpType string
	Domain string
}

// Tensor is an initializer or a tensor attribute.
type Tensor struct {
	Graph    string
	Name     string
	Dims     []int64
	DataType int32
	RawLen   int64 // bytes of raw_data; -1 when absent
	Typed    bool  // values in float_data/int64_data/…
	External map[string]string
	// Locations holds every "location" entry in order (a tensor may name
	// several; readers disagree on which one counts)
	Locations []string
	Location  int32 // 1 = EXTERNAL
	Offset    int64 // file offset of the tensor message
}

// Model is what Decode read.
type Model struct {
	IRVersion uint64
	Producer  string
	Opsets    []string // domains of opset_import
	Nodes     []Node
	Tensors   []Tensor
	HasGraph  bool
}

type decoder struct {
	ctx   context.Context
	b     *blockReader
	items int
	m     *Model
}

func (d *decoder) tick() error {
	d.items++
	if d.items > maxItems {
		return fmt.Errorf("%w: more than %d nodes and tensors", errLimit, maxItems)
	}
	if d.items%4096 == 0 {
		return d.ctx.Err()
	}
	return nil
}

// decodeModel reads a ModelProto spanning the whole file.
func decodeModel(ctx context.Context, b *blockReader) (*Model, error) {
	d := &decoder{ctx: ctx, b: b, m: &Model{}}
	err := b.eachField(span{0, b.size}, func(f field) error {
		switch f.Num {
		case 1:
			if f.Type != protowire.VarintType {
				return fmt.Errorf("ir_version is not a varint")
			}
			d.m.IRVersion = f.Varint
		case 2:
			s, err := b.str(f, maxString)
			d.m.Producer = s
			return err
		case 7:
			if f.Type != protowire.BytesType {
				return fmt.Errorf("graph is not a message")
			}
			d.m.HasGraph = true
			return d.graph(f.Sub, "main graph", 0)
		case 8:
			return b.eachField(f.Sub, func(o field) error {
				if o.Num == 1 {
					s, err := b.str(o, maxString)
					d.m.Opsets = append(d.m.Opsets, s)
					return err
				}
				return nil
			})
		case 20: // training_info: initialization and algorithm graphs
			return b.eachField(f.Sub, func(t field) error {
				if (t.Num == 1 || t.Num == 2) && t.Type == protowire.BytesType {
					return d.graph(t.Sub, "training graph", 1)
				}
				return nil
			})
		case 25:
			return d.function(f.Sub)
		}
		return nil
	})
	return d.m, err
}

func (d *decoder) graph(s span, where string, depth int) error {
	if depth > maxGraphDepth {
		return fmt.Errorf("%w: graphs nested more than %d deep", errLimit, maxGraphDepth)
	}
	name := ""
	return d.b.eachField(s, func(f field) error {
		if f.Type != protowire.BytesType {
			return nil
		}
		switch f.Num {
		case 2:
			n, err := d.b.str(f, maxString)
			name = n
			if depth > 0 && n != "" {
				where = where + " " + n
			}
			_ = name
			return err
		case 1:
			return d.node(f.Sub, where, depth)
		case 5:
			return d.tensor(f.Sub, where)
		case 15: // sparse initializer: values and indices tensors
			return d.b.eachField(f.Sub, func(t field) error {
				if (t.Num == 1 || t.Num == 2) && t.Type == protowire.BytesType {
					return d.tensor(t.Sub, where)
				}
				return nil
			})
		}
		return nil
	})
}

func (d *decoder) function(s span) error {
	name, domain := "", ""
	var nodes []span
	err := d.b.eachField(s, func(f field) error {
		if f.Type != protowire.BytesType {
			return nil
		}
		var err error
		switch f.Num {
		case 1:
			name, err = d.b.str(f, maxString)
		case 10:
			domain, err = d.b.str(f, maxString)
		case 7:
			nodes = append(nodes, f.Sub)
		}
		return err
	})
	if err != nil {
		return err
	}
	where := fmt.Sprintf("function %s", name)
	if domain != "" {
		where = fmt.Sprintf("function %s.%s", domain, name)
	}
	for _, n := range nodes {
		if err := d.node(n, where, 1); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) node(s span, where string, depth int) error {
	if err := d.tick(); err != nil {
		return err
	}
	n := Node{Graph: where}
	var attrs []span
	err := d.b.eachField(s, func(f field) error {
		if f.Type != protowire.BytesType {
			return nil
		}
		var err error
		switch f.Num {
		case 3:
			n.Name, err = d.b.str(f, maxString)
		case 4:
			n.OpType, err = d.b.str(f, maxString)
		case 7:
			n.Domain, err = d.b.str(f, maxString)
		case 5:
			attrs = append(attrs, f.Sub)
		}
		return err
	})
	if err != nil {
		return err
	}
	d.m.Nodes = append(d.m.Nodes, n)
	for _, a := range attrs {
		at := where + " › " + n.OpType
		if n.Name != "" {
			at += fmt.Sprintf(" %q", n.Name)
		}
		if err := d.attribute(a, at, depth); err != nil {
			return err
		}
	}
	return nil
}

// attribute follows tensors and subgraphs (If/Loop/Scan bodies).
func (d *decoder) attribute(s span, where string, depth int) error {
	return d.b.eachField(s, func(f field) error {
		if f.Type != protowire.BytesType {
			return nil
		}
		switch f.Num {
		case 5, 10:
			return d.tensor(f.Sub, where)
		case 6, 11:
			return d.graph(f.Sub, where, depth+1)
		case 22:
			return d.b.eachField(f.Sub, func(t field) error {
				if (t.Num == 1 || t.Num == 2) && t.Type == protowire.BytesType {
					return d.tensor(t.Sub, where)
				}
				return nil
			})
		}
		return nil
	})
}

func (d *decoder) tensor(s span, where string) error {
	if err := d.tick(); err != nil {
		return err
	}
	t := Tensor{Graph: where, RawLen: -1, Offset: s.off}
	err := d.b.eachField(s, func(f field) error {
		var err error
		switch f.Num {
		case 1:
			if f.Type == protowire.VarintType {
				t.Dims = append(t.Dims, int64(f.Varint))
			} else if f.Type == protowire.BytesType { // packed
				if f.Sub.len() > 1024 {
					return fmt.Errorf("%w: tensor with more than 1024 bytes of dims", errLimit)
				}
				raw, err := d.b.bytes(f.Sub.off, f.Sub.len())
				if err != nil {
					return err
				}
				for len(raw) > 0 {
					v, n := protowire.ConsumeVarint(raw)
					if n < 0 {
						return fmt.Errorf("bad packed dims")
					}
					t.Dims = append(t.Dims, int64(v))
					raw = raw[n:]
				}
			}
		case 2:
			t.DataType = int32(f.Varint)
		case 8:
			t.Name, err = d.b.str(f, maxString)
		case 9:
			t.RawLen = f.Sub.len()
		case 4, 5, 6, 7, 10, 11:
			t.Typed = true
		case 13:
			if t.External == nil {
				t.External = map[string]string{}
			}
			var k, v string
			err = d.b.eachField(f.Sub, func(e field) error {
				var err error
				switch e.Num {
				case 1:
					k, err = d.b.str(e, maxString)
				case 2:
					v, err = d.b.str(e, maxString)
				}
				return err
			})
			t.External[k] = v
			if k == "location" {
				t.Locations = append(t.Locations, v)
			}
		case 14:
			t.Location = int32(f.Varint)
		}
		return err
	})
	d.m.Tensors = append(d.m.Tensors, t)
	return err
}
