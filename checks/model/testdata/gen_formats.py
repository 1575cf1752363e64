#!/usr/bin/python3
"""Writes the non-pickle model fixtures under formats/: safetensors, GGUF,
ONNX, Keras (HDF5 and .keras v3). Run with Debian's /usr/bin/python3 (numpy,
h5py, onnx). Malicious samples are written as bytes or JSON, never loaded
or run. TensorFlow SavedModel fixtures are built by Go test helpers."""
import io
import json
import os
import struct
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "formats")
os.makedirs(OUT, exist_ok=True)


def out(name):
    return os.path.join(OUT, name)


# ---------------------------------------------------------------- safetensors
DT = {np.float32: "F32", np.float16: "F16", np.int64: "I64", np.uint8: "U8"}


def st_bytes(tensors, metadata=None, header_override=None, tail=b"", pad=True):
    """Writes safetensors per the spec: u64 LE header length, JSON, data."""
    hdr = {}
    if metadata is not None:
        hdr["__metadata__"] = metadata
    data = b""
    for name, arr in tensors:
        b = arr.tobytes()
        hdr[name] = {"dtype": DT[arr.dtype.type], "shape": list(arr.shape),
                     "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    if header_override:
        header_override(hdr)
    h = json.dumps(hdr, separators=(",", ":")).encode()
    if pad:
        h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data + tail


def write(name, b):
    with open(out(name), "wb") as f:
        f.write(b)


def gen_safetensors():
    w = np.arange(12, dtype=np.float32).reshape(3, 4)
    b = np.ones(4, dtype=np.float16)
    write("st_benign.safetensors", st_bytes([("linear.weight", w), ("linear.bias", b)], {"format": "pt"}))
    write("st_benign_named.bin", st_bytes([("emb", np.zeros((2, 2), dtype=np.int64))]))
    write("st_empty.safetensors", st_bytes([], {"format": "pt"}))

    def bad_len(b):
        return struct.pack("<Q", 1 << 40) + b[8:]
    write("st_header_too_long.safetensors", bad_len(st_bytes([("w", w)])))
    raw = st_bytes([("w", w)])
    n = struct.unpack("<Q", raw[:8])[0]
    h = raw[8:8 + n].replace(b'"shape"', b'"shape" ,,')
    write("st_bad_json.safetensors", raw[:8] + h + raw[8 + n:])

    def off_out(h):
        h["w"]["data_offsets"] = [0, 4096]
    write("st_offsets_outside.safetensors", st_bytes([("w", w)], header_override=off_out))

    def overlap(h):
        h["b"]["data_offsets"] = [0, 8]
        h["b"]["shape"] = [4]
    write("st_overlap.safetensors", st_bytes([("w", w), ("b", b)], header_override=overlap))

    def shape_mismatch(h):
        h["w"]["shape"] = [4, 4]
    write("st_shape_mismatch.safetensors", st_bytes([("w", w)], header_override=shape_mismatch))
    write("st_metadata_not_string.safetensors", st_bytes([("w", w)], {"format": "pt", "layers": 12}))
    # a pickle hidden after the last tensor: a polyglot for another loader
    payload = b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
    write("st_trailing_payload.safetensors", st_bytes([("w", w)], tail=payload))

    def gap(h):
        h["b"]["data_offsets"] = [h["b"]["data_offsets"][0] + 16, h["b"]["data_offsets"][1] + 16]
    raw = st_bytes([("w", w), ("b", b)], header_override=gap)
    n = struct.unpack("<Q", raw[:8])[0]
    data = w.tobytes() + b"\xcc" * 16 + b.tobytes()
    write("st_gap.safetensors", raw[:8 + n] + data)



# ---------------------------------------------------------------- Keras
def dense(name, units, activation="relu", k3=False):
    cfg = {"name": name, "trainable": True, "dtype": "float32", "units": units,
           "activation": activation, "use_bias": True,
           "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
           "bias_initializer": {"class_name": "Zeros", "config": {}},
           "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
           "kernel_constraint": None, "bias_constraint": None}
    if k3:
        cfg["kernel_initializer"] = {"module": "keras.initializers", "class_name": "GlorotUniform",
                                     "config": {"seed": None}, "registered_name": None}
        cfg["bias_initializer"] = {"module": "keras.initializers", "class_name": "Zeros",
                                   "config": {}, "registered_name": None}
        return {"module": "keras.layers", "class_name": "Dense", "config": cfg,
                "registered_name": None, "build_config": {"input_shape": [None, 4]}}
    return {"class_name": "Dense", "config": cfg}


def conv(name):
    return {"class_name": "Conv2D", "config": {"name": name, "trainable": True, "dtype": "float32",
            "filters": 8, "kernel_size": [3, 3], "strides": [1, 1], "padding": "same",
            "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1,
            "activation": "relu", "use_bias": True}}


# marshal bytes of `lambda x: __import__('os').system('id')` as Keras 2
# stores them: base64 of marshal.dumps(code). Written, never run: the code
# object is compiled from a string and only serialised.
def lambda_payload(src):
    import base64
    import marshal
    code = compile(src, "<lambda>", "eval").co_consts[0]
    return base64.b64encode(marshal.dumps(code)).decode()


def k2_sequential(layers):
    inp = {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
           "sparse": False, "ragged": False, "name": "dense_input"}}
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": [inp] + layers}}


