import OpenAI from "openai";
import { exec } from "node:child_process";

const client = new OpenAI();

export async function run(task: string, el: HTMLElement) {
  const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: task }] });
  const out = r.choices[0].message.content ?? "";
  exec(out);
  el.innerHTML = out;
}
