// The jest preset: a real jest run over a temporary project configured with `preset: "@weft/cli"`.
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { compileFile } from "../src/compile.js";
import { makeProject, node, repoRoot, type Project } from "./project.js";

// Each test starts real processes (node, Babel, sometimes jest): slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const jestBin = join(repoRoot, "node_modules", "jest", "bin", "jest.js");

// Spec files are named *.spec.ts so that this repository's own jest run never collects them.
const files = {
  "package.json": `{ "private": true }\n`,
  "jest.config.cjs": `module.exports = { preset: "@weft/cli", testMatch: ["**/*.spec.ts"] };\n`,
  "src/util.ts": `export const double = (x: number): number => 2 * x;\n`,
  "src/meals.ts": [
    `import { sleep } from "@weft/runtime";`,
    `export function eat(log: string[], name: string): void {`,
    `  log.push(\`\${name} eat 1\`);`,
    `  sleep(30);`,
    `  log.push(\`\${name} eat 2\`);`,
    `}`,
    `export function play(log: string[], name: string): void {`,
    `  log.push(\`\${name} play 1\`);`,
    `  sleep(40);`,
    `  log.push(\`\${name} play 2\`);`,
    `}`,
    ``,
  ].join("\n"),
  "test/util.spec.ts": [
    `import { double } from "../src/util.js";`,
    `it("compiles TypeScript and resolves .js specifiers to .ts files", () => {`,
    `  expect(double(21)).toBe(42);`,
    `});`,
    ``,
  ].join("\n"),
  "test/meals.spec.ts": [
    `import { joinAll, spawn } from "@weft/runtime";`,
    `import { eat, play } from "../src/meals.js";`,
    `it("runs synchronous-style code in greenlets", () =>`,
    `  spawn(() => {`,
    `    const log: string[] = [];`,
    `    joinAll([spawn(eat, log, "egon"), spawn(play, log, "egon")]);`,
    `    expect(log).toEqual(["egon eat 1", "egon play 1", "egon eat 2", "egon play 2"]);`,
    `  }).toPromise());`,
    ``,
  ].join("\n"),
};

