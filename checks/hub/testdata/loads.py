from transformers import AutoModel, AutoTokenizer, pipeline
from huggingface_hub import hf_hub_download, snapshot_download
from sentence_transformers import SentenceTransformer
import timm, torch

model = AutoModel.from_pretrained("acme/evil")  # line 6
tok = AutoTokenizer.from_pretrained(
    "acme/good",
    revision="0123456789abcdef0123456789abcdef01234567",
    trust_remote_code=True,
)
clf = pipeline("text-classification", model="acme/sentiment", revision=REV)
path = hf_hub_download(repo_id="acme/weights", filename="model.pt")
snapshot_download("acme/all")
emb = SentenceTransformer('sentence-transformers/all-MiniLM-L6-v2')
m = timm.create_model("hf-hub:timm/resnet50.a1_in1k", pretrained=True)
hub = torch.hub.load("pytorch/vision:v0.10.0", "resnet18", pretrained=True)
# AutoModel.from_pretrained("acme/commented")
s = "AutoModel.from_pretrained('acme/in-a-string')"
local = AutoModel.from_pretrained("./checkpoints/run1")
dyn = AutoModel.from_pretrained(name)
fs = AutoModel.from_pretrained(f"acme/{name}")
