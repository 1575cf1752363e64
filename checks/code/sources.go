package code

import (
	"regexp"
	"strings"
)

// Entry points whose parameters are data-flow sources: the functions a
// model calls (tools: their arguments are model output) and the handlers
// of messages from outside (chat bots, webhooks, serverless events).

// Python decorators that make a function a tool the model calls: LangChain
// and CrewAI @tool, OpenAI Agents @function_tool, FastMCP @mcp.tool(),
// the MCP SDK's low-level @server.call_tool(), Semantic Kernel,
// pydantic-ai @agent.tool / tool_plain, autogen's register_for_execution.
var pyToolDecorators = set("tool", "function_tool", "call_tool", "kernel_function", "tool_plain",
	"register_for_execution", "register_tool", "ai_function", "llm_tool")

// Methods of a Tool subclass that receive the model's arguments:
// LangChain/CrewAI BaseTool._run, smolagents Tool.forward, LlamaIndex
// BaseTool.call, LangChain.js Tool._call.
var toolMethods = set("_run", "_arun", "forward", "call", "acall", "__call__", "execute", "run", "arun", "_call", "func")

// JS/TS calls that make their function argument a tool: the Vercel AI SDK
// and OpenAI Agents tool({ execute }), LangChain.js tool(fn, {...}) and
// DynamicStructuredTool({ func }), Mastra createTool({ execute }),
// LlamaIndex.TS FunctionTool.from(fn, ...), MCP server.tool(...) /
// registerTool(...).
var jsToolFactories = set("tool", "dynamicTool", "createTool", "DynamicTool", "DynamicStructuredTool", "Tool",
	"FunctionTool", "betaZodTool", "betaTool", "defineTool", "zodFunction", "from", "registerTool",
	"localShell", "shell", "bash_20250124", "bash_20241022")

// toolMapName matches variables holding a name → function dispatch table
// for the model's tool calls.
var toolMapName = regexp.MustCompile(`(?i)(^|[._])(available_?(functions|tools)|tools?_?(map|registry|table|dispatch|handlers|functions)|functions?_?(map|registry|table|dispatch)|tool_?impls?|TOOLS|FUNCTIONS)$`)

var toolClassBase = regexp.MustCompile(`(?:^|[\s(,.])(?:Base|Structured|Dynamic)?Tool\b|extends\s+[\w.]*Tool\b`)

// entryPoints taints the parameters of tools and message handlers. It runs
// after imports are read (tool may be imported under another name) and
// after arrow functions got the names of the variables holding them.
func (b *tsBuilder) entryPoints() {
	for _, f := range b.funcs {
		if src := b.entryPoint(f.n, f.s.name); src != 0 {
			taintParams(f.s, src)
		}
	}
}

// calleeLast is the last segment of a call's function name, imports
// followed: lcTool with `import { tool as lcTool }` is tool.
func (b *tsBuilder) calleeLast(c *node) string {
	if c.obj != nil && c.obj.kind == kIdent {
		if imp, ok := b.u.imports[c.obj.name]; ok {
			return imp[strings.LastIndexAny(imp, "./")+1:]
		}
	}
	return c.obj.lastName()
}

// entryPoint returns the taint a function's parameters carry because of
// where it is declared: tLLM for a tool, tRequest for a handler of outside
// messages, 0 otherwise.
func (b *tsBuilder) entryPoint(fn tn, name string) taint {
	if b.u.lang == python {
		return b.pyEntryPoint(fn, name)
	}
	return b.jsEntryPoint(fn, name)
}

func (b *tsBuilder) pyEntryPoint(fn tn, name string) taint {
	parent := b.t[fn].parent
	if parent >= 0 && b.kindOf(parent) == "decorated_definition" {
		for _, d := range b.named(parent) {
			if b.kindOf(d) != "decorator" {
				continue
			}
			if t := b.pyDecoratorSource(d); t != 0 {
				return t
			}
		}
		parent = b.t[parent].parent
	}
	// A method of a class deriving from a Tool base class.
	if parent >= 0 && b.kindOf(parent) == "block" && toolMethods[name] {
		if cls := b.t[parent].parent; cls >= 0 && b.kindOf(cls) == "class_definition" {
			if sup := b.field(cls, "superclasses"); sup >= 0 && toolClassBase.MatchString(b.text(sup)) {
				return tLLM
			}
		}
	}
	return 0
}

