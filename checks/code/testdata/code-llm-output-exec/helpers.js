import Anthropic from "@anthropic-ai/sdk";

const anthropic = new Anthropic();

const complete = async (prompt) => {
  const msg = await anthropic.messages.create({ model: "claude-sonnet-4-5", max_tokens: 512, messages: [{ role: "user", content: prompt }] });
  return msg.content[0].text;
};

function label() {
  return "static";
}

export async function run(task) {
  // ruleid: code-llm-output-exec
  eval(await complete(task));
  // ok: code-llm-output-exec
  console.log(await complete(task));
  // ok: code-llm-output-exec
  eval(label());
}
