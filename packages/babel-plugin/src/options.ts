/**
 * The plugin's options, validated: a wrong option is a configuration error (WEFT2001) naming the
 * option, what was expected and what came.
 */
import type { Diagnostic, ExplainEntry } from "@weft/core";

export interface WeftPluginOptions {
  /** Names of functions of the project to treat as blocking (like `/** @blocking *\/`). */
  blocking?: string[];
  /**
   * How the module's blocking top level runs: `"esm"` awaits the main greenlet (top-level await),
   * `"cjs"` starts it at once. Default `"auto"`: from the file name, the caller and the syntax.
   */
  module?: "auto" | "esm" | "cjs";
  /** Receives every diagnostic; without it the plugin throws on the first error's frame. */
  onDiagnostic?: (diagnostic: Diagnostic, source: string) => void;
  /** Receives, per file, every function that became a coroutine and why (`weft explain`). */
  onExplain?: (file: string, entries: ExplainEntry[]) => void;
  /** Receives, per file, which exports may block: what `weft build` ships as `weft-summary.json`. */
  onSummary?: (file: string, summary: Record<string, boolean | { blocks: boolean; callsParams: number[] }>) => void;
}

export interface ResolvedOptions {
  blocking: ReadonlySet<string>;
  module: "auto" | "esm" | "cjs";
  onDiagnostic: ((diagnostic: Diagnostic, source: string) => void) | undefined;
  onExplain: ((file: string, entries: ExplainEntry[]) => void) | undefined;
  onSummary: ((file: string, summary: Record<string, boolean | { blocks: boolean; callsParams: number[] }>) => void) | undefined;
}

const KNOWN = new Set(["blocking", "module", "onDiagnostic", "onExplain", "onSummary"]);

function fail(message: string): never {
  const error = new Error(`@weft/babel-plugin: WEFT2001: ${message}`);
  (error as Error & { code: string }).code = "WEFT2001";
  throw error;
}

export function validateOptions(raw: unknown): ResolvedOptions {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof o !== "object" || Array.isArray(o)) fail(`Expected the options to be an object, got \`${String(raw)}\`.`);
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
