# A test suite exercising the local code executor with code it wrote itself,
# the shape of autogen's tests/code_executors (58 high findings before the
# rule was marked code hygiene).
from autogen_agentchat.agents import CodeExecutorAgent
from autogen_ext.code_executors.local import LocalCommandLineCodeExecutor

agent = CodeExecutorAgent("runner", code_executor=LocalCommandLineCodeExecutor(work_dir="coding"))
