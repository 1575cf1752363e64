package modeldiff

import (
	"strconv"
	"strings"
)

// storageDtypes maps PyTorch's typed storage classes (what torch.save
// writes in persistent ids, old and new versions alike) to dtype names.
var storageDtypes = map[string]string{
	"FloatStorage": "float32", "DoubleStorage": "float64", "HalfStorage": "float16",
	"BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
	"ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
	"ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
	"QInt8Storage": "qint8", "QUInt8Storage": "quint8", "QInt32Storage": "qint32",
	"Float8_e4m3fnStorage": "float8_e4m3fn", "Float8_e5m2Storage": "float8_e5m2",
}

// tensorRebuilders are the torch functions that rebuild a tensor from a
// storage: (storage, offset, size, stride, …).
var tensorRebuilders = map[string]bool{
	"torch._utils._rebuild_tensor":    true,
	"torch._utils._rebuild_tensor_v2": true,
	"torch._utils._rebuild_tensor_v3": true,
	"torch._utils._rebuild_qtensor":   true,
}

// walker collects the tensors of a rebuilt object under dotted names.
type walker struct {
	tensors []Tensor
	max     int
	cut     bool // stopped at max tensors or depth
	seen    map[node]bool
}

const maxWalkDepth = 64

func (w *walker) walk(v node, name string, depth int) {
	if depth > maxWalkDepth || len(w.tensors) >= w.max {
		w.cut = true
		return
	}
	switch t := v.(type) {
	case *pyDict:
		if w.seen[t] {
			return
		}
		w.seen[t] = true
		for i, k := range t.keys {
			w.walk(t.vals[i], join(name, keyName(k, i)), depth+1)
		}
	case *pyList:
		for i, it := range t.items {
			w.walk(it, join(name, strconv.Itoa(i)), depth+1)
		}
	case *pyTuple:
		for i, it := range t.items {
			w.walk(it, join(name, strconv.Itoa(i)), depth+1)
		}
	case *pyObj:
		if w.seen[t] {
			return
		}
		w.seen[t] = true
		if tn, ok := w.tensor(t); ok {
			tn.Name = name
			w.tensors = append(w.tensors, tn)
			return
		}
		if g, ok := t.fn.(*pyGlobal); ok && (g.qual() == "torch._utils._rebuild_parameter" ||
			g.qual() == "torch._utils._rebuild_parameter_with_state") && len(t.args) > 0 {
			w.walk(t.args[0], name, depth+1)
			return
		}
		if t.dict != nil {
			w.walk(t.dict, name, depth+1)
		}
		if t.list != nil {
			w.walk(&pyList{items: t.list}, name, depth+1)
		}
		if t.state != nil {
			w.walk(t.state, name, depth+1)
		}
	}
}

// tensor recognises a torch tensor rebuild or a NumPy array.
func (w *walker) tensor(o *pyObj) (Tensor, bool) {
	g, ok := o.fn.(*pyGlobal)
	if !ok {
		return Tensor{}, false
	}
	q := g.qual()
	switch {
	case tensorRebuilders[q] && len(o.args) >= 3:
		p, ok := o.args[0].(*pyPers)
		if !ok {
			return Tensor{}, false
		}
		t := Tensor{Dtype: "?", Shape: ints(o.args[2])}
		if pid := tupleItems(p.pid); len(pid) >= 2 {
			if sg, ok := pid[1].(*pyGlobal); ok {
				if d, ok := storageDtypes[sg.name]; ok {
					t.Dtype = d
				}
			}
		}
		if q == "torch._utils._rebuild_tensor_v3" && len(o.args) >= 7 {
			if dg, ok := o.args[6].(*pyGlobal); ok {
				t.Dtype = dg.name
			}
		}
		return t, true
	case q == "numpy.core.multiarray._reconstruct" || q == "numpy._core.multiarray._reconstruct":
		// ndarray.__reduce__: BUILD state (version, shape, dtype, fortran, data)
		st := tupleItems(o.state)
		if len(st) < 3 {
			return Tensor{}, false
		}
		return Tensor{Shape: ints(st[1]), Dtype: numpyDtype(st[2])}, true
	case q == "joblib.numpy_pickle.NumpyArrayWrapper":
		d, ok := o.state.(*pyDict)
		if !ok {
			return Tensor{}, false
		}
		t := Tensor{Dtype: "?"}
		for i, k := range d.keys {
			switch keyName(k, i) {
			case "shape":
				t.Shape = ints(d.vals[i])
			case "dtype":
				t.Dtype = numpyDtype(d.vals[i])
			}
		}
		return t, true
	}
	return Tensor{}, false
}

