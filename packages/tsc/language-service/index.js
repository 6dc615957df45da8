// @weft/tsc/language-service for tsserver, which loads plugins with require(): this CommonJS entry
// loads the ES module build (../dist/language-service.js) with require() of an ES module
// (Node >= 20.19, 22.12) and hands tsserver its `init({ typescript })`.
"use strict";
module.exports = require("../dist/language-service.js").default;
