package tfmodel

import "google.golang.org/protobuf/encoding/protowire"

// Protobuf builders for hand-made SavedModels, following proto/tf_subset.proto.

func lenField(num protowire.Number, b []byte) []byte {
	out := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(out, b)
}

func strField(num protowire.Number, s string) []byte { return lenField(num, []byte(s)) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// attr is one NodeDef.attr map entry.
func attr(key string, value []byte) []byte {
	return lenField(5, cat(strField(1, key), lenField(2, value)))
}

func attrString(key, s string) []byte { return attr(key, strField(2, s)) }

func attrTensorString(key, s string) []byte {
	tensor := cat(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 7), strField(8, s))
	return attr(key, lenField(8, tensor))
}

func attrFunc(key, name string) []byte { return attr(key, lenField(10, strField(1, name))) }

func node(name, op string, inputs []string, attrs ...[]byte) []byte {
	b := cat(strField(1, name), strField(2, op))
	for _, in := range inputs {
		b = append(b, strField(3, in)...)
	}
	return cat(b, cat(attrs...))
}

func graphDef(nodes [][]byte, functions ...[]byte) []byte {
	var b []byte
	for _, n := range nodes {
		b = append(b, lenField(1, n)...)
	}
	if len(functions) > 0 {
		var lib []byte
		for _, f := range functions {
			lib = append(lib, lenField(1, f)...)
		}
		b = append(b, lenField(2, lib)...)
	}
	return b
}

func function(name string, nodes ...[]byte) []byte {
	b := lenField(1, strField(1, name))
	for _, n := range nodes {
		b = append(b, lenField(3, n)...)
	}
	return b
}

func savedModel(graph []byte) []byte {
	v := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1)
	return cat(v, lenField(2, lenField(2, graph)))
}

func constString(name, s string) []byte {
	return node(name, "Const", nil, attrTensorString("value", s), attr("dtype", protowire.AppendVarint(protowire.AppendTag(nil, 6, protowire.VarintType), 7)))
}

// benignNodes is a small exported model: weights, a matmul and the usual
// checkpoint save/restore fed by a placeholder and a variables/ constant.
func benignNodes() [][]byte {
	return [][]byte{
		node("x", "Placeholder", nil),
		constString("w", "not a path"),
		node("y", "MatMul", []string{"x", "w"}),
		node("saver_filename", "Placeholder", nil),
		node("save", "SaveV2", []string{"saver_filename", "names", "slices", "^y"}),
		constString("restore_prefix", "variables/variables"),
		node("restore", "RestoreV2", []string{"restore_prefix:0", "names", "slices"}),
		node("print", "PrintV2", []string{"y"}, attrString("output_stream", "stderr")),
	}
}
