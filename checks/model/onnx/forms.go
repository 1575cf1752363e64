package onnx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/ward-sec/ward/checks/model/textproto"

	"github.com/ward-sec/ward/checks/model/pyjson"
)

// onnx.load(f, format="textproto") and format="json" read a ModelProto
// in protobuf's text and JSON forms (onnx ≥ 1.16). Both are decoded here
// into the same Model the binary decoder builds.

// textForm names the text form the head looks like, or "".
func textForm(head []byte) string {
	h := bytes.TrimLeft(head, " \t\r\n\ufeff")
	switch {
	case len(h) > 0 && h[0] == '{':
		for _, k := range []string{`"irVersion"`, `"ir_version"`, `"graph"`, `"opsetImport"`, `"opset_import"`, `"producerName"`, `"producer_name"`} {
			if bytes.Contains(h, []byte(k)) {
				return "JSON"
			}
		}
	default:
		for _, k := range []string{"ir_version", "producer_name", "opset_import", "graph {", "graph{", "model_version", "domain:"} {
			if bytes.HasPrefix(h, []byte(k)) {
				return "text-proto"
			}
		}
	}
	return ""
}

func decodeText(b []byte) (*Model, error) {
	h := bytes.TrimLeft(b, " \t\r\n")
	if len(h) > 0 && h[0] == '{' {
		var v map[string]any
		if err := json.Unmarshal(pyjson.Literals(b), &v); err != nil { // onnx.load reads it with Python's json
			return nil, fmt.Errorf("ONNX JSON: %w", err)
		}
		return fromTree(jsonMsg{v}), nil
	}
	m, err := textproto.Parse(string(b))
	if m == nil {
		return nil, err
	}
	if err != nil {
		err = fmt.Errorf("ONNX text proto: %w", err)
	}
	return fromTree(textMsg{m}), err
}

// msg is a schema-less view of one message in either form; names are
// given in proto form (snake_case), JSON also answers to lowerCamelCase.
type msg interface {
	strs(name string) []string
	msgs(name string) []msg
}

type textMsg struct{ m *textproto.Message }

func (t textMsg) strs(name string) []string { return t.m.Strings(name) }
func (t textMsg) msgs(name string) []msg {
	var out []msg
	for _, c := range t.m.Messages(name) {
		out = append(out, textMsg{c})
	}
	return out
}

type jsonMsg struct{ m map[string]any }

func camel(s string) string {
	var b []byte
	up := false
	for i := 0; i < len(s); i++ {
		if s[i] == '_' {
			up = true
			continue
		}
		c := s[i]
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up = false
		b = append(b, c)
	}
	return string(b)
}

func (j jsonMsg) vals(name string) []any {
	var out []any
	for _, k := range []string{name, camel(name)} {
		v, ok := j.m[k]
		if !ok {
			continue
		}
		if l, ok := v.([]any); ok {
			out = append(out, l...)
		} else {
			out = append(out, v)
		}
		if k == camel(name) {
			break
		}
	}
	return out
}

func (j jsonMsg) strs(name string) []string {
	var out []string
	for _, v := range j.vals(name) {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case float64:
			out = append(out, strconv.FormatFloat(x, 'f', -1, 64))
		}
	}
	return out
}

func (j jsonMsg) msgs(name string) []msg {
	var out []msg
	for _, v := range j.vals(name) {
		if m, ok := v.(map[string]any); ok {
			out = append(out, jsonMsg{m})
		}
	}
	return out
}

func first1(s []string) string {
	if len(s) > 0 {
		return s[0]
	}
	return ""
}

func fromTree(root msg) *Model {
	m := &Model{}
	if v, err := strconv.ParseUint(first1(root.strs("ir_version")), 10, 64); err == nil {
		m.IRVersion = v
	}
	m.Producer = first1(root.strs("producer_name"))
	for _, o := range root.msgs("opset_import") {
		m.Opsets = append(m.Opsets, first1(o.strs("domain")))
	}
	d := &treeDecoder{m: m}
	for _, g := range root.msgs("graph") {
		m.HasGraph = true
		d.graph(g, "main graph", 0)
	}
	for _, ti := range root.msgs("training_info") {
		for _, k := range []string{"initialization", "algorithm"} {
			for _, g := range ti.msgs(k) {
				d.graph(g, "training graph", 1)
			}
		}
	}
	for _, f := range root.msgs("functions") {
		where := "function " + first1(f.strs("name"))
		if dom := first1(f.strs("domain")); dom != "" {
			where = "function " + dom + "." + first1(f.strs("name"))
		}
		for _, n := range f.msgs("node") {
			d.node(n, where, 1)
		}
	}
	return m
}

type treeDecoder struct {
	m     *Model
	items int
}

func (d *treeDecoder) graph(g msg, where string, depth int) {
	if depth > maxGraphDepth || d.items > maxItems {
		return
	}
	if n := first1(g.strs("name")); depth > 0 && n != "" {
		where += " " + n
	}
	for _, n := range g.msgs("node") {
		d.node(n, where, depth)
	}
	for _, t := range g.msgs("initializer") {
		d.tensor(t, where)
	}
	for _, s := range g.msgs("sparse_initializer") {
		for _, k := range []string{"values", "indices"} {
			for _, t := range s.msgs(k) {
				d.tensor(t, where)
			}
		}
	}
}

func (d *treeDecoder) node(n msg, where string, depth int) {
	d.items++
	nd := Node{Graph: where, Name: first1(n.strs("name")), OpType: first1(n.strs("op_type")), Domain: first1(n.strs("domain"))}
	d.m.Nodes = append(d.m.Nodes, nd)
	at := where + " › " + nd.OpType
	for _, a := range n.msgs("attribute") {
		for _, k := range []string{"t", "tensors"} {
			for _, t := range a.msgs(k) {
				d.tensor(t, at)
			}
		}
		for _, k := range []string{"g", "graphs"} {
			for _, g := range a.msgs(k) {
				d.graph(g, at, depth+1)
			}
		}
	}
}

func (d *treeDecoder) tensor(t msg, where string) {
	d.items++
	tn := Tensor{Graph: where, Name: first1(t.strs("name")), RawLen: -1}
	for _, s := range t.strs("dims") {
		if v, err := strconv.ParseInt(s, 10, 64); err == nil {
			tn.Dims = append(tn.Dims, v)
		}
	}
	if dt := first1(t.strs("data_type")); dt != "" {
		if v, err := strconv.ParseInt(dt, 10, 32); err == nil {
			tn.DataType = int32(v)
		}
	}
	if loc := first1(t.strs("data_location")); loc == "EXTERNAL" || loc == "1" {
		tn.Location = 1
	}
	for _, e := range t.msgs("external_data") {
		if tn.External == nil {
			tn.External = map[string]string{}
		}
		k, v := first1(e.strs("key")), first1(e.strs("value"))
		tn.External[k] = v
		if k == "location" {
			tn.Locations = append(tn.Locations, v)
		}
	}
	d.m.Tensors = append(d.m.Tensors, tn)
}
