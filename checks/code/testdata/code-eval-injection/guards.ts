// new Function reaches high only from outside input; a regex whitelist
// before it is the guard people write.
import express from "express";

const app = express();

app.post("/formula", (req, res) => {
  const formula = req.body.formula;
  // ruleid: code-eval-injection (high)
  const f = new Function("x", "return " + formula);
  res.json({ y: f(2) });
});

app.post("/formula-safe", (req, res) => {
  const formula = req.body.formula;
  if (!/^[0-9x+\-*/(). ]+$/.test(formula)) {
    return res.status(400).end();
  }
  // ok: code-eval-injection
  const f = new Function("x", "return " + formula);
  res.json({ y: f(2) });
});

export function scale(n: string) {
  const k = Number(n);
  // ok: code-eval-injection
  return eval(`2 * ${k}`);
}
