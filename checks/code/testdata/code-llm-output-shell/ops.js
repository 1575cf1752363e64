const { exec, execFile } = require("child_process");
const Anthropic = require("@anthropic-ai/sdk");

const anthropic = new Anthropic();

async function act(task) {
  const msg = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: task }] });
  const command = msg.content[0].text;
  // ruleid: code-llm-output-shell
  exec(command, (err, out) => console.log(out));
  // ruleid: code-llm-output-shell
  execFile(command.split(" ")[0], []);
  // ok: code-llm-output-shell
  exec("ls -la");
  // ok: code-llm-output-shell
  console.log(command);
  // ok: code-llm-output-shell
  execFile("git", ["status"]);
}
