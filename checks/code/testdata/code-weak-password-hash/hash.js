const crypto = require("crypto");

function save(user, password) {
  // ruleid: code-weak-password-hash
  user.hash = crypto.createHash("md5").update(password).digest("hex");
  // ok: code-weak-password-hash
  const etag = crypto.createHash("md5").update(body).digest("hex");
  // ok: code-weak-password-hash
  crypto.scrypt(password, salt, 64, () => {});
}
