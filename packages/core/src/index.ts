/**
 * @weft/core: decides which functions may block and how to rewrite them. Imports no Babel and no
 * TypeScript: adapters collect `ModuleFacts` from their AST and apply the `RewritePlan`.
 */
export type {
  ArgFact,
  CallFact,
  CallId,
  Callee,
  FunctionFact,
  FunctionId,
  FunctionKind,
  FunctionUse,
  Loc,
  ModuleFacts,
  ParamFact,
  Span,
  TypeRef,
  Candidate,
} from "./facts.js";
export type {
  BindingId,
  ClassId,
  Declaration,
  Expr,
  PatternStep,
  Position,
  SyntaxArg,
  SyntaxBinding,
  SyntaxCall,
  SyntaxClass,
  SyntaxExport,
  SyntaxFacts,
  SyntaxFunction,
  SyntaxLoop,
  LoopId,
  SyntaxMember,
  SyntaxParam,
  TypeMember,
  TypeOracle,
  TypeSyntax,
} from "./syntax-facts.js";
export { analyzeModule } from "./analyze-module.js";
export { resolveModule } from "./resolve-module.js";
export { EXIT_NAMES, NOT_DRIVEN_NAMES, planCatchGuards } from "./plan-catch-guards.js";
export type { CatchClauseFacts, CatchGuard } from "./plan-catch-guards.js";
export type { ExportTypes, ResolveOptions, ResolvedModule } from "./resolve-module.js";
export type { SummaryType } from "./summary-types.js";
export { importMayBlock, importsBlockingName, type ImportedNames } from "./summary-types.js";
export type { Analysis, AnalyzeOptions, ExplainEntry } from "./analyze-module.js";
export type { CallRewrite, RewritePlan } from "./plan-rewrite.js";
export type { CallReason, ChainStep, ModuleSummaries, Reason } from "./infer-blocking.js";
export { summarizeModule, summaryEntryFromJson, summaryEntryJson } from "./summarize-module.js";
export type { ExportFact, ModuleSummary, SummaryEntry } from "./summarize-module.js";
export { mayHaveParameterDecorators } from "./validate-decorators.js";
export { dynamicImportSpecifiers, exportNamesFromText, mayCallParamMethods, mayDefineCallbackCaller, packageSummary, packageSummaryFile, resolveRelative } from "./module-files.js";
export { jsdocImportSpecifiers } from "./jsdoc-types.js";
export { SummaryStore } from "./summary-store.js";
export type { CollectedSummaryFacts, SummaryNeed, SummaryReader } from "./summary-store.js";
export { validateAdapterOptions, parsePatchOption } from "./adapter-options.js";
export { mentionsPatchedModule } from "./resolve-node-calls.js";
export type { AdapterOptions, PatchModule } from "./adapter-options.js";
export { CODES, codeFrame, describeReason, formatDiagnostic } from "./diagnostics.js";
export { applyFailure, refusals } from "./apply-failure.js";
export type { ApplyRefusal } from "./apply-failure.js";
export type { Diagnostic, DiagnosticCode, ReportedDiagnostic } from "./diagnostics.js";
export {
  ARRAY_METHODS,
  IMPLICIT_METHODS,
  KNOWN_GLOBALS,
  RUNTIME_MODULES,
  isRuntimeClass,
  runtimeFunction,
  runtimeMethod,
} from "./runtime-facts.js";