// numpyDtype reads numpy.dtype('f8', …) as the dtype's name.
func numpyDtype(v node) string {
	o, ok := v.(*pyObj)
	if !ok || len(o.args) == 0 {
		return "?"
	}
	s, ok := o.args[0].(pyStr)
	if !ok {
		return "?"
	}
	names := map[string]string{"f2": "float16", "f4": "float32", "f8": "float64", "i1": "int8", "i2": "int16",
		"i4": "int32", "i8": "int64", "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64",
		"b1": "bool", "c8": "complex64", "c16": "complex128", "O8": "object", "O4": "object"}
	if n, ok := names[string(s)]; ok {
		return n
	}
	return string(s)
}

func ints(v node) []int64 {
	var out []int64
	for _, it := range tupleItems(v) {
		n, ok := it.(pyInt)
		if !ok {
			return append(out, -1)
		}
		out = append(out, int64(n))
	}
	return out
}

func keyName(k node, i int) string {
	switch t := k.(type) {
	case pyStr:
		return string(t)
	case pyInt:
		return strconv.FormatInt(int64(t), 10)
	}
	return "[" + strconv.Itoa(i) + "]"
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// flatTensorDict reports whether v is a dict of string keys to tensors only
// (a state dict): what safetensors' save_file accepts.
func flatTensorDict(v node) bool {
	var d *pyDict
	switch t := v.(type) {
	case *pyDict:
		d = t
	case *pyObj:
		// state_dict() keeps per-module versions in an attribute of the
		// OrderedDict (_metadata), pickled as BUILD state: plain data
		if g, ok := t.fn.(*pyGlobal); ok && g.qual() == "collections.OrderedDict" && t.dict != nil &&
			(t.state == nil || plainData(t.state, 0)) && len(t.list) == 0 {
			d = t.dict
		}
	}
	if d == nil || len(d.keys) == 0 {
		return false
	}
	w := &walker{max: 1, seen: map[node]bool{}}
	for i, k := range d.keys {
		if _, ok := k.(pyStr); !ok || strings.TrimSpace(string(k.(pyStr))) == "" {
			return false
		}
		o, ok := d.vals[i].(*pyObj)
		if !ok {
			return false
		}
		if _, ok := w.tensor(o); !ok {
			return false
		}
	}
	return true
}

// plainData reports whether v is built only of dicts, lists, tuples,
// strings, numbers and OrderedDicts of those.
func plainData(v node, depth int) bool {
	if depth > 32 {
		return false
	}
	switch t := v.(type) {
	case pyNone, pyBool, pyInt, pyFloat, pyStr:
		return true
	case *pyTuple:
		return allPlain(t.items, depth)
	case *pyList:
		return allPlain(t.items, depth)
	case *pyDict:
		return allPlain(t.keys, depth) && allPlain(t.vals, depth)
	case *pyObj:
		g, ok := t.fn.(*pyGlobal)
		if !ok || g.qual() != "collections.OrderedDict" || len(t.args) > 0 || len(t.list) > 0 {
			return false
		}
		return (t.dict == nil || plainData(t.dict, depth+1)) && (t.state == nil || plainData(t.state, depth+1))
	}
	return false
}

func allPlain(vs []node, depth int) bool {
	for _, v := range vs {
		if !plainData(v, depth+1) {
			return false
		}
	}
	return true
}
