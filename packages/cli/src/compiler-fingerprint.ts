/**
 * What identifies the compiler `weft run` compiles with, for the run cache's key
 * (transform-cache.ts): output made by another compiler is never reused.
 *
 * - Every package `@weft/cli` depends on, transitively (`dependencies`, `optionalDependencies`
 *   and `peerDependencies`, each found the way Node finds it: the nearest `node_modules/<name>`
 *   above the package that depends on it): its name, version and folder. Babel, its plugins and
 *   presets, and a plugin added to `@weft/cli`'s dependencies later, are covered without a list.
 * - The built code of weft's compiler packages (`@weft/cli`, `@weft/babel-plugin`, `@weft/core`):
 *   a hash of the content of every `.js` file under their `dist`, so a rebuilt development
 *   checkout, whose version does not change, never reuses what the previous build made.
 *
 * Computed once per thread (a few milliseconds), when the first file is looked up.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** The packages whose built code is hashed, not only their version. */
const hashedPackages = new Set(["@weft/cli", "@weft/babel-plugin", "@weft/core"]);

interface Manifest {
  name?: unknown;
  version?: unknown;
  dependencies?: Record<string, unknown>;
  optionalDependencies?: Record<string, unknown>;
  peerDependencies?: Record<string, unknown>;
}

/** `cliRoot`: the folder of `@weft/cli`'s package.json. */
export function compilerFingerprint(cliRoot: string): string {
  const hash = createHash("sha256");
  const seen = new Set<string>();
  const queue = [cliRoot];
  while (queue.length > 0) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    } catch {
      hash.update(`${dir}: unreadable\n`);
      continue;
    }
    const name = String(manifest.name);
    hash.update(`${name}@${String(manifest.version)} ${dir}\n`);
    if (hashedPackages.has(name)) hashBuiltCode(hash, join(dir, "dist"));
    const names = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    for (const dependency of [...names].sort()) {
      const found = findPackage(dir, dependency);
      if (found === undefined) hash.update(`${name} -> ${dependency}: missing\n`);
      else queue.push(found);
    }
  }
  return hash.digest("hex");
}

/**
 * The real folder of package `name` as Node finds it from the package in `from`: in the
 * `node_modules` of `from` and of each folder above it, skipping folders that are themselves
 * named `node_modules` (or a scope inside one), as Node's lookup paths do.
 */
function findPackage(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const base = basename(dir);
    const parent = basename(dirname(dir));
    if (base !== "node_modules" && !(base.startsWith("@") && parent === "node_modules")) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) {
        try {
          return realpathSync(candidate);
        } catch {
          return undefined;
        }
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function hashBuiltCode(hash: ReturnType<typeof createHash>, dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    hash.update(`${dir}: no build\n`);
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) hashBuiltCode(hash, path);
    else if (entry.isFile() && /\.[cm]?js$/.test(entry.name)) hash.update(`${path}\0`).update(readFileSync(path)).update("\0");
  }
}
