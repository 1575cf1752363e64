import { generateText } from "ai";
import { Pool } from "pg";

const pool = new Pool();

export async function search(q: string) {
  const { text } = await generateText({ model, prompt: q });
  // ruleid: code-llm-output-sql
  await pool.query(`SELECT * FROM docs WHERE title = '${text}'`);
  // ok: code-llm-output-sql
  await pool.query("SELECT * FROM docs WHERE title = $1", [text]);
  // ok: code-llm-output-sql
  await pool.query("SELECT 1");
}
