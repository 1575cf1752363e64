const cors = require("cors");

// ruleid: code-cors-wildcard-credentials
app.use(cors({ origin: true, credentials: true }));
// ok: code-cors-wildcard-credentials
app.use(cors({ origin: "https://app.example.com", credentials: true }));
