/**
 * Finding, on disk, the files and packages a module imports: what both adapters (the Babel
 * plugin, and the tsc transformer without a Program) need to read the summaries of the modules
 * a file imports. Free of Babel and TypeScript like the rest of the core; the only module of the
 * core that touches the file system (the passes themselves stay pure).
 *
 * - `resolveRelative`: specifiers resolve like TypeScript and tsx do: `./io.js` may name
 *   `./io.ts`; an extensionless `./io` tries `.ts`, `.tsx`, `.mts`, `.js`, `.mjs`, then `index`
 *   files.
 * - `packageSummary`: a package built by weft ships `weft-summary.json`; `packageSummaryFile`
 *   names that file, for the caches of build tools.
 * - `exportNamesFromText`: the exports of a module read without parsing it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative as relativePath, resolve as resolvePath } from "node:path";
import { summaryEntryFromJson, type ModuleSummary } from "./summarize-module.js";

const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs"];

/** The file a relative specifier names, or undefined. */
export function resolveRelative(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  const base = resolvePath(dirname(fromFile), spec);
  const candidates: string[] = [];
  const js = /\.(m|c)?js$/.exec(base);
  if (js) {
    // The TypeScript source first, as tsc resolves it: a `.js` beside it may be build output.
    const stem = base.slice(0, -js[0].length);
    const m = js[1] ?? "";
    candidates.push(`${stem}.${m}ts`, ...(m === "" ? [`${stem}.tsx`] : []), base);
  } else {
    candidates.push(base);
    for (const ext of EXTENSIONS) candidates.push(base + ext);
    for (const ext of EXTENSIONS) candidates.push(`${base}/index${ext}`);
  }
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * A package built by weft ships `weft-summary.json` (written by `weft build` at the root of its
 * output): `{ "version": 1, "modules": { "<path relative to the summary>": { "<export>": blocks } } }`,
 * an entry being `true`/`false`, or the summary entry itself when it says more (summarize-module.ts).
 * For a bare specifier, find the file it names in `node_modules`, then the nearest summary above
 * it within the package.
 */
export function packageSummary(fromFile: string, spec: string): ModuleSummary | undefined {
  return packageSummaryEntry(fromFile, spec)?.summary;
}

/**
 * The `weft-summary.json` that `packageSummary` reads for `spec`, if any: what a build tool's cache
 * must watch, since rebuilding the package can make one of its exports block.
 */
export function packageSummaryFile(fromFile: string, spec: string): string | undefined {
  return packageSummaryEntry(fromFile, spec)?.file;
}

interface PackageSummaryEntry {
  file: string;
  mtimeMs: number;
  summary: ModuleSummary | undefined;
}

// Keyed by importing folder and specifier. A hit is checked against the summary file's
// modification time, so a long-lived process (a watcher, a jest worker) sees a rebuilt package.
const packageCache = new Map<string, PackageSummaryEntry | undefined>();

function packageSummaryEntry(fromFile: string, spec: string): PackageSummaryEntry | undefined {
  const key = `${dirname(fromFile)}\0${spec}`;
  const hit = packageCache.get(key);
  if (hit !== undefined && mtimeOf(hit.file) === hit.mtimeMs) return hit;
  if (hit === undefined && packageCache.has(key)) return undefined;
  const file = findPackageSummaryFile(fromFile, spec);
  const entry = file === undefined ? undefined : { ...file, mtimeMs: mtimeOf(file.file), summary: readPackageSummary(file.file, file.entry) };
  packageCache.set(key, entry);
  return entry;
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** The summary file for `spec` and the module (`entry`) the specifier names. */
function findPackageSummaryFile(fromFile: string, spec: string): { file: string; entry: string } | undefined {
  const parts = spec.split("/");
  const name = spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  const subpath = spec.slice(name.length);
  let dir = dirname(fromFile);
  let pkgDir: string | undefined;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) {
      pkgDir = candidate;
      break;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  let entry: string | undefined;
  try {
    const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
      exports?: unknown;
      main?: string;
    };
    const target = exportTarget(manifest.exports, `.${subpath}`) ?? (subpath === "" ? (manifest.main ?? "index.js") : `.${subpath}`);
    entry = resolvePath(pkgDir, target);
  } catch {
    return undefined;
  }
  for (let d = dirname(entry); d.startsWith(pkgDir); d = dirname(d)) {
    const file = join(d, "weft-summary.json");
    if (existsSync(file)) return { file, entry };
  }
  return undefined;
}

function readPackageSummary(file: string, entry: string): ModuleSummary | undefined {
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as { modules?: Record<string, Record<string, unknown>> };
    const key = relativePath(dirname(file), entry).split("\\").join("/");
    const exports = json.modules?.[key];
    return exports === undefined ? undefined : new Map(Object.entries(exports).map(([k, v]) => [k, summaryEntryFromJson(v)]));
  } catch {
    return undefined;
  }
}

