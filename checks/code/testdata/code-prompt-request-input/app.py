from flask import Flask, request
from openai import OpenAI
from anthropic import Anthropic
from langchain_core.messages import SystemMessage, HumanMessage

app = Flask(__name__)
client = OpenAI()
claude = Anthropic()
SYSTEM = "You are a support assistant. Only answer questions about orders."


@app.post("/chat")
def chat():
    persona = request.args.get("persona", "friendly")
    question = request.json["question"]
    messages = [
        # ruleid: code-prompt-request-input
        {"role": "system", "content": f"You are a {persona} assistant."},
        # ok: code-prompt-request-input
        {"role": "user", "content": question},
    ]
    r = client.chat.completions.create(model="gpt-4o", messages=messages)
    # ruleid: code-prompt-request-input
    m = claude.messages.create(model="claude-sonnet-4-5", max_tokens=100, system=request.form["rules"], messages=[])
    # ruleid: code-prompt-request-input
    sm = SystemMessage(content="Rules: " + request.args["rules"])
    # ok: code-prompt-request-input
    sm2 = SystemMessage(content=SYSTEM)
    # ok: code-prompt-request-input
    hm = HumanMessage(content=question)
    return r, m, sm, sm2, hm
