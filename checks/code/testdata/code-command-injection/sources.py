# Where the command comes from decides the severity: input from outside is
# high, a value ward cannot trace is low (hygiene), constants, numbers,
# quoted words, platform facts and checked values are not reported.
import os
import re
import shlex
import subprocess
import sys
import tempfile

import requests
from slack_bolt import App

app = App()
SAFE_REF = re.compile(r"^[A-Za-z0-9._/-]+$")
ALLOWED = {"status", "log", "diff"}


def lambda_handler(event, context):
    branch = event["queryStringParameters"]["branch"]
    # ruleid: code-command-injection (high)
    subprocess.run(f"git checkout {branch}", shell=True, check=True)
    # ok: code-command-injection
    subprocess.run(["git", "checkout", branch], check=True)


@app.command("/deploy")
def deploy(ack, body, command):
    ack()
    # ruleid: code-command-injection (high)
    os.system("deploy.sh " + command["text"])


def sync_mirror():
    manifest = requests.get("https://mirror.example.com/manifest.json", timeout=10).json()
    # ruleid: code-command-injection (high)
    subprocess.check_output(["bash", "-c", "rsync -a " + manifest["path"] + " /srv/mirror"])


def main():
    workers = int(sys.argv[1])
    # ok: code-command-injection
    os.system("make -j%d" % workers)
    # ok: code-command-injection
    os.system(f"open-browser --{sys.platform}")
    out = tempfile.mkdtemp()
    # ok: code-command-injection
    subprocess.run(f"tar xzf bundle.tgz -C {out}", shell=True)
    target = sys.argv[2]
    # ruleid: code-command-injection (low)
    os.system("scp build.tgz " + target)
    # ok: code-command-injection
    os.system("scp build.tgz " + shlex.quote(target))


def git(sub, ref):
    if sub not in ALLOWED:
        raise ValueError(sub)
    if not SAFE_REF.fullmatch(ref):
        raise ValueError(ref)
    # ok: code-command-injection
    return subprocess.check_output(f"git {sub} {ref}", shell=True)


@app.message("run")
def on_message(message, say):
    ref = message["text"]
    if not re.fullmatch(r"[0-9a-f]{7,40}", ref):
        return
    # ok: code-command-injection
    say(subprocess.getoutput("git show --stat " + ref))
