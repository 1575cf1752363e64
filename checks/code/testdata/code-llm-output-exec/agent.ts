import OpenAI from "openai";
import { generateText } from "ai";
import vm from "node:vm";

const openai = new OpenAI();

export async function run(question: string) {
  const completion = await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const code = completion.choices[0].message.content!;
  // ruleid: code-llm-output-exec
  eval(code);
  // ruleid: code-llm-output-exec
  const fn = new Function("x", code);
  const { text } = await generateText({ model, prompt: question });
  // ruleid: code-llm-output-exec
  vm.runInNewContext(`(${text})`, {});
  // ok: code-llm-output-exec
  console.log(text);
  // ok: code-llm-output-exec
  const parsed = JSON.parse(text);
  // ok: code-llm-output-exec
  eval("1 + 1");
  return [fn, parsed];
}
