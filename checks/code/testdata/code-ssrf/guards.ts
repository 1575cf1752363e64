// A URL whose host is checked against an allow-list is not reported.
import express from "express";

const app = express();
const ALLOWED_HOSTS = ["api.example.com", "cdn.example.com"];

app.get("/proxy", async (req, res) => {
  const url = String(req.query.url);
  if (!ALLOWED_HOSTS.includes(new URL(url).hostname)) return res.status(403).end();
  // ok: code-ssrf
  const r = await fetch(url);
  res.send(await r.text());
});

app.get("/open-proxy", async (req, res) => {
  // ruleid: code-ssrf (high)
  const r = await fetch(String(req.query.url));
  res.send(await r.text());
});
