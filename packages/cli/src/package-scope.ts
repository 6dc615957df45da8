/**
 * The package a file belongs to: the nearest `package.json` above it, as Node looks it up to
 * decide a `.js` file's format (the search stops at a `node_modules` folder). Cached per folder
 * for the life of the process: a loader asks for every file it loads.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface PackageScope {
  /** The folder holding the `package.json`. */
  dir: string;
  name: string | undefined;
  type: "module" | "commonjs" | undefined;
}

const byDir = new Map<string, PackageScope | null>();

export function packageScopeOf(filename: string): PackageScope | null {
  return scopeOfDir(dirname(filename));
}

function scopeOfDir(dir: string): PackageScope | null {
  const known = byDir.get(dir);
  if (known !== undefined) return known;
  let scope: PackageScope | null;
  const manifest = readManifest(join(dir, "package.json"));
  if (manifest !== undefined) {
    const type = manifest["type"] === "module" || manifest["type"] === "commonjs" ? manifest["type"] : undefined;
    scope = { dir, name: typeof manifest["name"] === "string" ? manifest["name"] : undefined, type };
  } else {
    const parent = dirname(dir);
    scope = parent === dir || basename(dir) === "node_modules" ? null : scopeOfDir(parent);
  }
  byDir.set(dir, scope);
  return scope;
}

function readManifest(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    // Node refuses an unparsable package.json when it needs the `type`; a missing type is the
    // closest behaviour that still lets the file compile and Node report the problem itself.
    return {};
  }
}
