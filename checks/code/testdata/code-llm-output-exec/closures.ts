// Closures read the variables of the function around them.
import OpenAI from "openai";
import vm from "node:vm";

const client = new OpenAI();

export async function makeRunner(question: string) {
  const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const code = r.choices[0].message.content ?? "";
  return () => {
    // ruleid: code-llm-output-exec
    eval(code);
  };
}

export async function later(question: string) {
  const r = await client.chat.completions.create({ model: "gpt-4o", messages: [] });
  const script = r.choices[0].message.content ?? "";
  setTimeout(function () {
    // ruleid: code-llm-output-exec
    vm.runInNewContext(script, {});
  }, 10);
}

export async function shadowed(question: string) {
  const r = await client.chat.completions.create({ model: "gpt-4o", messages: [] });
  const code = r.choices[0].message.content ?? "";
  console.log(code);
  return (code: string) => {
    // (still a non-literal eval, which the classic rule reports)
    // ok: code-llm-output-exec
    // ruleid: code-eval-injection
    vm.runInNewContext(code, {});
  };
}

export function constant() {
  const expr = "1 + 1";
  // ok: code-llm-output-exec
  return () => eval(expr);
}
