import requests
import httpx
from urllib.request import urlopen
from flask import request


def preview():
    url = request.args["url"]
    # ruleid: code-ssrf
    r = requests.get(url, timeout=5)
    # ruleid: code-ssrf
    h = httpx.post(request.json["callback"], json={})
    # ruleid: code-ssrf
    u = urlopen(request.form["feed"])
    # ok: code-ssrf
    ok1 = requests.get(f"https://api.example.com/users/{request.args['id']}")
    # ok: code-ssrf
    ok2 = requests.get("https://example.com/status")
    # ok: code-ssrf
    ok3 = requests.get(url_for_internal(), timeout=5)
    return r, h, u, ok1, ok2, ok3
