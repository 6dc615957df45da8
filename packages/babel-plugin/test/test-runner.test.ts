// The option `testRunner` (core's plan-test-bodies.ts): which test hooks hand a body that may
// block to the runner as a greenlet. Vitest's hooks are imported from "vitest" (under any name,
// or through the namespace) or global (`globals: true`); jest's are global only.
import { transformSync } from "@babel/core";
import weft from "@weft/babel-plugin";

const code = `import { sleep } from "@weft/runtime";
import { it as check, test, beforeEach } from "vitest";
import * as vt from "vitest";
import { it as other } from "./my-runner.js";
beforeEach(() => { sleep(1); });
check("imported under another name", () => { sleep(1); });
test.only("a member of an imported hook", () => { sleep(1); });
vt.it("through the namespace", ({ task }) => { sleep(1); });
it("a global", () => { sleep(1); });
other("a hook of another module", () => { sleep(1); });
check("plain", () => {});
`;

function wrapped(testRunner: "jest" | "vitest" | "bun", text = code): string[] {
  const out = transformSync(text, { filename: "t.test.js", babelrc: false, configFile: false, plugins: [[weft, { testRunner, onDiagnostic: () => {} }]] })!.code!;
  // The test names whose body the runner gets wrapped, in order.
  return [...out.matchAll(/\(\s*"([^"]+)",\s*_(testBody|contextTestBody)\(/g)].map((m) => `${m[1]}: ${m[2]}`);
}

describe("testRunner", () => {
  it("vitest: hooks imported from vitest, under any name or through the namespace, and the globals", () => {
    const out = transformSync(code, { filename: "t.test.js", babelrc: false, configFile: false, plugins: [[weft, { testRunner: "vitest", onDiagnostic: () => {} }]] })!.code!;
    expect(out).toMatch(/^beforeEach\(_contextTestBody\(/m);
    expect(wrapped("vitest")).toEqual([
      "imported under another name: contextTestBody",
      "a member of an imported hook: contextTestBody",
      "through the namespace: contextTestBody",
      "a global: contextTestBody",
    ]);
  });

  it("jest: the globals only; Vitest's imported hooks are left alone", () => {
    expect(wrapped("jest")).toEqual(["a global: testBody"]);
  });

  it("bun: hooks imported from bun:test and the globals, with jest's conventions; Vitest's left alone", () => {
    const bunCode = code.replace(`from "vitest";\nimport * as vt from "vitest";`, `from "bun:test";\nimport * as vt from "bun:test";`);
    expect(wrapped("bun", bunCode)).toEqual([
      "imported under another name: testBody",
      "a member of an imported hook: testBody",
      "through the namespace: testBody",
      "a global: testBody",
    ]);
    expect(wrapped("bun")).toEqual(["a global: testBody"]);
  });

  it("refuses another runner", () => {
    expect(() => transformSync(code, { filename: "t.js", babelrc: false, configFile: false, plugins: [[weft, { testRunner: "mocha" }]] })).toThrow(
      /WEFT2001: Expected `testRunner` to be "jest", "vitest" or "bun" \(or absent\), got `"mocha"`/,
    );
  });
});
