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


if __name__ == "__main__":
    gen_safetensors()
