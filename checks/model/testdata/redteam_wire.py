"""Byte builders the red-team generators share (gen_redteam.py,
redteam2/gen_redteam2.py, redteam-pickle/gen_redteam_pickle.py): protobuf
wire format for TensorFlow graphs, a string-only GGUF, and pickle opcodes.
They only write bytes; nothing here loads or runs a model."""
import struct


# ---------------------------------------------------------------- protobuf wire format
def varint(n):
    b = b""
    while True:
        c = n & 0x7F
        n >>= 7
        b += bytes([c | (0x80 if n else 0)])
        if not n:
            return b


def fld(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(num << 3 | 2) + varint(len(payload)) + payload


def node(name, op, inputs=(), attrs=b""):
    """A TensorFlow NodeDef."""
    return fld(1, name) + fld(2, op) + b"".join(fld(3, i) for i in inputs) + attrs


def const_str(name, s):
    """A Const node holding one string."""
    tensor = fld(1, 7) + fld(8, s)  # dtype DT_STRING, string_val
    return node(name, "Const", attrs=fld(5, fld(1, "value") + fld(2, fld(8, tensor))))


# ---------------------------------------------------------------- GGUF
def gguf(kvs):
    """A GGUF v3 file with string metadata only and no tensors."""
    b = b"GGUF" + struct.pack("<IQQ", 3, 0, len(kvs))
    for k, v in kvs:
        kb, vb = k.encode(), v.encode()
        b += struct.pack("<Q", len(kb)) + kb + struct.pack("<I", 8) + struct.pack("<Q", len(vb)) + vb
    return b


# ---------------------------------------------------------------- pickle opcodes
def bu(s):  # BINUNICODE (protocol 1+)
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def glob(mod, name):  # GLOBAL (protocol 0+)
    return b"c" + mod.encode() + b"\n" + name.encode() + b"\n"
