/**
 * What `weft explain` prints: every function that became a coroutine and the chain of calls that
 * made it one. The data comes from the plugin's `onExplain(entries)` option (computed by
 * `@weft/core`); this file reads it and renders it.
 */
import { relative, resolve } from "node:path";
import { readPosition, type Position } from "./diagnostic.js";

/** One step of a chain: `eat` calls `sleep` at `a.ts:5:3`. */
export interface ExplanationStep {
  /** What is called: `sleep`, `Socket#recv`, `eat`. */
  callee: string;
  /** Where the call is (1-based line, 0-based column). */
  at?: Position;
  /** The function blocks because it is marked `@blocking` (no call). */
  marked?: boolean;
  /** `callee` is a whole sentence weft could not read as a call. */
  sentence?: boolean;
}

export interface Explanation {
  /** The coroutine: `eat`, `Server#handle`, `<module>`. */
  name: string;
  /** Where the function is defined. */
  at?: Position;
  /** The call that made it block, then the call inside that callee that made *it* block, … */
  chain: ExplanationStep[];
}

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === "object" && v !== null;
const nameOf = (v: Bag, ...keys: string[]): string | undefined => {
  for (const key of keys) if (typeof v[key] === "string") return v[key] as string;
  return undefined;
};

const withFile = (position: Position | undefined, filename: string): Position | undefined =>
  position && position.filename === undefined ? { ...position, filename } : position;

/** `src/a.ts:5:3` (1-based column, the file relative to the current directory) as a position. */
function parseWhere(where: unknown): Position | undefined {
  if (typeof where !== "string") return undefined;
  const m = /^(.*):(\d+):(\d+)$/.exec(where);
  return m ? { filename: resolve(m[1]!), line: Number(m[2]), column: Number(m[3]) - 1 } : undefined;
}

const stripTicks = (text: string) => text.replace(/`/g, "");

/**
 * One step of the core's chain is a sentence: "`eat` may block because it calls `sleep`
 * (src/a.ts:5:3)." or "`f` is marked `@blocking`.". Read back into a callee and a position; a
 * sentence of another shape is kept whole as the callee's text.
 */
function readStep(step: unknown, filename: string): ExplanationStep | undefined {
  if (typeof step === "string") {
    const calls = /\bcalls (.+?) \(([^()]*:\d+:\d+)\)\.?$/.exec(step);
    if (calls) {
      const at = parseWhere(calls[2]);
      return { callee: stripTicks(calls[1]!), ...(at ? { at } : {}) };
    }
    if (/is marked `?@blocking`?/.test(step)) return { callee: "", marked: true };
    return { callee: stripTicks(step.replace(/\.$/, "")), sentence: true };
  }
  if (!isBag(step)) return undefined;
  const at = withFile(readPosition(step) ?? parseWhere(step["where"]), filename);
  return { callee: nameOf(step, "callee", "name", "calls") ?? "<unknown>", ...(at ? { at } : {}) };
}

/**
 * Reads the entries the plugin passes to `onExplain`: `@weft/core`'s `ExplainEntry`
 * (`{ name, where: "file:line:col", span, chain: string[] }`); steps given as objects
 * (`{ callee, loc | line/column }`) are read too. A position without a file is in `filename`.
 */
export function normalizeExplanation(raw: unknown, filename: string): Explanation[] {
  const list = Array.isArray(raw) ? raw : isBag(raw) && Array.isArray(raw["entries"]) ? raw["entries"] : [];
  return list.filter(isBag).map((entry) => {
    const chainRaw = entry["chain"] ?? entry["because"] ?? entry["reasons"];
    const chain = (Array.isArray(chainRaw) ? chainRaw : []).map((s) => readStep(s, filename)).filter((s) => s !== undefined);
    const at = withFile(parseWhere(entry["where"]) ?? readPosition(entry), filename);
    return { name: nameOf(entry, "name", "function") ?? "<anonymous>", ...(at ? { at } : {}), chain };
  });
}

/** `a.ts:5:3`: relative to `cwd`, 1-based line and column. */
export function formatPosition(position: Position, cwd: string): string {
  const file = position.filename ? relative(cwd, position.filename) || position.filename : "?";
  return `${file}:${position.line}:${position.column + 1}`;
}

/**
 * ```
 * main (src/app.ts:10:1)
 *   because it calls eat (src/app.ts:12:3)
 *     because it calls sleep (src/app.ts:5:3)
 * ```
 */
export function formatExplanation(entries: readonly Explanation[], cwd: string): string {
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(entry.at ? `${entry.name} (${formatPosition(entry.at, cwd)})` : entry.name);
    entry.chain.forEach((step, depth) => {
      const where = step.at ? ` (${formatPosition(step.at, cwd)})` : "";
      const because = step.marked ? "because it is marked @blocking" : step.sentence ? `because ${step.callee}` : `because it calls ${step.callee}`;
      lines.push(`${"  ".repeat(depth + 1)}${because}${where}`);
    });
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
