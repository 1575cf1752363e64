// An MCP tool that hands its argument to a helper which builds a shell
// command from it (the shape of CVE-2025-53967, Figma MCP server: a
// fileKey from the tool call reached `curl` through exec).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { exec } from "node:child_process";
import { z } from "zod";

const server = new McpServer({ name: "files", version: "1.0.0" });

function download(url: string) {
  // ruleid: code-llm-output-shell (critical)
  exec(`curl -sL "${url}" -o /tmp/out`);
}

function status() {
  // ok: code-llm-output-shell
  exec("git status");
}

server.tool("fetch_file", { fileKey: z.string() }, async ({ fileKey }) => {
  download(`https://api.example.com/v1/files/${fileKey}`);
  status();
  return { content: [{ type: "text", text: "saved" }] };
});
