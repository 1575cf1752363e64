import { spawn } from "node:child_process";

// ruleid: code-trust-remote-code
spawn("vllm", ["serve", "./weights", "--trust-remote-code"]);
// ok: code-trust-remote-code
spawn("vllm", ["serve", "./weights"]);
const flag = "--port";
// ok: code-trust-remote-code
spawn("vllm", ["serve", flag, "8000"]);
