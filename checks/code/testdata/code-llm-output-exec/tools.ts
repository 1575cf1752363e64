// The arguments of a tool the model calls are model output.
import { DynamicStructuredTool, Tool, tool as lcTool } from "@langchain/core/tools";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { tool } from "ai";
import { FunctionTool } from "llamaindex";
import { evaluate } from "mathjs";
import { execSync } from "node:child_process";
import vm from "node:vm";
import { z } from "zod";

export const calculator = tool({
  description: "Evaluate an arithmetic expression",
  parameters: z.object({ expression: z.string() }),
  // ruleid: code-llm-output-exec (critical)
  execute: async ({ expression }) => eval(expression),
});

export const safeCalculator = tool({
  description: "Evaluate an arithmetic expression",
  parameters: z.object({ expression: z.string() }),
  // ok: code-llm-output-exec
  execute: async ({ expression }) => evaluate(expression),
});

export const sandbox = lcTool(
  // ruleid: code-llm-output-exec (critical)
  async ({ code }: { code: string }) => String(vm.runInNewContext(code)),
  { name: "sandbox", description: "run JS", schema: z.object({ code: z.string() }) },
);

export const runner = new DynamicStructuredTool({
  name: "runner",
  description: "run JS",
  schema: z.object({ code: z.string() }),
  func: async ({ code }) => {
    // ruleid: code-llm-output-exec (critical)
    return String(new Function(code)());
  },
});

class EvalTool extends Tool {
  name = "eval";
  description = "evaluate";
  async _call(input: string) {
    // ruleid: code-llm-output-exec (critical)
    return String(eval(input));
  }
}

const server = new McpServer({ name: "ops", version: "1.0.0" });

server.tool("evaluate", { code: z.string() }, async ({ code }) => ({
  // ruleid: code-llm-output-exec (critical)
  content: [{ type: "text", text: String(eval(code)) }],
}));

server.registerTool("sh", { inputSchema: { cmd: z.string() } }, async ({ cmd }) => {
  // ruleid: code-llm-output-shell (critical)
  const out = execSync(cmd).toString();
  return { content: [{ type: "text", text: out }] };
});

export function handleToolCall(toolCall: { function: { arguments: string } }) {
  const args = JSON.parse(toolCall.function.arguments);
  // ruleid: code-llm-output-exec (critical)
  return eval(args.expression);
}

export function notATool(expression: string) {
  // ok: code-llm-output-exec
  // ruleid: code-eval-injection (low)
  return eval(expression);
}

export { EvalTool };

function runSnippet(code: string) {
  // ruleid: code-llm-output-exec (critical)
  return eval(code);
}

function lookup(key: string) {
  // ok: code-llm-output-exec
  return { a: "1" }[key] ?? "";
}

export const toolHandlers = { runSnippet, lookup };

export const llamaTool = FunctionTool.from(
  // ruleid: code-llm-output-exec (critical)
  ({ expression }: { expression: string }) => String(eval(expression)),
  { name: "calc", description: "evaluate" },
);

export function handleToolUse(toolUse: { input: { code: string } }) {
  // ruleid: code-llm-output-exec (critical)
  return new Function(toolUse.input.code)();
}

export function handleBlock(block: { input: { code: string } }) {
  // ok: code-llm-output-exec
  return JSON.stringify(block.input.code);
}
