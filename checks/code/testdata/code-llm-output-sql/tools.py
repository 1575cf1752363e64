# A tool's argument is model output: run as SQL it is code-llm-output-sql;
# passed to a RAG query or checked by a validator first, it is not.
import sqlite3

from crewai.tools import BaseTool

conn = sqlite3.connect("shop.db")


class SQLTool(BaseTool):
    name: str = "sql"
    description: str = "Run a read-only query"

    def _run(self, query: str) -> str:
        cursor = conn.cursor()
        # ruleid: code-llm-output-sql (high)
        cursor.execute(query)
        return str(cursor.fetchall())


class SearchTool(BaseTool):
    name: str = "search"
    description: str = "Search the knowledge base"

    def _run(self, query: str) -> str:
        # ok: code-llm-output-sql
        return str(self.adapter.query(query, limit=5))


class CheckedSQLTool(BaseTool):
    name: str = "checked_sql"
    description: str = "Run a vetted query"

    def _run(self, query: str) -> str:
        if not validate_select_only(query):
            return "refused"
        # ok: code-llm-output-sql
        return str(conn.execute(query).fetchall())


def validate_select_only(q: str) -> bool:
    return q.lstrip().lower().startswith("select") and ";" not in q
