// The jest preset of weft: `preset: "@weft/cli"` in a jest config compiles test files and the
// code they import with weft (src/jest-transform.ts), so synchronous-style code runs under jest.
import { fileURLToPath } from "node:url";

const transform = fileURLToPath(new URL("./dist/jest-transform.js", import.meta.url));

/** @type {import("jest").Config} */
export default {
  testEnvironment: "node",
  transform: { "\\.[cm]?[jt]sx?$": transform },
  // @weft/runtime ships ES modules; jest needs them as CommonJS, so it is transformed too.
  transformIgnorePatterns: ["/node_modules/(?!@weft/runtime/)", "\\.pnp\\.[^\\/]+$"],
  // `./util.js` in a TypeScript source names `./util.ts` (resolution tries each extension).
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
};
