// The type oracle (build-type-oracle.ts): what the checker adds to the syntax facts, asked by
// the core per call, argument and parameter, answered from `CheckerTypes` only when asked.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import { buildCheckerTypes, type CheckerTypes } from "../src/build-checker-types.js";
import { buildTypeOracle } from "../src/build-type-oracle.js";
import { collectSyntax } from "../src/collect-syntax.js";

const dir = join(__dirname, ".out", "type-oracle");

const programs = new Map<string, ts.Program>();

/** A fresh oracle (one checker per source: a Program takes seconds to build). */
function oracleFor(source: string) {
  const file = join(dir, "main.ts");
  let program = programs.get(source);
  if (program === undefined) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, source);
    program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022 });
    programs.set(source, program);
  }
  const sf = program.getSourceFile(file)!;
  const checker = buildCheckerTypes(ts, program, sf, {
    isProjectFile: (f) => !f.isDeclarationFile,
    classBlocks: () => false,
    functionBlocks: () => false,
    displayName: (f) => f,
  });
  const asked: string[] = [];
  const counted: CheckerTypes = {
    ...checker,
    typeOfExpression: (e, s, f) => (asked.push(`expression ${e.getText(s)}`), checker.typeOfExpression(e, s, f)),
    typeOfParameter: (p, s, f) => (asked.push(`parameter ${p.name.getText(s)}`), checker.typeOfParameter(p, s, f)),
    calleeOf: (c, s) => (asked.push(`callee ${c.getText(s)}`), checker.calleeOf(c, s)),
  };
  const collected = collectSyntax(ts, sf, "main.ts");
  return { oracle: buildTypeOracle(ts, sf, counted, collected), facts: collected.syntax, asked };
}

const source = `class Box { open(): number { return 1; } }
function make() { return new Box(); }
function use(this: unknown, box: Box, n: number) { return box.open() + n; }
const api = { load() { return 2; } };
const load = api.load;
const b = make();
(b)!.open();
use.call(undefined, b, 1);
load();
`;

describe("buildTypeOracle", () => {
  it("asks the checker nothing until the core asks, and each question once", () => {
    const { oracle, asked } = oracleFor(source);
    expect(asked).toEqual([]);
    oracle.receiver(3);
    oracle.receiver(3);
    expect(asked).toEqual(["expression (b)!"]);
  });

  it("gives the type of a member call's receiver, parentheses and `!` looked through", () => {
    const { oracle, facts } = oracleFor(source);
    const call = facts.calls.find((c) => c.callee.kind === "member" && c.callee.name === "open" && c.in === 0)!;
    expect(oracle.receiver(call.id)).toEqual({ kind: "local-class", name: "Box" });
    const plain = facts.calls.find((c) => c.callee.kind === "ref")!;
    expect(oracle.receiver(plain.id)).toBeUndefined();
  });

  it("gives an argument's type and a parameter's, the `this` pseudo-parameter not counted", () => {
    const { oracle, facts } = oracleFor(source);
    const call = facts.calls.find((c) => c.callee.kind === "member" && c.callee.name === "call")!;
    expect(oracle.argument(call.id, 1)).toEqual({ kind: "local-class", name: "Box" });
    expect(oracle.argument(call.id, 2)).toBeUndefined();
    const use = facts.functions.find((f) => f.name === "use")!;
    expect(oracle.parameter(use.id, 0)).toEqual({ kind: "local-class", name: "Box" });
    expect(oracle.parameter(use.id, 1)).toBeUndefined();
  });

  it("maps the function a call reaches to its id", () => {
    const { oracle, facts } = oracleFor(source);
    const call = facts.calls.find((c) => c.callee.kind === "ref" && facts.bindings[c.callee.binding]!.name === "load")!;
    const method = facts.functions.find((f) => f.kind === "object-method" && f.memberName === "load")!;
    expect(oracle.callee(call.id)).toEqual({ fn: method.id });
  });
});
