// `--patch` end to end: a program whose greenlets run `execSync`, read files and gzip buffers,
// compiled and run by `weft run --patch`, `weft build --patch` + node; `weft check` warns without
// it (WEFT4004) and not with it; `weft explain --patch` names the patched calls. Real processes,
// real files, real child processes.
import { readFileSync } from "node:fs";
import { makeProject, node, weft, type Project } from "./project.js";

jest.setTimeout(90_000);

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

/**
 * The program: a 100 ms ticker greenlet, and workers running `execSync("sleep 1")`,
 * reading a file and gzipping a buffer through helpers of another file. It prints the longest gap
 * between ticks, which the test compares with a bound far from both outcomes: cooperative
 * (about 100 ms) and blocked (about 1 000 ms).
 */
const files = {
  "package.json": `{ "type": "module" }\n`,
  "work.ts": [
    `import { execSync } from "node:child_process";`,
    `import * as fs from "node:fs";`,
    `import { gzipSync, gunzipSync } from "node:zlib";`,
    ``,
    `export function shell(command: string): string {`,
    `  return execSync(command, { encoding: "utf8" }).trim();`,
    `}`,
    `export function status(command: string): number {`,
    `  try {`,
    `    execSync(command, { stdio: "pipe" });`,
    `    return 0;`,
    `  } catch (error) {`,
    `    return (error as { status: number }).status;`,
    `  }`,
    `}`,
    `export function roundTrip(path: string): string {`,
    `  return gunzipSync(gzipSync(fs.readFileSync(path))).toString();`,
    `}`,
    ``,
  ].join("\n"),
  "main.ts": [
    `import { joinAll, sleep, spawn } from "@weft/runtime";`,
    `import { writeFileSync } from "node:fs";`,
    `import { roundTrip, shell, status } from "./work.js";`,
    ``,
    `writeFileSync("data.txt", "some data");`,
    `let last = Date.now();`,
    `let longest = 0;`,
    `let ticking = true;`,
    `const ticker = spawn(() => {`,
    `  while (ticking) {`,
    `    sleep(100);`,
    `    const now = Date.now();`,
    `    longest = Math.max(longest, now - last);`,
    `    last = now;`,
    `  }`,
    `});`,
    `const workers = [spawn(shell, "sleep 1; echo slept"), spawn(shell, "sleep 1; echo again"), spawn(roundTrip, "data.txt"), spawn(status, "exit 7")];`,
    `joinAll(workers);`,
    `ticking = false;`,
    `ticker.join();`,
    `console.log(workers.map((g) => g.value).join(" | "));`,
    `console.log(longest < 600 ? "ticker kept ticking" : "ticker was held up");`,
    ``,
  ].join("\n"),
};

