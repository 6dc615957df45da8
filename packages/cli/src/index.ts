/**
 * @weft/cli's programmatic API: `compileFile` (one file through Babel with weft, the way every
 * `weft` command and loader compiles) and `main` (the `weft` command itself).
 */
export { compileFile } from "./compile.js";
export type { CompileOptions, CompileResult, ModuleKind, SourceMap } from "./compile.js";
export type { Diagnostic, Severity } from "./diagnostic.js";
export type { Explanation, ExplanationStep } from "./explanation.js";
export { formatDiagnostic } from "./format-diagnostic.js";
export type { Io } from "./io.js";
export { main } from "./main.js";
