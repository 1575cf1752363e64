import pickle
import torch
import yaml
from transformers import AutoModel


def load_all(path, cfg):
    model = AutoModel.from_pretrained("org/model", trust_remote_code=True)
    state = torch.load(path)
    with open(cfg) as fh:
        config = yaml.load(fh)
    cache = pickle.loads(open(path + ".cache", "rb").read())  # ward:ignore code-pickle-load written by this job
    return model, state, config, cache
