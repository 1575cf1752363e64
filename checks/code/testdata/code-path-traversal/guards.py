# A path checked to stay inside its directory is not reported.
import os

from flask import Flask, request, send_file

app = Flask(__name__)
BASE = "/srv/files"


@app.route("/file")
def get_file():
    full = os.path.realpath(os.path.join(BASE, request.args["name"]))
    if not full.startswith(BASE + os.sep):
        return "forbidden", 403
    # ok: code-path-traversal
    return send_file(full)


@app.route("/raw")
def raw():
    full = os.path.join(BASE, request.args["name"])
    # ruleid: code-path-traversal (high)
    return open(full).read()


@app.route("/common")
def common():
    full = os.path.realpath(os.path.join(BASE, request.args["name"]))
    if os.path.commonpath([full, BASE]) != BASE:
        return "forbidden", 403
    # ok: code-path-traversal
    return open(full).read()
