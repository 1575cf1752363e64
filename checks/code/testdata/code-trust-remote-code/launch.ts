import { spawn } from "node:child_process";

// ruleid: code-trust-remote-code
spawn("vllm", ["serve", "./weights", "--trust-remote-code"]);
// ok: code-trust-remote-code
spawn("vllm", ["serve", "./weights"]);
const flag = "--port";
// ok: code-trust-remote-code
spawn("vllm", ["serve", flag, "8000"]);
import { Command } from "commander";
const program = new Command();
// ok: code-trust-remote-code
program.option("--trust-remote-code", "run the model repository's code");
