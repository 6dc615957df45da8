// Differential test of `@weft/runtime/patch`: every case of test/patch-cases.ts calls Node's
// synchronous function and then its driven face (in a greenlet, on the real clock) with the same
// arguments on the same files, and compares what came back: the value (deep equality; Stats field
// by field, Dirents by name, parent and type), or the error (class, name, `message`, `code`,
// `errno`, `syscall`, `path`, `dest`, `info`, `status`, `signal`, `stdout`, `stderr`, `output`);
// for a case that changes files, the tree afterwards too. An argument error (a Node `ERR_*` code)
// must be thrown at once, before the greenlet suspends; a call that succeeds must have suspended. Also: every `patchable` entry present on
// this Node has a face, so an entry added without an implementation fails here.
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { isNativeError } from "node:util/types";
import * as zlib from "node:zlib";
import { patchable } from "@weft/runtime/catalogue";
import { patchedFunctions } from "@weft/runtime/patch";
import { co } from "@weft/runtime/protocol";
import { runTest } from "@weft/runtime/testing";
import { hub } from "../src/hub.js";
import { cases, closeFds, makeFixtures, resetScratch, root, snapshot, type Case } from "./patch-cases.js";

type Fn = ((...args: unknown[]) => unknown) & { [co]?: (...args: unknown[]) => Generator<unknown, unknown, unknown> };
const modules: Record<string, Record<string, unknown>> = { fs, child_process: childProcess, zlib, crypto } as never;

interface Outcome {
  value?: unknown;
  error?: unknown;
  observed?: unknown;
  tree?: unknown;
}

function errorShape(e: unknown): unknown {
  // Node's errors come from Node's realm, not the test's: no `instanceof` here.
  if (!isNativeError(e)) return { thrown: e };
  const x = e as Error & Record<string, unknown>;
  let builtin = "";
  for (let p = Object.getPrototypeOf(e); p !== null && builtin === ""; p = Object.getPrototypeOf(p)) {
    const name = Object.prototype.hasOwnProperty.call(p, "constructor") ? (p.constructor as { name?: string }).name : undefined;
    if (name === "RangeError" || name === "TypeError" || name === "SyntaxError" || name === "Error") builtin = name;
  }
  return {
    builtin,
    constructor: e.constructor.name,
    name: e.name,
    string: String(e),
    message: e.message,
    code: x["code"],
    errno: x["errno"],
    syscall: x["syscall"],
    path: x["path"],
    dest: x["dest"],
    info: x["info"],
    spawnargs: x["spawnargs"],
    status: x["status"],
    signal: x["signal"],
    stdout: x["stdout"],
    stderr: x["stderr"],
    output: x["output"],
    pid: typeof x["pid"] === "number" && x["pid"] > 0 ? "a pid" : x["pid"],
    errorIsItself: "error" in x ? x["error"] === e : undefined,
  };
}

/** The value with what legitimately differs between two runs (pids, error stacks) abstracted. */
function plain(v: unknown): unknown {
  if (isNativeError(v)) return errorShape(v);
  if (v instanceof fs.Stats || (v !== null && typeof v === "object" && v.constructor?.name === "BigIntStats")) {
    return { class: (v as object).constructor.name, ...(v as object) };
  }
  if (v instanceof fs.Dirent) {
    return { name: v.name, parentPath: (v as { parentPath?: string }).parentPath, file: v.isFile(), dir: v.isDirectory(), link: v.isSymbolicLink() };
  }
  if (Array.isArray(v)) return v.map(plain);
  // A plain object from either realm (Node's spawnSync result is made in Node's).
  const proto = v !== null && typeof v === "object" ? Object.getPrototypeOf(v) : undefined;
  if (proto === null || (proto !== undefined && Object.getPrototypeOf(proto) === null && (proto as { constructor?: { name?: string } }).constructor?.name === "Object")) {
    return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, k === "pid" && typeof x === "number" && x > 0 ? "a pid" : plain(x)]));
  }
  return v;
}

function settle(c: Case, args: unknown[], ok: boolean, result: unknown): Outcome {
  const out: Outcome = ok ? { value: c.shape ? c.shape(result) : plain(result) } : { error: errorShape(result) };
  if (c.observe) out.observed = plain(c.observe(args));
  if (c.mutates) out.tree = snapshot();
  closeFds();
  return out;
}

