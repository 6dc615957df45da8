/**
 * The options both adapters (the Babel plugin and the tsc transformer) take, validated the same
 * way: a wrong option is a configuration error (WEFT2001) naming the option, what was expected
 * and what came. Each adapter types its callbacks (`onDiagnostic` receives a Babel-side or a
 * `ts.Diagnostic`-side pair) and casts the result.
 */

import { PATCH_MODULES, type PatchModule } from "@weft/runtime/catalogue";

export type { PatchModule };

/** The test runners whose hooks take bodies that may block (`plan-test-bodies.ts`). */
export type TestRunner = "jest" | "vitest" | "bun";

/** What every adapter's options resolve to (each adapter narrows the callbacks' types). */
export interface AdapterOptions {
  blocking: ReadonlySet<string>;
  module: "auto" | "esm" | "cjs";
  /** The test runner whose test globals take bodies that may block (`plan-test-bodies.ts`). */
  testRunner: TestRunner | undefined;
  /**
   * The Node modules whose blocking calls (`readFileSync`, `execSync`…) become yield points in
   * coroutines (`@weft/runtime/patch`): `patch: true` is all of them, `patch: ["fs"]` one. Empty:
   * off (the default).
   */
  patch: ReadonlySet<PatchModule>;
  onDiagnostic: ((...args: never[]) => unknown) | undefined;
  onExplain: ((...args: never[]) => unknown) | undefined;
  onSummary: ((...args: never[]) => unknown) | undefined;
}

const KNOWN = ["blocking", "module", "testRunner", "patch", "onDiagnostic", "onExplain", "onSummary"] as const;

/** Validates `raw` as `adapter`'s options; throws an `Error` with `code: "WEFT2001"`. */
export function validateAdapterOptions(adapter: string, raw: unknown): AdapterOptions {
  const fail = (message: string): never => {
    const error = new Error(`${adapter}: WEFT2001: ${message}`);
    (error as Error & { code: string }).code = "WEFT2001";
    throw error;
  };
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    fail(`Expected the options to be an object, got \`${String(raw)}\`.`);
  }
  const o = (raw ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!(KNOWN as readonly string[]).includes(k)) fail(`Unknown option \`${k}\`; the options are ${KNOWN.map((x) => `\`${x}\``).join(", ")}.`);
  }
  const blocking = o["blocking"] ?? [];
  if (!Array.isArray(blocking) || !blocking.every((x) => typeof x === "string")) {
    fail(`Expected \`blocking\` to be an array of function names, got \`${JSON.stringify(blocking)}\`.`);
  }
  const module = o["module"] ?? "auto";
  if (module !== "auto" && module !== "esm" && module !== "cjs") {
    fail(`Expected \`module\` to be "auto", "esm" or "cjs", got \`${JSON.stringify(module)}\`.`);
  }
  const testRunner = o["testRunner"];
  if (testRunner !== undefined && testRunner !== "jest" && testRunner !== "vitest" && testRunner !== "bun") {
    fail(`Expected \`testRunner\` to be "jest", "vitest" or "bun" (or absent), got \`${JSON.stringify(testRunner)}\`.`);
  }
  const patch = parsePatchOption(o["patch"], fail);
  for (const k of ["onDiagnostic", "onExplain", "onSummary"]) {
    if (o[k] !== undefined && typeof o[k] !== "function") fail(`Expected \`${k}\` to be a function, got \`${typeof o[k]}\`.`);
  }
  return {
    blocking: new Set(blocking as string[]),
    module: module as AdapterOptions["module"],
    testRunner: testRunner as AdapterOptions["testRunner"],
    patch,
    onDiagnostic: o["onDiagnostic"] as AdapterOptions["onDiagnostic"],
    onExplain: o["onExplain"] as AdapterOptions["onExplain"],
    onSummary: o["onSummary"] as AdapterOptions["onSummary"],
  };
}

/**
 * The option `patch`: `true` (every module), `false` or absent (none), or an array of module
 * names. The command line's `--patch` and `--patch=fs,zlib` parse to the same (`fail` words the
 * error).
 */
export function parsePatchOption(value: unknown, fail: (message: string) => never): ReadonlySet<PatchModule> {
  if (value === undefined || value === false) return new Set();
  if (value === true) return new Set(PATCH_MODULES);
  const known = PATCH_MODULES.map((m) => `"${m}"`).join(", ");
  if (!Array.isArray(value) || !value.every((m) => typeof m === "string")) {
    return fail(`Expected \`patch\` to be true, false or an array of module names (${known}), got \`${JSON.stringify(value)}\`.`);
  }
  for (const m of value as string[]) {
    const name = m.startsWith("node:") ? m.slice(5) : m;
    if (!(PATCH_MODULES as readonly string[]).includes(name)) fail(`Unknown module \`${m}\` in \`patch\`; the modules weft can patch are ${known}.`);
  }
  return new Set((value as string[]).map((m) => (m.startsWith("node:") ? m.slice(5) : m) as PatchModule));
}
