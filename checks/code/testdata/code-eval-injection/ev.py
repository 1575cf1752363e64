import ast
from flask import request


def calc(expr):
    # ruleid: code-eval-injection (low)
    return eval(expr)


def run_hook(source):
    # ruleid: code-eval-injection (low)
    exec(compile(source, "<hook>", "exec"))


def handler():
    # ruleid: code-eval-injection (high)
    exec(request.form["code"])
    # ok: code-eval-injection
    value = ast.literal_eval(request.form["value"])
    # ok: code-eval-injection
    eval("1 + 2")
    # ok: code-eval-injection
    exec("import this")
    return value


def run_file(path):
    with open(path) as fh:
        # ruleid: code-eval-injection (low)
        code = compile(fh.read(), path, "exec")
    # ok: code-eval-injection
    exec(code, {})
