import os
import subprocess
from langchain_openai import ChatOpenAI

llm = ChatOpenAI(model="gpt-4o")


def fix(issue):
    cmd = llm.invoke(f"Give a shell command to fix: {issue}").content
    # ruleid: code-llm-output-shell
    os.system(cmd)
    # ruleid: code-llm-output-shell
    subprocess.run(cmd, shell=True, check=True)
    # ruleid: code-llm-output-shell
    subprocess.run(cmd.split(), check=True)
    # ok: code-llm-output-shell
    subprocess.run(["git", "status"], check=True)
    # ok: code-llm-output-shell
    print(cmd)
    # ok: code-llm-output-shell
    os.system("make lint")