/** The file an `exports` map gives `subpath` (conditions `import`, `node`, `default`, `require`). */
function exportTarget(exports: unknown, subpath: string): string | undefined {
  if (exports === undefined || exports === null) return undefined;
  if (typeof exports === "string") return subpath === "." ? exports : undefined;
  const map = exports as Record<string, unknown>;
  const keys = Object.keys(map);
  const entry = keys.length > 0 && keys.every((k) => k.startsWith(".")) ? map[subpath] : subpath === "." ? map : undefined;
  const pick = (v: unknown): string | undefined => {
    if (typeof v === "string") return v;
    if (v && typeof v === "object") {
      const c = v as Record<string, unknown>;
      for (const k of ["import", "node", "default", "require"]) if (k in c) return pick(c[k]);
    }
    return undefined;
  };
  return pick(entry);
}

/**
 * The names a module exports, read from its text (declarations and `export { … }` lists): for a
 * module known not to block, so calls to its exports stay plain. A name missed here only costs
 * a runtime check at the call.
 */
export function exportNamesFromText(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/\bexport\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]!);
  for (const m of code.matchAll(/\bexport\s+default\b/g)) void m, names.add("default");
  for (const m of code.matchAll(/\bexport\s*\{([^}]*)\}(?!\s*from)/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && /^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  return [...names];
}


/**
 * Whether a module's text may define a function that calls one of its parameters (`retry(fn)`,
 * `memoize(fn)`), or a function-typed property of one (`opts.onItem(x)`, with a type that says
 * a member is a function: `onItem: (x: T) => void`, an interface's method, JSDoc's
 * `function(…)`): such a module gets a driven face for it, so that importers may pass it a
 * coroutine, though nothing in it blocks. A cheap over-approximation that decides whether to
 * parse and analyse a file weft would otherwise leave alone; the analysis decides.
 */
export function mayDefineCallbackCaller(code: string): boolean {
  if (!/\bexport\b/.test(code)) return false;
  const functionMembers = /[\w$]\s*\??\s*:\s*(?:<[^>]*>\s*)?\([^()]*\)\s*=>|\binterface\b[^{]*\{[^}]*[\w$]\s*\??\s*\([^()]*\)\s*:|[{:]\s*function\s*\(/.test(code);
  const headers = /\bfunction\s*\*?\s*[\w$]*\s*(?:<[^>]*>)?\s*\(([^)]*)\)|(?:^|[=:,(]\s*)(?:async\s+)?(?:<[^>]*>\s*)?\(([^)]*)\)\s*(?::[^=]*)?=>/gm;
  for (const m of code.matchAll(headers)) {
    const list = m[1] ?? m[2] ?? "";
    for (const part of list.split(",")) {
      const name = /^\s*(?:\.\.\.)?([A-Za-z_$][\w$]*)/.exec(part)?.[1];
      if (name === undefined) continue;
      const escaped = name.replace(/\$/g, "\\$");
      if (new RegExp(`(?<![\\w$.])${escaped}\\s*(?:\\?\\.\\s*)?\\(|(?<![\\w$.])${escaped}\\.(?:call|apply)\\(`).test(code.slice(m.index! + m[0].length))) return true;
      if (functionMembers && new RegExp(`(?<![\\w$.])${escaped}\\s*\\.\\s*[\\w$]+\\s*(?:\\?\\.\\s*)?\\(`).test(code.slice(m.index! + m[0].length))) return true;
    }
  }
  return false;
}

/**
 * The specifiers of the modules a module's text imports dynamically (`await import("./lib.js")`,
 * `typeof import("./lib.js")`, JSDoc's `import("./lib.js").Box`): their summaries type what it
 * gets from them, as for static imports. Read from the text: a match in a comment or a string
 * only costs reading a summary.
 */
export function dynamicImportSpecifiers(code: string): string[] {
  const out = new Set<string>();
  if (!code.includes("import")) return [];
  for (const m of code.matchAll(/(?<![\w$.])import\s*\(\s*(["'`])([^"'`$]+)\1\s*\)/g)) out.add(m[2]!);
  return [...out];
}

/**
 * Whether an imported JavaScript file's text may export a function that calls a method on one of
 * its parameters (`function readThree(source) { source.read() }`): its summary then lists those
 * methods for WEFT4002 (validate-duck-calls.ts), so it is parsed rather than settled from its
 * text. TypeScript files type their parameters; only JavaScript is asked. An over-approximation.
 */
export function mayCallParamMethods(file: string, code: string): boolean {
  if (!/\.[mc]?jsx?$/.test(file) || !/\bexport\b/.test(code)) return false;
  const headers = /\bfunction\s*\*?\s*[\w$]*\s*\(([^)]*)\)|(?:^|[=:,(]\s*)(?:async\s+)?\(([^)]*)\)\s*=>/gm;
  for (const m of code.matchAll(headers)) {
    for (const part of (m[1] ?? m[2] ?? "").split(",")) {
      const name = /^\s*([A-Za-z_$][\w$]*)\s*$/.exec(part)?.[1];
      if (name === undefined) continue;
      const escaped = name.replace(/\$/g, "\\$");
      if (new RegExp(`(?<![\\w$.])${escaped}\\s*\\??\\.\\s*[A-Za-z_$][\\w$]*\\s*\\(`).test(code.slice(m.index! + m[0].length))) return true;
    }
  }
  return false;
}