function target(c: Case): { module: Record<string, unknown>; fn: Fn } {
  const [module, name] = c.fn.split(".") as [string, string];
  return { module: modules[module]!, fn: modules[module]![name] as Fn };
}

/**
 * Runs `body` with `process.stderr.write` recording instead of printing: execSync and
 * execFileSync copy the child's stderr there, and what they copy is compared too.
 */
async function withStderr<T>(body: () => T | Promise<T>): Promise<[T, string[]]> {
  const writes: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: unknown) => {
    writes.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return [await body(), writes];
  } finally {
    process.stderr.write = write;
  }
}

function runSyncCall(c: Case): Outcome {
  if (c.mutates) resetScratch();
  const { module, fn } = target(c);
  const args = c.args();
  try {
    return settle(c, args, true, fn.apply(module, args));
  } catch (e) {
    return settle(c, args, false, e);
  }
}

/** Runs the driven face in a greenlet; also counts how often it suspended before it ended. */
async function runDriven(c: Case): Promise<{ outcome: Outcome; suspensions: number }> {
  if (c.mutates) resetScratch();
  const { module, fn } = target(c);
  const args = c.args();
  let suspensions = 0;
  const { value } = await runTest(
    function* () {
      const gen = fn[co]!.apply(module, args);
      let result: IteratorResult<unknown>;
      try {
        result = gen.next();
        while (result.done !== true) {
          suspensions++;
          let sent: unknown;
          try {
            sent = yield result.value;
          } catch (e) {
            result = gen.throw(e);
            continue;
          }
          result = gen.next(sent);
        }
      } catch (e) {
        return { ok: false, result: e };
      }
      expect(hub.externals).toBe(0);
      return { ok: true, result: result.value };
    },
    { virtualClock: false },
  );
  expect(hub.externals).toBe(0);
  return { outcome: settle(c, args, value.ok, value.result), suspensions };
}

/** Node's codes for a bad argument: thrown by the call itself, before any work starts. */
const ARGUMENT_ERRORS = /^ERR_(INVALID_ARG_TYPE|INVALID_ARG_VALUE|OUT_OF_RANGE|UNKNOWN_ENCODING|IPC_SYNC_FORK|UNKNOWN_SIGNAL)$/;

beforeAll(makeFixtures);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe("@weft/runtime/patch installs a face on every patchable function", () => {
  it("gives each patchable function present on this Node a driven face, and lists exactly those", () => {
    const present = patchable.filter((p) => typeof modules[p.module]?.[p.name] === "function");
    const missing = present.filter((p) => typeof (modules[p.module]![p.name] as Fn)[co] !== "function").map((p) => `${p.module}.${p.name}`);
    expect(missing).toEqual([]);
    expect(patchedFunctions().map((p) => `${p.module}.${p.name}`)).toEqual(present.map((p) => `${p.module}.${p.name}`));
  });

  it("has a differential case for every patched function", () => {
    const tested = new Set(cases.map((c) => c.fn));
    expect(patchedFunctions().map((p) => `${p.module}.${p.name}`).filter((n) => !tested.has(n))).toEqual([]);
  });
});

describe("the driven face agrees with the synchronous function", () => {
  it.each(cases.map((c) => [`${c.fn} (${c.label})`, c] as const))("%s", async (_label, c) => {
    const [expected, expectedWrites] = await withStderr(() => runSyncCall(c));
    const [{ outcome, suspensions }, writes] = await withStderr(() => runDriven(c));
    expect(outcome).toEqual(expected);
    expect(writes).toEqual(expectedWrites);
    const code = (expected.error as { code?: unknown } | undefined)?.code;
    if (typeof code === "string" && ARGUMENT_ERRORS.test(code) && c.lateError !== true) {
      // An argument error is thrown from the call itself, before the greenlet suspends.
      expect(suspensions).toBe(0);
    } else if (expected.error === undefined && c.noWait !== true) {
      // The work itself was waited for cooperatively: the greenlet suspended.
      expect(suspensions).toBeGreaterThan(0);
    }
  });
});
