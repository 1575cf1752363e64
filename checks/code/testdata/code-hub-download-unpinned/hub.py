from transformers import AutoModel, AutoTokenizer
from huggingface_hub import hf_hub_download, snapshot_download
from datasets import load_dataset

REV = "3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e"

# ruleid: code-hub-download-unpinned
tok = AutoTokenizer.from_pretrained("bert-base-uncased")
# ruleid: code-hub-download-unpinned
model = AutoModel.from_pretrained("org/model", revision="main")
# ruleid: code-hub-download-unpinned
path = hf_hub_download(repo_id="org/model", filename="model.safetensors")
# ruleid: code-hub-download-unpinned
snap = snapshot_download("org/model")
# ruleid: code-hub-download-unpinned
ds = load_dataset("org/dataset", split="train")
# ok: code-hub-download-unpinned
tok2 = AutoTokenizer.from_pretrained("org/model", revision=REV)
# ok: code-hub-download-unpinned
tok3 = AutoTokenizer.from_pretrained("org/model", revision="3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e")
# ok: code-hub-download-unpinned
local = AutoModel.from_pretrained("./checkpoints/run1")
# ok: code-hub-download-unpinned
csv = load_dataset("csv", data_files="train.csv")
# ok: code-hub-download-unpinned
chosen = AutoModel.from_pretrained(model_dir)