def write_h5(name, model_config, libver="earliest", extra=None, fixed=False):
    import h5py
    with h5py.File(out(name), "w", libver=libver) as f:
        for k, v in (extra or {}).items():
            f.attrs[k] = v
        f.attrs["backend"] = "tensorflow"
        f.attrs["keras_version"] = "2.11.0"
        cfg = json.dumps(model_config).encode("utf8")
        f.attrs["model_config"] = np.bytes_(cfg) if fixed else cfg  # h5py 2 wrote fixed-length strings
        f.attrs["training_config"] = json.dumps({"loss": "mse", "metrics": None, "optimizer_config": {
            "class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.001}}}).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"dense"])
        g.attrs["backend"] = "tensorflow"
        d = g.create_group("dense").create_group("dense")
        d.create_dataset("kernel:0", data=np.zeros((4, 8), dtype=np.float32))


def gen_keras():
    benign = k2_sequential([dense("dense", 8), dense("dense_1", 1, "linear")])
    write_h5("keras_benign.h5", benign)
    write_h5("keras_benign_latest.h5", k2_sequential([conv("conv2d"), dense("dense", 1, "linear")]), libver="latest")
    lam = {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
           "function": [lambda_payload("lambda x: __import__('os').system('id')"), None, None],
           "function_type": "lambda", "module": "__main__", "output_shape": None,
           "output_shape_type": "raw", "output_shape_module": None, "arguments": {}}}
    write_h5("keras_lambda.h5", k2_sequential([dense("dense", 8), lam]))
    write_h5("keras_lambda_latest.h5", k2_sequential([lam]), libver="latest")
    benign_lam = json.loads(json.dumps(lam))
    benign_lam["config"]["function"][0] = lambda_payload("lambda x: x / 255.0")
    write_h5("keras_lambda_scale.h5", k2_sequential([benign_lam, dense("dense", 1)]))
    # Lambda inside a TimeDistributed wrapper inside a nested functional model
    nested = {"class_name": "Functional", "config": {"name": "inner", "layers": [
        {"class_name": "TimeDistributed", "config": {"name": "td", "layer": lam}, "name": "td", "inbound_nodes": []}],
        "input_layers": [], "output_layers": []}}
    write_h5("keras_nested_lambda.h5", k2_sequential([{"class_name": "Bidirectional", "config": {
        "name": "bi", "layer": {"class_name": "LSTM", "config": {"name": "lstm", "units": 4}}}}, nested]))
    fn_lam = json.loads(json.dumps(lam))
    fn_lam["config"]["function"] = "system"
    fn_lam["config"]["function_type"] = "function"
    fn_lam["config"]["module"] = "os"
    write_h5("keras_lambda_os_function.h5", k2_sequential([fn_lam]))

    # Dense attribute storage (fractal heap + v2 B-tree name index): with
    # libver="latest" HDF5 moves an object's attributes there when it has
    # more than 8 of them, or one too large for the object header (64 KiB).
    # Attributes over 4 KiB become "huge" heap objects.
    meta = {"author": "ward fixtures", "license": "Apache-2.0", "dataset": "synthetic",
            "framework": "keras", "description": "dense attribute storage", "date_saved": "2024-11-02",
            "commit": "0" * 40}
    write_h5("keras_benign_dense.h5", k2_sequential([conv("conv2d"), dense("dense", 1, "linear")]),
             libver="latest", extra=meta)
    write_h5("keras_lambda_dense.h5", k2_sequential([lam]), libver="latest", extra=meta)
    big_lam = k2_sequential([dense("dense_%d" % i, 8) for i in range(12)] + [lam])
    write_h5("keras_lambda_dense_huge.h5", big_lam, libver="latest", extra=meta, fixed=True)
    large = k2_sequential([dense("dense_%d" % i, 8) for i in range(200)])
    write_h5("keras_benign_dense_large.h5", large, libver="latest", fixed=True)
    # 200 more attributes: the heap's root becomes an indirect block and the
    # name index gets internal nodes
    many = dict(meta, **{"tag_%03d" % i: "value %d" % i for i in range(200)})
    write_h5("keras_lambda_dense_many.h5", k2_sequential([lam]), libver="latest", extra=many)
    for n in ("keras_benign_dense.h5", "keras_lambda_dense.h5", "keras_lambda_dense_huge.h5",
              "keras_benign_dense_large.h5", "keras_lambda_dense_many.h5"):
        assert h5_dense_attributes(out(n)), n

    # Keras 3 .keras archives: config.json + metadata.json + weights
    def keras3(name, config):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            def put(n, data):  # fixed timestamps: reproducible archives
                z.writestr(zipfile.ZipInfo(n, date_time=(2024, 11, 2, 10, 0, 0)), data)
            put("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "2024-11-02@10:00:00"}))
            put("config.json", json.dumps(config))
            put("model.weights.h5", b"")  # weights are not read by the check
        write(name, buf.getvalue())

    def k3_seq(layers):
        inp = {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4],
               "dtype": "float32", "sparse": False, "name": "input_layer"}, "registered_name": None}
        return {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True,
                "dtype": "float32", "layers": [inp] + layers}, "registered_name": None,
                "build_config": {"input_shape": [None, 4]}, "compile_config": None}
    keras3("keras3_benign.keras", k3_seq([dense("dense", 8, k3=True), dense("dense_1", 1, "linear", k3=True)]))
    k3lam = {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lambda", "trainable": True,
             "dtype": "float32", "function": {"class_name": "__lambda__", "config": {
                 "code": lambda_payload("lambda x: exec(\"import os; os.system('id')\")"),
                 "defaults": None, "closure": None}}, "arguments": {}}, "registered_name": None}
    keras3("keras3_lambda.keras", k3_seq([k3lam]))
    # CVE-2025-1550: config.json names an arbitrary module and callable
    d = dense("dense", 8, k3=True)
    d["config"]["activation"] = {"module": "os", "class_name": "function", "config": "system",
                                 "registered_name": "system"}
    keras3("keras3_cve_2025_1550.keras", k3_seq([d, {"module": "subprocess", "class_name": "Popen",
                                                   "config": {"args": ["id"]}, "registered_name": None}]))
    keras3("keras3_custom_module.keras", k3_seq([{"module": "my_project.layers", "class_name": "Scale",
                                                  "config": {"name": "scale"}, "registered_name": "my_project>Scale"}]))
    keras3("keras3_tfsm_outside.keras", k3_seq([{"module": "keras.layers", "class_name": "TFSMLayer",
                                                 "config": {"name": "tfsm", "filepath": "/tmp/attacker_model",
                                                            "call_endpoint": "serve"}, "registered_name": None}]))


