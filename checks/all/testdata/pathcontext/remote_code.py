# trust_remote_code=True runs the Python shipped in the hub repository.
from transformers import AutoModelForCausalLM

model = AutoModelForCausalLM.from_pretrained("org/model", revision="3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e", trust_remote_code=True)
