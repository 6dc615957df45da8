// Vitest with the Vite plugin (README.md, "Vitest"): `plugins: [weft()]` in vitest.config.ts,
// and the plugin sets `testRunner: "vitest"` by itself. Test bodies block directly: on a loopback
// socket, on a helper whose colour crosses files, in `beforeEach` and in tests run through the
// globals (`globals: true`) as well as imported from "vitest". A blocking `expect` that fails
// fails the run: exit code 1, the test's name and the assertion in the output.
import { blockingTestFile, tsProgram } from "./program.js";
import { join } from "node:path";
import { makeProject, repoRoot, type Project } from "./project.js";

jest.setTimeout(180_000);

const config = `import weft from "@weft/unplugin/vite";
import { defineConfig } from "vitest/config";

export default defineConfig({ plugins: [weft()], test: { globals: true } });
`;

const echoTest = blockingTestFile("vitest");

const globalsTest = `import { sleep } from "@weft/runtime";

test("a global test body blocks", () => {
  sleep(2);
  expect(1 + 1).toBe(2);
});
`;

const failingTest = `import { connect, listen } from "@weft/runtime/net";
import { expect, it } from "vitest";

it("reports a wrong reply", () => {
  const listener = listen(0, "127.0.0.1");
  const c = connect(listener.address().port, "127.0.0.1");
  const conn = listener.accept();
  conn.sendAll("pong");
  expect(c.recv(1024).toString()).toBe("ping");
});
`;

let project: Project | undefined;
afterEach(() => project?.remove());

function vitest(p: Project, args: readonly string[]) {
  const r = p.node([join(repoRoot, "node_modules", "vitest", "vitest.mjs"), "run", ...args]);
  return { code: r.code, out: r.stdout + r.stderr };
}

it("runs test bodies that block on sockets and on helpers from other files", () => {
  project = makeProject("vitest", { "vitest.config.ts": config, ...tsProgram(), "test/echo.test.ts": echoTest, "test/globals.test.ts": globalsTest });
  const r = vitest(project, []);
  expect(r.out).toMatch(/Tests\s+3 passed \(3\)/);
  expect(r.code).toBe(0);
});

it("fails the run when a blocking expect fails", () => {
  project = makeProject("vitest-fail", { "vitest.config.ts": config, ...tsProgram(), "test/fail.test.ts": failingTest });
  const r = vitest(project, []);
  expect(r.code).toBe(1);
  expect(r.out).toContain("reports a wrong reply");
  expect(r.out).toMatch(/expected 'pong' to be 'ping'/);
  expect(r.out).toMatch(/Tests\s+1 failed \(1\)/);
});