// pyDecoratorSource reads one decorator: @tool, @tool("name"),
// @mcp.tool(), @client.event (Discord), @app.message(...) (Slack Bolt).
func (b *tsBuilder) pyDecoratorSource(d tn) taint {
	e := b.named(d)
	if len(e) == 0 {
		return 0
	}
	x := b.expr(e[0], 0)
	var call *node
	if x.kind == kCall {
		call, x = x, x.obj
	}
	last := x.lastName()
	if pyToolDecorators[last] {
		return tLLM
	}
	recv := ""
	if x.kind == kAttr {
		recv = strings.ToLower(dotted(x.obj))
	}
	switch last {
	case "event":
		if strings.Contains(recv, "bot") || strings.Contains(recv, "client") || recv == "app" {
			return tRequest // discord.py on_message, Slack Bolt app.event
		}
	case "message", "action", "shortcut", "view", "options":
		if recv == "app" || strings.Contains(recv, "bot") {
			return tRequest // Slack Bolt, chat bot frameworks
		}
	case "command":
		// Slack Bolt's app.command("/echo") and discord.py's bot.command();
		// click's and Typer's @app.command() are operator input, not reported.
		if a := call.arg(0, ""); a != nil && a.kind == kStr && strings.HasPrefix(a.str, "/") || strings.Contains(recv, "bot") {
			return tRequest
		}
	}
	return 0
}

func (b *tsBuilder) jsEntryPoint(fn tn, name string) taint {
	parent := b.t[fn].parent
	switch b.kindOf(parent) {
	case "arguments":
		call := b.t[parent].parent
		if call < 0 {
			return 0
		}
		c := b.expr(call, 0)
		if c.kind != kCall {
			return 0
		}
		last := b.calleeLast(c)
		isLast := b.t[fn].next < 0 || lastNamedChild(b, parent) == fn
		isFirst := b.firstNamed(parent) == fn
		switch {
		case last == "tool" && c.obj.kind == kIdent && isFirst: // LangChain.js tool(fn, {...})
			return tLLM
		case (last == "tool" || last == "registerTool") && c.obj.kind == kAttr && isLast: // MCP server
			return tLLM
		case last == "from" && c.obj.kind == kAttr && c.obj.obj.lastName() == "FunctionTool" && isFirst:
			return tLLM
		case last == "setRequestHandler" && len(c.args) > 0 && strings.Contains(b.textOf(c.args[0]), "CallToolRequest"):
			return tLLM
		case last == "on" && len(c.args) > 0 && c.args[0].kind == kStr &&
			hasAny(c.args[0].str, "messageCreate", "interactionCreate", "message"):
			return tRequest // discord.js, chat bots
		case last == "on" && c.obj.kind == kAttr && strings.Contains(strings.ToLower(dotted(c.obj.obj)), "webhook"):
			return tRequest // @octokit/webhooks: ({ payload }) => ...
		case hasAny(last, "message", "command", "event", "action", "shortcut", "view") && c.obj.kind == kAttr &&
			dotted(c.obj.obj) == "app" && isLast && len(c.args) > 1:
			return tRequest // Slack Bolt
		}
	case "pair", "object":
		// tool({ execute: async (args) => ... }) or tool({ async execute(args) {...} })
		key := name
		obj := parent
		if b.kindOf(parent) == "pair" {
			key = b.text(b.field(parent, "key"))
			obj = b.t[parent].parent
		}
		if !hasAny(key, "execute", "func", "handler") || obj < 0 || b.kindOf(obj) != "object" {
			return 0
		}
		args := b.t[obj].parent
		if args < 0 || b.kindOf(args) != "arguments" {
			return 0
		}
		if call := b.t[args].parent; call >= 0 {
			if c := b.expr(call, 0); c.kind == kCall && jsToolFactories[b.calleeLast(c)] {
				return tLLM
			}
		}
	case "class_body":
		if !toolMethods[name] {
			return 0
		}
		cls := b.t[parent].parent
		if cls < 0 {
			return 0
		}
		for c := b.t[cls].first; c >= 0; c = b.t[c].next {
			if b.kindOf(c) == "class_heritage" && toolClassBase.MatchString(b.text(c)) {
				return tLLM
			}
		}
	}
	return 0
}

