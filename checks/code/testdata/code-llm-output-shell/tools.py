# The arguments of a tool the model calls are model output.
import shlex
import subprocess

from agents import function_tool
from langchain_core.tools import StructuredTool

ALLOWED = {"status": ["git", "status"], "log": ["git", "log", "-5"]}


@function_tool
def run_command(command: str) -> str:
    # ruleid: code-llm-output-shell (critical)
    return subprocess.check_output(command, shell=True, text=True)


@function_tool
def git(action: str) -> str:
    # ok: code-llm-output-shell
    return subprocess.check_output(ALLOWED[action], text=True)


def grep(pattern: str) -> str:
    # ruleid: code-llm-output-shell (critical)
    return subprocess.check_output(["bash", "-c", "grep -r " + pattern + " docs/"], text=True)


grep_tool = StructuredTool.from_function(func=grep)


def count_lines(path: str) -> str:
    # ok: code-llm-output-shell
    # ruleid: code-command-injection (low)
    return subprocess.check_output("wc -l " + path, shell=True, text=True)
