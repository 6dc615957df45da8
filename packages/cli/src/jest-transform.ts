/**
 * A jest transformer (`@weft/cli/jest-transform`) that compiles test files and the code they
 * import with weft, into CommonJS (or ES modules when jest runs them natively), with source maps
 * so failures point at the original lines. weft's own runtime is compiled to CommonJS without the
 * weft plugin: it is compiled already, and jest cannot `require` ES modules.
 *
 * The plugin runs with `testRunner: "jest"`: a body handed to jest's `it`, `test`, `beforeEach`,
 * `afterEach`, `beforeAll`, `afterAll` that may block runs as a greenlet jest waits for.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { CompileError } from "./compile-error.js";
import { compileFile } from "./compile.js";
import { decoratorVersion } from "./decorator-syntax.js";
import { dependencyFingerprint } from "./dependency-fingerprint.js";
import { requireFromCli } from "./paths.js";
import { isInNodeModules, isWeftFile } from "./user-file.js";

/** The parts of jest's `TransformOptions` this transformer reads. */
export interface JestTransformOptions {
  configString?: string;
  supportsStaticESM?: boolean;
}

export interface JestTransformResult {
  code: string;
  map: object | null;
}

export function processFile(sourceText: string, sourcePath: string, options: JestTransformOptions = {}): JestTransformResult {
  const result = compileFile(sourceText, sourcePath, {
    sourceMaps: true,
    module: options.supportsStaticESM ? "esm" : "cjs",
    weft: !isInNodeModules(sourcePath) && !isWeftFile(sourcePath),
    // A test body that may block runs as a greenlet jest waits for (`testBody` of the runtime).
    testRunner: "jest",
  });
  if (result.code === null) {
    const error = new CompileError(result.diagnostics);
    error.stack = ""; // jest prints the message, then the stack: the diagnostics once is enough
    throw error;
  }
  return { code: result.code, map: result.map };
}

/**
 * jest caches a transformed file under this key. weft's output for a file depends on the files it
 * imports (their summaries say which of their exports block), so the key covers the relative
 * imports, transitively, the `weft-summary.json` of each package imported, the decorators the
 * project's tsconfig asks for, and the compiler's own build.
 */
export function getCacheKey(sourceText: string, sourcePath: string, options: JestTransformOptions = {}): string {
  return createHash("sha256")
    .update(compilerFingerprint())
    .update("\0")
    .update(sourcePath)
    .update("\0")
    .update(sourceText)
    .update("\0")
    .update(options.configString ?? "")
    .update(options.supportsStaticESM ? "\0esm" : "\0cjs")
    // The decorators the tsconfig asks for (decorator-syntax.ts).
    .update(`\0${decoratorVersion(sourcePath)}`)
    .update("\0")
    .update(dependencyFingerprint(sourceText, sourcePath))
    .digest("hex");
}

let fingerprint: string | undefined;
function compilerFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const parts: string[] = [];
  for (const specifier of ["@weft/cli/package.json", "@weft/babel-plugin", "@weft/core", "@babel/core/package.json"]) {
    try {
      const path = requireFromCli.resolve(specifier);
      const stat = statSync(path);
      parts.push(`${path}:${stat.size}:${stat.mtimeMs}:${specifier.endsWith("package.json") ? readFileSync(path, "utf8").length : ""}`);
    } catch {
      parts.push(`${specifier}:missing`);
    }
  }
  return (fingerprint = parts.join("|"));
}

export default { process: processFile, getCacheKey, canInstrument: false };
