const libxmljs = require("libxmljs");

// ruleid: code-xml-external-entities
const doc = libxmljs.parseXml(input, { noent: true });
// ok: code-xml-external-entities
const doc2 = libxmljs.parseXml(input);
