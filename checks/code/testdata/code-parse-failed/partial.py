# One half-written line does not stop analysis of the rest.
# ok: code-parse-failed
import pickle


def load(p):
    x = (
    # ruleid: code-pickle-load
    return pickle.loads(p)
