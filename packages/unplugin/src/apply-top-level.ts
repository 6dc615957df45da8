/**
 * The module level: the runtime helpers' import (or `require`), the driven faces of top-level
 * function declarations, and the main greenlet of a module whose top level blocks.
 *
 * Helpers: `import { co as _co, … } from "@weft/runtime/protocol";` (and `wait` from
 * `@weft/runtime` for a top-level `await`) at the top of an ES module; in a CommonJS module
 * written without `import`/`export`, `const { co: _co, … } = require("@weft/runtime/protocol");`
 * after its directives, before any statement that uses them.
 *
 * Driven faces (`f[_co] = function* f…;`) move before the first statement that is not an
 * import, in source order, so that they run before anything calls `f`.
 *
 * Main greenlet (core's plan-rewrite.ts, `main`): declarations stay at module scope, every other
 * statement moves, in order, to the end of the file, inside
 * `await _runMain(_coroutine(function* () { … }, "main"));` (ESM) or
 * `_runMain(_coroutine(function* () { … }, "main"), { exitOnError: true });` (CommonJS):
 *
 * | Top-level statement                    | Stays at module scope                  | In the main greenlet          |
 * |----------------------------------------|----------------------------------------|-------------------------------|
 * | imports, functions, type-only, enums, namespaces, `import x = require()`, `export {…}`, `export *`, `declare …` | the statement | —                 |
 * | `const a: T = f(), { b } = g();`       | `let a, b;`                            | `a = f(); ({ b } = g());`     |
 * | `export const a = f();`                | `export let a;`                        | `a = f();`                    |
 * | `class C {}` / `export class C {}`     | `let C;` / `export let C;`             | `C = class C {};`             |
 * | the same with decorators (its own or its members') | the same            | `C = (() => { @dec class C {} return C; })();` |
 * | `export default class C {}`            | `let C; export { C as default };`      | `C = class C {};`             |
 * | `export default <expression>;`         | `let _default; export { _default as default };` | `_default = <expression>;` |
 * | anything else                          | —                                      | the statement                 |
 *
 * A top-level `await x` in it becomes `(yield* (0, _wait[_co])(Promise.resolve(x)))`: the
 * greenlet waits for the promise.
 */
import { walk, type Node } from "./apply-nodes.js";
import type { Editor } from "./apply-edits.js";

const PROTOCOL = "@weft/runtime/protocol";
const PATCH = "@weft/runtime/patch";
const RUNTIME = "@weft/runtime";

/** Helpers that come from `@weft/runtime` rather than its protocol. */
const FROM_RUNTIME = new Set(["wait"]);

function isKept(stmt: Node): boolean {
  switch (stmt.type) {
    case "ImportDeclaration":
    case "FunctionDeclaration":
    case "TSDeclareFunction":
    case "ExportAllDeclaration":
    case "TSTypeAliasDeclaration":
    case "TSInterfaceDeclaration":
    case "TSEnumDeclaration":
    case "TSModuleDeclaration":
    case "TSGlobalDeclaration":
    case "TSImportEqualsDeclaration":
    case "TSExportAssignment":
    case "TSNamespaceExportDeclaration":
    case "EmptyStatement":
      return true;
    case "VariableDeclaration":
    case "ClassDeclaration":
      return stmt.declare === true;
    case "ExportNamedDeclaration": {
      const d = stmt.declaration as Node | null;
      if (d == null || stmt.exportKind === "type") return true;
      return d.type !== "VariableDeclaration" && d.type !== "ClassDeclaration" ? true : d.declare === true;
    }
    case "ExportDefaultDeclaration": {
      const d = stmt.declaration as Node;
      return d.type === "FunctionDeclaration" || d.type === "TSDeclareFunction" || d.type === "TSInterfaceDeclaration";
    }
    default:
      return false;
  }
}

function bindingNames(pattern: Node, out: string[] = []): string[] {
  switch (pattern.type) {
    case "Identifier":
      out.push(pattern.name as string);
      break;
    case "ObjectPattern":
      for (const p of pattern.properties as Node[]) bindingNames(p.type === "RestElement" ? p : (p.value as Node), out);
      break;
    case "ArrayPattern":
      for (const e of pattern.elements as Array<Node | null>) if (e) bindingNames(e, out);
      break;
    case "RestElement":
      bindingNames(pattern.argument as Node, out);
      break;
    case "AssignmentPattern":
      bindingNames(pattern.left as Node, out);
      break;
  }
  return out;
}

/** Removes the type annotations (and `?`, `!` marks) of a binding pattern's text. */
function stripPatternTypes(ed: Editor, pattern: Node): void {
  walk(pattern, (n) => {
    if (n.type === "TSTypeAnnotation") {
      ed.replace(n.start, n.end, "");
      return false;
    }
    return undefined;
  });
}

