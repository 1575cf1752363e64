# Helpers that wrap the model call: their return value is model output.
from openai import OpenAI

client = OpenAI()


def ask(question):
    r = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    return r.choices[0].message.content


def version():
    return "1.0"


class Agent:
    def think(self, q):
        return ask(q).strip()

    def act(self, q):
        # ruleid: code-llm-output-exec
        exec(self.think(q))


def main(q):
    # ruleid: code-llm-output-exec
    eval(ask(q))
    plan = ask("plan: " + q)
    # ruleid: code-llm-output-exec
    exec(plan)
    # ok: code-llm-output-exec
    print(ask(q))
    # ok: code-llm-output-exec
    exec(version())
