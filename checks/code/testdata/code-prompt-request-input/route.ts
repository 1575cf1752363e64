import express from "express";
import OpenAI from "openai";
import { generateText } from "ai";

const app = express();
const openai = new OpenAI();

app.post("/ask", async (req, res) => {
  const r = await openai.chat.completions.create({
    model: "gpt-4o",
    messages: [
      // ruleid: code-prompt-request-input
      { role: "system", content: `Answer as ${req.body.persona}` },
      // ok: code-prompt-request-input
      { role: "user", content: req.body.question },
    ],
  });
  // ruleid: code-prompt-request-input
  const { text } = await generateText({ model, system: req.query.rules as string, prompt: "hi" });
  // ok: code-prompt-request-input
  const { text: t2 } = await generateText({ model, system: "Be brief.", prompt: req.body.q });
  res.json({ r, text, t2 });
});
