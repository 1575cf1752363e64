const cp = require("child_process");
const { execSync } = require("node:child_process");

function handler(req, res) {
  // ruleid: code-command-injection (high)
  cp.exec("ping -c 1 " + req.query.host);
  // ruleid: code-command-injection (high)
  execSync(`git log ${req.body.ref}`);
  // ok: code-command-injection
  cp.execFile("ping", ["-c", "1", req.query.host]);
  // ok: code-command-injection
  execSync("git status");
  res.end();
}
