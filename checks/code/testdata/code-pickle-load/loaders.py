import pickle
import _pickle as cp
import dill
import shelve
import jsonpickle
from pickle import loads as l
from cloudpickle import load


def read(path, blob):
    with open(path, "rb") as fh:
        # ruleid: code-pickle-load
        obj = pickle.load(fh)
    # ruleid: code-pickle-load
    a = l(blob)
    # ruleid: code-pickle-load
    b = cp.loads(blob)
    # ruleid: code-pickle-load
    c = dill.loads(blob)
    # ruleid: code-pickle-load
    d = load(open(path, "rb"))
    # ruleid: code-pickle-load
    db = shelve.open("cache.db")
    # ruleid: code-pickle-load
    e = jsonpickle.decode(blob)
    # ruleid: code-pickle-load
    u = pickle.Unpickler(open(path, "rb")).load()
    return obj, a, b, c, d, db, e, u


def write(obj, path):
    # ok: code-pickle-load
    data = pickle.dumps(obj)
    # ok: code-pickle-load
    pickle.dump(obj, open(path, "wb"))
    # ok: code-pickle-load
    s = jsonpickle.encode(obj)
    return data, s


def lookalikes(loader, js):
    import json
    # ok: code-pickle-load
    x = json.loads(js)
    # ok: code-pickle-load
    y = loader.load(js)
    return x, y


def restore(blob):
    # ruleid: code-pickle-load
    return jsonpickle.unpickler.Unpickler().restore(blob)


def deep_copy(model):
    # ok: code-pickle-load
    return pickle.loads(pickle.dumps(model))