def h5_dense_attributes(path):
    """Whether the file holds a fractal heap: in these fixtures only the
    root group's attributes can be in one (h5py's Attribute Info message is
    present in compact storage too; the Go tests check its heap address)."""
    with open(path, "rb") as f:
        return b"FRHP" in f.read()



# ---------------------------------------------------------------- GGUF
# A small writer following the GGUF spec (versions 1-3). Value types:
GG_U8, GG_I8, GG_U16, GG_I16, GG_U32, GG_I32, GG_F32, GG_BOOL, GG_STR, GG_ARR, GG_U64, GG_I64, GG_F64 = range(13)
GG_FMT = {GG_U8: "<B", GG_I8: "<b", GG_U16: "<H", GG_I16: "<h", GG_U32: "<I", GG_I32: "<i", GG_F32: "<f",
          GG_BOOL: "<?", GG_U64: "<Q", GG_I64: "<q", GG_F64: "<d"}

LLAMA3_TEMPLATE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "../gguf/chattemplate/testdata/llama3.jinja")).read().rstrip("\n")
CHATML_TEMPLATE = open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    "../gguf/chattemplate/testdata/chatml.jinja")).read().rstrip("\n")
# CVE-2024-34359 (llama-cpp-python): the published payload
CVE_TEMPLATE = ("{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in x.__name__ %}"
                "{{x()._module.__builtins__['__import__']('os').popen(\"touch /tmp/retr0reg\")}}{%endif%}{% endfor %}")
