# The arguments of a tool the model calls are model output: evaluating them
# is code-llm-output-exec (critical), whatever the framework.
import ast
import json
import re
import subprocess

from crewai.tools import BaseTool
from langchain_core.tools import tool
from llama_index.core.tools import FunctionTool
from mcp.server.fastmcp import FastMCP
from mcp.server.lowlevel import Server
from smolagents import CodeAgent, Tool

mcp = FastMCP("calc")
server = Server("runner")


@tool
def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression."""
    # ruleid: code-llm-output-exec (critical)
    return str(eval(expression))


@tool("safe_calculator")
def safe_calculator(expression: str) -> str:
    """Evaluate a literal."""
    # ok: code-llm-output-exec
    return str(ast.literal_eval(expression))


class PythonTool(BaseTool):
    name: str = "python"
    description: str = "Run Python"

    def _run(self, code: str) -> str:
        # ruleid: code-llm-output-exec (critical)
        exec(code)
        return "done"


class Evaluator(Tool):
    name = "evaluator"
    inputs = {"expression": {"type": "string", "description": "an expression"}}
    output_type = "string"

    def forward(self, expression: str):
        # ruleid: code-llm-output-exec (critical)
        return eval(expression)


def run_python(code: str) -> str:
    """Run code for the agent."""
    # ruleid: code-llm-output-exec (critical)
    exec(code, {})
    return "ok"


py_tool = FunctionTool.from_defaults(fn=run_python)


def sandbox_math(expression: str) -> float:
    if not re.fullmatch(r"[0-9+\-*/(). ]+", expression):
        raise ValueError("not arithmetic")
    # ok: code-llm-output-exec
    return eval(expression, {"__builtins__": {}})


agent = CodeAgent(tools=[sandbox_math], model=None)


@mcp.tool()
def evaluate(expression: str) -> str:
    # ruleid: code-llm-output-exec (critical)
    return str(eval(expression))


@mcp.tool()
def shell(command: str) -> str:
    # ruleid: code-llm-output-shell (critical)
    return subprocess.run(command, shell=True, capture_output=True, text=True).stdout


@server.call_tool()
async def call_tool(name: str, arguments: dict):
    # ruleid: code-llm-output-exec (critical)
    exec(arguments["code"])


def handle_tool_call(tool_call):
    args = json.loads(tool_call.function.arguments)
    # ruleid: code-llm-output-exec (critical)
    return eval(args["expression"])


def handle_tool_use(tool_use):
    # ruleid: code-llm-output-exec (critical)
    return eval(tool_use.input["expression"])


def not_a_tool(expression):
    # ok: code-llm-output-exec
    # ruleid: code-eval-injection (low)
    return eval(expression)


def run_sql_script(script: str) -> str:
    # ruleid: code-llm-output-exec (critical)
    exec(script)
    return "ok"


def lookup(key: str) -> str:
    # ok: code-llm-output-exec
    return {"a": "1"}.get(key, "")


available_functions = {"run_sql_script": run_sql_script, "lookup": lookup}
