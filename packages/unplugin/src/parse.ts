/**
 * Parses one module with oxc-parser into the ESTree / TS-ESTree AST the collector reads
 * (collect-syntax.ts) and the applier edits by offsets (apply-plan.ts).
 *
 * Options, chosen so that the spans are Babel's (packages/babel-plugin reads Babel's AST, and both
 * adapters must report identical facts):
 * - `preserveParens: false`: no `ParenthesizedExpression`; a parenthesised node's span is the
 *   node's own, without the parentheses, as Babel's (`createParenthesizedExpressions` off).
 * - `astType: "ts"` for TypeScript (annotations, `declare`, abstract members are in the AST),
 *   `"js"` otherwise.
 * - `lang`: `ts` for `.ts/.mts/.cts`, `tsx` for `.tsx`, `jsx` for every JavaScript file (the
 *   Babel plugin parses JavaScript with JSX, as @babel/preset-env users do).
 * - `sourceType`: `module` for `.mjs/.mts` and TypeScript, `commonjs` for `.cjs/.cts`,
 *   `unambiguous` for `.js/.jsx` (module when it imports or exports).
 *
 * Offsets (`start`/`end`) are UTF-16 code-unit offsets into `source` (oxc-parser's JS API
 * converts them), so `source.slice(node.start, node.end)` is the node's text and a MagicString
 * over `source` edits it directly.
 *
 * A syntax error becomes an `Error` whose message names `file:line:col` (1-based column, as
 * Babel's code frames and the core's `where` strings count) followed by oxc's message.
 */
import { parseSync } from "oxc-parser";

/** An ESTree / TS-ESTree node as oxc-parser builds it: `type`, UTF-16 offsets, and its fields. */
export interface Node {
  type: string;
  start: number;
  end: number;
  // The collector reads the fields of ESTree nodes by name; their shapes are ESTree's.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface Comment {
  type: "Line" | "Block";
  /** The text between the delimiters (`/*` and `*\/`, or `//` and the line's end). */
  value: string;
  start: number;
  end: number;
}

export type Lang = "ts" | "tsx" | "js" | "jsx";
export type SourceType = "module" | "commonjs" | "unambiguous";

export interface Parsed {
  program: Node;
  /** Every comment of the file, in source order. */
  comments: Comment[];
  source: string;
  lang: Lang;
  sourceType: SourceType;
}

/** The language oxc reads a file as, by its extension. */
export function langOf(filename: string): Lang {
  if (/\.tsx$/i.test(filename)) return "tsx";
  if (/\.[cm]?ts$/i.test(filename)) return "ts";
  return "jsx";
}

/** The source type a file is parsed as, by its extension. */
export function sourceTypeOf(filename: string): SourceType {
  if (/\.c[jt]s$/i.test(filename)) return "commonjs";
  if (/\.m[jt]s$/i.test(filename) || /\.tsx?$/i.test(filename)) return "module";
  return "unambiguous";
}

/** The 1-based line and 0-based column of a UTF-16 offset (line terminators as ECMAScript counts them). */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10 || c === 0x2028 || c === 0x2029 || (c === 13 && source.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart };
}

export function parseModule(filename: string, source: string): Parsed {
  const lang = langOf(filename);
  const sourceType = sourceTypeOf(filename);
  const result = parseSync(filename, source, {
    lang,
    sourceType,
    astType: lang === "ts" || lang === "tsx" ? "ts" : "js",
    preserveParens: false,
  });
  const error = result.errors.find((e) => e.severity === "Error");
  if (error !== undefined) {
    const at = error.labels[0]?.start ?? 0;
    const { line, column } = lineColumn(source, at);
    const err = new Error(`${filename}:${line}:${column + 1}: ${error.message}${error.codeframe ? `\n${error.codeframe}` : ""}`);
    (err as Error & { code?: string }).code = "ERR_WEFT_PARSE";
    throw err;
  }
  return { program: result.program as unknown as Node, comments: result.comments as Comment[], source, lang, sourceType };
}
