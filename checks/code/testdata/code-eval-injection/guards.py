# eval reaches high only from outside input; a regex whitelist first, or a
# value made of literals and numbers, is not reported.
import re

from fastapi import FastAPI

app = FastAPI()
ARITH = re.compile(r"[0-9+\-*/(). ]+")


@app.get("/calc")
def calc(expr: str):
    # ruleid: code-eval-injection (high)
    return {"value": eval(expr)}


@app.get("/calc-safe")
def calc_safe(expr: str):
    if not ARITH.fullmatch(expr):
        return {"error": "not arithmetic"}
    # ok: code-eval-injection
    return {"value": eval(expr)}


def scale(factor):
    n = float(factor)
    # ok: code-eval-injection
    return eval("2 * %f" % n)
