/**
 * ES module or CommonJS, decided for a file the way Node decides it: the extension first
 * (`.mjs/.mts` are modules, `.cjs/.cts` CommonJS), then the `type` of the nearest package.json;
 * without a `type` the file is ambiguous and its syntax decides (Node 20.19+ detects module
 * syntax in such files; weft asks Babel's `unambiguous` parse, which counts `import`/`export`).
 */
import { extname } from "node:path";
import type { ModuleKind } from "./compile.js";
import { packageScopeOf } from "./package-scope.js";

export type ModuleFormat = "module" | "commonjs" | "ambiguous";

export function moduleFormatOf(filename: string): ModuleFormat {
  switch (extname(filename).toLowerCase()) {
    case ".mjs":
    case ".mts":
      return "module";
    case ".cjs":
    case ".cts":
      return "commonjs";
    default:
      return packageScopeOf(filename)?.type ?? "ambiguous";
  }
}

/** The {@link ModuleKind} to compile a file of this format with. */
export function moduleKindFor(format: ModuleFormat): ModuleKind {
  switch (format) {
    case "module":
      return "esm";
    case "commonjs":
      return "cjs";
    case "ambiguous":
      return "auto";
    default: {
      const unreachable: never = format;
      throw new Error(`weft bug: unknown module format ${String(unreachable)}`);
    }
  }
}
