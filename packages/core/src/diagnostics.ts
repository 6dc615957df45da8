/**
 * Diagnostics: one catalogue of stable codes, and one text format shared by every adapter.
 *
 *   WEFT1xxx  user code that cannot work        WEFT3xxx  valid code weft does not support yet
 *   WEFT2xxx  configuration                     WEFT4xxx  warnings: code that compiles but will fail at run time
 *   WEFT9xxx  a bug in weft
 *
 * Expected failures are values: the core returns every diagnostic of a module at once and the
 * adapter decides whether to throw.
 */
import type { Span } from "./facts.js";
import type { CallReason, ChainStep } from "./infer-blocking.js";

export const CODES = {
  WEFT1001: "blocking call in a constructor",
  WEFT1002: "blocking call in a callback that cannot yield",
  WEFT1003: "blocking call in a getter or setter",
  WEFT1004: "blocking call in an async function",
  WEFT1005: "blocking call in a generator function",
  WEFT1006: "blocking call in a class field initialiser or static block",
  WEFT1007: "blocking call in a method the language calls implicitly",
  WEFT1008: "blocking top level in a CommonJS module that exports values",
  WEFT2001: "invalid option",
  WEFT3001: "blocking private method",
  WEFT3002: "blocking call in a parameter's default value",
  WEFT3003: "blocking method that uses `super` in an object literal",
  WEFT3004: "decorator on a class member that may block, or whose expression may block",
  WEFT3005: "class decorator on a class with members that may block",
  WEFT3006: "parameter decorator",
  WEFT3007: "blocking override of a method that does not block",
  WEFT3008: "blocking implementation of an interface method not marked @blocking",
  WEFT3010: "spread or destructuring of an iterator whose `next` may block",
  WEFT4001: "coroutine handed to code weft did not compile",
  WEFT4002: "instance with a blocking method handed to code that calls it on an untyped value",
  WEFT4003: "instance with a blocking method passed as an interface whose method does not block",
  WEFT4004: "Node's synchronous call in a coroutine, without `patch`",
  WEFT9001: "internal error",
} as const;

export type DiagnosticCode = keyof typeof CODES;

export interface Diagnostic {
  code: DiagnosticCode;
  severity: "error" | "warning";
  /** One sentence, identifiers in backticks. */
  message: string;
  file: string;
  span: Span;
  /** What the code frame's caret says, e.g. "this call may suspend the current greenlet". */
  label: string;
  /** The chain of reasons, one `note:` line each. */
  notes: string[];
  /** A concrete fix. */
  help: string;
  /**
   * When the fix is to mark a method `/** @blocking *\/` in another module (WEFT3007,
   * WEFT3008): method `method` of the class or interface `name` that `source` (an import
   * specifier of this file) exports. What an editor's quick fix edits (@weft/tsc's language service).
   */
  mark?: { source: string; name: string; method: string };
}

/**
 * What `formatDiagnostic` renders: a core {@link Diagnostic}, or one a host adds for what the core
 * cannot know (a parse error of the host's own parser, code `BABEL_PARSE_ERROR`; a crash or an
 * option error whose position is unknown). A code that does not start with `WEFT` is not printed.
 */
export interface ReportedDiagnostic extends Omit<Diagnostic, "code" | "span"> {
  code: string;
  span?: Span;
}

/**
 * A code frame of `span` in `source`: two lines of context before the marked line, none after
 * (the format of Babel's `codeFrameColumns` with `linesAbove: 2, linesBelow: 0`). The carets run
 * to the span's end, or to the end of its first line; tabs before the span stay tabs, so the
 * carets line up under them.
 */
export function codeFrame(source: string, span: Span, label: string): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, span.start.line - 2);
  const last = Math.min(lines.length, span.start.line);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? "";
    const marked = n === span.start.line;
    out.push(`${marked ? ">" : " "} ${String(n).padStart(width)} |${text.length > 0 ? ` ${text}` : ""}`);
    if (marked) {
      const end = span.end.line === span.start.line ? span.end.column : text.length;
      const carets = "^".repeat(Math.max(1, end - span.start.column));
      const indent = text.slice(0, span.start.column).replace(/[^\t]/g, " ");
      out.push(`  ${" ".repeat(width)} | ${indent}${carets}${label !== "" ? ` ${label}` : ""}`);
    }
  }
  return out.join("\n");
}

