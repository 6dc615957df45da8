/**
 * Where the CLI's own files are. The only module that reads `import.meta`: it is imported lazily,
 * or by modules that only ever run as ES modules (the loaders' transform-cache.ts), so the rest of
 * the CLI also loads as CommonJS (jest compiles the sources that way).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** The module `weft run` passes to `node --import`. */
export const registerUrl = new URL("./register.js", import.meta.url).href;

export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };
  return manifest.version;
}

/** The folder of this package's package.json. */
export const cliRoot = dirname(fileURLToPath(new URL("../package.json", import.meta.url)));

/** `require` as seen from this package (to locate the compiler's packages). */
export const requireFromCli = createRequire(import.meta.url);