describe("the jest preset", () => {
  it("lets jest test synchronous-style TypeScript", () => {
    project = makeProject(files);
    const r = node([jestBin, "--ci", "--no-cache"], project.dir);
    expect(r.stderr).toContain("Tests:       2 passed, 2 total");
    expect(r.code).toBe(0);
  });

  it("reports a failing assertion at its line in the original TypeScript", () => {
    project = makeProject({
      ...files,
      "test/fails.spec.ts": `interface Gone {\n  x: number;\n}\nit("fails", () => {\n  expect(1 as number).toBe(2);\n});\n`,
    });
    const r = node([jestBin, "--ci", "--no-cache", "fails"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("test/fails.spec.ts:5:");
  });

  it("fails a test file weft cannot compile, with weft's diagnostic", () => {
    project = makeProject({
      ...files,
      "test/bad.spec.ts": `import { sleep } from "@weft/runtime";\nclass C {\n  constructor() {\n    sleep(1);\n  }\n}\nit("never runs", () => expect(new C()).toBeTruthy());\n`,
    });
    const r = node([jestBin, "--ci", "--no-cache", "bad"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error WEFT1001:");
  });

  // The preset compiles with `testRunner: "jest"` (core's plan-test-bodies.ts): a test body or
  // hook that blocks runs as a greenlet jest waits for.
  const netFiles = {
    "package.json": `{ "private": true }\n`,
    "jest.config.cjs": `module.exports = { preset: "@weft/cli", testMatch: ["**/*.spec.ts"] };\n`,
    "src/echo.ts": [
      `import { spawn } from "@weft/runtime";`,
      `import { listen, type ServerSocket } from "@weft/runtime/net";`,
      `export function startEcho(): ServerSocket {`,
      `  const server = listen(0, "127.0.0.1");`,
      `  spawn(() => {`,
      `    const c = server.accept();`,
      `    c.sendAll(c.recv(5).toString().toUpperCase());`,
      `    c.close();`,
      `  });`,
      `  return server;`,
      `}`,
      ``,
    ].join("\n"),
    "test/echo.spec.ts": [
      `import { connect, type ServerSocket } from "@weft/runtime/net";`,
      `import { startEcho } from "../src/echo.js";`,
      `let server: ServerSocket;`,
      `beforeAll(() => {`,
      `  server = startEcho();`,
      `});`,
      `afterAll(() => server.close());`,
      `it("echoes over a loopback socket", () => {`,
      `  const c = connect(server.address().port, "127.0.0.1");`,
      `  c.sendAll("hello");`,
      `  expect(c.recv(5).toString()).toBe(EXPECTED);`,
      `  c.close();`,
      `});`,
      ``,
    ].join("\n"),
  };

  it("runs a test body that blocks on a real socket as a greenlet jest waits for", () => {
    project = makeProject({ ...netFiles, "test/echo.spec.ts": netFiles["test/echo.spec.ts"].replace("EXPECTED", `"HELLO"`) });
    const r = node([jestBin, "--ci", "--no-cache"], project.dir);
    expect(r.stderr).not.toContain("ERR_WEFT_NOT_DRIVEN");
    expect(r.stderr).toContain("Tests:       1 passed, 1 total");
    expect(r.code).toBe(0);
  });

  it("reports a blocking test body whose expect fails as a failed test", () => {
    project = makeProject({ ...netFiles, "test/echo.spec.ts": netFiles["test/echo.spec.ts"].replace("EXPECTED", `"hello"`) });
    const r = node([jestBin, "--ci", "--no-cache"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("✕ echoes over a loopback socket");
    expect(r.stderr).toContain("Tests:       1 failed, 1 total");
  });

  describe("with jest's transform cache", () => {
    // Two runs sharing a cache folder, with a change in between that makes an import of the spec
    // file block. A stale transform of the spec calls the import's coroutine as a plain function,
    // which fails with ERR_WEFT_NOT_DRIVEN.
    const run = (p: Project) => node([jestBin, "--ci", "--cacheDirectory", p.path(".jest-cache")], p.dir);
    // A later modification time than the first run's, however coarse the file system's clock.
    const touch = (p: Project, file: string) => {
      const later = new Date(Date.now() + 10_000);
      utimesSync(p.path(file), later, later);
    };

    it("compiles a spec file again when a helper it imports through another file starts blocking", () => {
      project = makeProject({
        "package.json": `{ "private": true }\n`,
        "jest.config.cjs": `module.exports = { preset: "@weft/cli", testMatch: ["**/*.spec.ts"] };\n`,
        "src/step.ts": `import { helper } from "./helper.js";\nexport function step(x: string): string {\n  return helper(x);\n}\n`,
        "src/helper.ts": `export function helper(x: string): string {\n  return x;\n}\n`,
        "test/step.spec.ts": `import { spawn } from "@weft/runtime";\nimport { step } from "../src/step.js";\nit("steps", () => spawn(() => expect(step("ran")).toBe("ran")).toPromise());\n`,
      });
      const first = run(project);
      expect(first.stderr).toContain("Tests:       1 passed, 1 total");
      project.write({ "src/helper.ts": `import { sleep } from "@weft/runtime";\nexport function helper(x: string): string {\n  sleep(1);\n  return x;\n}\n` });
      touch(project, "src/helper.ts");
      const second = run(project);
      expect(second.stderr).not.toContain("ERR_WEFT_NOT_DRIVEN");
      expect(second.stderr).toContain("Tests:       1 passed, 1 total");
      expect(second.code).toBe(0);
    });

    it("compiles a spec file again when a package it imports is rebuilt with a blocking export", () => {
      // A package built by weft: CommonJS, with the weft-summary.json that says which exports block.
      const lib = (source: string, blocks: boolean) => ({
        "src/node_modules/lib/package.json": `{ "name": "lib", "main": "index.js" }\n`,
        "src/node_modules/lib/index.js": compileFile(source, project!.path("src/node_modules/lib/index.js"), { module: "cjs" }).code!,
        "src/node_modules/lib/weft-summary.json": JSON.stringify({ version: 1, modules: { "index.js": { wait: blocks } } }),
      });
      project = makeProject({
        "package.json": `{ "private": true }\n`,
        "jest.config.cjs": `module.exports = { preset: "@weft/cli", testMatch: ["**/*.spec.ts"] };\n`,
        "src/lib.spec.ts": `import { spawn } from "@weft/runtime";\nimport { wait } from "lib";\nit("waits", () => spawn(() => expect(wait("ran")).toBe("ran")).toPromise());\n`,
      });
      project.write(lib(`export function wait(x) {\n  return x;\n}\n`, false));
      const first = run(project);
      expect(first.stderr).toContain("Tests:       1 passed, 1 total");
      project.write(lib(`import { sleep } from "@weft/runtime";\nexport function wait(x) {\n  sleep(1);\n  return x;\n}\n`, true));
      touch(project, "src/node_modules/lib/weft-summary.json");
      const second = run(project);
      expect(second.stderr).not.toContain("ERR_WEFT_NOT_DRIVEN");
      expect(second.stderr).toContain("Tests:       1 passed, 1 total");
      expect(second.code).toBe(0);
    });
  });
});
