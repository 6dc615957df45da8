/**
 * Summaries of the project files a module imports: which of their exports may block. A file
 * compiled on its own (Babel compiles one file at a time) still knows that `readLine` from
 * `./io.js` blocks. Each imported file is parsed and analysed the same way (its own imports
 * included, cycles cut), and the result is cached by path and modification time.
 *
 * Specifiers resolve like TypeScript and tsx do: `./io.js` may name `./io.ts`; an extensionless
 * `./io` tries `.ts`, `.tsx`, `.mts`, `.js`, `.mjs`, then `index` files.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative as relativePath, resolve as resolvePath } from "node:path";
import { parse } from "@babel/parser";
import * as traverseNs from "@babel/traverse";
import type { NodePath, TraverseOptions } from "@babel/traverse";
import * as t from "@babel/types";
import { analyzeModule, summarizeModule, type ExportFact, type ModuleSummaries, type ModuleSummary } from "@weft/core";
import { collectFacts, type Collected } from "./collect-facts.js";

// @babel/traverse is CommonJS: its function arrives as `default` (or `default.default`, through
// a transpiler's interop) rather than as the module itself.
type Traverse = (ast: t.Node, visitors: TraverseOptions) => void;
const traverseExport = (traverseNs as unknown as { default: Traverse | { default: Traverse } }).default;
const traverse: Traverse = typeof traverseExport === "function" ? traverseExport : traverseExport.default;

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

/** What a module exports, as the core needs it for its summary. */
export function collectExports(program: NodePath<t.Program>, collected: Collected): ExportFact[] {
  const fnOfNode = new Map<t.Node, number>();
  for (const [id, p] of collected.functions) fnOfNode.set(p.node, id);
  const localFunction = (name: string): number | undefined => {
    const b = program.scope.getBinding(name);
    if (!b) return undefined;
    if (b.path.isFunctionDeclaration()) return fnOfNode.get(b.path.node);
    if (b.path.isVariableDeclarator()) {
      const init = b.path.node.init;
      if (init && (t.isFunctionExpression(init) || t.isArrowFunctionExpression(init))) return fnOfNode.get(init);
    }
    return undefined;
  };
  const isClass = (name: string) => program.scope.getBinding(name)?.path.isClassDeclaration() === true;
  const out: ExportFact[] = [];
  const exportLocal = (exported: string, local: string) => {
    const fn = localFunction(local);
    if (fn !== undefined) out.push({ name: exported, kind: "function", fn });
    else if (isClass(local)) out.push({ name: exported, kind: "class", className: local });
  };
  for (const stmt of program.node.body) {
    if (t.isExportNamedDeclaration(stmt)) {
      const d = stmt.declaration;
      if (stmt.source) {
        for (const s of stmt.specifiers) {
          if (t.isExportSpecifier(s)) {
            const exported = t.isIdentifier(s.exported) ? s.exported.name : s.exported.value;
            out.push({ name: exported, kind: "reexport", source: stmt.source.value, imported: s.local.name });
          }
        }
      } else if (d && (t.isFunctionDeclaration(d) || t.isClassDeclaration(d)) && d.id) {
        exportLocal(d.id.name, d.id.name);
      } else if (d && t.isVariableDeclaration(d)) {
        for (const decl of d.declarations) if (t.isIdentifier(decl.id)) exportLocal(decl.id.name, decl.id.name);
      } else {
        for (const s of stmt.specifiers) {
          if (t.isExportSpecifier(s)) exportLocal(t.isIdentifier(s.exported) ? s.exported.name : s.exported.value, s.local.name);
        }
      }
    } else if (t.isExportDefaultDeclaration(stmt)) {
      const d = stmt.declaration;
      if (t.isFunctionDeclaration(d) || t.isArrowFunctionExpression(d) || t.isFunctionExpression(d)) {
        const fn = fnOfNode.get(d);
        if (fn !== undefined) out.push({ name: "default", kind: "function", fn });
      } else if (t.isIdentifier(d)) {
        exportLocal("default", d.name);
      }
    } else if (t.isExportAllDeclaration(stmt)) {
      out.push({ kind: "reexport-all", source: stmt.source.value });
    }
  }
  return out;
}

const cache = new Map<string, { mtimeMs: number; summary: ModuleSummary }>();
const inProgress = new Set<string>();

/**
 * Records the summary of a file the plugin has just compiled, so that modules compiled after it
 * which import it do not parse it again.
 */
export function rememberSummary(file: string, summary: ModuleSummary): void {
  try {
    cache.set(file, { mtimeMs: statSync(file).mtimeMs, summary });
  } catch {
    // not a file on disk (a test's in-memory source): nothing to remember
  }
}

