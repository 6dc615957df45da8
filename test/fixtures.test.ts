// The transform fixtures, the compiler's specification: every case in fixtures/<case>/ is compiled with
// @weft/babel-plugin under Babel 7 (in this process, from the sources) and Babel 8 (in a child
// process, see fixtures-babel8-worker.mjs), run with node, and compared with its reviewed
// snapshot, fixtures/<case>/snapshot.md:
//
//   ## blocking     every coroutine and the chain that made it one (the plugin's `onExplain`)
//   ## output       the compiled code of every file of the case (Babel 7)
//   ## run          the program's stdout and stderr, interleaved as written, and its exit code
//   ## diagnostics  every diagnostic (`onDiagnostic`), formatted by `formatDiagnostic`
//
// A case is `input.ts|js|mjs|cjs|mts|cts` (the program run), optional sibling files (compiled
// too, for multi-file cases), optional `options.json` (plugin options), and optional
// `tsconfig.json` (`experimentalDecorators`: see fixture-decorators.ts). The input's first
// line is a comment naming the rule it covers, or `KNOWN BUG:` with an explanation.
//
// Babel 8 must give the same blocking table, diagnostics and run; where its compiled code differs
// from Babel 7's, the snapshot shows it under `## output (Babel 8)`.
//
// `UPDATE_FIXTURES=1` rewrites snapshots; with `CI=true` a missing snapshot fails instead of
// being written.
import { transformSync } from "@babel/core";
import weftPlugin from "@weft/babel-plugin";
import { formatDiagnostic, type Diagnostic, type ExplainEntry } from "@weft/core";
import { fork, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fixtureDecorators, type FixtureDecorators } from "./fixture-decorators.js";

const root = join(__dirname, "..");
const fixturesDir = join(root, "fixtures");
const outRoot = join(fixturesDir, ".out");
const UPDATE = process.env["UPDATE_FIXTURES"] === "1";
const CI = process.env["CI"] === "true";
/** How many compiled programs run at once (they mostly wait on timers). */
const RUN_CONCURRENCY = 4;
/** A case's program is killed after this long: fixture programs sleep at most tens of ms. */
const RUN_TIMEOUT_MS = 15_000;
const ENTRY = /^input\.(ts|js|mjs|cjs|mts|cts)$/;
const SOURCE = /\.(ts|js|mjs|cjs|mts|cts)$/;

interface Case {
  name: string;
  dir: string;
  entry: string;
  /** Every source file of the case, the entry first. */
  files: string[];
  options: Record<string, unknown>;
  /** The decorators its sources are written with (test/fixture-decorators.ts). */
  decorators: FixtureDecorators;
}

interface Compiled {
  /** Per source file (name within the case): the compiled code, or the compile error. */
  outputs: Array<{ file: string; code?: string; error?: string }>;
  diagnostics: string[];
  blocking: string[];
  /** Per source file: Babel's output without weft is the same. */
  identical: Map<string, boolean>;
}

function listCases(): Case[] {
  return readdirSync(fixturesDir)
    .filter((name) => !name.startsWith(".") && !name.startsWith("_") && statSync(join(fixturesDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(fixturesDir, name);
      const names = readdirSync(dir).sort();
      const entry = names.find((n) => ENTRY.test(n));
      if (entry === undefined) throw new Error(`fixtures/${name}: no input.ts|js|mjs|cjs|mts|cts`);
      const others = names.filter((n) => n !== entry && SOURCE.test(n));
      const optionsFile = join(dir, "options.json");
      const options = existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as Record<string, unknown>) : {};
      const files = [entry, ...others];
      return { name, dir, entry, files, options, decorators: fixtureDecorators(dir, files) };
    });
}

/** The name a compiled file gets: `.ts` becomes `.js` (the output directory is `"type": "module"`). */
function outName(file: string): string {
  return file.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs").replace(/\.cts$/, ".cjs");
}

const isTs = (file: string) => /\.[cm]?ts$/.test(file);

