/**
 * `weft-tsc`: builds a tsconfig.json project like `tsc`, with weft. A drop-in for `tsc -p` in a
 * build script: same options, same diagnostics, same exit status (0 clean, 1 errors and nothing
 * emitted, 2 errors and output emitted — TypeScript's `ExitStatus`).
 *
 * It uses the TypeScript of the user's project, resolved from the tsconfig.json's folder (not
 * weft's own): with 5.9 and 6.x it compiles in-process with the @weft/tsc transformer as a `before`
 * transformer (type-directed); with 7 (native, no transformer API) it runs that tsc, then weft's
 * Babel pass over the JavaScript it emitted, its source maps chained to the `.ts` sources.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Io } from "./io.js";
import { parseWeftTscArgs, weftTscUsage } from "./weft-tsc-args.js";

/** The TypeScript a project uses: where its package is and which version it is. */
export interface ProjectTypeScript {
  /** The folder of its package.json. */
  dir: string;
  version: string;
  major: number;
  minor: number;
}

/** Resolves `typescript` as the project's own files would (from `projectDir`), or `undefined`. */
export function resolveProjectTypeScript(projectDir: string): ProjectTypeScript | undefined {
  let manifest: string;
  try {
    manifest = createRequire(join(projectDir, "weft-tsc.js")).resolve("typescript/package.json");
  } catch (error) {
    // There, but its package.json does not parse (Node reads it to resolve the subpath; the
    // error has no code on Node 20, `ERR_INVALID_PACKAGE_CONFIG` on later versions).
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_INVALID_PACKAGE_CONFIG" || /^Error parsing .*package\.json/.test(firstLine(error))) throw new TypeScriptLoadError(firstLine(error));
    return undefined;
  }
  let version: unknown;
  try {
    ({ version } = JSON.parse(readFileSync(manifest, "utf8")) as { version?: unknown });
  } catch (error) {
    throw new TypeScriptLoadError(`\`${manifest}\` cannot be read: ${firstLine(error)}`);
  }
  if (typeof version !== "string") throw new TypeScriptLoadError(`\`${manifest}\` names no version`);
  const [major = 0, minor = 0] = version.split(".").map((n) => Number.parseInt(n, 10));
  return { dir: dirname(manifest), version, major, minor };
}

/** The project's `typescript` package is there but broken (a corrupt install): one line, exit 1. */
export class TypeScriptLoadError extends Error {}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).split("\n")[0]!;

export async function weftTsc(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await weftTscCommand(argv, io);
  } catch (error) {
    if (!(error instanceof TypeScriptLoadError)) throw error;
    io.stderr(`weft-tsc: cannot load \`typescript\`: ${error.message}; reinstall it: npm install -D typescript\n`);
    return 1;
  }
}

async function weftTscCommand(argv: readonly string[], io: Io): Promise<number> {
  const command = parseWeftTscArgs(argv, io.cwd);
  switch (command.kind) {
    case "help":
      io.stdout(weftTscUsage);
      return 0;
    case "version": {
      const { cliVersion } = await import("./paths.js");
      const ts = resolveProjectTypeScript(io.cwd);
      io.stdout(`weft-tsc ${cliVersion()}, TypeScript ${ts?.version ?? "(not installed here)"}\n`);
      return 0;
    }
    case "usage-error":
      io.stderr(`weft-tsc: ${command.message}\n\n${weftTscUsage}`);
      // tsc's status for a command line it cannot use.
      return 1;
    case "compile": {
      const ts = resolveProjectTypeScript(dirname(command.project));
      if (ts === undefined) {
        io.stderr(`weft-tsc: cannot find \`typescript\` from \`${dirname(command.project)}\`; install it in the project: npm install -D typescript\n`);
        return 1;
      }
      if (ts.major < 5 || (ts.major === 5 && ts.minor < 9)) {
        io.stderr(`weft-tsc: TypeScript ${ts.version} is too old; weft needs TypeScript 5.9 or later\n`);
        return 1;
      }
      if (ts.major >= 7) return (await import("./weft-tsc-native.js")).buildWithNativeTsc(ts, command.project, command.rest, io, command.patch);
      return (await import("./weft-tsc-in-process.js")).buildInProcess(ts, command.project, command.rest, io, command.patch);
    }
    default: {
      const unreachable: never = command;
      throw new Error(`weft bug: unhandled weft-tsc command ${JSON.stringify(unreachable)}`);
    }
  }
}
