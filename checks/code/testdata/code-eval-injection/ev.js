function apply(req, formula) {
  // ruleid: code-eval-injection (low)
  const f = new Function("x", "return " + formula);
  // ruleid: code-eval-injection (high)
  eval(req.query.code);
  // ok: code-eval-injection
  const g = new Function("x", "return x * 2");
  // ok: code-eval-injection
  setTimeout(() => f(1), 10);
  return g;
}
