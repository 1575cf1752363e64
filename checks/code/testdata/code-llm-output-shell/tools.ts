// A shell tool's execute gets the command the model wrote.
import { openai } from "@ai-sdk/openai";
import { execFileSync, execSync } from "node:child_process";

const COMMANDS: Record<string, string[]> = { status: ["git", "status"], log: ["git", "log", "-5"] };

export const shell = openai.tools.localShell({
  execute: async ({ action }) => {
    // ruleid: code-llm-output-shell (critical)
    return { output: execSync(action.command.join(" ")).toString() };
  },
});

export const gitTool = openai.tools.localShell({
  execute: async ({ action }) => {
    const argv = COMMANDS[String(action.command[0])];
    // ok: code-llm-output-shell
    return { output: execFileSync("git", argv.slice(1)).toString() };
  },
});