function formatBlocking(explain: Array<{ file: string; entries: ExplainEntry[] }>): string[] {
  const lines: string[] = [];
  for (const { file, entries } of explain) {
    if (entries.length === 0) continue;
    lines.push(`${file}:`);
    for (const e of entries) {
      lines.push(`- \`${e.name}\` (${e.where})`);
      for (const step of e.chain) lines.push(`  - ${step}`);
    }
  }
  return lines;
}

/** A thrown compile error without the parts that name the Babel version or the machine. */
function errorText(message: string): string {
  return message.split(root + "/").join("").replace(/^\[BABEL\] /, "");
}

// ---- Babel 7, in this process, from the sources

function compile7(c: Case): Compiled {
  const result: Compiled = { outputs: [], diagnostics: [], blocking: [], identical: new Map() };
  const explain: Array<{ file: string; entries: ExplainEntry[] }> = [];
  for (const file of c.files) {
    const filename = join(c.dir, file);
    const code = readFileSync(filename, "utf8");
    const diagnostics: Array<{ d: Diagnostic; source: string }> = [];
    const options = {
      ...c.options,
      onDiagnostic: (d: Diagnostic, source: string) => diagnostics.push({ d, source }),
      onExplain: (f: string, entries: ExplainEntry[]) => explain.push({ file: f, entries }),
    };
    // Decorators are lowered after the weft plugin, as `weft run` does (packages/cli/src/compile.ts),
    // with `allowDeclareFields` as there (and Babel 8's default): without it, Babel 7 loses the body
    // of a class with a class decorator and a parameter property, weft or not.
    const presets = isTs(file) ? [c.decorators !== undefined ? ["@babel/preset-typescript", { allowDeclareFields: true }] : "@babel/preset-typescript"] : [];
    const decorators = c.decorators !== undefined ? [["@babel/plugin-proposal-decorators", { version: c.decorators }]] : [];
    try {
      const out = transformSync(code, { filename, configFile: false, babelrc: false, plugins: [[weftPlugin, options], ...decorators], presets });
      const compiled = out?.code ?? "";
      result.outputs.push({ file, code: compiled });
      const plain = transformSync(code, { filename, configFile: false, babelrc: false, plugins: decorators, presets });
      result.identical.set(file, plain?.code === compiled);
    } catch (error) {
      result.outputs.push({ file, error: errorText(String((error as Error).message)) });
    }
    for (const { d, source } of diagnostics) result.diagnostics.push(formatDiagnostic(d, source));
  }
  result.blocking = formatBlocking(explain);
  return result;
}

// ---- Babel 8, in a child process

interface Reply {
  id: number;
  version: string;
  code?: string;
  error?: { message: string; code?: string };
  diagnostics: Array<{ diagnostic: Diagnostic; source: string }>;
  explain: Array<{ file: string; entries: ExplainEntry[] }>;
}

class Babel8 {
  private child: ChildProcess;
  private next = 0;
  private waiting = new Map<number, (r: Reply) => void>();
  readonly ready: Promise<string>;

  constructor() {
    this.child = fork(join(__dirname, "fixtures-babel8-worker.mjs"), [], { cwd: root, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.ready = new Promise((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("exit", (code) => reject(new Error(`the Babel 8 worker exited (${code})`)));
      this.child.on("message", (m: Reply | { ready: true; version: string }) => {
        if ("ready" in m) return resolve(m.version);
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      });
    });
  }

  transform(filename: string, code: string, options: Record<string, unknown>, withWeft = true, decorators?: string): Promise<Reply> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, filename, code, options, withWeft, decorators });
    });
  }

  close(): void {
    this.child.removeAllListeners("exit");
    this.child.kill();
  }
}

