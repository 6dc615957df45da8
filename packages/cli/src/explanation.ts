/**
 * What `weft explain` prints: every function that became a coroutine and the chain of calls that
 * made it one. The data comes from the plugin's `onExplain(entries)` option (computed by
 * `@weft/core`); this file reads it and renders it.
 */
import { relative } from "node:path";
import { readPosition, type Position } from "./diagnostic.js";

/** One step of a chain: `eat` calls `sleep` at `a.ts:5:3`. */
export interface ExplanationStep {
  /** What is called: `sleep`, `Socket#recv`, `eat`. */
  callee: string;
  /** Where the call is (1-based line, 0-based column). */
  at?: Position;
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

/**
 * Reads the plugin's entries: `{ name, loc | line/column, chain: [{ callee | name, loc | line/column }] }`
 * (`because` and `reasons` are accepted for `chain`). A position without a file is in `filename`.
 */
export function normalizeExplanation(raw: unknown, filename: string): Explanation[] {
  const list = Array.isArray(raw) ? raw : isBag(raw) && Array.isArray(raw["entries"]) ? raw["entries"] : [];
  return list.filter(isBag).map((entry) => {
    const chainRaw = entry["chain"] ?? entry["because"] ?? entry["reasons"];
    const chain = (Array.isArray(chainRaw) ? chainRaw : []).filter(isBag).map((step) => {
      const at = withFile(readPosition(step), filename);
      return { callee: nameOf(step, "callee", "name", "calls") ?? "<unknown>", ...(at ? { at } : {}) };
    });
    const at = withFile(readPosition(entry), filename);
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
      lines.push(`${"  ".repeat(depth + 1)}because it calls ${step.callee}${where}`);
    });
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
