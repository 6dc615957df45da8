// Builds a module's `SyntaxFacts` one declaration at a time, as an adapter would report them, for
// the core's unit tests on plain facts; ids come out in creation order.
import type { Declaration, Expr, PatternStep, Position, SyntaxFacts, SyntaxFunction, SyntaxParam, TypeSyntax } from "../src/syntax-facts.js";

export const span = { start: { line: 1, column: 0 }, end: { line: 1, column: 1 } };

export class SyntaxBuilder {
  readonly syntax: SyntaxFacts;

  constructor(file = "test.ts") {
    this.syntax = {
      file,
      functions: [{ id: 0, kind: "module", span, async: false, generator: false, parent: null, comments: [], params: [], returns: [] }],
      calls: [],
      bindings: [],
      classes: [],
      exports: [],
      typedefs: [],
    };
  }

  fn(f: Partial<SyntaxFunction> & Pick<SyntaxFunction, "kind">): number {
    const id = this.syntax.functions.length;
    this.syntax.functions.push({ id, span, async: false, generator: false, parent: 0, comments: [], params: [], returns: [], ...f });
    return id;
  }

  param(fn: number, p: SyntaxParam & { name: string }): number {
    const f = this.syntax.functions[fn]!;
    const binding = this.bind(p.name, { kind: "param", fn, index: f.params.length, path: [] }, fn);
    f.params.push({ ...p, binding });
    return binding;
  }

  bind(name: string, declaration: Declaration, scope = 0, more: { constant?: boolean; assignments?: Expr[]; references?: Position[] } = {}): number {
    const id = this.syntax.bindings.length;
    this.syntax.bindings.push({ id, name, scope, declaration, constant: more.constant ?? true, assignments: more.assignments ?? [], references: more.references ?? [] });
    return id;
  }

  /** `const name = init` (or destructured by `path`) in `scope`. */
  local(name: string, init: Expr, scope = 0, path: PatternStep[] = []): number {
    return this.bind(name, { kind: "variable", declKind: "const", init, path, comments: [] }, scope);
  }

  import(name: string, source: string, imported = name): number {
    return this.bind(name, { kind: "import", source, imported, typeOnly: false });
  }

  runtimeImport(name: string): number {
    return this.import(name, "@weft/runtime");
  }

  call(inFn: number, callee: Expr, args: Expr[] = [], more: { construct?: true; typeArgs?: TypeSyntax[] } = {}): number {
    const id = this.syntax.calls.length;
    this.syntax.calls.push({ id, in: inFn, span, callee, args: args.map((value) => ({ value })), ...more });
    return id;
  }
}