async function compile8(babel8: Babel8, c: Case): Promise<Compiled> {
  const result: Compiled = { outputs: [], diagnostics: [], blocking: [], identical: new Map() };
  const explain: Array<{ file: string; entries: ExplainEntry[] }> = [];
  for (const file of c.files) {
    const filename = join(c.dir, file);
    const code = readFileSync(filename, "utf8");
    const r = await babel8.transform(filename, code, c.options, true, c.decorators);
    if (r.error !== undefined) result.outputs.push({ file, error: errorText(r.error.message) });
    else {
      result.outputs.push({ file, code: r.code ?? "" });
      const plain = await babel8.transform(filename, code, c.options, false, c.decorators);
      result.identical.set(file, plain.code === r.code);
    }
    for (const { diagnostic, source } of r.diagnostics) result.diagnostics.push(formatDiagnostic(diagnostic, source));
    explain.push(...r.explain);
  }
  result.blocking = formatBlocking(explain);
  return result;
}

// ---- running a compiled case

let running = 0;
const queue: Array<() => void> = [];
async function withSlot<R>(fn: () => Promise<R>): Promise<R> {
  if (running >= RUN_CONCURRENCY) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    queue.shift()?.();
  }
}

/**
 * The run's text without what varies between machines, runs and runtime versions: paths, stack
 * frames, the source excerpt Node prints above an uncaught error, timestamps, Node's version.
 */
function normalizeRun(text: string, outDir: string): string {
  const paths = text
    .split(`file://${outDir}`)
    .join("<out>")
    .split(outDir)
    .join("<out>")
    .split(`file://${root}`)
    .join("<repo>")
    .split(root)
    .join("<repo>");
  return paths
    .replace(/^<(?:repo|out)>\/\S*:\d+\n.*\n *\^+ *\n\n?/gm, "")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, "<time>")
    .split("\n")
    // A frame ending an error's stack before its own properties (`at … {`) keeps the brace.
    .flatMap((line) => (/^ {4}at /.test(line) ? (line.endsWith(" {") ? ["{"] : []) : /^Node\.js v\d/.test(line) ? [] : [line.trimEnd()]))
    .join("\n")
    .replace(/\n+$/, "");
}

/** Why the case is not run, or null to run it. */
function whyNotRun(compiled: Compiled): string | null {
  const failed = compiled.outputs.find((o) => o.error !== undefined);
  if (failed) return `not run: \`${failed.file}\` did not compile.`;
  if (compiled.diagnostics.some((d) => / - error WEFT/.test(d))) return "not run: the compiler reported errors, so a build would fail.";
  return null;
}

async function runCase(c: Case, compiled: Compiled, babel: string): Promise<string> {
  const reason = whyNotRun(compiled);
  if (reason !== null) return reason;
  const outDir = join(outRoot, babel, c.name);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "package.json"), '{ "type": "module" }\n');
  for (const o of compiled.outputs) writeFileSync(join(outDir, outName(o.file)), o.code ?? "");
  return withSlot(
    () =>
      new Promise<string>((resolve) => {
        // One file for stdout and stderr, so their lines keep the order the program wrote them in.
        const logFile = join(outDir, "run.log");
        const fd = openSync(logFile, "w");
        const env = { ...process.env };
        delete env["WEFT_NOT_DRIVEN"];
        delete env["NODE_OPTIONS"];
        const child = spawn(process.execPath, [outName(c.entry)], { cwd: outDir, env, stdio: ["ignore", fd, fd] });
        closeSync(fd);
        const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
        child.on("exit", (code, signal) => {
          clearTimeout(timer);
          const log = normalizeRun(readFileSync(logFile, "utf8"), outDir);
          const status = signal === "SIGKILL" ? `timed out after ${RUN_TIMEOUT_MS} ms` : signal !== null ? `killed by ${signal}` : `exit code ${code}`;
          resolve(`${log === "" ? "(no output)" : log}\n${status}`);
        });
      }),
  );
}

// ---- the snapshot

