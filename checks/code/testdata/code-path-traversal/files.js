const fs = require("fs");
const path = require("path");

function serve(req, res) {
  // ruleid: code-path-traversal
  fs.readFile(path.join(__dirname, req.params.file), (e, d) => res.send(d));
  // ruleid: code-path-traversal
  res.sendFile(req.query.p);
  // ok: code-path-traversal
  res.sendFile(req.query.p, { root: "/srv/public" });
  // ok: code-path-traversal
  fs.readFile(path.join(__dirname, path.basename(req.params.file)), () => {});
  // ok: code-path-traversal
  fs.readFileSync("./config.json");
}

function later(req, res) {
  const name = req.query.name;
  const safe = path.basename(req.query.name);
  setImmediate(() => {
    // A callback reads the handler's variables.
    // ruleid: code-path-traversal
    fs.readFile(name, (e, d) => res.send(d));
    // ok: code-path-traversal
    fs.readFile(path.join("/srv/public", safe), (e, d) => res.send(d));
  });
}
