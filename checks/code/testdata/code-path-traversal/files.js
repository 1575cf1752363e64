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
