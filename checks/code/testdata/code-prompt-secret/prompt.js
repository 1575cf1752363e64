import OpenAI from "openai";

const openai = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });

export async function ask(q) {
  // ruleid: code-prompt-secret
  await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: `key=${process.env.STRIPE_SECRET}` }] });
  // ok: code-prompt-secret
  await openai.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: q }] });
}
