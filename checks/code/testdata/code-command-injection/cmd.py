import os
import subprocess
from flask import Flask, request

app = Flask(__name__)


@app.route("/convert")
def convert():
    name = request.args["name"]
    # ruleid: code-command-injection (high)
    os.system("convert " + name + " out.png")
    # ruleid: code-command-injection (high)
    subprocess.run(f"gzip {name}", shell=True)
    # ruleid: code-command-injection (high)
    subprocess.Popen([request.args["tool"], "--version"])
    # ok: code-command-injection
    subprocess.run(["convert", name, "out.png"], check=True)
    return "ok"


def backup(dest):
    # ruleid: code-command-injection (low)
    os.popen("tar czf %s /srv" % dest)
    cmd = "make clean"
    # ok: code-command-injection
    os.system(cmd)
    # ok: code-command-injection
    subprocess.call("ls -l", shell=True)


def truthy_shell(path, use_shell):
    # ruleid: code-command-injection (low)
    subprocess.call("ls " + path, shell="True")
    # ruleid: code-command-injection (low)
    subprocess.call("ls " + path, shell=use_shell)
    # ok: code-command-injection
    subprocess.call("ls " + path, shell=0)
    # ok: code-command-injection
    subprocess.call("ls -l", shell="True")
