/**
 * `validateDecorators`: decorators that would call a coroutine without driving it, or that one of
 * weft's compilers cannot compile. Decorators are never bypassed: a decorated program either runs
 * with every call going through its decorators, or does not compile.
 *
 * How a blocking method is compiled (plan-rewrite.ts): its plain face throws
 * `ERR_WEFT_NOT_DRIVEN`, its driven face is attached to the plain face by a static block
 * (`this.prototype.m[co] = …`), and compiled callers drive `m[co]`. A decorator's wrapper is
 * code that calls the member it was given as a plain function; weft cannot see what it does
 * (it may come from a package) nor give it a driven face:
 * - under the 2023-11 proposal (TypeScript 5 without `experimentalDecorators`, Babel's
 *   `version: "2023-11"`) member and class decorators run before the class's static blocks, so
 *   the driven face would be attached to the *wrapper*: callers would drive the original method
 *   and skip the decorator without a word;
 * - under legacy decorators (`experimentalDecorators`, Babel's `legacy`) they run after, so the
 *   wrapper has no driven face and calls the plain face, which throws at run time.
 * Neither is acceptable, so:
 *
 * | Decorated | When | Diagnostic |
 * |---|---|---|
 * | a class member (method, field, auto-accessor; static or not) | the member may block, or a function its initialiser holds does (`@d handler = () => { q.get() }`) | WEFT3004 (error) |
 * | a class | one of its own methods, accessors or fields' functions may block (a class decorator may replace the class or wrap its methods) | WEFT3005 (error), at the first such member |
 * | a parameter (`experimentalDecorators`) | always: Babel (`weft run`, the Babel plugin) cannot compile parameter decorators (its legacy transform drops a parameter property's and leaves others in its output, which does not parse), and weft's compilers accept the same programs. The adapters analyse a file that may have one though nothing else in it concerns weft (`mayHaveParameterDecorators`) | WEFT3006 (error) |
 * | a decorator's expression (`@tag(load())`) | a call in it (not in a function written in it) may block: TypeScript evaluates decorators in an arrow it writes, which cannot yield | WEFT3004 (error), at the call; a call there of unknown blocking stays a plain call (plan-rewrite.ts) |
 * | a member or class with nothing that may block | — | none: the program runs exactly as without weft |
 *
 * A getter, setter, constructor or static block that blocks is already an error of
 * validate-placement.ts (WEFT1001, 1003, 1006); this pass adds nothing for them. Members a class
 * inherits are not its own: a class decorator on a subclass of a class with blocking methods is
 * accepted (the helps below suggest it).
 */
import type { Diagnostic } from "./diagnostics.js";
import type { FunctionId, ModuleFacts } from "./facts.js";
import type { Blocking } from "./infer-blocking.js";
import { chainNotes, describeReason } from "./diagnostics.js";
import { blockingChain } from "./infer-blocking.js";

/** The function a decorator's work could move into: `@retry(…)` → `retry`, `@metrics.timed` → `timed`. */
const helperName = (decorator: string) => decorator.replace(/^@/, "").replace(/\(…\)$/, "").split(".").pop()!.replace(/[^\w$]/g, "") || "helper";

const list = (decorators: readonly string[]) => decorators.map((d) => `\`${d}\``).join(", ");

export function validateDecorators(facts: ModuleFacts, blocking: Blocking): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fn = (id: FunctionId) => facts.functions[id]!;
  /** The function that may block among a member and the functions its initialiser holds. */
  const blockingOf = (member: FunctionId, values: readonly FunctionId[]): FunctionId | undefined => {
    const kind = fn(member).kind;
    if (kind === "method" && blocking.mayBlock.has(member)) return member;
    return values.find((v) => blocking.mayBlock.has(v));
  };
  const notes = (blocker: FunctionId) => chainNotes(facts.file, blockingChain(facts, blocking, blocker));
  for (const d of facts.decorated ?? []) {
    if (d.kind === "member") {
      const blocker = blockingOf(d.fn, d.values);
      if (blocker === undefined) continue;
      const member = fn(d.fn);
      const name = member.memberName ?? "[computed]";
      const first = d.decorators[0]!;
      out.push({
        code: "WEFT3004",
        severity: "error",
        message: `\`${member.name}\` may block, but it is decorated with ${list(d.decorators)}: a decorator's wrapper calls the member without driving it.`,
        file: facts.file,
        span: member.span,
        label: "this decorated member may block",
        notes: notes(blocker),
        help: `remove \`${first}\` and do its work inside the body, around an undecorated member that keeps the code: \`${name}(…) { return ${helperName(first)}(…, () => this.${name}Once(…)); }\`, with \`${helperName(first)}\` a function that calls its callback; weft compiles it and drives the coroutine it is given.`,
      });
    } else if (d.kind === "class") {
      const found = d.members.find((m) => blockingOf(m.fn, m.values) !== undefined);
      if (found === undefined) continue;
      const member = fn(found.fn);
      out.push({
        code: "WEFT3005",
        severity: "error",
        message: `Class \`${d.name}\` is decorated with ${list(d.decorators)}, but its member \`${member.name}\` may block: a class decorator may replace the class or wrap its methods, and the wrappers would call them without driving them.`,
        file: facts.file,
        span: member.span,
        label: "this member of a decorated class may block",
        notes: notes(blockingOf(found.fn, found.values)!),
        help: `move the members that may block into an undecorated base class and decorate the subclass: \`class ${d.name}Base { … } ${d.decorators[0]!} class ${d.name} extends ${d.name}Base {}\`.`,
      });
    } else {
      const owner = fn(d.fn);
      const param = d.index + 1;
      out.push({
        code: "WEFT3006",
        severity: "error",
        message: `Parameter ${param} of \`${owner.name}\` is decorated with ${list(d.decorators)}: weft does not support parameter decorators, which Babel cannot compile.`,
        file: facts.file,
        span: owner.span,
        label: "a parameter of this function is decorated",
        notes: [],
        help: "remove the parameter decorator and pass the value yourself (`new Service(db)`), or set it in the body (`this.db = container.get(\"db\")`).",
      });
    }
  }
  for (const call of facts.calls) {
    if (call.inDecorator !== true) continue;
    const reason = blocking.callBlocks(call);
    if (reason === null) continue;
    out.push({
      code: "WEFT3004",
      severity: "error",
      message: `A decorator's expression calls ${describeReason(reason)}, which may block: decorators are evaluated where TypeScript's decorator emit cannot suspend.`,
      file: facts.file,
      span: call.span,
      label: "this call may suspend the current greenlet",
      notes: [],
      help: "make the call before the class and decorate with its result: `const tagged = tag(load()); @tagged class C {}`.",
    });
  }
  return out;
}

/**
 * Whether a module's text may have a parameter decorator (`(@Inject("db") db`): such a module is
 * analysed even where nothing else concerns weft, so that WEFT3006 is reported rather than Babel
 * dropping the decorator. A cheap over-approximation, like `mayDefineCallbackCaller`.
 */
export function mayHaveParameterDecorators(code: string): boolean {
  return /[(,]\s*@[\p{L}_$]/u.test(code);
}
