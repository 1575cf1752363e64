import numpy as np
import numpy
from numpy import load


def go(path, flag):
    # ruleid: code-numpy-allow-pickle
    a = np.load(path, allow_pickle=True)
    # ruleid: code-numpy-allow-pickle
    b = numpy.load(path, mmap_mode="r", allow_pickle=True)
    # ruleid: code-numpy-allow-pickle
    c = load(path, allow_pickle=True)
    # ok: code-numpy-allow-pickle
    d = np.load(path)
    # ok: code-numpy-allow-pickle
    e = np.load(path, allow_pickle=False)
    # ok: code-numpy-allow-pickle
    f = np.save(path, d)
    # ok: code-numpy-allow-pickle
    g = np.load(path, allow_pickle=flag)
    return a, b, c, d, e, f, g
