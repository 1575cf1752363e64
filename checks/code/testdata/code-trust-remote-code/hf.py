import subprocess
from transformers import AutoModelForCausalLM, pipeline
from datasets import load_dataset
from vllm import LLM

REV = "3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e"
# ruleid: code-trust-remote-code
model = AutoModelForCausalLM.from_pretrained("org/model", revision=REV, trust_remote_code=True)
# ruleid: code-trust-remote-code
pipe = pipeline("text-generation", model="./local", trust_remote_code=True)
# ruleid: code-trust-remote-code (medium)
ds = load_dataset("./data", trust_remote_code=True)
# datasets 4.0 removed loading scripts: the flag only matters on older releases
# ruleid: code-trust-remote-code (medium)
boolq = load_dataset("google/boolq", split="validation", revision="0d6ab2fbbc0a1c3e8a2ad83b3d8b3f3a7d2cba41", trust_remote_code=True)
# ruleid: code-trust-remote-code
llm = LLM(model="./weights", trust_remote_code=True)
# ruleid: code-trust-remote-code
subprocess.run(["vllm", "serve", "./weights", "--trust-remote-code"], check=True)
# ruleid: code-trust-remote-code
emb = AutoModelForCausalLM.from_pretrained("./local", model_kwargs={"trust_remote_code": True})
# ok: code-trust-remote-code
m2 = AutoModelForCausalLM.from_pretrained("./local", trust_remote_code=False)
# ok: code-trust-remote-code
m3 = AutoModelForCausalLM.from_pretrained("./local")
# ok: code-trust-remote-code
subprocess.run(["vllm", "serve", "./weights"], check=True)
import argparse
parser = argparse.ArgumentParser()
# declaring the opt-in flag passes nothing (llama.cpp's convert_lora_to_gguf.py)
# ok: code-trust-remote-code
parser.add_argument("--trust-remote-code", default=False, action="store_true", help="trust remote code in the model")
# ok: code-trust-remote-code
parser.add_argument("--model", help="add --trust-remote-code for models with custom code")
# ruleid: code-trust-remote-code
subprocess.run(["python", "convert.py", "--outfile", "m.gguf", "--trust-remote-code"], check=True)
