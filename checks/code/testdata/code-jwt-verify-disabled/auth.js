const jwt = require("jsonwebtoken");

// ruleid: code-jwt-verify-disabled
const claims = jwt.verify(token, key, { algorithms: ["none"] });
// ok: code-jwt-verify-disabled
const claims2 = jwt.verify(token, key, { algorithms: ["RS256"] });
