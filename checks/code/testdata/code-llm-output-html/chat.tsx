import OpenAI from "openai";
import { useState } from "react";

const client = new OpenAI({ dangerouslyAllowBrowser: true });

export async function render(el: HTMLElement, question: string) {
  const r = await client.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: question }] });
  const html = r.choices[0].message.content ?? "";
  // ruleid: code-llm-output-html
  el.innerHTML = html;
  // ruleid: code-llm-output-html
  document.write("<div>" + html + "</div>");
  // ruleid: code-llm-output-html
  el.insertAdjacentHTML("beforeend", html);
  // ok: code-llm-output-html
  el.textContent = html;
  // ok: code-llm-output-html
  el.innerHTML = "<b>static</b>";
}

export function Answer({ answer }: { answer: string }) {
  const [reply, setReply] = useState("");
  const res = client.responses.create({ model: "gpt-4o", input: answer });
  const out = res.output_text;
  return (
    <div>
      {/* ruleid: code-llm-output-html */}
      <p dangerouslySetInnerHTML={{ __html: out }} />
      {/* ok: code-llm-output-html */}
      <p>{out}</p>
      {/* ok: code-llm-output-html */}
      <p dangerouslySetInnerHTML={{ __html: "<i>hi</i>" }} />
    </div>
  );
}
