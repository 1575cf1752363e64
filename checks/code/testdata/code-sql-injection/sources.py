# SQL built from request input is high; from a helper's parameter, low;
# from an allow-listed column name, not reported.
import sqlite3

from flask import Flask, request

app = Flask(__name__)
conn = sqlite3.connect("app.db")
SORTABLE = ("name", "created", "price")


@app.route("/search")
def search():
    term = request.args.get("q", "")
    # ruleid: code-sql-injection (high)
    rows = conn.execute(f"SELECT * FROM products WHERE name LIKE '%{term}%'").fetchall()
    column = request.args.get("sort", "name")
    if column not in SORTABLE:
        column = "name"
    # ok: code-sql-injection
    rows = conn.execute(f"SELECT * FROM products ORDER BY {column}").fetchall()
    # ok: code-sql-injection
    rows = conn.execute("SELECT * FROM products WHERE name LIKE ?", (f"%{term}%",)).fetchall()
    return {"rows": rows}


def purge(table):
    # ruleid: code-sql-injection (low)
    conn.execute("DELETE FROM " + table + " WHERE expired = 1")
