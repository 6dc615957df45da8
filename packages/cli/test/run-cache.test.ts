// The run cache (transform-cache.ts) end to end: real programs run twice by the built `weft`
// command, each test with its own cache home (XDG_CACHE_HOME in a temporary folder). A warm run
// must behave and print exactly as a cold one; what the output depends on must invalidate it; an
// entry or a folder that cannot be trusted must be passed over.
import { createHash } from "node:crypto";
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeProject, weft, weftAsync, type Project, type Run } from "./project.js";

jest.setTimeout(120_000);

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

/** A project with a cache home of its own inside it (`.cache`, next to the sources). */
function setUp(files: Record<string, string>): { project: Project; home: string; run: (args?: string[], env?: Record<string, string>) => Run } {
  project = makeProject({ "package.json": `{ "type": "module" }\n`, ...files });
  const p = project;
  const home = p.path(".cache");
  return { project: p, home, run: (args = ["run", "main.ts"], env = {}) => weft(args, p.dir, { XDG_CACHE_HOME: home, ...env }) };
}

const cacheDir = (home: string) => join(home, "weft", "run");

interface StoredEntry {
  name: string;
  ino: number;
  code: string;
}

/** The entries in the cache folder, with their inode (a rewrite renames a new file over one). */
function entries(home: string): StoredEntry[] {
  let names: string[];
  try {
    names = readdirSync(cacheDir(home));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".bin"))
    .sort()
    .map((name) => {
      const path = join(cacheDir(home), name);
      const data = readFileSync(path);
      const payload = JSON.parse(data.subarray(data.indexOf(10) + 1).toString("utf8")) as { code: string };
      return { name, ino: statSync(path).ino, code: payload.code };
    });
}

const blockingOrder = [
  `import { spawn } from "@weft/runtime";`,
  `import { work } from "./util.js";`,
  `const order: string[] = [];`,
  `const a = spawn(() => { order.push("a1"); order.push(work("a")); });`,
  `const b = spawn(() => { order.push("b1"); order.push(work("b")); });`,
  `a.join();`,
  `b.join();`,
  `console.log(order.join(" "));`,
  ``,
].join("\n");

