/**
 * An error thrown while an adapter applies the plan to its AST, as a `Diagnostic`: the user sees
 * weft's code, position and advice, never the text of Babel's or TypeScript's own errors.
 *
 * | What was thrown                                   | Diagnostic                                                  |
 * |---------------------------------------------------|-------------------------------------------------------------|
 * | a shape the adapter found it cannot rewrite (`own`) | its code (WEFT3002, WEFT9001), message, label and help, at its node |
 * | anything else (a bug in weft)                     | WEFT9001 at the node being rewritten, the stack as notes    |
 */
import type { Diagnostic } from "./diagnostics.js";
import type { Span } from "./facts.js";

/** What an adapter knows of a shape it refused: the adapters' `ApplyError`. */
export interface ApplyRefusal {
  code: "WEFT9001" | "WEFT3002";
  message: string;
  label: string;
  help: string;
  notes?: string[];
}

/** The shapes both adapters refuse, worded once (their `ApplyError` carries one of these). */
export const refusals = {
  /** A parameter whose default blocks, moved into the body, where a `var` of the body redeclares it. */
  defaultParamClash: (fn: string, param: string): ApplyRefusal => ({
    code: "WEFT3002",
    message: `\`${fn}\` has a parameter \`${param}\` whose default value may block, and its body declares \`${param}\` again with \`var\`: weft moves such parameters into the body, where the two would clash.`,
    label: "this parameter's default value may block",
    help: `rename the \`var\` in the body, or compute the default in the body: \`if (${param} === undefined) ${param} = compute();\`.`,
    notes: [`a generator cannot \`yield\` in its parameters, so weft moves \`${param}\` and the parameters after it into the body of \`${fn}\`, declared with \`let\`.`],
  }),
  /** `super.n += 1`, `super.n++`, `delete super.n` in an arrow that may block. */
  superUpdate: (): ApplyRefusal => ({
    code: "WEFT9001",
    message: "weft cannot rewrite a compound assignment, update or `delete` of a `super` property in an arrow that may block.",
    label: "weft cannot rewrite this",
    help: "write it as a plain assignment: `super.n = super.n + 1`.",
  }),
};

/**
 * `file` (as shown), `span` (the refused node, else the node being rewritten when the error was
 * thrown; line 1 column 0 when unknown), `error` (what was thrown), `own` (set for a refusal).
 */
export function applyFailure(file: string, span: Span | undefined, error: unknown, own?: ApplyRefusal): Diagnostic {
  const at = span ?? { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } };
  if (own !== undefined) {
    return { code: own.code, severity: "error", message: own.message, file, span: at, label: own.label, notes: own.notes ?? [], help: own.help };
  }
  const message = error instanceof Error ? error.message.split("\n")[0]! : String(error);
  const stack = error instanceof Error ? (error.stack ?? "").split("\n").map((l) => l.trim()).filter((l) => l.startsWith("at ")).slice(0, 8) : [];
  return {
    code: "WEFT9001",
    severity: "error",
    message: `weft crashed while rewriting this code: ${message} (this is a bug in weft; please report it with the file).`,
    file,
    span: at,
    label: "while rewriting this",
    notes: stack,
    help: "until it is fixed, move the code weft could not rewrite into a plain function of its own, or run it in a greenlet: `spawn(() => ...)`.",
  };
}
