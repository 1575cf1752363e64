from flask import render_template_string
from markupsafe import Markup
from django.utils.safestring import mark_safe
import ollama


def page(q):
    reply = ollama.chat(model="llama3", messages=[{"role": "user", "content": q}])
    text = reply["message"]["content"]
    # ruleid: code-llm-output-html
    return render_template_string("<p>" + text + "</p>")


def widget(q):
    reply = ollama.generate(model="llama3", prompt=q)
    # ruleid: code-llm-output-html
    return Markup(reply["response"])


def dj(q):
    reply = ollama.generate(model="llama3", prompt=q)
    # ruleid: code-llm-output-html
    safe = mark_safe(reply["response"])
    # ok: code-llm-output-html
    plain = Markup.escape(reply["response"])
    # ok: code-llm-output-html
    t = render_template_string("<p>{{ r }}</p>", r=reply["response"])
    # ok: code-llm-output-html
    m = mark_safe("<br>")
    return safe, plain, t, m