function fence(text: string, lang = ""): string {
  const ticks = text.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function ruleLine(c: Case): string {
  const first = readFileSync(join(c.dir, c.entry), "utf8").split("\n")[0] ?? "";
  const m = /^\s*\/\/\s*(.*)$/.exec(first) ?? /^\s*\/\*+\s*(.*?)\s*\*\/\s*$/.exec(first);
  if (!m) throw new Error(`fixtures/${c.name}/${c.entry}: the first line must be a comment naming the rule the case covers`);
  return m[1]!;
}

function outputSection(compiled: Compiled): string {
  return compiled.outputs
    .map((o) => {
      const head = `### ${o.file}`;
      if (o.error !== undefined) return `${head}\n\nCompile error:\n\n${fence(o.error, "text")}`;
      const same = compiled.identical.get(o.file) === true ? "\n\nIdentical to Babel's output without weft." : "";
      return `${head}${same}\n\n${fence(o.code ?? "", "js")}`;
    })
    .join("\n\n");
}

function snapshotText(c: Case, b7: Compiled, run: string, b8: Compiled): string {
  const parts = [
    `# ${c.name}`,
    `> ${ruleLine(c)}`,
    `## blocking`,
    b7.blocking.length > 0 ? fence(b7.blocking.join("\n"), "text") : "No coroutines.",
    `## output`,
    outputSection(b7),
  ];
  const differs = b8.outputs.some((o, i) => o.code !== b7.outputs[i]?.code || o.error !== b7.outputs[i]?.error);
  if (differs) parts.push(`## output (Babel 8)`, "Babel 8 compiles this case differently:", outputSection(b8));
  parts.push(`## run`, run.startsWith("not run") ? run : fence(run, "text"));
  // A compile error (an invalid option, a syntax error) is a diagnostic too: Babel's thrown error.
  const thrown = b7.outputs.flatMap((o) => (o.error !== undefined ? [`${o.file} did not compile:\n${o.error}`] : []));
  const diagnostics = [...b7.diagnostics, ...thrown];
  parts.push(`## diagnostics`, diagnostics.length > 0 ? fence(diagnostics.join("\n\n"), "text") : "None.");
  return parts.join("\n\n") + "\n";
}

// ---- the tests

const cases = listCases();
let babel8: Babel8;

beforeAll(async () => {
  ensureBuilt();
  mkdirSync(outRoot, { recursive: true });
  babel8 = new Babel8();
  await babel8.ready;
}, 120_000);

afterAll(() => babel8?.close());

/**
 * The compiled programs import `@weft/runtime` as built, and the Babel 8 worker loads the plugin
 * as built: rebuild when a source is newer than its output, so both test the sources.
 */
function ensureBuilt(): void {
  const stale = ["runtime", "core", "babel-plugin"].some((pkg) => {
    const src = join(root, "packages", pkg, "src");
    return readdirSync(src).some((f) => {
      if (!f.endsWith(".ts") || f.endsWith(".d.ts")) return false;
      const built = join(root, "packages", pkg, "dist", f.replace(/\.ts$/, ".js"));
      return !existsSync(built) || statSync(built).mtimeMs < statSync(join(src, f)).mtimeMs;
    });
  });
  if (!stale) return;
  const r = spawnSync(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", "packages/babel-plugin"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) console.warn(`tsc -b packages/babel-plugin failed; the runtime or plugin under test may be stale:\n${r.stdout}${r.stderr}`);
}

describe("fixtures", () => {
  it("has at least 80 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  test.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const b7 = compile7(c);
    const run7 = await runCase(c, b7, "babel7");
    const b8 = await compile8(babel8, c);
    const run8 = await runCase(c, b8, "babel8");
    const snapshot = snapshotText(c, b7, run7, b8);

    const file = join(c.dir, "snapshot.md");
    const rel = relative(root, file);
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE && CI) throw new Error(`${rel} is missing; run UPDATE_FIXTURES=1 npx jest test/fixtures.test.ts and review it`);
      writeFileSync(file, snapshot);
    } else {
      expect(snapshot).toBe(readFileSync(file, "utf8"));
    }
    // Babel 8 agrees with Babel 7 on everything but the printing of the code.
    expect({ blocking: b8.blocking, diagnostics: b8.diagnostics, run: run8 }).toEqual({ blocking: b7.blocking, diagnostics: b7.diagnostics, run: run7 });
  });
});
