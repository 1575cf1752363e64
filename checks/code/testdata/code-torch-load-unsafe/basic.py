import torch
import torch as t
from torch import load
from torch import load as tl


def restore(path, trusted):
    # ruleid: code-torch-load-unsafe
    state = torch.load(path)
    # ruleid: code-torch-load-unsafe
    model = t.load(path, map_location="cpu")
    # ruleid: code-torch-load-unsafe
    other = load(path)
    # ruleid: code-torch-load-unsafe
    x = tl(
        path,
        map_location="cpu",
        weights_only=False,
    )
    # ok: code-torch-load-unsafe
    safe = torch.load(path, weights_only=True)
    # ok: code-torch-load-unsafe
    safe2 = t.load(path, map_location="cpu", weights_only=True)
    # ok: code-torch-load-unsafe
    chosen = torch.load(path, weights_only=trusted)
    # ok: code-torch-load-unsafe
    saved = torch.save(state, path)
    return state, model, other, x, safe, safe2, chosen, saved


def not_torch(path):
    import numpy as torch2
    # ok: code-torch-load-unsafe
    return torch2.load(path)
