/**
 * The quick fix an editor offers for a blocking callback handed to code that cannot drive it
 * (WEFT1002, the core's validate-placement.ts): run the callback in a greenlet, by handing over a
 * plain function that spawns it. Offered only where that keeps the program's meaning:
 *
 * | The callback is handed to                                   | The argument becomes                           |
 * |-------------------------------------------------------------|------------------------------------------------|
 * | a listener: `on`, `once`, `addListener`, `prependListener`, `addEventListener` | `(d) => spawn(cb, d)` (a listener's result is ignored) |
 * | a timer: `setTimeout`, `setInterval`, `setImmediate`, `queueMicrotask`, `process.nextTick` | `() => spawn(cb)` (its result is ignored) |
 * | a promise's `then`, `catch`, `finally`                      | `(v) => spawn(cb, v).toPromise()` (the promise waits for it) |
 * | an import whose summary says it calls it where it cannot yield | two fixes: `(…) => spawn(cb, …).toPromise()` where the import awaits the result, `(…) => spawn(cb, …)` where it does not (the help's two forms) |
 *
 * Not offered where the callee uses the callback's result at once (`JSON.stringify`'s replacer,
 * `String#replace`, `Array#reduceRight`, `new Promise`'s executor, whose throw must reject the
 * promise) or where weft does not know the callee: the help says what to do.
 *
 * The wrapper's parameters are the callback's own names when they are plain identifiers (so that
 * the receiver's types still type them), else `...args`. A method handed as `obj.handle` keeps its
 * receiver: `(d) => spawn(() => obj.handle(d))`; a `function` callback that reads `this` gets no fix
 * (the greenlet would call it without the `this` its caller gives). `spawn` comes from "@weft/runtime": the file's
 * import of it, else added to its import of the runtime, else a new import (a `require` in a
 * CommonJS JavaScript file); under another name (`weftSpawn`) when the file already has a `spawn`.
 */
import type * as TS from "typescript";
import type { CallFact, Diagnostic } from "@weft/core";
import type { FileAnalysis } from "./build-analyzer.js";
import { nodeAt } from "./service-hover.js";
import { toTsDiagnostic } from "./to-ts-diagnostic.js";

const LISTENERS = new Set(["on", "once", "addListener", "prependListener", "addEventListener"]);
const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate", "queueMicrotask", "nextTick"]);
const PROMISE_CALLBACKS = new Set(["then", "catch", "finally"]);

export const SPAWN_FIX_NAME = "weftSpawnCallback";
/** The diagnostics the fix is for, as the numbers editors ask about. */
export const SPAWN_FIX_CODES: readonly number[] = [1002];

type Form = "ignore" | "promise";

/** The fixes a call's callee allows, each with its description. */
function formsFor(call: CallFact): Array<{ form: Form; description: string }> {
  const c = call.callee;
  if (call.construct === true) return [];
  if (c.kind === "import") {
    return [
      { form: "promise", description: `Run it in a greenlet and hand \`${c.name}\` a promise of its result: spawn(…).toPromise()` },
      { form: "ignore", description: `Run it in a greenlet, \`${c.name}\` not waiting for it: wrap it in spawn(…)` },
    ];
  }
  if (c.kind !== "method" && c.kind !== "global") return [];
  if (LISTENERS.has(c.name)) return [{ form: "ignore", description: "Run the listener in a greenlet: wrap it in spawn(…)" }];
  if (TIMERS.has(c.name)) return [{ form: "ignore", description: "Run the callback in a greenlet: wrap it in spawn(…)" }];
  if (c.kind === "method" && PROMISE_CALLBACKS.has(c.name)) return [{ form: "promise", description: "Run the callback in a greenlet and let the promise wait for it: spawn(…).toPromise()" }];
  return [];
}

function skipParens(ts: typeof TS, e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** The plain identifier names of a function's parameters, or undefined when one is not plain. */
function plainParams(ts: typeof TS, fn: TS.Node | undefined): string[] | undefined {
  if (fn === undefined || !ts.isFunctionLike(fn)) return undefined;
  const names: string[] = [];
  for (const p of fn.parameters) {
    if (!ts.isIdentifier(p.name) || p.initializer !== undefined || p.dotDotDotToken !== undefined) return undefined;
    if (p.name.text === "this") continue;
    names.push(p.name.text);
  }
  return names;
}

/** Identifiers in a piece of code, roughly: what a wrapper's parameter must not shadow. */
const namesIn = (code: string) => new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);

function freshName(base: string, taken: ReadonlySet<string>): string {
  let name = base;
  for (let i = 1; taken.has(name); i++) name = `${base}${i}`;
  return name;
}

