// Tests run against the TypeScript sources (Babel strips the types; `npm test` type-checks first).
const babel = [
  "babel-jest",
  {
    configFile: false,
    babelrc: false,
    presets: [["@babel/preset-typescript", { allowDeclareFields: true }]],
    plugins: ["@babel/plugin-transform-modules-commonjs"],
  },
];

/** @type {import("jest").Config} */
export default {
  testEnvironment: "node",
  roots: ["<rootDir>/packages", "<rootDir>/test"],
  testMatch: ["**/test/**/*.test.ts"],
  transform: { "\\.ts$": babel },
  moduleNameMapper: {
    "^@weft/runtime$": "<rootDir>/packages/runtime/src/index.ts",
    "^@weft/runtime/protocol$": "<rootDir>/packages/runtime/src/protocol-api.ts",
    "^@weft/runtime/net$": "<rootDir>/packages/runtime/src/net/index.ts",
    "^@weft/runtime/subprocess$": "<rootDir>/packages/runtime/src/subprocess/index.ts",
    "^@weft/runtime/patch$": "<rootDir>/packages/runtime/src/patch/index.ts",
    "^@weft/runtime/patch/child_process$": "<rootDir>/packages/runtime/src/patch/load/child-process.ts",
    "^@weft/runtime/patch/(fs|zlib|crypto)$": "<rootDir>/packages/runtime/src/patch/load/$1.ts",
    "^@weft/runtime/(.*)$": "<rootDir>/packages/runtime/src/$1.ts",
    "^@weft/(core|babel-plugin|tsc|cli)$": "<rootDir>/packages/$1/src/index.ts",
    "^(\\.{1,2}/.*)\\.js$": "$1",
  },
  testTimeout: 20000,
  globalSetup: "<rootDir>/test/cache-home.js",
  globalTeardown: "<rootDir>/test/cache-home-teardown.js",
};