OBFUSCATED_TEMPLATE = ("{% for message in messages %}{{ message['content'] }}{% endfor %}"
                       "{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr(['__ba','se__']|join)|attr('__subclasses__') }}")


def gg_str(s, v):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack("<I" if v == 1 else "<Q", len(b)) + b


def gg_val(t, val, v):
    if t == GG_STR:
        return gg_str(val, v)
    if t == GG_ARR:
        et, items = val
        out = struct.pack("<I", et) + struct.pack("<I" if v == 1 else "<Q", len(items))
        return out + b"".join(gg_val(et, x, v) for x in items)
    return struct.pack(GG_FMT[t], val)


def gguf(kvs, tensors=(), version=3, align=32, kv_count=None, tensor_count=None):
    v = version
    cnt = "<I" if v == 1 else "<Q"
    out = b"GGUF" + struct.pack("<I", v)
    out += struct.pack(cnt, len(tensors) if tensor_count is None else tensor_count)
    out += struct.pack(cnt, len(kvs) if kv_count is None else kv_count)
    for k, t, val in kvs:
        out += gg_str(k, v) + struct.pack("<I", t) + gg_val(t, val, v)
    data = b""
    for name, arr in tensors:
        out += gg_str(name, v) + struct.pack("<I", arr.ndim)
        for d in reversed(arr.shape):
            out += struct.pack("<I" if v == 1 else "<Q", d)
        out += struct.pack("<I", 0) + struct.pack("<Q", len(data))  # type F32, offset
        data += arr.astype(np.float32).tobytes()
        data += b"\0" * ((align - len(data) % align) % align)
    out += b"\0" * ((align - len(out) % align) % align)
    return out + data


def gg_model(template, extra=(), version=3):
    kvs = [("general.architecture", GG_STR, "llama"), ("general.name", GG_STR, "tiny"),
           ("general.alignment", GG_U32, 32), ("llama.context_length", GG_U32, 2048),
           ("llama.rope.freq_base", GG_F32, 10000.0), ("general.file_type", GG_U32, 0),
           ("tokenizer.ggml.model", GG_STR, "llama"),
           ("tokenizer.ggml.tokens", GG_ARR, (GG_STR, ["<unk>", "<s>", "</s>", "hello", "world"])),
           ("tokenizer.ggml.scores", GG_ARR, (GG_F32, [0.0, 0.0, 0.0, -1.0, -2.0])),
           ("tokenizer.ggml.token_type", GG_ARR, (GG_I32, [2, 3, 3, 1, 1])),
           ("tokenizer.ggml.add_bos_token", GG_BOOL, True),
           ("tokenizer.ggml.bos_token_id", GG_U32, 1), ("general.size", GG_U64, 1 << 20),
           ("general.nested", GG_ARR, (GG_ARR, [(GG_U8, [1, 2]), (GG_I64, [-1])]))]
    if template is not None:
        kvs.append(("tokenizer.chat_template", GG_STR, template))
    kvs += list(extra)
    return gguf(kvs, [("token_embd.weight", np.zeros((5, 4)))], version=version)


def gen_gguf():
    write("gguf_llama3.gguf", gg_model(LLAMA3_TEMPLATE))
    write("gguf_chatml_v2.gguf", gg_model(CHATML_TEMPLATE, version=2))
    write("gguf_v1.gguf", gg_model(None, version=1))
    write("gguf_cve_2024_34359.gguf", gg_model(CVE_TEMPLATE))
    write("gguf_obfuscated_template.gguf", gg_model(OBFUSCATED_TEMPLATE))
    write("gguf_named_template.gguf", gg_model(CHATML_TEMPLATE, extra=[
        ("tokenizer.chat_template.tool_use", GG_STR, "{{ cycler.__init__.__globals__.os.popen('id').read() }}")]))
    write("gguf_unparsable_template.gguf", gg_model("{% for m in messages %}{{ m.content }"))
    b = gg_model(LLAMA3_TEMPLATE)
    write("gguf_truncated.gguf", b[:200])
    write("gguf_huge_kv_count.gguf", gguf([("general.architecture", GG_STR, "llama")], kv_count=1 << 40))
    bad = bytearray(gguf([("general.architecture", GG_STR, "llama")]))
    struct.pack_into("<Q", bad, 24, 1 << 50)  # key length far beyond the file
    write("gguf_string_too_long.gguf", bytes(bad))
    write("gguf_bad_version.gguf", b"GGUF" + struct.pack("<I", 99) + b"\0" * 16)



