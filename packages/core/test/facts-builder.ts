// Hand-written module facts for the core's unit tests: the passes run on plain data, no adapter.
import type { ArgFact, CallFact, Callee, FunctionFact, FunctionId, ModuleFacts, Span } from "../src/facts.js";

export const span = (line: number, column = 0, width = 5): Span => ({ start: { line, column }, end: { line, column: column + width } });

/** A module being written: functions and calls are numbered in the order they are added. */
export class FactsBuilder {
  readonly facts: ModuleFacts = { file: "src/a.ts", functions: [], calls: [], classes: [] };
  private line = 1;

  constructor() {
    this.facts.functions.push(this.fn0());
  }

  private fn0(): FunctionFact {
    return { id: 0, name: "<module>", kind: "module", span: span(1, 0, 0), async: false, generator: false, tagged: false, implicit: false, parent: null, params: [], uses: [] };
  }

  /** A plain function declaration at the top level (or `extra` to make it a method, tagged, …). */
  fn(name: string, params: string[] = [], extra: Partial<FunctionFact> = {}): FunctionId {
    const id = this.facts.functions.length;
    this.facts.functions.push({
      id, name, kind: "function", span: span(this.line++), async: false, generator: false, tagged: false, implicit: false, parent: 0,
      params: params.map((p) => ({ name: p, type: { kind: "unknown" } })), uses: [], ...extra,
    });
    return id;
  }

  /** A call in function `in`; an argument that is a function of the module records the use. */
  call(inFn: FunctionId, callee: Callee, args: ArgFact[] = []): CallFact {
    const call: CallFact = { id: this.facts.calls.length, in: inFn, span: span(this.line++, 2, 8), callee, args };
    this.facts.calls.push(call);
    args.forEach((a, index) => {
      if (a.fn !== undefined) this.facts.functions[a.fn]!.uses.push({ kind: "argument", call: call.id, index });
    });
    return call;
  }

  /** A class of this module with its instance methods. */
  cls(name: string, methods: Record<string, FunctionId>, superClass?: string): void {
    this.facts.classes.push({ name, methods, statics: {}, ...(superClass !== undefined ? { superClass } : {}) });
  }
}

/** An argument that is function `fn` of the module. */
export const fnArg = (fn: FunctionId): ArgFact => ({ fn, type: { kind: "unknown" } });
/** An argument of unknown type. */
export const anyArg: ArgFact = { type: { kind: "unknown" } };
