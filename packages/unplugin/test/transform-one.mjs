// Compiles one file with the BUILT @weft/unplugin pipeline (`transformWeft`) and prints its output
// as JSON: `{ code, map }` (or `{ error }`). Run by jest tests, which cannot load the ESM-only
// package themselves: `node transform-one.mjs <file> [<options JSON>]`.
import { readFileSync } from "node:fs";
import { transformWeft } from "../dist/transform.js";
import { resolveOptions } from "../dist/options.js";

const [file, rawOptions] = process.argv.slice(2);
try {
  const out = transformWeft(readFileSync(file, "utf8"), file, resolveOptions(rawOptions ? JSON.parse(rawOptions) : {}));
  process.stdout.write(JSON.stringify(out === null ? { code: null } : { code: out.code, map: out.map }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error.message) }));
}
