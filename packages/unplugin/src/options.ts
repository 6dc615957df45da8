/**
 * The plugin's options, validated: the options every adapter takes (the core's
 * adapter-options.ts: `blocking`, `module`, `testRunner`, `patch`, `onDiagnostic`, `onExplain`,
 * `onSummary`; a wrong one is the configuration error WEFT2001 naming it), and the two a bundler
 * plugin adds, `include` and `exclude`, which pick the files the plugin transforms.
 *
 * Which files: by default every `.ts .tsx .mts .cts .js .jsx .mjs .cjs` file; `include` replaces
 * that list, `exclude` removes from it; declarations (`.d.ts`) never. A pattern is a RegExp tested
 * on the file's absolute path, or a string: a glob (`*` within a folder, `**` across folders)
 * matched against the absolute path, or against the path relative to the current directory when
 * it does not start with `/`. Files under node_modules are included too, and the transform
 * leaves them untouched unless they concern weft (transform.ts). Never weft's own packages
 * (`@weft/runtime`…, found by the nearest package.json's name): they are compiled already, and
 * linked into a workspace they are not under node_modules (packages/cli/src/user-file.ts does the
 * same for the loaders).
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { validateAdapterOptions, type AdapterOptions, type PatchModule, type Diagnostic, type ExplainEntry, type SummaryEntry } from "@weft/core";

export type FilterPattern = string | RegExp | ReadonlyArray<string | RegExp>;

export interface WeftUnpluginOptions {
  /** Names of functions of the project to treat as blocking (like `/** @blocking *\/`). */
  blocking?: string[];
  /**
   * How the module's blocking top level runs: `"esm"` awaits the main greenlet (top-level await),
   * `"cjs"` starts it at once. Default `"auto"`: from the file name and the syntax.
   */
  module?: "auto" | "esm" | "cjs";
  /**
   * The test runner whose test functions take bodies that may block, run as greenlets:
   * `"vitest"` (the Vite plugin sets it by itself when Vitest runs it), `"bun"` (the runtime
   * preload `@weft/unplugin/bun-preload` sets it) or `"jest"`.
   */
  testRunner?: "jest" | "vitest" | "bun";
  /**
   * Node's blocking calls that become yield points in coroutines, the compile-time
   * `monkey.patch_all()`: `true` for all of them, or the modules (`["fs", "child_process",
   * "zlib", "crypto"]`); see @weft/babel-plugin's option of the same name. Default: off.
   */
  patch?: boolean | PatchModule[];
  /** The files to transform (default: JavaScript and TypeScript sources, not `.d.ts`). */
  include?: FilterPattern;
  /** Files not to transform, even when `include` matches them. */
  exclude?: FilterPattern;
  /** Receives every diagnostic; without it the plugin fails the build on the first error's frame. */
  onDiagnostic?: (diagnostic: Diagnostic, source: string) => void;
  /** Receives, per file, every function that became a coroutine and why (`weft explain`). */
  onExplain?: (file: string, entries: ExplainEntry[]) => void;
  /** Receives, per file, which exports may block. */
  onSummary?: (file: string, summary: Record<string, boolean | SummaryEntry>) => void;
}

/** The options validated (@weft/core's adapter-options.ts), with this adapter's callbacks typed. */
export type ResolvedOptions = Omit<AdapterOptions, "onDiagnostic" | "onExplain" | "onSummary"> & {
  /** Whether the plugin transforms the file (an absolute path, without a query). */
  includes: (file: string) => boolean;
  onDiagnostic: ((diagnostic: Diagnostic, source: string) => void) | undefined;
  onExplain: ((file: string, entries: ExplainEntry[]) => void) | undefined;
  onSummary: ((file: string, summary: Record<string, boolean | SummaryEntry>) => void) | undefined;
};

const ADAPTER = "@weft/unplugin";
const SOURCES = /\.(?:[mc]?tsx?|[mc]?jsx?)$/;
const DECLARATIONS = /\.d\.[mc]?tsx?$|\.d\.[^/\\]*\.ts$/;

function fail(message: string): never {
  throw Object.assign(new Error(`${ADAPTER}: WEFT2001: ${message}`), { code: "WEFT2001" });
}

/** A glob as a RegExp: `**` any path, `*` within one folder, `?` one character. */
function globRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(?:.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${out}$`);
}

const packageNames = new Map<string, string | undefined>();

/** The name in the package.json nearest to `dir` (cached per folder). */
function packageNameOf(dir: string): string | undefined {
  if (packageNames.has(dir)) return packageNames.get(dir);
  let name: string | undefined;
  try {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: unknown };
    name = typeof json.name === "string" ? json.name : "";
  } catch {
    const parent = dirname(dir);
    name = parent === dir ? undefined : packageNameOf(parent);
  }
  packageNames.set(dir, name);
  return name;
}

const WEFT_PACKAGES = new Set(["@weft/runtime", "@weft/core", "@weft/babel-plugin", "@weft/tsc", "@weft/cli", "@weft/unplugin"]);

/** A file of one of weft's own packages (the runtime above all). */
export function isWeftFile(file: string): boolean {
  const name = packageNameOf(dirname(file));
  return name !== undefined && WEFT_PACKAGES.has(name);
}

function matcher(option: string, raw: unknown): ((file: string) => boolean) | undefined {
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  const tests = list.map((p: unknown) => {
    if (p instanceof RegExp) return (file: string) => { p.lastIndex = 0; return p.test(file); };
    if (typeof p !== "string") return fail(`Expected \`${option}\` to be a RegExp, a glob string or an array of them, got \`${String(p)}\`.`);
    const re = globRegExp(isAbsolute(p) ? resolve(p).split("\\").join("/") : p);
    return isAbsolute(p)
      ? (file: string) => re.test(file.split("\\").join("/"))
      : (file: string) => re.test(relative(process.cwd(), file).split("\\").join("/"));
  });
  return (file) => tests.some((t) => t(file));
}

export function resolveOptions(raw: unknown): ResolvedOptions {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) fail(`Expected the options to be an object, got \`${String(raw)}\`.`);
  const { include, exclude, ...common } = (raw ?? {}) as Record<string, unknown>;
  const resolved = validateAdapterOptions(ADAPTER, common);
  const included = matcher("include", include);
  const excluded = matcher("exclude", exclude);
  return {
    blocking: resolved.blocking,
    module: resolved.module,
    testRunner: resolved.testRunner,
    patch: resolved.patch,
    includes: (file) => (included ? included(file) : SOURCES.test(file)) && !DECLARATIONS.test(file) && !(excluded?.(file) ?? false) && !isWeftFile(file),
    onDiagnostic: resolved.onDiagnostic as ResolvedOptions["onDiagnostic"],
    onExplain: resolved.onExplain as ResolvedOptions["onExplain"],
    onSummary: resolved.onSummary as ResolvedOptions["onSummary"],
  };
}
