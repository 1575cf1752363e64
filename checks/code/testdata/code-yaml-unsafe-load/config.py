import yaml
from yaml import Loader, SafeLoader


def parse(fh, text):
    # ruleid: code-yaml-unsafe-load
    a = yaml.load(fh)
    # ruleid: code-yaml-unsafe-load
    b = yaml.load(fh, Loader=yaml.Loader)
    # ruleid: code-yaml-unsafe-load
    c = yaml.unsafe_load(text)
    # ruleid: code-yaml-unsafe-load
    d = list(yaml.load_all(text, Loader))
    # ok: code-yaml-unsafe-load
    e = yaml.safe_load(fh)
    # ok: code-yaml-unsafe-load
    f = yaml.load(fh, Loader=yaml.SafeLoader)
    # ok: code-yaml-unsafe-load
    g = yaml.load(text, SafeLoader)
    # ok: code-yaml-unsafe-load
    h = yaml.load(text, Loader=yaml.CSafeLoader)
    return a, b, c, d, e, f, g, h
