/**
 * The plugin's options, validated: a wrong option is a configuration error (WEFT2001) naming the
 * option, what was expected and what came.
 */
import { validateAdapterOptions, type AdapterOptions, type PatchModule, type Diagnostic, type ExplainEntry, type SummaryEntry } from "@weft/core";

export interface WeftPluginOptions {
  /** Names of functions of the project to treat as blocking (like `/** @blocking *\/`). */
  blocking?: string[];
  /**
   * How the module's blocking top level runs: `"esm"` awaits the main greenlet (top-level await),
   * `"cjs"` starts it at once. Default `"auto"`: from the file name, the caller and the syntax.
   */
  module?: "auto" | "esm" | "cjs";
  /**
   * `"jest"`: a test body that may block, handed to the unbound global `it`, `test`,
   * `beforeEach`, `afterEach`, `beforeAll` or `afterAll` (or their `.only`, `.skip`,
   * `.concurrent`), runs as a greenlet the runner waits for (`testBody` of the runtime). The jest
   * preset of `@weft/cli` sets it. `"vitest"`: the same for Vitest, with the hooks global or
   * imported from `"vitest"` (`contextTestBody`, which passes the test context on); the Vite
   * plugin of `@weft/unplugin` sets it under Vitest. `"bun"`: jest's conventions for the hooks
   * imported from `"bun:test"` or global (`@weft/unplugin/bun-preload` sets it). Without it, such
   * a body is the warning WEFT4001.
   */
  testRunner?: "jest" | "vitest" | "bun";
  /**
   * Node's blocking calls that become yield points in coroutines, the compile-time
   * `monkey.patch_all()`: `true` for all of them, or the modules (`["fs", "child_process",
   * "zlib", "crypto"]`). A call of `readFileSync`, `execSync`, `gzipSync`, `pbkdf2Sync`… in a
   * coroutine then suspends only its greenlet (`@weft/runtime/patch`), with the same results and
   * errors; where a greenlet cannot yield it stays the synchronous call. Without it such a call in
   * a coroutine is the warning WEFT4004. Default: off.
   */
  patch?: boolean | PatchModule[];
  /** Receives every diagnostic; without it the plugin throws on the first error's frame. */
  onDiagnostic?: (diagnostic: Diagnostic, source: string) => void;
  /** Receives, per file, every function that became a coroutine and why (`weft explain`). */
  onExplain?: (file: string, entries: ExplainEntry[]) => void;
  /** Receives, per file, which exports may block: what `weft build` ships as `weft-summary.json`. */
  onSummary?: (file: string, summary: Record<string, boolean | SummaryEntry>) => void;
}

/** The options validated (@weft/core's adapter-options.ts), with this adapter's callbacks typed. */
export type ResolvedOptions = Omit<AdapterOptions, "onDiagnostic" | "onExplain" | "onSummary"> & {
  onDiagnostic: ((diagnostic: Diagnostic, source: string) => void) | undefined;
  onExplain: ((file: string, entries: ExplainEntry[]) => void) | undefined;
  onSummary: ((file: string, summary: Record<string, boolean | SummaryEntry>) => void) | undefined;
};

export function validateOptions(raw: unknown): ResolvedOptions {
  return validateAdapterOptions("@weft/babel-plugin", raw) as ResolvedOptions;
}
