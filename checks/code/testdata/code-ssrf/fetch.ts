import axios from "axios";

export async function proxy(req: any, res: any) {
  // ruleid: code-ssrf
  const r = await fetch(req.query.url);
  // ruleid: code-ssrf
  const a = await axios.get(req.body.target);
  // ok: code-ssrf
  const b = await fetch(`https://api.example.com/items/${req.params.id}`);
  // ok: code-ssrf
  const c = await axios.get("https://example.com/health");
  res.json({ r, a, b, c });
}
