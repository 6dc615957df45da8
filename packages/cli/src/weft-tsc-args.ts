/**
 * The command line of `weft-tsc`: tsc's own, mostly passed through. weft-tsc only needs to know
 * which tsconfig.json builds (`-p`/`--project`, else the one in the current directory) and which
 * modes it does not support (`--watch`, `--build`, files without a project, `--init`).
 */
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { patchFromArg } from "./patch-option.js";

export type WeftTscCommand =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "compile"; project: string; rest: string[]; patch: string[] }
  | { kind: "usage-error"; message: string };

/** tsc's flags weft-tsc refuses, with why. */
const unsupported: Record<string, string> = {
  "--watch": "`weft-tsc` has no watch mode yet; run it again, or use `weft run` while developing",
  "-w": "`weft-tsc` has no watch mode yet; run it again, or use `weft run` while developing",
  "--build": "`weft-tsc` builds one project (`-p tsconfig.json`), not project references (`-b`)",
  "-b": "`weft-tsc` builds one project (`-p tsconfig.json`), not project references (`-b`)",
  "--init": "run `tsc --init` to create a tsconfig.json",
  "--showConfig": "run `tsc --showConfig`: weft does not change the configuration",
};

export function parseWeftTscArgs(argv: readonly string[], cwd: string): WeftTscCommand {
  let project: string | undefined;
  let patch: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h" || arg === "-?") return { kind: "help" };
    if (arg === "--version" || arg === "-v") return { kind: "version" };
    const reason = unsupported[arg];
    if (reason !== undefined) return { kind: "usage-error", message: `\`${arg}\` is not supported: ${reason}` };
    if (arg === "--patch" || arg.startsWith("--patch=")) {
      // weft's own, not tsc's (patch-option.ts).
      const modules = patchFromArg(arg);
      if (!Array.isArray(modules)) return { kind: "usage-error", message: modules.error };
      patch = modules;
    } else if (arg === "-p" || arg === "--project") {
      const value = argv[++i];
      if (value === undefined) return { kind: "usage-error", message: `\`${arg}\` needs a tsconfig.json or a folder holding one` };
      project = value;
    } else if (arg.startsWith("--project=")) {
      project = arg.slice("--project=".length);
    } else if (!arg.startsWith("-") && !isOptionValue(argv, i)) {
      return { kind: "usage-error", message: `\`weft-tsc\` builds a project (\`-p tsconfig.json\`), not files given on the command line (\`${arg}\`)` };
    } else {
      rest.push(arg);
    }
  }
  let config = resolve(cwd, project ?? ".");
  if (existsSync(config) && statSync(config).isDirectory()) config = join(config, "tsconfig.json");
  if (!existsSync(config)) return { kind: "usage-error", message: `cannot find a tsconfig.json at \`${config}\`` };
  return { kind: "compile", project: config, rest, patch };
}

/** Is `argv[i]` the value of the option before it (`--outDir dist`, `--target es2022`)? */
function isOptionValue(argv: readonly string[], i: number): boolean {
  const previous = argv[i - 1];
  if (previous === undefined || !previous.startsWith("-") || previous.includes("=")) return false;
  // Boolean flags may take an explicit `true`/`false`; every other value follows an option that needs one.
  return !booleanFlags.has(previous.replace(/^-+/, "").toLowerCase()) || argv[i] === "true" || argv[i] === "false";
}

/** tsc's boolean flags a build script commonly passes (the rest take a value). */
const booleanFlags = new Set(
  [
    "noEmit", "noEmitOnError", "sourceMap", "inlineSourceMap", "inlineSources", "declaration", "declarationMap", "emitDeclarationOnly",
    "strict", "pretty", "listFiles", "listEmittedFiles", "extendedDiagnostics", "diagnostics", "skipLibCheck", "incremental", "composite",
    "removeComments", "noImplicitAny", "esModuleInterop", "allowJs", "checkJs", "resolveJsonModule", "isolatedModules", "verbatimModuleSyntax",
    "force", "verbose", "dry", "preserveWatchOutput", "traceResolution", "noCheck", "noErrorTruncation", "all", "importHelpers",
  ].map((f) => f.toLowerCase()),
);

export const weftTscUsage = `Usage: weft-tsc [-p tsconfig.json] [tsc options]

Builds a TypeScript project like \`tsc\`, with weft: functions that may block become coroutines.
It uses the TypeScript installed in the project (resolved from the tsconfig.json's folder):
  TypeScript 5.9 and 6.x   compiles in-process with the @weft/tsc transformer (type-directed)
  TypeScript 7             runs that tsc, then weft's Babel pass over the emitted JavaScript,
                           with source maps chained to the .ts sources

Options are tsc's (--outDir, --noEmit, --sourceMap, --pretty ...). Not supported: --watch, --build.
weft's own: --patch[=fs,child_process,zlib,crypto] makes Node's blocking calls (readFileSync,
execSync, gzipSync, pbkdf2Sync...) yield points in coroutines (all of them, or those modules').
Exit status as tsc: 0 clean, 1 errors and nothing emitted, 2 errors and output emitted.
`;