# ---------------------------------------------------------------- ONNX
def gen_onnx():
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def linear(extra_nodes=(), extra_inits=(), functions=(), opsets=(), name="linear"):
        w = numpy_helper.from_array(np.ones((4, 2), dtype=np.float32), "W")
        b = numpy_helper.from_array(np.zeros((2,), dtype=np.float32), "B")
        nodes = [helper.make_node("MatMul", ["X", "W"], ["XW"]), helper.make_node("Add", ["XW", "B"], ["Y"])]
        g = helper.make_graph(nodes + list(extra_nodes), name,
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 2])],
                              [w, b] + list(extra_inits))
        ops = [helper.make_opsetid("", 17)] + list(opsets)
        m = helper.make_model(g, opset_imports=ops, producer_name="ward-fixtures")
        m.functions.extend(functions)
        return m

    def save(name, model):
        write(name, model.SerializeToString())

    def external(tensor, location, offset=0, length=None):
        tensor.ClearField("raw_data")
        tensor.data_location = TensorProto.EXTERNAL
        for k, v in [("location", location), ("offset", str(offset))] + ([("length", str(length))] if length is not None else []):
            e = tensor.external_data.add()
            e.key, e.value = k, v
        return tensor

    save("onnx_benign.onnx", linear())
    m = linear()
    data = b""
    for t in m.graph.initializer:
        raw = t.raw_data
        external(t, "onnx_external.onnx.data", len(data), len(raw))
        data += raw
    save("onnx_external.onnx", m)
    write("onnx_external.onnx.data", data)
    m = linear()
    external(m.graph.initializer[0], "../../../../../../etc/passwd", 0, 32)
    save("onnx_external_traversal.onnx", m)
    m = linear()
    external(m.graph.initializer[0], "/home/user/.ssh/id_rsa", 0, 32)
    save("onnx_external_absolute.onnx", m)
    m = linear()
    external(m.graph.initializer[0], "weights_not_committed.bin", 0, 32)
    save("onnx_external_missing.onnx", m)
    m = linear()
    external(m.graph.initializer[0], "onnx_external.onnx.data", 0, 4096)
    save("onnx_external_length.onnx", m)
    save("onnx_custom_op.onnx", linear(
        extra_nodes=[helper.make_node("Backdoor", ["Y"], ["Z"], domain="com.evil.ops")],
        opsets=[helper.make_opsetid("com.evil.ops", 1)]))
    # If node whose branches hide a custom op and a traversing external tensor
    leak = external(numpy_helper.from_array(np.zeros((8,), dtype=np.float32), "leak"), "../secrets.bin", 0, 32)
    then_g = helper.make_graph([helper.make_node("Exfil", ["Y"], ["T"], domain="org.attacker")], "then_branch", [],
                               [helper.make_tensor_value_info("T", TensorProto.FLOAT, [1, 2])])
    else_g = helper.make_graph([helper.make_node("Constant", [], ["E"], value=leak)], "else_branch", [],
                               [helper.make_tensor_value_info("E", TensorProto.FLOAT, [8])])
    cond = numpy_helper.from_array(np.array(True), "cond")
    save("onnx_if_subgraph.onnx", linear(
        extra_nodes=[helper.make_node("If", ["cond"], ["O"], then_branch=then_g, else_branch=else_g)],
        extra_inits=[cond], opsets=[helper.make_opsetid("org.attacker", 1)]))
    m = linear()
    m.graph.initializer[0].raw_data = m.graph.initializer[0].raw_data[:8]
    save("onnx_size_mismatch.onnx", m)
    fn = helper.make_function("local.fns", "Double", ["A"], ["B2"], [helper.make_node("Add", ["A", "A"], ["B2"])],
                              [helper.make_opsetid("", 17)])
    save("onnx_local_function.onnx", linear(
        extra_nodes=[helper.make_node("Double", ["Y"], ["Y2"], domain="local.fns")],
        functions=[fn], opsets=[helper.make_opsetid("local.fns", 1)]))


if __name__ == "__main__":
    gen_safetensors()
    gen_keras()
    gen_gguf()
    gen_onnx()
