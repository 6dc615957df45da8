/**
 * The transformer's options, validated: a wrong option is a configuration error (WEFT2001) naming
 * the option, what was expected and what came (the Babel plugin's rules).
 */
import type * as TS from "typescript";
import type { Diagnostic, ExplainEntry } from "@weft/core";

export interface WeftTransformerOptions {
  /** Names of functions of the project to treat as blocking (like `/** @blocking *\/`). */
  blocking?: string[];
  /**
   * How a module's blocking top level runs: `"esm"` awaits the main greenlet (top-level await),
   * `"cjs"` starts it at once. Default `"auto"`: from the compiler options' `module`, the file's
   * extension and, under `node16`/`nodenext`, the format TypeScript gives the file.
   */
  module?: "auto" | "esm" | "cjs";
  /**
   * Receives every diagnostic, as a `ts.Diagnostic` (code `1002` for WEFT1002, message starting
   * `WEFT1002:`) and as the core's. Without it, the transformer throws on errors, so that a build
   * never emits code that cannot work.
   */
  onDiagnostic?: (diagnostic: TS.Diagnostic, weft: Diagnostic) => void;
  /** Receives, per file, every function that became a coroutine and why (`weft explain`). */
  onExplain?: (file: string, entries: ExplainEntry[]) => void;
  /** Receives, per file, which exports may block: what a build ships as `weft-summary.json` (as the Babel plugin's `onSummary`). */
  onSummary?: (file: string, summary: Record<string, boolean | { blocks: boolean; callsParams: number[] }>) => void;
}

export interface ResolvedOptions {
  blocking: ReadonlySet<string>;
  module: "auto" | "esm" | "cjs";
  onDiagnostic: WeftTransformerOptions["onDiagnostic"];
  onExplain: WeftTransformerOptions["onExplain"];
  onSummary: WeftTransformerOptions["onSummary"];
}

const KNOWN = new Set(["blocking", "module", "onDiagnostic", "onExplain", "onSummary"]);

function fail(message: string): never {
  const error = new Error(`@weft/tsc: WEFT2001: ${message}`);
  (error as Error & { code: string }).code = "WEFT2001";
  throw error;
}

export function validateOptions(raw: unknown): ResolvedOptions {
  if (raw !== undefined && (typeof raw !== "object" || raw === null || Array.isArray(raw))) fail(`Expected the options to be an object, got \`${String(raw)}\`.`);
  const o = (raw ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!KNOWN.has(k)) fail(`Unknown option \`${k}\`; the options are ${[...KNOWN].map((x) => `\`${x}\``).join(", ")}.`);
  }
  const blocking = o["blocking"] ?? [];
  if (!Array.isArray(blocking) || !blocking.every((x) => typeof x === "string")) {
    fail(`Expected \`blocking\` to be an array of function names, got \`${JSON.stringify(blocking)}\`.`);
  }
  const module = o["module"] ?? "auto";
  if (module !== "auto" && module !== "esm" && module !== "cjs") {
    fail(`Expected \`module\` to be "auto", "esm" or "cjs", got \`${JSON.stringify(module)}\`.`);
  }
  for (const k of ["onDiagnostic", "onExplain", "onSummary"]) {
    if (o[k] !== undefined && typeof o[k] !== "function") fail(`Expected \`${k}\` to be a function, got \`${typeof o[k]}\`.`);
  }
  return {
    blocking: new Set(blocking as string[]),
    module,
    onDiagnostic: o["onDiagnostic"] as ResolvedOptions["onDiagnostic"],
    onExplain: o["onExplain"] as ResolvedOptions["onExplain"],
    onSummary: o["onSummary"] as ResolvedOptions["onSummary"],
  };
}
