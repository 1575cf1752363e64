import os
from flask import Flask, request, send_file, send_from_directory
from werkzeug.utils import secure_filename

app = Flask(__name__)
BASE = "/srv/files"


@app.get("/read")
def read():
    name = request.args["name"]
    # ruleid: code-path-traversal
    with open(os.path.join(BASE, name)) as fh:
        data = fh.read()
    # ruleid: code-path-traversal
    return send_file(request.args.get("path"))


@app.get("/files/<path:filename>")
def download(filename):
    # ruleid: code-path-traversal
    return send_file(BASE + "/" + filename)


@app.get("/safe")
def safe():
    name = secure_filename(request.args["name"])
    # ok: code-path-traversal
    f = open(os.path.join(BASE, name))
    # ok: code-path-traversal
    g = open("/etc/app.conf")
    # ok: code-path-traversal
    return send_from_directory(BASE, request.args["name"])
