import os
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])


def debug_db(question):
    pw = os.getenv("DB_PASSWORD")
    prompt = f"Connect with password {pw} and answer: {question}"
    # ruleid: code-prompt-secret
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": prompt}])
    # ruleid: code-prompt-secret
    client.responses.create(model="gpt-4o", input="token: " + os.environ["GITHUB_TOKEN"])
    # ruleid: code-prompt-secret
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "system", "content": os.environ.get("STRIPE_SECRET_KEY")}])
    # ok: code-prompt-secret
    client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    region = os.environ["AWS_REGION"]
    # ok: code-prompt-secret
    client.responses.create(model="gpt-4o", input=f"Region is {region}")
    # ok: code-prompt-secret
    other = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
    return other
