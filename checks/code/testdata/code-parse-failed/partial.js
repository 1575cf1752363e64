// ok: code-parse-failed
const x = 1;
function ok() { return x +; }
