/**
 * The command line's `--patch` (every module weft can patch) and `--patch=fs,child_process`
 * (those), for `weft run`, `weft build`, `weft check` and `weft explain`; and `WEFT_PATCH`, the
 * same list in the environment, which `weft run` sets for the program's loader (loader.ts,
 * require-hook.ts) and which a program started with `node --import @weft/cli/register` may set
 * itself: `WEFT_PATCH=1` (or `all`, `true`) for every module, `WEFT_PATCH=fs,zlib` for some.
 * The option itself is the Babel plugin's `patch` (@weft/core's adapter-options.ts, which checks
 * it the same way); this file reads only the runtime's list, so the loader loads no compiler to
 * read it.
 */
import { PATCH_MODULES } from "@weft/runtime/catalogue";

/** The list, checked (a module weft cannot patch is an error naming it); `true`: every module. */
function parsePatchOption(value: true | string[], fail: (message: string) => never): string[] {
  if (value === true) return [...PATCH_MODULES];
  const known = PATCH_MODULES.join(", ");
  return value.map((m) => {
    const name = m.startsWith("node:") ? m.slice(5) : m;
    return (PATCH_MODULES as readonly string[]).includes(name) ? name : fail(`unknown module \`${m}\` in \`patch\`; the modules weft can patch are ${known}`);
  });
}

/** The modules `--patch[=list]` names, or a usage error's message. */
export function patchFromArg(arg: string): string[] | { error: string } {
  if (arg === "--patch") return [...parsePatchOption(true, fail)];
  try {
    const list = arg.slice("--patch=".length).split(",").map((m) => m.trim()).filter((m) => m !== "");
    if (list.length === 0) return { error: "`--patch=` needs module names: `--patch=fs,child_process` (or `--patch` for all)" };
    return [...parsePatchOption(list, fail)];
  } catch (error) {
    return { error: (error as Error).message.replace("`patch`", "`--patch`") };
  }
}

/** The modules `WEFT_PATCH` names (none when unset, `0` or empty); throws on a name weft does not know. */
export function patchFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const value = env["WEFT_PATCH"]?.trim() ?? "";
  if (value === "" || value === "0" || value.toLowerCase() === "false") return [];
  if (value === "1" || value.toLowerCase() === "all" || value.toLowerCase() === "true") return [...parsePatchOption(true, fail)];
  return [...parsePatchOption(value.split(",").map((m) => m.trim()).filter((m) => m !== ""), (message) => fail(message.replace("`patch`", "`WEFT_PATCH`")))];
}

function fail(message: string): never {
  throw new Error(message);
}

let fromEnv: { patch?: string[] } | undefined;

/** The loaders' compile option from `WEFT_PATCH`, read once (an unknown module name throws, naming it). */
export function patchOption(): { patch?: string[] } {
  if (fromEnv === undefined) {
    const patch = patchFromEnv();
    fromEnv = patch.length > 0 ? { patch } : {};
  }
  return fromEnv;
}