/** How the file names `spawn`, and the edit that brings it in when it does not. */
function spawnBinding(ts: typeof TS, sf: TS.SourceFile): { name: string; edit?: TS.TextChange } {
  let runtimeImport: TS.ImportDeclaration | undefined;
  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || stmt.moduleSpecifier.text !== "@weft/runtime") continue;
    const clause = stmt.importClause;
    if (clause === undefined || clause.isTypeOnly) continue;
    const nb = clause.namedBindings;
    if (nb !== undefined && ts.isNamespaceImport(nb)) return { name: `${nb.name.text}.spawn` };
    if (nb !== undefined && ts.isNamedImports(nb)) {
      const found = nb.elements.find((e) => !e.isTypeOnly && (e.propertyName ?? e.name).text === "spawn");
      if (found !== undefined) return { name: found.name.text };
      runtimeImport ??= stmt;
    }
  }
  const taken = /\bspawn\b/.test(sf.text);
  const name = taken ? freshName("weftSpawn", namesIn(sf.text)) : "spawn";
  const specifier = taken ? `spawn as ${name}` : "spawn";
  const named = runtimeImport?.importClause?.namedBindings;
  if (named !== undefined && ts.isNamedImports(named)) {
    const last = named.elements.at(-1);
    if (last !== undefined) return { name, edit: { span: { start: last.getEnd(), length: 0 }, newText: `, ${specifier}` } };
    return { name, edit: { span: { start: named.getStart(sf), length: named.getWidth(sf) }, newText: `{ ${specifier} }` } };
  }
  const imports = sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s));
  const commonjs = /\.(c?js|jsx)$/.test(sf.fileName) && imports.length === 0 && !sf.statements.some((s) => ts.isExportDeclaration(s) || ts.isExportAssignment(s));
  const line = commonjs ? `const { ${taken ? `spawn: ${name}` : "spawn"} } = require("@weft/runtime");\n` : `import { ${specifier} } from "@weft/runtime";\n`;
  const after = imports.at(-1);
  if (after !== undefined) return { name, edit: { span: { start: after.getEnd(), length: 0 }, newText: `\n${line.trimEnd()}` } };
  const first = sf.statements[0];
  return { name, edit: { span: { start: first === undefined ? sf.text.length : first.getStart(sf), length: 0 }, newText: line } };
}

/** The fixes for the WEFT1002 diagnostics of `fa` whose span meets `start`…`end`. */
export function spawnFixes(ts: typeof TS, sf: TS.SourceFile, fa: FileAnalysis, start: number, end: number): TS.CodeFixAction[] {
  const out: TS.CodeFixAction[] = [];
  const seen = new Set<string>();
  for (const d of fa.analysis.diagnostics) {
    if (d.code !== "WEFT1002") continue;
    const td = toTsDiagnostic(ts, d, sf);
    const dStart = td.start ?? 0;
    const dEnd = dStart + (td.length ?? 0);
    if (dEnd < start || dStart > end) continue;
    for (const fix of fixesFor(ts, sf, fa, d, dStart, dEnd)) {
      const key = `${fix.description}@${JSON.stringify(fix.changes)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(fix);
    }
  }
  return out;
}

function fixesFor(ts: typeof TS, sf: TS.SourceFile, fa: FileAnalysis, d: Diagnostic, dStart: number, dEnd: number): TS.CodeFixAction[] {
  const { collected } = fa;
  // The callback: the innermost function around the blocking call (or the marked function itself).
  let fnNode: TS.Node | undefined = nodeAt(ts, sf, dStart);
  while (fnNode !== undefined && !(collected.fnIdOf.has(fnNode) && fnNode !== sf && fnNode.getStart(sf) <= dStart && dEnd <= fnNode.getEnd())) fnNode = fnNode.parent;
  const fnId = fnNode === undefined ? undefined : collected.fnIdOf.get(fnNode);
  const f = fnId === undefined ? undefined : collected.facts.functions.find((x) => x.id === fnId);
  if (f === undefined) return [];
  const out: TS.CodeFixAction[] = [];
  for (const use of f.uses) {
    if (use.kind !== "argument") continue;
    const call = collected.facts.calls.find((c) => c.id === use.call);
    const callNode = collected.calls.get(use.call);
    if (call === undefined || callNode === undefined || ts.isTaggedTemplateExpression(callNode)) continue;
    const arg = callNode.arguments?.[use.index];
    if (arg === undefined || ts.isSpreadElement(arg)) continue;
    for (const { form, description } of formsFor(call)) {
      const { name: spawnName, edit } = spawnBinding(ts, sf);
      const argText = arg.getText(sf);
      const inner = skipParens(ts, arg);
      // A `function` listener may read `this` (the emitter): a greenlet would not give it one.
      if (ts.isFunctionExpression(inner) && /\bthis\b/.test(inner.body.getText(sf))) continue;
      const isMember = ts.isPropertyAccessExpression(inner) || ts.isElementAccessExpression(inner);
      const taken = namesIn(argText);
      const own = plainParams(ts, inner === fnNode ? inner : collected.functions.get(f.id));
      // The callback's own names, unless the argument (a name, not the function) uses one of them.
      const params = own !== undefined && (inner === fnNode || own.every((p) => !taken.has(p))) ? own.join(", ") : `...${freshName("args", taken)}`;
      const body = isMember ? `${spawnName}(() => ${argText}(${params}))` : `${spawnName}(${argText}${params === "" ? "" : `, ${params}`})`;
      const newText = `(${params}) => ${body}${form === "promise" ? ".toPromise()" : ""}`;
      const textChanges: TS.TextChange[] = [{ span: { start: arg.getStart(sf), length: arg.getWidth(sf) }, newText }];
      if (edit !== undefined) textChanges.unshift(edit);
      out.push({ fixName: SPAWN_FIX_NAME, description, changes: [{ fileName: sf.fileName, textChanges }] });
    }
  }
  return out;
}
