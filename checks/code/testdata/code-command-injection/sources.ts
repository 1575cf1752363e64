// Where the command comes from decides the severity (see sources.py).
import { exec, execSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { Client } from "discord.js";
import express from "express";

const app = express();
const ALLOWED = ["status", "log", "diff"];

app.get("/thumb", (req, res) => {
  const size = req.query.size as string;
  // ruleid: code-command-injection (high)
  spawn("convert", ["-resize", size, "in.png", "out.png"], { shell: true });
  // ok: code-command-injection
  spawn("convert", ["-resize", size, "in.png", "out.png"]);
  res.end();
});

export const handler = async (event: APIGatewayProxyEvent) => {
  const ref = event.queryStringParameters?.ref;
  // ruleid: code-command-injection (high)
  execSync(`git fetch origin ${ref}`);
  return { statusCode: 204 };
};

export async function syncFromRemote() {
  const res = await fetch("https://mirror.example.com/manifest.json");
  const manifest = await res.json();
  // ruleid: code-command-injection (high)
  spawn("sh", ["-c", "rsync -a " + manifest.path + " /srv/mirror"]);
}

export function build(jobs: string) {
  const n = parseInt(process.argv[2], 10);
  // ok: code-command-injection
  execSync(`make -j${n}`);
  // ok: code-command-injection
  exec(`open-browser --${process.platform}`);
  const dir = mkdtempSync(tmpdir() + "/build-");
  // ok: code-command-injection
  spawn("tar", ["xzf", "bundle.tgz", "-C", dir], { shell: true });
  // ruleid: code-command-injection (low)
  execSync("make -j" + jobs);
}

export function git(sub: string, ref: string) {
  if (!ALLOWED.includes(sub)) throw new Error(sub);
  if (!/^[A-Za-z0-9._\/-]+$/.test(ref)) throw new Error(ref);
  // ok: code-command-injection
  return execSync(`git ${sub} ${ref}`);
}

const bot = new Client({ intents: [] });
bot.on("messageCreate", async (message) => {
  // ruleid: code-command-injection (high)
  exec("fortune " + message.content);
  // ok: code-command-injection
  exec("fortune -s");
});
