# One case per provider SDK: each call's output reaches exec.
import google.generativeai as genai
from google import genai as google_genai
from mistralai import Mistral
import cohere
from openai import AzureOpenAI
from llama_index.core import VectorStoreIndex
from langchain.chains import LLMChain

azure = AzureOpenAI(api_version="2024-06-01")
mistral = Mistral(api_key="x")
co = cohere.Client()
gclient = google_genai.Client()


def gemini(q):
    model = genai.GenerativeModel("gemini-1.5-pro")
    r = model.generate_content(q)
    # ruleid: code-llm-output-exec
    exec(r.text)


def gemini_new(q):
    r = gclient.models.generate_content(model="gemini-2.0-flash", contents=q)
    # ruleid: code-llm-output-exec
    exec(r.text)


def mistral_call(q):
    r = mistral.chat.complete(model="mistral-large-latest", messages=[{"role": "user", "content": q}])
    # ruleid: code-llm-output-exec
    exec(r.choices[0].message.content)


def cohere_call(q):
    r = co.chat(message=q)
    # ruleid: code-llm-output-exec
    exec(r.text)


def azure_call(q):
    r = azure.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": q}])
    # ruleid: code-llm-output-exec
    exec("{}\n".format(r.choices[0].message.content))


def llama_index(docs, q):
    index = VectorStoreIndex.from_documents(docs)
    answer = index.as_query_engine().query(q)
    # ruleid: code-llm-output-exec
    exec(str(answer))


def langchain_predict(llm_chain, q):
    text = llm_chain.predict(question=q)
    # ruleid: code-llm-output-exec
    exec(text)


def not_models(model, runner, q):
    # ok: code-llm-output-exec
    # ruleid: code-eval-injection
    exec(model.predict(q))
    # ok: code-llm-output-exec
    # ruleid: code-eval-injection
    exec(runner.run(q))
