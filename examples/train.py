import pickle

import torch
from transformers import AutoModelForCausalLM


def load_checkpoint(path):
    return torch.load(path)


def load_features(blob):
    return pickle.loads(blob)


model = AutoModelForCausalLM.from_pretrained("acme/chat-model", trust_remote_code=True)
