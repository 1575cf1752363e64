// Agents that run the code their model writes: on the host (reported) or
// sandboxed / with approval (not reported).
import { query } from "@anthropic-ai/claude-agent-sdk";
import { Codex } from "@openai/codex-sdk";

export async function fixIssue(prompt: string) {
  for await (const message of query({
    prompt,
    // ruleid: code-agent-unsandboxed-exec (high)
    options: { permissionMode: "bypassPermissions", allowedTools: ["Bash", "Edit"] },
  })) {
    console.log(message);
  }
}

export async function reviewIssue(prompt: string) {
  for await (const message of query({
    prompt,
    // ok: code-agent-unsandboxed-exec
    options: { permissionMode: "default", allowedTools: ["Read"] },
  })) {
    console.log(message);
  }
}

const codex = new Codex();
// ruleid: code-agent-unsandboxed-exec (high)
const thread = codex.startThread({ sandboxMode: "danger-full-access", approvalPolicy: "never" });
// ok: code-agent-unsandboxed-exec
const readOnly = codex.startThread({ sandboxMode: "read-only" });
// ok: code-agent-unsandboxed-exec
const workspace = codex.startThread({ sandboxMode: "workspace-write" });

export { thread, readOnly, workspace };
