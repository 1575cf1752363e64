import torch

# With torch>=2.6 pinned next door, these are reported at low severity
# (same rule, same lines); TestTorchSeverity checks the severities.
# ruleid: code-torch-load-unsafe
ckpt = torch.load("ckpt.pt")
# ruleid: code-torch-load-unsafe
bad = torch.load("ckpt.pt", weights_only=False)
# ok: code-torch-load-unsafe
good = torch.load("ckpt.pt", weights_only=True)
