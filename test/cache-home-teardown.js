// Jest's globalTeardown: see cache-home.js.
export { teardown as default } from "./cache-home.js";