describe("weft run --patch", () => {
  it("keeps a ticker greenlet ticking while others run execSync, read files and gzip, with Node's results and errors", () => {
    project = makeProject(files);
    const r = weft(["run", "--patch", "main.ts"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("slept | again | some data | 7\nticker kept ticking\n");
    expect(r.code).toBe(0);
  });

  it("without it, the same program runs, synchronously: the ticker is held up, and each call is the warning WEFT4004", () => {
    project = makeProject(files);
    const r = weft(["run", "main.ts"], project.dir);
    expect(r.stdout).toBe("slept | again | some data | 7\nticker was held up\n");
    // work.ts runs no greenlet: main.ts, which hands its functions to `spawn`, is warned.
    expect(r.stderr.match(/main\.ts:\d+:\d+ - warning WEFT4004: `\w+` from `.\/work.js`/g)).toEqual([
      "main.ts:17:18 - warning WEFT4004: `shell` from `./work.js`",
      "main.ts:17:55 - warning WEFT4004: `shell` from `./work.js`",
      "main.ts:17:92 - warning WEFT4004: `roundTrip` from `./work.js`",
      "main.ts:17:122 - warning WEFT4004: `status` from `./work.js`",
    ]);
    expect(r.code).toBe(0);
  });

  it("patches only the modules named: --patch=zlib leaves execSync synchronous", () => {
    project = makeProject(files);
    const r = weft(["run", "--patch=zlib,fs", "main.ts"], project.dir);
    expect(r.stdout).toBe("slept | again | some data | 7\nticker was held up\n");
    expect(r.stderr.match(/warning WEFT4004: `\w+`/g)).toEqual(["warning WEFT4004: `shell`", "warning WEFT4004: `shell`", "warning WEFT4004: `status`"]);
  });
});

describe("weft check, explain and build with --patch", () => {
  it("check: WEFT4004 names the call and the fix without it, nothing with it", () => {
    project = makeProject(files);
    const without = weft(["check", "work.ts"], project.dir);
    // work.ts runs no greenlet itself: nothing to warn of in it alone.
    expect(without).toMatchObject({ code: 0, stdout: "" });
    const r = weft(["check", "main.ts", "work.ts"], project.dir);
    expect(r.stdout).toContain("main.ts");
    const shellFile = makeProject({ ...files, "work.ts": files["work.ts"].replace(`import { execSync }`, `import { spawn } from "@weft/runtime";\nimport { execSync }`) + `spawn(shell, "true");\n` });
    try {
      const warned = weft(["check", "work.ts"], shellFile.dir);
      expect(warned.stdout).toContain("warning WEFT4004: `execSync` is Node's synchronous call: in `shell`, which greenlets run, it stops every greenlet until it returns.");
      expect(warned.stdout).toContain("help: compile with `patch` to make it a yield point (`weft run --patch`");
      expect(warned.code).toBe(0);
      expect(weft(["check", "--patch", "work.ts"], shellFile.dir)).toMatchObject({ code: 0, stdout: "" });
    } finally {
      shellFile.remove();
    }
  });

  it("explain: the functions whose plain face is synchronous, and each patched call", () => {
    project = makeProject(files);
    const r = weft(["explain", "--patch", "work.ts"], project.dir);
    expect(r.stdout.split("\n").filter((l) => !l.startsWith("    "))).toEqual([
      "shell (work.ts:5:8), blocking only through patched calls (synchronous where it cannot yield)",
      "  because it calls execSync from node:child_process, made cooperative by patch (work.ts:6:10)",
      "  patched: execSync from node:child_process (work.ts:6:10)",
      "status (work.ts:8:8), blocking only through patched calls (synchronous where it cannot yield)",
      "  because it calls execSync from node:child_process, made cooperative by patch (work.ts:10:5)",
      "  patched: execSync from node:child_process (work.ts:10:5)",
      "roundTrip (work.ts:16:8), blocking only through patched calls (synchronous where it cannot yield)",
      "  because it calls gunzipSync from node:zlib, made cooperative by patch (work.ts:17:10)",
      "  patched: gunzipSync from node:zlib (work.ts:17:10)",
      "  patched: gzipSync from node:zlib (work.ts:17:21)",
      "  patched: readFileSync from node:fs (work.ts:17:30)",
      "",
    ]);
  });

  it("build: the output loads the patch modules it uses and runs under plain node", () => {
    project = makeProject(files);
    const built = weft(["build", "--patch", ".", "--out-dir", "dist"], project.dir);
    expect(built).toMatchObject({ code: 0, stderr: "" });
    const work = readFileSync(project.path("dist", "work.js"), "utf8");
    expect(work).toContain(`import "@weft/runtime/patch/child_process";`);
    expect(work).toContain(`import "@weft/runtime/patch/zlib";`);
    const r = node(["main.js"], project.path("dist"));
    expect(r.stdout).toBe("slept | again | some data | 7\nticker kept ticking\n");
  });

  it.each([
    [["run", "--patch=net", "main.ts"], "unknown module `net` in `--patch`; the modules weft can patch are fs, child_process, zlib, crypto"],
    [["check", "--patch=", "main.ts"], "`--patch=` needs module names: `--patch=fs,child_process` (or `--patch` for all)"],
  ])("answers `weft %j` with a usage error", (args, message) => {
    project = makeProject(files);
    const r = weft(args, project.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe(`weft: ${message}`);
  });
});
