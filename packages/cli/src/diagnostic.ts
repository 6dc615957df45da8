/**
 * A compile-time problem as the `weft` command reports it (packages/core/README.md, "Diagnostics"),
 * whether it came from the weft plugin's `onDiagnostic` option or from an error Babel threw (a
 * syntax error, or `path.buildCodeFrameError` in a plugin).
 */
import { resolve } from "node:path";

export type Severity = "error" | "warning";

export interface Diagnostic {
  /** `WEFT1002` for weft's own problems; `BABEL_PARSE_ERROR` etc. for Babel's; `WEFT9001` for a crash. */
  code: string;
  severity: Severity;
  /** One sentence, without the code or the position. */
  message: string;
  /** The file the problem is in, as given to the compiler. */
  filename: string;
  /** 1-based line, when known. */
  line?: number;
  /** 0-based column (Babel's convention), when known; printed 1-based. */
  column?: number;
  /** The rendered code frame (Babel's format, `> 14 | …` and a `^^^` marker line). */
  frame?: string;
  /** `note:` lines: the chain of calls that made a function block, and other context. */
  notes: string[];
  /** The `help:` line: a concrete fix. */
  help?: string;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === "error");

/** A 1-based line and 0-based column, read from the shapes Babel and the plugin use. */
export interface Position {
  line: number;
  column: number;
  filename?: string;
}

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === "object" && v !== null;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Reads a position from `{line, column}`, or from one nested under `loc`, `span` or `start`
 * (Babel's `SourceLocation`, the core's `Span`), with an optional `filename` or `file` beside it.
 * A relative file is taken relative to the current directory, where the plugin made it relative.
 */
export function readPosition(value: unknown): Position | undefined {
  if (!isBag(value)) return undefined;
  const file = str(value["filename"]) ?? str(value["file"]);
  const filename = file === undefined ? undefined : resolve(file);
  const line = num(value["line"]);
  if (line !== undefined) {
    return { line, column: num(value["column"]) ?? 0, ...(filename !== undefined ? { filename } : {}) };
  }
  for (const key of ["loc", "span", "start"]) {
    const inner = readPosition(value[key]);
    if (inner) return filename !== undefined && inner.filename === undefined ? { ...inner, filename } : inner;
  }
  return undefined;
}

/** The end of a span, when the value carries one (`loc.end`, `span.end` or `end`). */
export function readEnd(value: unknown): Position | undefined {
  if (!isBag(value)) return undefined;
  if (isBag(value["loc"])) return readEnd(value["loc"]);
  if (isBag(value["span"])) return readEnd(value["span"]);
  return isBag(value["end"]) ? readPosition(value["end"]) : undefined;
}

/**
 * Turns what the plugin hands to `onDiagnostic` into a {@link Diagnostic}. The plugin's shape is
 * `@weft/core`'s `Diagnostic`: `{ code, severity, message, file, span, label, notes, help }`;
 * `loc` or `line`/`column` are read too. Anything missing is left out rather than guessed, and a
 * value that is not an object becomes an internal error so that it is seen.
 */
export function normalizeDiagnostic(raw: unknown, filename: string): Diagnostic & { label?: string; end?: Position } {
  if (!isBag(raw)) {
    return { code: "WEFT9001", severity: "error", message: `The weft plugin reported a diagnostic weft cannot read: \`${String(raw)}\`.`, filename, notes: [] };
  }
  const position = readPosition(raw);
  const end = readEnd(raw);
  const notes = Array.isArray(raw["notes"]) ? raw["notes"].filter((n): n is string => typeof n === "string") : [];
  const severity: Severity = raw["severity"] === "warning" ? "warning" : "error";
  const label = str(raw["label"]);
  const help = str(raw["help"]);
  const frame = str(raw["frame"]) ?? str(raw["codeFrame"]);
  return {
    code: str(raw["code"]) ?? "WEFT9001",
    severity,
    message: str(raw["message"]) ?? "(no message)",
    filename: position?.filename ?? filename,
    ...(position ? { line: position.line, column: position.column } : {}),
    ...(end ? { end } : {}),
    ...(frame !== undefined ? { frame } : {}),
    ...(label !== undefined ? { label } : {}),
    notes,
    ...(help !== undefined ? { help } : {}),
  };
}

// Babel prefixes the messages of the errors it throws with `${filename}: `, and appends the code
// frame after the first line.
const ansi = /\u001b\[[0-9;]*m/g;

/**
 * Turns an error thrown by `transformSync` into a {@link Diagnostic}: Babel's syntax errors keep
 * Babel's own message; an error built with `path.buildCodeFrameError` keeps its `WEFTnnnn` code
 * when its message starts with one; anything else is a crash (`WEFT9001`) and keeps its stack.
 */
export function diagnosticFromError(error: unknown, filename: string): Diagnostic {
  if (!(error instanceof Error)) {
    return { code: "WEFT9001", severity: "error", message: `weft crashed with a non-error value: \`${String(error)}\`.`, filename, notes: [] };
  }
  const attached = (error as Error & { diagnostic?: unknown }).diagnostic;
  if (isBag(attached)) return normalizeDiagnostic(attached, filename);

  const code = str((error as Error & { code?: unknown }).code);
  let text = error.message.replace(ansi, "");
  if (text.startsWith(`${filename}: `)) text = text.slice(filename.length + 2);
  else if (text.startsWith("unknown file: ")) text = text.slice("unknown file: ".length);
  const newline = text.indexOf("\n");
  let message = (newline === -1 ? text : text.slice(0, newline)).trim();
  const rest = newline === -1 ? "" : text.slice(newline + 1);
  const frame = rest.replace(/^\n+/, "").replace(/\s+$/, "");

  // `WEFT1002: …`, or `@weft/babel-plugin: WEFT2001: …` (an option error); or a code on the error.
  const weftCode = /^(?:@weft\/[\w-]+: )?(WEFT\d{4}):?\s*/.exec(message) ?? (code?.startsWith("WEFT") ? ["", code] : null);
  if (weftCode) message = message.slice(weftCode[0].length);
  // Babel marks every error thrown in a plugin `BABEL_TRANSFORM_ERROR`; one built for the user
  // (`buildCodeFrameError`) carries a code frame, a crash does not.
  const isBabelError = code === "BABEL_PARSE_ERROR" || /^>\s*\d+\s*\|/m.test(frame);
  const position = readPosition((error as Error & { loc?: unknown }).loc) ?? positionFromFrame(frame);

  if (!weftCode && !isBabelError) {
    return {
      code: "WEFT9001",
      severity: "error",
      message: `weft crashed: ${message} (this is a bug in weft; please report it with the file).`,
      filename,
      notes: (error.stack ?? "").split("\n").slice(1).map((l) => l.trim()).filter(Boolean).slice(0, 8),
    };
  }
  return {
    code: weftCode ? weftCode[1]! : code === "BABEL_PARSE_ERROR" ? "BABEL_PARSE_ERROR" : "BABEL_TRANSFORM_ERROR",
    severity: "error",
    message,
    filename,
    ...(position ? { line: position.line, column: position.column } : {}),
    ...(frame ? { frame } : {}),
    notes: [],
  };
}

/** Reads the marked line (`> 14 |`) and the first `^` of the marker line from a Babel code frame. */
export function positionFromFrame(frame: string): Position | undefined {
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
