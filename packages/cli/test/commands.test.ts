// `weft check`, `weft explain`, and the command line itself (help, version, usage errors).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeProject, weft, type Project } from "./project.js";

// Each test starts real processes (node, Babel, sometimes jest): slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

const constructorBlocks = [
  `import { sleep } from "@weft/runtime";`,
  `export class Server {`,
  `  constructor() {`,
  `    sleep(10);`,
  `  }`,
  `}`,
  ``,
].join("\n");

const tutorial = [
  `import { sleep, spawn, joinAll } from "@weft/runtime";`,
  `function eat(name: string): void {`,
  `  sleep(300);`,
  `}`,
  `function dinner(): void {`,
  `  eat("egon");`,
  `}`,
  `joinAll([spawn(dinner)]);`,
  ``,
].join("\n");

describe("weft check", () => {
  it("prints nothing and exits 0 for files without problems", () => {
    project = makeProject({ "package.json": `{}\n`, "src/a.ts": `export const a: number = 1;\n`, "src/b.ts": tutorial });
    const r = weft(["check", "src"], project.dir);
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("reports every diagnostic of every file in the house format, writes nothing, and exits 1", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "server.ts": constructorBlocks,
      "syntax.ts": `let x = 1;\nx = (;\n`,
    });
    const before = readdirSync(project.dir).sort();
    const r = weft(["check", "server.ts", "syntax.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      "server.ts:4:5 - error WEFT1001: `sleep` may block, but it is called in a constructor, which cannot yield.",
      "",
      "  2 | export class Server {",
      "  3 |   constructor() {",
      "> 4 |     sleep(10);",
      "    |     ^^^^^^^^^ this call may suspend the current greenlet",
      "  note: `Server#constructor` may block because it calls `sleep` (server.ts:4:5).",
      expect.stringMatching(/^ {2}help: ./),
      "syntax.ts:2:6 - error: Unexpected token (2:5)",
      "",
      "  1 | let x = 1;",
      "> 2 | x = (;",
      "    |      ^",
      "Found 2 errors in 2 files.",
      "",
    ]);
    expect(readdirSync(project.dir).sort()).toEqual(before);
  });

  it("exits 1 when a path does not exist", () => {
    project = makeProject({ "package.json": `{}\n` });
    const r = weft(["check", "nope.ts"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^weft check: cannot read `nope\.ts`/);
  });
});

describe("weft explain", () => {
  it("lists each coroutine with the chain of calls that made it one", () => {
    project = makeProject({ "package.json": `{ "type": "module" }\n`, "tutorial.ts": tutorial });
    const r = weft(["explain", "tutorial.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "<module top level> (tutorial.ts:1:1)",
        "  because it calls joinAll (tutorial.ts:8:1)",
        "eat (tutorial.ts:2:1)",
        "  because it calls sleep (tutorial.ts:3:3)",
        "dinner (tutorial.ts:5:1)",
        "  because it calls eat (tutorial.ts:6:3)",
        "    because it calls sleep (tutorial.ts:3:3)",
        "",
      ].join("\n"),
    );
  });

  it("says so when no function blocks", () => {
    project = makeProject({ "package.json": `{}\n`, "plain.ts": `export const double = (x: number): number => 2 * x;\n` });
    const r = weft(["explain", "plain.ts"], project.dir);
    expect(r).toMatchObject({ code: 0, stdout: "no function in plain.ts blocks\n", stderr: "" });
  });
});

describe("the weft command line", () => {
  it("prints its usage for --help, on stdout", () => {
    const r = weft(["--help"], __dirname);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: weft <command>/);
    expect(r.stdout).toContain("weft run [--no-cache] [--patch[=MODULES]] FILE [args...]");
    expect(r.stdout).toContain("weft build SRC --out-dir DIR");
  });

  it("prints the package's version for --version", () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string };
    expect(weft(["--version"], __dirname)).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it.each([
    [[], "missing command"],
    [["frob"], "unknown command `frob`"],
    [["--frob"], "unknown option `--frob`"],
    [["run"], "`weft run` needs a FILE to run"],
    [["run", "--no-cache"], "`weft run` needs a FILE to run"],
    [["run", "--frob", "a.ts"], "unknown option `--frob` for `weft run` (the program's options go after FILE)"],
    [["check"], "`weft check` needs at least one FILE"],
    [["explain", "--all", "a.ts"], "unknown option `--all` for `weft explain`"],
  ])("answers `weft %j` with the usage on stderr and exit status 2", (args, message) => {
    const r = weft(args, __dirname);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`^weft: ${message.replace(/[`$()[\]]/g, "\\$&")}\n\nUsage: weft <command>`));
  });
});
