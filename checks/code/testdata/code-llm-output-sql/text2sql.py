import sqlite3
from openai import OpenAI

client = OpenAI()
conn = sqlite3.connect("shop.db")


def answer(question):
    resp = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    name = resp.choices[0].message.content
    cur = conn.cursor()
    # ruleid: code-llm-output-sql
    cur.execute(f"SELECT * FROM products WHERE name = '{name}'")
    query = "SELECT price FROM products WHERE name = '" + name + "'"
    # ruleid: code-llm-output-sql
    cur.execute(query)
    # ruleid: code-llm-output-sql
    cur.execute(name)
    # ok: code-llm-output-sql
    cur.execute("SELECT * FROM products WHERE name = ?", (name,))
    # ok: code-llm-output-sql
    cur.execute("SELECT count(*) FROM products")
    # ok: code-llm-output-sql
    cur.executemany("INSERT INTO log VALUES (?)", [(name,)])
