# A URL whose host is checked against an allow-list is not reported.
from urllib.parse import urlparse

import requests
from flask import Flask, request

app = Flask(__name__)
ALLOWED_HOSTS = {"api.example.com", "cdn.example.com"}


@app.route("/proxy")
def proxy():
    url = request.args["url"]
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        return "forbidden", 403
    # ok: code-ssrf
    return requests.get(url, timeout=5).text


@app.route("/open-proxy")
def open_proxy():
    # ruleid: code-ssrf (high)
    return requests.get(request.args["url"], timeout=5).text