export function runTopLevelInMain(ed: Editor): void {
  const { s, source } = ed;
  const program = ed.ctx.parsed.program;
  const esm = ed.ctx.module === "esm";
  const body = (program.body as Node[]).filter((st) => !(st.type === "ExpressionStatement" && typeof st.directive === "string"));
  // Top-level `await`: the greenlet waits for the promise.
  for (const stmt of body) {
    if (isKept(stmt)) continue;
    walk(stmt, (n) => {
      if (n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression") return false;
      if (n.type === "ForOfStatement" && n.await === true) forAwait(ed, n);
      if (n.type === "AwaitExpression") {
        const { open, close } = ed.yieldAround(n);
        ed.replace(n.start, n.start + 5, "");
        ed.around(n, `${open}yield* (0, ${ed.helper("wait")}[${ed.helper("co")}])(Promise.resolve(`, `))${close}`);
      }
      return undefined;
    });
  }
  const coroutine = ed.helper("coroutine");
  const runMain = ed.helper("runMain");
  const mainStatements: Node[] = [];
  for (const stmt of body) {
    if (isKept(stmt)) continue;
    const declaration = stmt.type === "ExportNamedDeclaration" || stmt.type === "ExportDefaultDeclaration" ? (stmt.declaration as Node) : stmt;
    const exported = stmt.type === "ExportNamedDeclaration";
    const keep = (text: string) => s.appendLeft(stmt.start, text);
    if (declaration.type === "VariableDeclaration") {
      const decls = declaration.declarations as Node[];
      const names = decls.flatMap((d) => bindingNames(d.id as Node));
      keep(`${exported ? "export " : ""}${declaration.kind === "var" ? "var" : "let"} ${names.join(", ")};\n`);
      ed.replace(stmt.start, decls[0]!.start, "");
      decls.forEach((d, i) => {
        const id = d.id as Node;
        if (d.init == null) {
          ed.replace(d.start, d.end, "");
        } else {
          stripPatternTypes(ed, id);
          if (d.definite === true) ed.replace(id.end - 1, id.end, "");
          if (id.type === "ObjectPattern") ed.around(d, "(", ")");
        }
        const next = decls[i + 1];
        if (next !== undefined) ed.replace(d.end, next.start, "; ");
      });
      mainStatements.push(stmt);
    } else if (declaration.type === "ClassDeclaration" || (stmt.type === "ExportDefaultDeclaration" && declaration.type === "ClassExpression")) {
      const decorators = (declaration.decorators as Node[] | undefined) ?? [];
      const anonymous = declaration.id == null;
      const name = (declaration.id?.name as string | undefined) ?? ed.fresh("default");
      const start = Math.min(stmt.start, ...decorators.map((d) => d.start));
      const keepAt = (text: string) => s.appendLeft(start, text);
      if (stmt.type === "ExportDefaultDeclaration") keepAt(`let ${name};\nexport { ${name} as default };\n`);
      else keepAt(`${exported ? "export " : ""}let ${name};\n`);
      if (stmt !== declaration) {
        // `export` / `export default` (decorators may stand before or after them).
        const keyword = /^export\s+(default\s+)?/.exec(source.slice(stmt.start))![0];
        ed.replace(stmt.start, stmt.start + keyword.length, "");
      }
      if (declaration.abstract === true) {
        const at = source.indexOf("abstract", declaration.start);
        ed.replace(at, at + 8, "");
      }
      let decorated = decorators.length > 0;
      walk(declaration.body as Node, (n) => {
        if (n.type === "Decorator") decorated = true;
        return !decorated;
      });
      if (decorated) {
        // A class with decorators (its own or its members') stays a declaration (legacy decorators
        // decorate no class expression),
        // in an arrow called at once: `C = (() => { @dec class C {} return C; })();`.
        if (anonymous) {
          const kw = source.indexOf("class", Math.max(...decorators.map((d) => d.end)));
          s.appendLeft(kw + 5, ` ${name}`);
        }
        s.prependRight(start, `${name} = (() => { `);
        s.appendLeft(declaration.end, ` return ${name}; })();`);
      } else {
        s.prependRight(declaration.start, `${name} = `);
        s.appendLeft(declaration.end, ";");
      }
      mainStatements.push({ ...stmt, start });
    } else if (stmt.type === "ExportDefaultDeclaration") {
      const name = ed.fresh("default");
      keep(`let ${name};\nexport { ${name} as default };\n`);
      ed.replace(stmt.start, declaration.start, `${name} = `);
      mainStatements.push(stmt);
    } else {
      mainStatements.push(stmt);
    }
  }
  const temps = ed.temps.get(0);
  const head = `${temps && temps.length > 0 ? `var ${temps.join(", ")};\n` : ""}${esm ? "await " : ""}${runMain}(${coroutine}(function* () {\n`;
  const tail = `\n}, "main")${esm ? "" : ", { exitOnError: true }"});\n`;
  if (mainStatements.length === 0) {
    s.append(`\n${head}${tail}`);
    return;
  }
  // To the end of the file, in order. When the last one ends the file (no newline after it), it
  // stays, and the others go just before it (magic-string cannot move a text to its own end).
  const last = mainStatements[mainStatements.length - 1]!;
  const target = last.end === source.length ? last.start : source.length;
  for (const stmt of mainStatements) if (stmt.start !== target) s.move(stmt.start, stmt.end, target);
  s.prependRight(mainStatements[0]!.start, `\n${head}`);
  for (let i = 1; i < mainStatements.length; i++) s.prependRight(mainStatements[i]!.start, "\n");
  s.append(tail);
}

/**
 * A top-level `for await (x of items) body` in the main greenlet: the same loop with every
 * `await` a wait of the greenlet, closing the iterator on an early exit as `for await` does
 * (the Babel plugin's `desugarForAwait`). The iterator is an async generator delegating to
 * `items`, which awaits the values of a sync iterable as `for await` does:
 *
 *   { const _it = (async function* (o) { yield* o; })(items); let _done = false;
 *     try { for (;;) { _done = true; const _step = <wait _it.next()>; if (_step.done) break;
 *                      _done = false; const x = _step.value; { body } } }
 *     finally { if (!_done && _it.return != null) <wait _it.return()>; } }
 */
function forAwait(ed: Editor, node: Node): void {
  const { s, source } = ed;
  const it = ed.fresh("it");
  const done = ed.fresh("done");
  const step = ed.fresh("step");
  const wait = (e: string) => `(yield* (0, ${ed.helper("wait")}[${ed.helper("co")}])(Promise.resolve(${e})))`;
  const left = node.left as Node;
  const right = node.right as Node;
  const body = node.body as Node;
  const label = ed.moveLabel(node);
  ed.replace(node.start, left.start, `{ const ${it} = (async function* (o) { yield* o; })(`);
  ed.replace(left.end, right.start, "");
  const lastParen = source.lastIndexOf(")", body.start - 1);
  s.appendLeft(right.end, `); let ${done} = false; try { ${label}for (;;) { ${done} = true; const ${step} = ${wait(`${it}.next()`)}; if (${step}.done) break; ${done} = false; `);
  ed.replace(right.end, lastParen + 1, ` = ${step}.value; {`);
  s.move(left.start, left.end, right.end);
  s.appendLeft(body.end, ` } } } finally { if (!${done} && ${it}.return != null) ${wait(`${it}.return()`)}; } }`);
}

/**
 * Where the helpers' import goes: after a hashbang and the directives; with `patched`, followed by
 * the modules that give Node's patched functions their driven faces (`@weft/runtime/patch/fs`…).
 */
export function writeHelpers(ed: Editor, patched: readonly string[] = []): void {
  const { s } = ed;
  if (ed.helpers.size === 0 && patched.length === 0) return;
  const program = ed.ctx.parsed.program;
  const body = program.body as Node[];
  const hasModuleSyntax = body.some((st) => st.type === "ImportDeclaration" || st.type.startsWith("Export"));
  const viaRequire = ed.ctx.module === "cjs" && !hasModuleSyntax;
  const protocol = [...ed.helpers].filter(([name]) => !FROM_RUNTIME.has(name));
  const runtime = [...ed.helpers].filter(([name]) => FROM_RUNTIME.has(name));
  const lines: string[] = [];
  if (viaRequire) {
    if (protocol.length > 0) lines.push(`const { ${protocol.map(([n, l]) => `${n}: ${l}`).join(", ")} } = require(${JSON.stringify(PROTOCOL)});`);
    if (runtime.length > 0) lines.push(`const { ${runtime.map(([n, l]) => `${n}: ${l}`).join(", ")} } = require(${JSON.stringify(RUNTIME)});`);
    for (const m of patched) lines.push(`require(${JSON.stringify(`${PATCH}/${m}`)});`);
  } else {
    if (protocol.length > 0) lines.push(`import { ${protocol.map(([n, l]) => `${n} as ${l}`).join(", ")} } from ${JSON.stringify(PROTOCOL)};`);
    if (runtime.length > 0) lines.push(`import { ${runtime.map(([n, l]) => `${n} as ${l}`).join(", ")} } from ${JSON.stringify(RUNTIME)};`);
    for (const m of patched) lines.push(`import ${JSON.stringify(`${PATCH}/${m}`)};`);
  }
  const text = lines.join("\n");
  const directives = body.filter((st, i) => st.type === "ExpressionStatement" && typeof st.directive === "string" && body.slice(0, i).every((b) => typeof b.directive === "string"));
  const last = directives[directives.length - 1];
  if (last !== undefined) {
    s.appendLeft(last.end, `\n${text}`);
    return;
  }
  const source = ed.source;
  if (source.startsWith("#!")) {
    const nl = source.indexOf("\n");
    s.appendLeft(nl < 0 ? source.length : nl + 1, `${text}\n`);
    return;
  }
  s.prepend(`${text}\n`);
}

/** The position before which top-level driven faces go: the first statement that is not an import. */
export function topTarget(ed: Editor): number {
  const body = ed.ctx.parsed.program.body as Node[];
  const first = body.find((st) => st.type !== "ImportDeclaration" && !(st.type === "ExpressionStatement" && typeof st.directive === "string"));
  return first?.start ?? ed.source.length;
}
