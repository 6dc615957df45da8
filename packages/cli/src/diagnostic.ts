/**
 * A compile-time problem as the `weft` command reports it: `@weft/core`'s `Diagnostic`, which
 * both adapters report, extended only with what Babel knows and the core cannot:
 *
 * | Extension                 | For                                                                 |
 * |---------------------------|---------------------------------------------------------------------|
 * | code `BABEL_PARSE_ERROR`  | Babel's parser rejected the file (a syntax error), at its position  |
 * | code `BABEL_TRANSFORM_ERROR` | another Babel plugin (preset-typescript) rejected the code with a code frame |
 * | `span` left out           | a crash (`WEFT9001`) or option error (`WEFT2001`) without a position |
 * | `source`                  | the text the span points into, so the code frame can be rendered    |
 *
 * `file` is absolute; `formatDiagnostic` prints it relative to the current directory.
 */
import { resolve } from "node:path";
import { CODES, type Diagnostic as CoreDiagnostic, type DiagnosticCode, type ReportedDiagnostic, type Span } from "@weft/core";

export interface Diagnostic extends ReportedDiagnostic {
  code: DiagnosticCode | "BABEL_PARSE_ERROR" | "BABEL_TRANSFORM_ERROR";
  /** The text `span` points into, for the code frame. */
  source?: string;
}

export type Severity = Diagnostic["severity"];

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/**
 * An internal error: weft itself failed on `filename` (a bug, or a broken install). Its message
 * says so; `notes` carry what helps a report (the stack).
 */
export function internalError(message: string, filename: string, notes: string[] = [], help = ""): Diagnostic {
  return { code: "WEFT9001", severity: "error", message, file: filename, label: "", notes, help };
}

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === "object" && v !== null;
const isLoc = (v: unknown): boolean => isBag(v) && typeof v["line"] === "number" && typeof v["column"] === "number";
const isSpan = (v: unknown): v is Span => isBag(v) && isLoc(v["start"]) && isLoc(v["end"]);

/** Whether `v` has the shape of the core's `Diagnostic`, the one the plugin reports. */
export function isCoreDiagnostic(v: unknown): v is CoreDiagnostic {
  return (
    isBag(v) && typeof v["code"] === "string" && v["code"] in CODES && (v["severity"] === "error" || v["severity"] === "warning") &&
    typeof v["message"] === "string" && typeof v["file"] === "string" && isSpan(v["span"]) && typeof v["label"] === "string" &&
    Array.isArray(v["notes"]) && v["notes"].every((n) => typeof n === "string") && typeof v["help"] === "string"
  );
}

/**
 * A diagnostic the plugin reported, for the file compiled from `source` (`filename`): its file
 * made absolute (the plugin gives it relative to the current directory), with the text its span
 * points into when it is that file. A value of another shape is an internal error, so it is seen.
 */
export function fromPlugin(raw: unknown, filename: string, source: string): Diagnostic {
  if (!isCoreDiagnostic(raw)) {
    return internalError(`The weft plugin reported a diagnostic weft cannot read: \`${describe(raw)}\` (this is a bug in weft; please report it with the file).`, filename);
  }
  const file = resolve(raw.file);
  return { ...raw, file, ...(file === resolve(filename) ? { source } : {}) };
}

const describe = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

// Babel prefixes the messages of the errors it throws with `${filename}: ` (and `[BABEL] ` when a
// plugin failed to load), appends the code frame after the first line, and ends a plugin's
// loading error with `(While processing: …)`.
const ansi = /\u001b\[[0-9;]*m/g;

/**
 * Turns an error thrown by Babel's `parseSync`/`transformFromAstSync` for `filename` (whose text is
 * `source`) into diagnostics:
 *
 * - an error the weft plugin threw carries its core diagnostics (`error.diagnostics`): those;
 * - Babel's syntax error (`BABEL_PARSE_ERROR`, with `loc`): Babel's message at its position;
 * - another plugin's `buildCodeFrameError` (it carries a code frame): its message at the frame's line;
 * - an error whose `code` is weft's (`WEFT2001`, an option the plugin rejected): that code;
 * - anything else: weft crashed, `WEFT9001`, with the stack in the notes.
 */
export function diagnosticsFromError(error: unknown, filename: string, source: string): Diagnostic[] {
  if (!(error instanceof Error)) return [internalError(`weft crashed with a non-error value: \`${String(error)}\` (this is a bug in weft; please report it with the file).`, filename)];
  const attached = (error as Error & { diagnostics?: unknown }).diagnostics;
  if (Array.isArray(attached) && attached.length > 0) return attached.map((d) => fromPlugin(d, filename, source));

  const code = (error as Error & { code?: unknown }).code;
  let text = error.message.replace(ansi, "").replace(/^\[BABEL\] /, "");
  for (const prefix of [`${filename}: `, "unknown file: "]) if (text.startsWith(prefix)) text = text.slice(prefix.length);
  const newline = text.indexOf("\n");
  let message = (newline === -1 ? text : text.slice(0, newline)).replace(/ \(While processing: .*\)$/, "").trim();
  const frame = newline === -1 ? "" : text.slice(newline + 1);
  const loc = (error as Error & { loc?: unknown }).loc;
  const position = isLoc(loc) ? (loc as Span["start"]) : positionFromFrame(frame);
  const span = position !== undefined ? { start: position, end: position } : undefined;
  const at = span !== undefined ? { span, source } : {};

  if (code === "BABEL_PARSE_ERROR" || (position !== undefined && frame !== "")) {
    const babelCode = code === "BABEL_PARSE_ERROR" ? "BABEL_PARSE_ERROR" : "BABEL_TRANSFORM_ERROR";
    return [{ code: babelCode, severity: "error", message, file: filename, ...at, label: "", notes: [], help: "" }];
  }
  if (typeof code === "string" && code in CODES && code !== "WEFT9001") {
    const own = message.indexOf(`${code}: `);
    if (own !== -1) message = message.slice(own + code.length + 2);
    return [{ code: code as DiagnosticCode, severity: "error", message, file: filename, ...at, label: "", notes: [], help: "" }];
  }
  const stack = (error.stack ?? "").split("\n").slice(1).map((l) => l.trim()).filter(Boolean).slice(0, 8);
  return [{ ...internalError(`weft crashed: ${message} (this is a bug in weft; please report it with the file).`, filename, stack), ...at }];
}

/** The marked line (`> 14 |`) and the first `^` of the marker line of a code frame Babel rendered. */
export function positionFromFrame(frame: string): Span["start"] | undefined {
  const lines = frame.split("\n");
  const index = lines.findIndex((l) => /^>\s*\d+\s*\|/.test(l));
  if (index === -1) return undefined;
  const marked = /^>\s*(\d+)\s*\|/.exec(lines[index]!)!;
  const line = Number(marked[1]);
  const marker = lines[index + 1];
  if (marker === undefined) return { line, column: 0 };
  const bar = marker.indexOf("|");
  const caret = marker.indexOf("^");
  const codeStart = lines[index]!.indexOf("|") + 2; // `| ` then the source text
  return { line, column: bar !== -1 && caret > bar ? Math.max(0, caret - codeStart) : 0 };
}
