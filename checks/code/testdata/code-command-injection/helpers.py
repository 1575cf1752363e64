# A handler that passes request input to a helper of the same file: the
# helper's parameter carries it (one hop).
import subprocess

from flask import Flask, request

app = Flask(__name__)


def convert(name, size):
    # ruleid: code-command-injection (high)
    subprocess.run(f"convert {name} -resize {size} out.png", shell=True, check=True)


def archive(dest):
    # ruleid: code-command-injection (low)
    subprocess.run("tar czf " + dest + " /srv/data", shell=True, check=True)


@app.route("/thumb")
def thumb():
    convert(request.args["name"], size=request.args.get("size", "64"))
    archive("/backups/data.tgz")
    return "ok"
