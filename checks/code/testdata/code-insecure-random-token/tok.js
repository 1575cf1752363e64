const crypto = require("crypto");

// ruleid: code-insecure-random-token
const csrfToken = Math.random().toString(36).slice(2);
// ok: code-insecure-random-token
const jitter = Math.random() * 100;
// ok: code-insecure-random-token
const secret = crypto.randomBytes(32).toString("hex");
