import sqlite3
from sqlalchemy import text

conn = sqlite3.connect("app.db")


def find(email, table, limit):
    cur = conn.cursor()
    # ruleid: code-sql-injection (low)
    cur.execute(f"SELECT * FROM users WHERE email = '{email}'")
    # ruleid: code-sql-injection (low)
    cur.execute("SELECT * FROM users WHERE email = '%s'" % email)
    q = "DELETE FROM " + table + " WHERE id = 1"
    # ruleid: code-sql-injection (low)
    cur.execute(q)
    # ruleid: code-sql-injection (low)
    conn.execute(text("SELECT * FROM t WHERE name = '{}'".format(email)))
    # ok: code-sql-injection
    cur.execute("SELECT * FROM users WHERE email = ?", (email,))
    # ok: code-sql-injection
    cur.execute("SELECT * FROM users WHERE active = 1 " + "ORDER BY id")
    # ok: code-sql-injection
    log.info(f"SELECT count from {table}")
    # ok: code-sql-injection
    cur.execute(f"VACUUM")
