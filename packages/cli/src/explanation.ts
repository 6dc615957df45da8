/**
 * What `weft explain` prints: every function that became a coroutine and the chain of calls that
 * made it one. The data is `@weft/core`'s `ExplainEntry`, handed over by the plugin's
 * `onExplain(file, entries)` option: each entry's `steps` say, as data, which function blocks,
 * why (a `Reason`) and where. The words for a reason are the core's (`describeReason`), with the
 * names printed bare.
 */
import { relative } from "node:path";
import { describeReason, type ChainStep, type ExplainEntry } from "@weft/core";

/** A 1-based line and 0-based column in `filename`. */
export interface Position {
  filename: string;
  line: number;
  column: number;
}

/** One step of a chain: `eat` calls `sleep` at `a.ts:5:3`. */
export interface ExplanationStep {
  /** What is called: `sleep`, `Socket#recv`, `eat`; empty when the function is marked. */
  callee: string;
  /** Where the call is. */
  at?: Position;
  /** The function blocks because it is marked `@blocking` (no call). */
  marked?: boolean;
}

export interface Explanation {
  /** The coroutine: `eat`, `Server#handle`, `<module top level>`. */
  name: string;
  /** Where the function is defined. */
  at: Position;
  /** The call that made it block, then the call inside that callee that made *it* block, … */
  chain: ExplanationStep[];
  /** Node's calls the option `patch` made yield points in it. */
  patched: Array<{ callee: string; at: Position }>;
  /** It blocks only through them: where a greenlet cannot yield, it runs them synchronously. */
  sync: boolean;
}

const bare = (code: string) => code;

function readStep(step: ChainStep, filename: string): ExplanationStep {
  const r = step.reason;
  if (r.kind === "tagged") return { callee: "", marked: true };
  return { callee: describeReason(r, bare), at: { filename, ...r.call.span.start } };
}

/** The entries the plugin reported for `filename` (absolute), every call of a chain being in it. */
export function readExplanation(entries: readonly ExplainEntry[], filename: string): Explanation[] {
  return entries.map((entry) => ({
    name: entry.name,
    at: { filename, ...entry.span.start },
    chain: entry.steps.map((step) => readStep(step, filename)),
    patched: entry.patched.map((p) => ({ callee: `${p.name} from node:${p.module}`, at: { filename, ...p.span.start } })),
    sync: entry.sync,
  }));
}

/** `a.ts:5:3`: relative to `cwd`, 1-based line and column. */
export function formatPosition(position: Position, cwd: string): string {
  return `${relative(cwd, position.filename) || position.filename}:${position.line}:${position.column + 1}`;
}

/**
 * ```
 * main (src/app.ts:10:1)
 *   because it calls eat (src/app.ts:12:3)
 *     because it calls sleep (src/app.ts:5:3)
 * load (src/files.ts:3:1), blocking only through patched calls (synchronous where it cannot yield)
 *   because it calls readFileSync from node:fs, made cooperative by patch (src/files.ts:4:10)
 *   patched: readFileSync from node:fs (src/files.ts:4:10)
 * ```
 */
export function formatExplanation(entries: readonly Explanation[], cwd: string): string {
  const lines: string[] = [];
  for (const entry of entries) {
    const sync = entry.sync ? ", blocking only through patched calls (synchronous where it cannot yield)" : "";
    lines.push(`${entry.name} (${formatPosition(entry.at, cwd)})${sync}`);
    entry.chain.forEach((step, depth) => {
      const where = step.at ? ` (${formatPosition(step.at, cwd)})` : "";
      const because = step.marked === true ? "because it is marked @blocking" : `because it calls ${step.callee}`;
      lines.push(`${"  ".repeat(depth + 1)}${because}${where}`);
    });
    for (const p of entry.patched) lines.push(`  patched: ${p.callee} (${formatPosition(p.at, cwd)})`);
  }
  return lines.length ? `${lines.join("\n")}\n` : "";
}
