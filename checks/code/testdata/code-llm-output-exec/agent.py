import json
from openai import OpenAI
from anthropic import Anthropic
import litellm

client = OpenAI()
claude = Anthropic()


def run_openai(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    code = resp.choices[0].message.content
    # ruleid: code-llm-output-exec
    exec(code)


def run_anthropic(question):
    msg = claude.messages.create(model="claude-sonnet-4-5", max_tokens=512, messages=[{"role": "user", "content": question}])
    text = msg.content[0].text.strip()
    expr = f"({text})"
    # ruleid: code-llm-output-exec
    return eval(expr)


def run_chain(chain, question):
    out = chain.invoke({"question": question})
    data = json.loads(out.content)
    # ruleid: code-llm-output-exec
    eval(data["python"])


def run_litellm(q):
    r = litellm.completion(model="ollama/llama3", messages=[{"role": "user", "content": q}])
    # ruleid: code-llm-output-exec
    exec(compile(r.choices[0].message.content, "<llm>", "exec"))


def safe(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    answer = resp.choices[0].message.content
    # ok: code-llm-output-exec
    print(answer)
    # ok: code-llm-output-exec
    value = json.loads(answer)
    # ok: code-llm-output-exec
    exec("print('static')")
    return value
