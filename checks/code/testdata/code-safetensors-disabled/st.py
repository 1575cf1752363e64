from transformers import AutoModel
from diffusers import StableDiffusionPipeline

REV = "3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e"
# ruleid: code-safetensors-disabled
m = AutoModel.from_pretrained("./local", use_safetensors=False)
# ruleid: code-safetensors-disabled
p = StableDiffusionPipeline.from_pretrained("./sd", use_safetensors=False)
# ruleid: code-safetensors-disabled
q = AutoModel.from_pretrained(
    "./other",
    use_safetensors=False,
)
# ok: code-safetensors-disabled
m2 = AutoModel.from_pretrained("./local", use_safetensors=True)
# ok: code-safetensors-disabled
m3 = AutoModel.from_pretrained("./local")
# ok: code-safetensors-disabled
m4 = AutoModel.from_pretrained("./local", use_safetensors=flag)
