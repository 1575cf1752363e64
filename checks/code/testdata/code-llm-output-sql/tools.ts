// A tool's argument is model output: run as SQL it is code-llm-output-sql.
import { tool } from "ai";
import Database from "better-sqlite3";
import { z } from "zod";

const db = new Database("shop.db");

export const sql = tool({
  description: "Run a query",
  parameters: z.object({ query: z.string() }),
  // ruleid: code-llm-output-sql (high)
  execute: async ({ query }) => db.exec(query),
});

export const shell = tool({
  description: "Run on the build box",
  parameters: z.object({ command: z.string() }),
  // ok: code-llm-output-sql
  execute: async ({ command }) => remoteOps.exec(command),
});

declare const remoteOps: { exec(cmd: string): Promise<string> };
