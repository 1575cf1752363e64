const https = require("https");

// ruleid: code-tls-verify-disabled
const agent = new https.Agent({ rejectUnauthorized: false });
const opts = {
  host: "example.com",
  // ruleid: code-tls-verify-disabled
  rejectUnauthorized: false,
};
// ruleid: code-tls-verify-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
// ok: code-tls-verify-disabled
const agent2 = new https.Agent({ rejectUnauthorized: true });
// ok: code-tls-verify-disabled
const agent3 = new https.Agent({ keepAlive: true });