/**
 * The text of a diagnostic, the one format of every adapter and command: location, severity,
 * code and message; the code frame when `source` (the text the span points into) is given;
 * `note:` lines; `help:`. `file` is the name to print (the CLI prints it relative to the current
 * directory).
 *
 * ```
 * src/server.ts:14:18 - error WEFT1002: `readLine` may block, but it is called from a callback that cannot yield.
 *
 *   12 |   sockets.forEach((sock) => {
 * > 14 |     const line = readLine(sock);
 *      |                  ^^^^^^^^^^^^^^ this call may suspend the current greenlet
 *   note: `readLine` may block because it calls `Socket#recv` (src/io.ts:3:10).
 *   help: spawn a greenlet for each event: `emitter.on("data", (d) => spawn(handle, d))`.
 * ```
 */
export function formatDiagnostic(d: ReportedDiagnostic, source?: string, file: string = d.file): string {
  const where = d.span !== undefined ? `${file}:${d.span.start.line}:${d.span.start.column + 1}` : file;
  const code = d.code.startsWith("WEFT") ? ` ${d.code}` : "";
  const parts = [`${where} - ${d.severity}${code}: ${d.message}`];
  if (source !== undefined && d.span !== undefined) parts.push("", codeFrame(source, d.span, d.label));
  for (const note of d.notes) parts.push(`  note: ${note}`);
  if (d.help !== "") parts.push(`  help: ${d.help}`);
  return parts.join("\n");
}

/** `file:line:col` of a span, 1-based column, for notes. */
export function at(file: string, span: Span): string {
  return `${file}:${span.start.line}:${span.start.column + 1}`;
}

const backticks = (code: string) => `\`${code}\``;

/**
 * What a blocking call calls, in English: "`sleep`", "`Queue#get`", "`forEach` with a callback
 * that may block". The one place reasons become words: diagnostics' messages and notes, and
 * `weft explain` (which passes a `quote` that prints names bare).
 */
export function describeReason(reason: CallReason, quote: (code: string) => string = backticks): string {
  switch (reason.kind) {
    case "runtime":
    case "local":
      return quote(reason.name);
    case "runtime-method":
      return quote(`${reason.class}#${reason.method}`);
    case "local-method":
      return quote(`${reason.class}${reason.static ? "." : "#"}${reason.method}`);
    case "override":
      return `${quote(`${reason.class}${reason.static ? "." : "#"}${reason.method}`)}, overridden by ${quote(reason.name)}`;
    case "import-method":
      return `${quote(`${reason.class}${reason.static === true ? "." : "#"}${reason.method}`)} from ${quote(reason.source)}`;
    case "checker-candidate":
      return `${quote(`${reason.class}${reason.static === true ? "." : "#"}${reason.method}`)} from ${quote(reason.file)}`;
    case "checked-function":
      return `${quote(reason.name)} from ${quote(reason.file)}`;
    case "patched":
      return `${quote(reason.name)} from ${quote(`node:${reason.module}`)}, made cooperative by ${quote("patch")}`;
    case "by-name":
      return `${quote(`.${reason.method}()`)} (a blocking method of ${quote(reason.class)})`;
    case "local-by-name":
      return `${quote(`.${reason.method}()`)} (${quote(`${reason.class}#${reason.method}`)} may block)`;
    case "param":
      return `its parameter ${quote(reason.param)}, which a caller passes a function that may block`;
    case "import":
      return `${quote(reason.name)} from ${quote(reason.source)}`;
    case "import-driving":
      return `${quote(reason.name)} from ${quote(reason.source)} with a function that may block`;
    case "import-forwarding":
      return `${quote(reason.name)} from ${quote(reason.source)} with its parameter ${quote(reason.param)}`;
    case "driven-callback":
      return `${quote(reason.callee)} with a callback that may block`;
    case "wrapper":
      return reason.blocks === true
        ? `the function that ${quote(reason.name)} from ${quote(reason.source)} returned, which may block`
        : `the function that ${quote(reason.name)} from ${quote(reason.source)} returned for a function that may block`;
    case "marked-method":
      return `${quote(`${reason.class}#${reason.method}`)}, marked ${quote("@blocking")}`;
    case "implementation":
      return `${quote(`${reason.class}#${reason.method}`)}, implemented by ${quote(reason.name)}`;
    default: {
      const never: never = reason;
      throw new Error(`weft internal error: unknown reason ${String(never)}`);
    }
  }
}

/**
 * The `note:` lines of a chain, one sentence a step: "`dinner` may block because it calls `eat`
 * (src/a.ts:6:3)." / "`f` is marked `@blocking`.". `file` is where the calls are.
 */
export function chainNotes(file: string, steps: readonly ChainStep[]): string[] {
  return steps.map((step) => {
    const who = step.module ? "the module's top level" : backticks(step.name);
    const r = step.reason;
    return r.kind === "tagged" ? `${who} is marked \`@blocking\`.` : `${who} may block because it calls ${describeReason(r)} (${at(file, r.call.span)}).`;
  });
}
