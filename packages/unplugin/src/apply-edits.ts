/**
 * The shared state of one `applyPlan` run: the `MagicString`, the parent links, the names the
 * applier adds (runtime helpers, temporaries, captured `this`…, all chosen not to clash with any
 * word of the source), the temporaries each function declares, and how a yield point is written
 * (`yieldAround`). The composition convention these helpers follow is in apply-plan.ts's header.
 */
import type MagicString from "magic-string";
import type { ApplyRefusal, ModuleFacts, RewritePlan } from "@weft/core";
import { lastSignificantBefore, wordsOf, type Node } from "./apply-nodes.js";

/** The parsed module as the applier reads it (collect's `Parsed`). */
export interface ApplyParsed {
  program: Node;
  source: string;
}

/** What the collector gives the applier (collect-module.ts's `Collected`). */
export interface ApplyCollected {
  facts: ModuleFacts;
  functions: ReadonlyMap<number, Node>;
  calls: ReadonlyMap<number, Node>;
  loops: ReadonlyMap<number, Node>;
}

export interface ApplyContext {
  source: string;
  s: MagicString;
  parsed: ApplyParsed;
  collected: ApplyCollected;
  plan: RewritePlan;
  module: "esm" | "cjs";
  /** `file:line:col` of a node, as shown in NOT_DRIVEN errors. */
  where: (node: Node) => string;
  /** The node being rewritten, set as the plan is applied: where an error thrown meanwhile is reported (WEFT9001). */
  at?: Node;
}

/** A shape weft cannot rewrite, found while applying the plan: reported with `code` at `node`. */
export class ApplyError extends Error implements ApplyRefusal {
  readonly code: ApplyRefusal["code"];
  readonly label: string;
  readonly help: string;
  readonly notes: string[];
  constructor(
    refusal: ApplyRefusal,
    readonly node: Node,
  ) {
    super(refusal.message);
    this.code = refusal.code;
    this.label = refusal.label;
    this.help = refusal.help;
    this.notes = refusal.notes ?? [];
  }
}

export class Editor {
  readonly s: MagicString;
  readonly source: string;
  /** Helper name -> local name, in the order first used. */
  readonly helpers = new Map<string, string>();
  /** Function id (0: the module) -> the temporaries it declares. */
  readonly temps = new Map<number, string[]>();
  /** `this`, `arguments`, `new.target` nodes an arrow captures -> the name they are written as. */
  readonly renamed = new Map<Node, string>();
  /**
   * Nodes of an optional chain made explicit whose text, in the output, begins after the tested
   * value's temporary (apply-chains.ts): their prefixes go there instead of at their start.
   */
  readonly starts = new Map<Node, number>();
  /** Values an optional chain tests, held in a temporary: written again as that temporary. */
  readonly tested = new Map<Node, string>();
  /** Names taken: every word of the source and every name added. */
  private readonly taken: Set<string>;

  constructor(
    readonly ctx: ApplyContext,
    readonly parents: WeakMap<Node, Node>,
  ) {
    this.s = ctx.s;
    this.source = ctx.source;
    this.taken = wordsOf(ctx.source);
  }

  /** A fresh name like Babel's `generateUid`: `_hint`, `_hint2`, … */
  fresh(hint: string): string {
    const base = `_${hint.replace(/^_+/, "").replace(/[^\w$]/g, "") || "ref"}`;
    let name = base;
    for (let i = 2; this.taken.has(name); i++) name = `${base}${i}`;
    this.taken.add(name);
    return name;
  }

  /** The local name of a helper of `@weft/runtime/protocol` (or `@weft/runtime` for `wait`). */
  helper(name: string): string {
    let local = this.helpers.get(name);
    if (local === undefined) {
      local = this.fresh(name);
      this.helpers.set(name, local);
    }
    return local;
  }