func (b *tsBuilder) firstNamed(n tn) tn {
	for c := b.t[n].first; c >= 0; c = b.t[c].next {
		if b.t[c].flags&fNamed != 0 && b.kindOf(c) != "comment" {
			return c
		}
	}
	return none
}

func lastNamedChild(b *tsBuilder, n tn) tn {
	last := none
	for c := b.t[n].first; c >= 0; c = b.t[c].next {
		if b.t[c].flags&fNamed != 0 && b.kindOf(c) != "comment" {
			last = c
		}
	}
	return last
}

func (b *tsBuilder) textOf(n *node) string {
	if n == nil || n.sb < 0 || n.eb > len(b.src) || n.sb > n.eb {
		return ""
	}
	return string(b.src[n.sb:n.eb])
}

// registeredTools marks serverless handlers' events, and functions the file hands to a tool registry by
// name: FunctionTool.from_defaults(fn=f), StructuredTool.from_function(f),
// Tool(func=f), register_function(f, ...), tool(f), mcp.add_tool(f),
// Agent(tools=[f, g]), server.tool("name", schema, f), tool({ execute: f }).
func registeredTools(u *unit) {
	byName := map[string][]*scope{}
	for _, s := range u.scopes {
		if s.name != "" {
			byName[s.name] = append(byName[s.name], s)
		}
		if hasAny(s.name, "handler", "lambda_handler") && s.declares("event") {
			s.tainted["event"] = tRequest // AWS Lambda and other serverless handlers
		}
	}
	if len(byName) == 0 {
		return
	}
	mark := func(n *node) {
		if n != nil && n.kind == kIdent {
			for _, s := range byName[n.name] {
				taintParams(s, tLLM)
			}
		}
	}
	for _, s := range append([]*scope{u.module}, u.scopes...) {
		for _, ev := range s.events {
			if ev.kind == evAssign && ev.value != nil && ev.value.kind == kDict && len(ev.targets) == 1 &&
				toolMapName.MatchString(dotted(ev.targets[0])) {
				// available_functions = {"get_weather": get_weather}: the
				// dispatch table of a function-calling loop.
				for _, k := range ev.value.kw {
					mark(k.val)
				}
			}
			if ev.kind != evCall || ev.call == nil || ev.call.obj == nil {
				continue
			}
			call := ev.call
			last := call.obj.lastName()
			if m := call.kwarg("function_map"); m != nil && m.kind == kDict { // autogen
				for _, k := range m.kw {
					mark(k.val)
				}
			}
			if l := call.kwarg("tools"); l != nil && l.kind == kList {
				for _, a := range l.args {
					mark(a)
				}
			}
			if u.lang == python {
				switch last {
				case "from_defaults", "add_tool", "register_function", "tool", "function_tool":
					mark(call.arg(0, "fn"))
					mark(call.kwarg("func"))
				case "from_function", "Tool", "StructuredTool", "FunctionTool":
					mark(call.arg(0, "func"))
					mark(call.kwarg("fn"))
					mark(call.kwarg("function"))
				}
				continue
			}
			switch {
			case last == "tool" && call.obj.kind == kIdent, last == "from" && call.obj.obj.lastName() == "FunctionTool":
				mark(call.arg(0, ""))
			case (last == "tool" || last == "registerTool") && call.obj.kind == kAttr && len(call.args) > 1:
				mark(call.args[len(call.args)-1])
			}
			if jsToolFactories[last] {
				mark(call.kwarg("execute"))
				mark(call.kwarg("func"))
			}
		}
	}
}
