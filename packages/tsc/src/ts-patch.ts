/**
 * The transformer as a ts-patch plugin (`@weft/tsc/ts-patch`), for `tspc` or a patched `tsc`:
 *
 * ```json
 * { "compilerOptions": { "plugins": [{ "transform": "@weft/tsc/ts-patch", "blocking": ["readLine"] }] } }
 * ```
 *
 * ts-patch calls the default export with the Program, the plugin entry and its extras (the `ts`
 * it patched, `addDiagnostic`). The entry's keys other than ts-patch's own are weft's options;
 * weft's diagnostics join the Program's through `addDiagnostic`, so `tspc` prints them with its
 * own and fails the build as on a type error.
 */
import type * as TS from "typescript";
import weftTransformer from "./index.js";

/** What ts-patch passes to a `program` transformer beside the Program (ts-patch's `TransformerExtras`). */
export interface TsPatchExtras {
  ts: typeof TS;
  addDiagnostic(diagnostic: TS.Diagnostic): number;
}

/** The keys of a tsconfig `plugins` entry that belong to ts-patch, not to weft. */
const tsPatchKeys = new Set(["transform", "import", "after", "afterDeclarations", "type", "tsConfig", "transformProgram", "isEsm", "resolvePathAliases", "name"]);

export default function weftTsPatchPlugin(program: TS.Program, config: Record<string, unknown> = {}, extras?: TsPatchExtras): TS.TransformerFactory<TS.SourceFile> {
  if (extras?.ts === undefined) {
    throw new Error("@weft/tsc/ts-patch: WEFT2001: ts-patch passed no `ts`; use it as a `program` transformer (the default `type`), or call `weftTransformer(ts, program)` from `@weft/tsc`.");
  }
  const options = Object.fromEntries(Object.entries(config).filter(([key]) => !tsPatchKeys.has(key)));
  return weftTransformer(extras.ts, program, { ...options, onDiagnostic: (d) => void extras.addDiagnostic(d) });
}