/** The summary of the module in `file`, computed once per modification. */
export function summaryOf(file: string, blocking: ReadonlySet<string>): ModuleSummary {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.summary;
  if (inProgress.has(file)) return new Map(); // an import cycle: the part in progress counts as not blocking
  inProgress.add(file);
  try {
    const code = readFileSync(file, "utf8");
    // Most imported files never touch the runtime: settle them from their text and their own
    // imports, without parsing (a parse and an analysis per import doubled compile times).
    if (!/["']@weft\/runtime|@blocking\b/.test(code) && blocking.size === 0 && !importsBlock(file, code, blocking)) {
      const summary: ModuleSummary = new Map(exportNamesFromText(code).map((name) => [name, { blocks: false }]));
      cache.set(file, { mtimeMs, summary });
      return summary;
    }
    const ast = parse(code, {
      sourceType: "module",
      sourceFilename: file,
      plugins: /\.[mc]?tsx?$/.test(file) ? ["typescript", ...(file.endsWith("x") ? (["jsx"] as const) : [])] : ["jsx"],
    });
    let summary: ModuleSummary = new Map();
    traverse(ast, {
      Program(program: NodePath<t.Program>) {
        const collected = collectFacts(t, program, file, blocking);
        const exportFacts = collectExports(program, collected);
        const exported = new Set(exportFacts.flatMap((e) => (e.kind === "function" ? [e.fn] : [])));
        const analysis = analyzeModule(collected.facts, { summaries: summariesFor(program, file, blocking), exported });
        const imported = (source: string) => {
          const target = resolveRelative(file, source);
          return target === undefined ? undefined : summaryOf(target, blocking);
        };
        summary = summarizeModule(collected.facts, analysis.plan, exportFacts, imported, analysis.colouredParams);
        program.stop();
      },
    });
    cache.set(file, { mtimeMs, summary });
    return summary;
  } catch {
    return new Map(); // a file that does not parse is reported when it is compiled itself
  } finally {
    inProgress.delete(file);
  }
}

/**
 * A package built by weft ships `weft-summary.json` (written by `weft build` at the root of its
 * output): `{ "version": 1, "modules": { "<path relative to the summary>": { "<export>": blocks } } }`.
 * For a bare specifier, find the file it names in `node_modules`, then the nearest summary above
 * it within the package.
 */
const packageCache = new Map<string, ModuleSummary | undefined>();

export function packageSummary(fromFile: string, spec: string): ModuleSummary | undefined {
  const key = `${dirname(fromFile)}\0${spec}`;
  if (packageCache.has(key)) return packageCache.get(key);
  const summary = findPackageSummary(fromFile, spec);
  packageCache.set(key, summary);
  return summary;
}

function findPackageSummary(fromFile: string, spec: string): ModuleSummary | undefined {
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
    if (!existsSync(file)) continue;
    try {
      type Entry = boolean | { blocks?: boolean; callsParams?: number[] };
      const json = JSON.parse(readFileSync(file, "utf8")) as { modules?: Record<string, Record<string, Entry>> };
      const key = relativePath(d, entry).split("\\").join("/");
      const exports = json.modules?.[key];
      return exports === undefined
        ? undefined
        : new Map(
            Object.entries(exports).map(([k, v]) =>
              typeof v === "object" && v !== null
                ? [k, { blocks: v.blocks === true, ...(Array.isArray(v.callsParams) ? { callsParams: v.callsParams } : {}) }]
                : [k, { blocks: v === true }],
            ),
          );
    } catch {
      return undefined;
    }
  }
  return undefined;
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
function exportNamesFromText(code: string): string[] {
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

/** Whether any module `code` imports (by a static `from "…"`) has a blocking export. */
function importsBlock(file: string, code: string, blocking: ReadonlySet<string>): boolean {
  for (const m of code.matchAll(/\bfrom\s*["']([^"']+)["']/g)) {
    const spec = m[1]!;
    const summary = spec.startsWith(".")
      ? (() => {
          const target = resolveRelative(file, spec);
          return target === undefined ? undefined : summaryOf(target, blocking);
        })()
      : spec.startsWith("node:")
        ? undefined
        : packageSummary(file, spec);
    for (const entry of summary?.values() ?? []) if (entry.blocks) return true;
  }
  return false;
}

/** Summaries of every module `program` imports (project files, and packages built by weft), keyed by the specifier as written. */
export function summariesFor(program: NodePath<t.Program>, file: string, blocking: ReadonlySet<string>): ModuleSummaries {
  const out = new Map<string, ModuleSummary>();
  for (const stmt of program.node.body) {
    if (!t.isImportDeclaration(stmt) || stmt.importKind === "type" || out.has(stmt.source.value)) continue;
    const spec = stmt.source.value;
    if (spec.startsWith(".")) {
      const target = resolveRelative(file, spec);
      if (target !== undefined) out.set(spec, summaryOf(target, blocking));
    } else if (!spec.startsWith("node:") && !spec.startsWith("@weft/runtime")) {
      const summary = packageSummary(file, spec);
      if (summary !== undefined) out.set(spec, summary);
    }
  }
  return out;
}
