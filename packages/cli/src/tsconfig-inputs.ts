/**
 * The TypeScript configuration a file is compiled under, as text, for the run cache's key
 * (transform-cache.ts): the nearest `tsconfig.json` above the file (outside `node_modules`) and
 * the files its `extends` names by path (`"./base.json"`, `"../tsconfig.base"`, absolute),
 * transitively. compile.ts may derive Babel options from that configuration (how decorators are
 * lowered), so an edit to it must recompile; the cache keys on the whole text rather than on the
 * options read, so an option compile.ts starts to read later is covered too. A configuration
 * that `extends` names by package (`@tsconfig/node20`) is not followed: such a file changes when
 * the package is reinstalled, not by an edit in the project (the CLI's README says so, and that
 * `WEFT_CACHE=0` is the way round it).
 *
 * Looked up once per folder per thread.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

const byFolder = new Map<string, string>();

export function tsconfigInputs(filename: string): string {
  const folder = dirname(resolve(filename));
  let text = byFolder.get(folder);
  if (text === undefined) {
    const config = nearestTsconfig(folder);
    const parts: string[] = [];
    if (config !== undefined) addConfig(config, parts, new Set());
    text = parts.join("\0");
    byFolder.set(folder, text);
  }
  return text;
}

function nearestTsconfig(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (!dir.split(/[\\/]/).includes("node_modules") && existsSync(join(dir, "tsconfig.json"))) return join(dir, "tsconfig.json");
    if (dirname(dir) === dir) return undefined;
  }
}

function addConfig(file: string, parts: string[], seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    parts.push(`${file}: unreadable`);
    return;
  }
  parts.push(`${file}\n${text}`);
  // `"extends": "…"` or `"extends": ["…", …]`, found in the text (no JSON-with-comments parse):
  // every string of the value that names a path.
  const value = /"extends"\s*:\s*(\[[^\]]*\]|"[^"]*")/.exec(text)?.[1];
  if (value === undefined) return;
  for (const match of value.matchAll(/"([^"]*)"/g)) {
    const spec = match[1]!;
    if (!spec.startsWith(".") && !isAbsolute(spec)) continue;
    const base = resolve(dirname(file), spec);
    const path = [base, `${base}.json`, join(base, "tsconfig.json")].find((p) => p.endsWith(".json") && existsSync(p));
    if (path !== undefined) addConfig(path, parts, seen);
  }
}