  /** A temporary declared with `var` in function `owner` (0: the module). */
  temp(owner: number, hint: string): string {
    const name = this.fresh(hint);
    const list = this.temps.get(owner) ?? [];
    list.push(name);
    this.temps.set(owner, list);
    return name;
  }

  /** Where a node's text begins in the output (see `starts`). */
  startOf(node: Node): number {
    return this.starts.get(node) ?? node.start;
  }

  text(node: Node): string {
    return this.source.slice(node.start, node.end);
  }

  parent(node: Node): Node | undefined {
    return this.parents.get(node);
  }

  /**
   * A loop rewritten into a block (`{ const _it = …; for (;;) … }`) keeps its label on the inner
   * loop: the label `l: ` before `loop` is removed, and returned (`""` when none) for the rewrite
   * to write before its `for (;;)`, so `break l`/`continue l` still name that loop.
   */
  moveLabel(loop: Node): string {
    const parent = this.parent(loop);
    if (parent?.type !== "LabeledStatement") return "";
    this.replace(parent.start, loop.start, "");
    return `${this.text(parent.label as Node)}: `;
  }

  /**
   * Writes `prefix` before and `suffix` after `node` as an outer edit (prefixes `prependRight`,
   * suffixes `appendLeft`: applied after the edits inside the node, they enclose them).
   */
  around(node: Node, prefix: string, suffix: string): void {
    if (prefix !== "") this.s.prependRight(this.startOf(node), prefix);
    if (suffix !== "") this.s.appendLeft(node.end, suffix);
  }

  /** Replaces the source text `[start, end)` (a token), keeping the edits at its edges. */
  replace(start: number, end: number, content: string): void {
    if (start === end) {
      if (content !== "") this.s.appendLeft(start, content);
      return;
    }
    this.s.overwrite(start, end, content, { contentOnly: true });
  }

  /**
   * The text around a `yield*` written in place of `node`: parenthesised unless its position
   * takes an assignment expression; at the start of an expression statement, a `;` first when
   * the statement before might run on (no `;` after it).
   */
  yieldAround(node: Node): { open: string; close: string } {
    if (!this.needsParens(node)) return { open: "", close: "" };
    return { open: `${this.asiGuard(node)}(`, close: ")" };
  }

  private needsParens(node: Node): boolean {
    const p = this.parent(node);
    if (p === undefined) return true;
    switch (p.type) {
      case "ExpressionStatement":
      case "ParenthesizedExpression":
      case "ReturnStatement":
      case "ThrowStatement":
      case "SequenceExpression":
      case "ArrayExpression":
      case "SpreadElement":
      case "TemplateLiteral":
      case "YieldExpression":
        return false;
      case "VariableDeclarator":
        return p.init !== node;
      case "AssignmentExpression":
      case "AssignmentPattern":
        return p.right !== node;
      case "CallExpression":
      case "NewExpression":
        return p.callee === node;
      case "Property":
        return p.value !== node || p.shorthand === true || p.method === true;
      case "ConditionalExpression":
        return p.test === node;
      case "ArrowFunctionExpression":
        return p.body !== node;
      default:
        return true;
    }
  }

  private asiGuard(node: Node): string {
    // The leftmost node of an expression statement: a `(` there could continue the line before.
    let n: Node = node;
    let p = this.parent(n);
    while (p !== undefined && p.start === n.start && p.type !== "ExpressionStatement") {
      n = p;
      p = this.parent(n);
    }
    if (p === undefined || p.type !== "ExpressionStatement" || p.start !== node.start) return "";
    const i = lastSignificantBefore(this.source, node.start);
    if (i < 0) return "";
    const c = this.source[i]!;
    if (";{}:)".includes(c)) return "";
    if (/[\w$]/.test(c)) {
      const word = /[\w$]+$/.exec(this.source.slice(Math.max(0, i - 12), i + 1))?.[0] ?? "";
      if (["else", "do", "return", "yield", "case", "default"].includes(word)) return "";
    }
    return ";";
  }
}
