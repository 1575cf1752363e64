# Agents that run the code their model writes: on the host (reported) or in
# a sandbox (not reported).
import os

from autogen import UserProxyAgent
from autogen_agentchat.agents import CodeExecutorAgent
from autogen_ext.code_executors.docker import DockerCommandLineCodeExecutor
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor
from claude_agent_sdk import ClaudeAgentOptions
from crewai import Agent
from crewai_tools import CodeInterpreterTool
from interpreter import interpreter
from smolagents import CodeAgent, InferenceClientModel, LocalPythonExecutor

model = InferenceClientModel()

# ruleid: code-agent-unsandboxed-exec (high)
local = CodeExecutorAgent("runner", code_executor=LocalCommandLineCodeExecutor(work_dir="coding"))
# ok: code-agent-unsandboxed-exec
boxed = CodeExecutorAgent("runner", code_executor=DockerCommandLineCodeExecutor(image="python:3.12-slim"))

# ruleid: code-agent-unsandboxed-exec (high)
proxy = UserProxyAgent("user", code_execution_config={"work_dir": "coding", "use_docker": False})
# ok: code-agent-unsandboxed-exec
proxy_docker = UserProxyAgent("user", code_execution_config={"work_dir": "coding", "use_docker": True})

# ruleid: code-agent-unsandboxed-exec (high)
researcher = CodeAgent(tools=[], model=model, additional_authorized_imports=["*"])
# ruleid: code-agent-unsandboxed-exec (high)
shell_agent = CodeAgent(tools=[], model=model, additional_authorized_imports=["pandas", "subprocess"])
# ok: code-agent-unsandboxed-exec
sandboxed = CodeAgent(tools=[], model=model, additional_authorized_imports=["*"], executor_type="e2b")
# ok: code-agent-unsandboxed-exec
analyst = CodeAgent(tools=[], model=model, additional_authorized_imports=["pandas", "numpy"])
# ruleid: code-agent-unsandboxed-exec (high)
executor = LocalPythonExecutor(additional_authorized_imports=["*"])

# ruleid: code-agent-unsandboxed-exec (high)
coder = Agent(role="coder", goal="write code", backstory="", allow_code_execution=True, code_execution_mode="unsafe")
# ok: code-agent-unsandboxed-exec
safe_coder = Agent(role="coder", goal="write code", backstory="", allow_code_execution=True, code_execution_mode="safe")
# ruleid: code-agent-unsandboxed-exec (high)
tool = CodeInterpreterTool(unsafe_mode=True)
# ok: code-agent-unsandboxed-exec
docker_tool = CodeInterpreterTool()

# ruleid: code-agent-unsandboxed-exec (high)
interpreter.auto_run = True
# ok: code-agent-unsandboxed-exec
interpreter.auto_run = os.environ.get("CI") == "1" and False

# ruleid: code-agent-unsandboxed-exec (high)
options = ClaudeAgentOptions(permission_mode="bypassPermissions", allowed_tools=["Bash"])
# ok: code-agent-unsandboxed-exec
reviewed = ClaudeAgentOptions(permission_mode="default", allowed_tools=["Read"])
