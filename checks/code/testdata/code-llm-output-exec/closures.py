# Closures read the variables of the function around them.
from openai import OpenAI

client = OpenAI()


def make_runner(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    code = resp.choices[0].message.content

    def run():
        # ruleid: code-llm-output-exec
        exec(code)

    return run


def make_evaluator(question):
    answer = client.responses.create(model="gpt-4o", input=question).output_text
    # ruleid: code-llm-output-exec
    return lambda: eval(answer)


def outer(question):
    plan = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content

    def middle():
        def inner():
            # ruleid: code-llm-output-exec
            exec(plan)

        return inner

    return middle


def shadowed(question):
    code = client.chat.completions.create(model="gpt-4o", messages=[]).choices[0].message.content
    print(code)

    def run(code):
        # A parameter of the same name hides the model output.
        # (still a non-literal eval, which the classic rule reports)
        # ok: code-llm-output-exec
        # ruleid: code-eval-injection
        compile(code, "<config>", "eval")

    return run


def constant_in_closure():
    expr = "1 + 1"

    def run():
        # ok: code-llm-output-exec
        return eval(expr)

    return run
