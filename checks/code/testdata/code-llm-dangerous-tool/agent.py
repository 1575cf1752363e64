from langchain_experimental.tools import PythonREPLTool, PythonAstREPLTool
from langchain_community.tools import ShellTool
from langchain.agents import load_tools, initialize_agent
from langchain_experimental.pal_chain import PALChain
from langchain_experimental.agents import create_pandas_dataframe_agent

# ruleid: code-llm-dangerous-tool
repl = PythonREPLTool()
# ruleid: code-llm-dangerous-tool
shell = ShellTool()
# ruleid: code-llm-dangerous-tool
tools = load_tools(["terminal", "llm-math"], llm=llm)
# ruleid: code-llm-dangerous-tool
pal = PALChain.from_math_prompt(llm)
# ruleid: code-llm-dangerous-tool
agent = create_pandas_dataframe_agent(llm, df, allow_dangerous_code=True)
# ruleid: code-llm-dangerous-tool
ast_tool = PythonAstREPLTool(locals={"df": df})
# ok: code-llm-dangerous-tool
safe_tools = load_tools(["wikipedia", "llm-math"], llm=llm)
# ok: code-llm-dangerous-tool
agent2 = create_pandas_dataframe_agent(llm, df)
# ok: code-llm-dangerous-tool
agent3 = initialize_agent(safe_tools, llm)