describe("weft run's cache", () => {
  it("gives a warm run the output, warnings and exit status of the cold run, without compiling again", () => {
    const { home, run } = setUp({
      "util.ts": `import { sleep } from "@weft/runtime";\nexport function work(who: string): string {\n  sleep(1);\n  return who + "2";\n}\n`,
      "main.ts": [
        blockingOrder,
        // WEFT4001 (a warning): a coroutine handed to a global weft knows nothing of, which
        // then calls it plainly: ERR_WEFT_NOT_DRIVEN, with a stack trace into main.ts.
        `(globalThis as Record<string, unknown>)["later"] = (body: () => void) => body();`,
        `declare function later(body: () => void): void;`,
        `later(() => { work("c"); });`,
        ``,
      ].join("\n"),
    });
    const cold = run();
    expect(cold.stdout).toBe("a1 b1 a2 b2\n");
    expect(cold.stderr).toContain("main.ts:12:7 - warning WEFT4001");
    expect(cold.stderr).toContain("ERR_WEFT_NOT_DRIVEN");
    expect(cold.stderr).toMatch(/at body \(.*main\.ts:10:\d+\)/);
    expect(cold.code).toBe(1);
    const stored = entries(home);
    expect(stored).toHaveLength(2); // main.ts and util.ts

    const warm = run();
    // The stack's outermost frame is whichever of Node's callbacks drained the hub (its timer or
    // its setImmediate), which depends on timing, not on the cache.
    const entry = (r: typeof cold) => ({ ...r, stderr: r.stderr.replace(/at (?:Timeout\.onNodeTimer|Immediate\.drainFn) \([^)]*hub\.ts:\d+:\d+\)/g, "at <the hub's drain>") });
    expect(entry(warm)).toEqual(entry(cold));
    // Nothing was compiled, so nothing was written: the same entries, not new files renamed over them.
    expect(entries(home)).toEqual(stored);
  });

  it("recompiles the importers of a helper that starts to block, and the program behaves accordingly", () => {
    const { project: p, home, run } = setUp({
      "util.ts": `export function work(who: string): string {\n  return who + "2";\n}\n`,
      "main.ts": blockingOrder,
    });
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 a2 b1 b2\n", stderr: "" });
    expect(run().stdout).toBe("a1 a2 b1 b2\n"); // warm
    const mainBefore = entries(home).find((e) => e.code.includes("order.push"))!;
    expect(mainBefore.code).toContain(`work("a")`);

    // Only the helper changes: main.ts's own text, hence its key, stays the same.
    p.write({ "util.ts": `import { sleep } from "@weft/runtime";\nexport function work(who: string): string {\n  sleep(1);\n  return who + "2";\n}\n` });
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 b1 a2 b2\n", stderr: "" });
    const mainAfter = entries(home).find((e) => e.code.includes("order.push"))!;
    expect(mainAfter.code).toContain("work[_co]");
    expect(mainAfter.code).not.toBe(mainBefore.code);

    // And back: the helper stops blocking, the importer is recompiled again.
    p.write({ "util.ts": `export function work(who: string): string {\n  return who + "2";\n}\n` });
    expect(run().stdout).toBe("a1 a2 b1 b2\n");
  });

  it("recompiles an importer when its import comes to name another file", () => {
    // `./lib` names lib/index.ts, which does not block, until a lib.ts, which blocks, appears
    // beside it: nothing the importer depended on changed, but what its specifier names did.
    const { project: p, run } = setUp({
      "package.json": `{ "type": "commonjs" }\n`,
      "lib/index.ts": `export function work(who: string): string {\n  return who + "2";\n}\n`,
      "main.ts": blockingOrder.replace(`"./util.js"`, `"./lib"`),
    });
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 a2 b1 b2\n", stderr: "" });
    expect(run().stdout).toBe("a1 a2 b1 b2\n");
    p.write({ "lib.ts": `import { sleep } from "@weft/runtime";\nexport function work(who: string): string {\n  sleep(1);\n  return who + "2";\n}\n` });
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 b1 a2 b2\n", stderr: "" });
  });

  it("recompiles the importers of a package that is rebuilt by weft with a blocking export", () => {
    // First the package is plain JavaScript without a weft-summary.json; then `weft build` makes
    // it again from TypeScript whose export blocks, and writes the summary beside it.
    const { project: p, home } = setUp({
      "app/package.json": `{ "type": "module" }\n`,
      "app/main.ts": blockingOrder.replace(`"./util.js"`, `"slowlib"`),
      "app/node_modules/slowlib/package.json": `{ "name": "slowlib", "type": "module", "exports": "./dist/index.js" }\n`,
      "app/node_modules/slowlib/dist/index.js": `export function work(who) {\n  return who + "2";\n}\n`,
      "lib-src/index.ts": `import { sleep } from "@weft/runtime";\nexport function work(who: string): string {\n  sleep(1);\n  return who + "2";\n}\n`,
    });
    const run = () => weft(["run", "main.ts"], p.path("app"), { XDG_CACHE_HOME: home });
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 a2 b1 b2\n", stderr: "" });
    expect(run().stdout).toBe("a1 a2 b1 b2\n");
    expect(weft(["build", "lib-src", "--out-dir", "app/node_modules/slowlib/dist"], p.dir).code).toBe(0);
    expect(JSON.parse(readFileSync(p.path("app/node_modules/slowlib/dist/weft-summary.json"), "utf8")).modules["index.js"].work).toBe(true);
    expect(run()).toEqual({ code: 0, signal: null, stdout: "a1 b1 a2 b2\n", stderr: "" });
  });

  it("keeps stack traces at the lines of the TypeScript source on a warm run", () => {
    const { run } = setUp({
      "main.ts": [
        `interface Shape {`,
        `  kind: "circle" | "square";`,
        `  size: number;`,
        `}`,
        `type Pair = [Shape, Shape];`,
        `function fail(shape: Shape): never {`,
        `  throw new Error("bad " + shape.kind);`,
        `}`,
        `const pair: Pair = [{ kind: "circle", size: 1 }, { kind: "square", size: 2 }];`,
        `fail(pair[1]);`,
        ``,
      ].join("\n"),
    });
    const cold = run();
    expect(cold.code).toBe(1);
    expect(cold.stderr).toMatch(/main\.ts:7:9\b/);
    expect(cold.stderr).toMatch(/main\.ts:10:1\b/);
    const warm = run();
    expect(warm.stderr).toBe(cold.stderr);
  });

  it("is not written or read with WEFT_CACHE=0 or --no-cache", () => {
    const { home, run } = setUp({ "main.ts": `const n: number = 1;\nconsole.log("n", n);\n` });
    expect(run(["run", "main.ts"], { WEFT_CACHE: "0" }).stdout).toBe("n 1\n");
    expect(run(["run", "--no-cache", "main.ts"]).stdout).toBe("n 1\n");
    expect(entries(home)).toEqual([]);
    expect(run().stdout).toBe("n 1\n");
    expect(entries(home)).toHaveLength(1);
  });

  it("passes over an entry that was tampered with or cut short, and writes a good one", () => {
    const { home, run } = setUp({ "main.ts": `const n: number = 1;\nconsole.log("n", n);\n` });
    expect(run().stdout).toBe("n 1\n");
    const [entry] = entries(home);
    const path = join(cacheDir(home), entry!.name);
    const data = readFileSync(path);
    const evil = Buffer.from(data.toString("utf8").replace("console.log", "console.warn"));
    expect(evil.equals(data)).toBe(false);
    writeFileSync(path, evil);
    expect(run()).toEqual({ code: 0, signal: null, stdout: "n 1\n", stderr: "" });
    expect(readFileSync(path).equals(data)).toBe(true);

    // Even with a header that matches it: an entry made for another source is passed over.
    const header = data.subarray(0, data.indexOf(10)).toString("latin1").split(" ");
    const otherPayload = Buffer.from(data.subarray(data.indexOf(10) + 1).toString("utf8").replace("console.log", "console.warn"));
    header[2] = createHash("sha256").update(otherPayload).digest("hex");
    header[3] = "0".repeat(64);
    writeFileSync(path, Buffer.concat([Buffer.from(`${header.join(" ")}\n`, "latin1"), otherPayload]));
    expect(run()).toEqual({ code: 0, signal: null, stdout: "n 1\n", stderr: "" });
    expect(readFileSync(path).equals(data)).toBe(true);

    writeFileSync(path, data.subarray(0, data.length - 20));
    expect(run().stdout).toBe("n 1\n");
    expect(readFileSync(path).equals(data)).toBe(true);
  });

  it("is not used when its folder is a symlink, or others may write to it", () => {
    const { project: p, home, run } = setUp({ "main.ts": `const n: number = 1;\nconsole.log("n", n);\n` });
    const elsewhere = p.path("elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(home, "weft"), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, cacheDir(home), "dir");
    expect(run()).toEqual({ code: 0, signal: null, stdout: "n 1\n", stderr: "" });
    expect(readdirSync(elsewhere)).toEqual([]);

    unlinkSync(cacheDir(home));
    mkdirSync(cacheDir(home), { mode: 0o700 });
    chmodSync(cacheDir(home), 0o777);
    expect(run()).toEqual({ code: 0, signal: null, stdout: "n 1\n", stderr: "" });
    expect(readdirSync(cacheDir(home))).toEqual([]);
    expect(lstatSync(cacheDir(home)).isDirectory()).toBe(true);
  });

  (isRoot ? it : it.skip)("is not used when its folder belongs to another user", () => {
    const { home, run } = setUp({ "main.ts": `const n: number = 1;\nconsole.log("n", n);\n` });
    mkdirSync(cacheDir(home), { recursive: true, mode: 0o700 });
    chownSync(cacheDir(home), 65534, 65534);
    expect(run()).toEqual({ code: 0, signal: null, stdout: "n 1\n", stderr: "" });
    expect(readdirSync(cacheDir(home))).toEqual([]);
  });
  if (!isRoot) console.log("run-cache.test: skipping the other-owner case: only root can give a folder to another user");

  it("serves two runs that start at once, cold then warm", async () => {
    const { project: p, home } = setUp({
      "util.ts": `import { sleep } from "@weft/runtime";\nexport function work(who: string): string {\n  sleep(1);\n  return who + "2";\n}\n`,
      "main.ts": blockingOrder,
    });
    const env = { XDG_CACHE_HOME: home };
    const expected: Run = { code: 0, signal: null, stdout: "a1 b1 a2 b2\n", stderr: "" };
    expect(await Promise.all([weftAsync(["run", "main.ts"], p.dir, env), weftAsync(["run", "main.ts"], p.dir, env)])).toEqual([expected, expected]);
    expect(entries(home)).toHaveLength(2);
    expect(readdirSync(cacheDir(home)).filter((n) => !n.endsWith(".bin"))).toEqual([]);
    expect(await Promise.all([weftAsync(["run", "main.ts"], p.dir, env), weftAsync(["run", "main.ts"], p.dir, env)])).toEqual([expected, expected]);
  });
});
