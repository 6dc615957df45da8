/**
 * The command line of `weft`, parsed into one {@link Command}. Parsing never prints and never
 * exits: main.ts decides what a usage error looks like.
 *
 * `weft run [--no-cache] FILE [args…]` hands everything after FILE to the program untouched,
 * options included. `--patch[=MODULES]` (patch-option.ts) goes with `run`, `build`, `check` and
 * `explain`.
 */
import { patchFromArg } from "./patch-option.js";

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; file: string; args: string[]; cache: boolean; patch: string[] }
  | { kind: "build"; src: string; outDir: string; patch: string[] }
  | { kind: "check"; files: string[]; patch: string[] }
  | { kind: "explain"; files: string[]; patch: string[] }
  | { kind: "usage-error"; message: string };

const isHelp = (arg: string) => arg === "--help" || arg === "-h";
const isPatch = (arg: string) => arg === "--patch" || arg.startsWith("--patch=");

export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: "usage-error", message: "missing command" };
  if (isHelp(command) || command === "help") return { kind: "help" };
  if (command === "--version" || command === "-v") return { kind: "version" };

  switch (command) {
    case "run": {
      // weft's own options come before FILE; everything after FILE is the program's.
      let cache = true;
      let patch: string[] = [];
      let index = 0;
      for (; index < rest.length && rest[index]!.startsWith("-") && rest[index] !== "-"; index++) {
        const option = rest[index]!;
        if (isHelp(option)) return { kind: "help" };
        if (option === "--no-cache") cache = false;
        else if (isPatch(option)) {
          const modules = patchFromArg(option);
          if (!Array.isArray(modules)) return { kind: "usage-error", message: modules.error };
          patch = modules;
        } else return { kind: "usage-error", message: `unknown option \`${option}\` for \`weft run\` (the program's options go after FILE)` };
      }
      const [first, ...args] = rest.slice(index);
      if (first === undefined) return { kind: "usage-error", message: "`weft run` needs a FILE to run" };
      return { kind: "run", file: first, args, cache, patch };
    }
    case "build": {
      let src: string | undefined;
      let outDir: string | undefined;
      let patch: string[] = [];
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i]!;
        if (isHelp(arg)) return { kind: "help" };
        if (arg === "--out-dir" || arg === "-d") {
          const value = rest[++i];
          if (value === undefined) return { kind: "usage-error", message: `\`${arg}\` needs a folder` };
          outDir = value;
        } else if (arg.startsWith("--out-dir=")) {
          outDir = arg.slice("--out-dir=".length);
        } else if (isPatch(arg)) {
          const modules = patchFromArg(arg);
          if (!Array.isArray(modules)) return { kind: "usage-error", message: modules.error };
          patch = modules;
        } else if (arg.startsWith("-")) {
          return { kind: "usage-error", message: `unknown option \`${arg}\` for \`weft build\`` };
        } else if (src === undefined) {
          src = arg;
        } else {
          return { kind: "usage-error", message: `\`weft build\` takes one SRC (a file or a folder), got \`${src}\` and \`${arg}\`` };
        }
      }
      if (src === undefined) return { kind: "usage-error", message: "`weft build` needs a SRC file or folder" };
      if (!outDir) return { kind: "usage-error", message: "`weft build` needs `--out-dir DIR`" };
      return { kind: "build", src, outDir, patch };
    }
    case "check":
    case "explain": {
      if (rest.some(isHelp)) return { kind: "help" };
      let patch: string[] = [];
      for (const arg of rest.filter(isPatch)) {
        const modules = patchFromArg(arg);
        if (!Array.isArray(modules)) return { kind: "usage-error", message: modules.error };
        patch = modules;
      }
      const files = rest.filter((a) => !isPatch(a));
      const option = files.find((a) => a.startsWith("-") && a !== "-");
      if (option !== undefined) return { kind: "usage-error", message: `unknown option \`${option}\` for \`weft ${command}\`` };
      if (files.length === 0) return { kind: "usage-error", message: `\`weft ${command}\` needs at least one FILE` };
      return { kind: command, files, patch };
    }
    default:
      return { kind: "usage-error", message: command.startsWith("-") ? `unknown option \`${command}\`` : `unknown command \`${command}\`` };
  }
}

export const usage = `Usage: weft <command> [options]

Commands:
  weft run [--no-cache] [--patch[=MODULES]] FILE [args...]
                                   compile FILE and what it imports on the fly, and run it with node;
                                   what was compiled is cached (--no-cache, or WEFT_CACHE=0: not)
  weft build SRC --out-dir DIR [--patch[=MODULES]]
                                   compile a file or a folder of .ts/.tsx/.mts/.cts/.js/.mjs/.cjs into DIR,
                                   with source maps (.js, .mjs, .cjs and .map files)
  weft check [--patch[=MODULES]] FILE|DIR...
                                   report weft's diagnostics without writing anything
  weft explain [--patch[=MODULES]] FILE...
                                   list every function that became a coroutine, and why

Options:
  --patch[=fs,child_process,zlib,crypto]
                                   make Node's blocking calls (readFileSync, execSync, gzipSync,
                                   pbkdf2Sync...) yield points in coroutines: all of them, or those
                                   modules' (the compile-time monkey.patch_all())
  -h, --help                       show this help
  -v, --version                    show weft's version

Exit status: the program's own for \`run\`; 1 when a file has errors; 2 for a usage error.
`;
