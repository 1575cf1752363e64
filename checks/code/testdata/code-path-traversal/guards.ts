// A path checked to stay inside its directory is not reported.
import express from "express";
import fs from "node:fs";
import path from "node:path";

const app = express();
const BASE = "/srv/files";

app.get("/file", (req, res) => {
  const full = path.resolve(BASE, String(req.query.name));
  if (!full.startsWith(BASE + path.sep)) return res.status(403).end();
  // ok: code-path-traversal
  res.send(fs.readFileSync(full));
});

app.get("/raw", (req, res) => {
  const full = path.join(BASE, String(req.query.name));
  // ruleid: code-path-traversal (high)
  res.send(fs.readFileSync(full));
});

app.get("/dots", (req, res) => {
  const name = String(req.query.name);
  if (name.includes("..")) return res.status(400).end();
  // ok: code-path-traversal
  res.send(fs.readFileSync(path.join(BASE, name)));
});
