/**
 * Finding the files and packages a module imports, on disk, for a file compiled without a
 * Program (transpile-only modes): the core's module-files.ts, shared with @weft/babel-plugin.
 */
export { exportNamesFromText, packageSummary, packageSummaryFile, resolveRelative } from "@weft/core";
