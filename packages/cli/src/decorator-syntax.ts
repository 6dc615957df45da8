/**
 * Which decorators a file is written with, as the user's TypeScript configuration says: the
 * `experimentalDecorators` of the nearest `tsconfig.json` above it (following `extends`) chooses
 * TypeScript's legacy decorators, else the standard ones (the 2023-11 proposal, what TypeScript 5
 * emits by default). `compile.ts` lowers them with `@babel/plugin-proposal-decorators` in that
 * version, for `.ts` and JavaScript files alike (a project's tsconfig governs its JavaScript too
 * with `allowJs`). No tsconfig, or one that cannot be read: the standard.
 *
 * The tsconfig is read as TypeScript reads it (JSON with comments and trailing commas); `extends`
 * names a file (relative or absolute, `.json` optional) or a package's (`@tsconfig/node20`,
 * `pkg/tsconfig.base.json`), a list of them applied in order. Each folder is looked up once per
 * process.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";

export type DecoratorVersion = "2023-11" | "legacy";

const byFolder = new Map<string, DecoratorVersion>();

export function decoratorVersion(filename: string): DecoratorVersion {
  const folder = dirname(resolve(filename));
  let version = byFolder.get(folder);
  if (version === undefined) {
    const config = nearestTsconfig(folder);
    version = config !== undefined && experimentalDecorators(config, new Set()) === true ? "legacy" : "2023-11";
    byFolder.set(folder, version);
  }
  return version;
}

function nearestTsconfig(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (!dir.split(/[\\/]/).includes("node_modules") && existsSync(join(dir, "tsconfig.json"))) return join(dir, "tsconfig.json");
    if (dirname(dir) === dir) return undefined;
  }
}

/** `compilerOptions.experimentalDecorators` of a tsconfig file, its own or from what it extends. */
function experimentalDecorators(file: string, seen: Set<string>): boolean | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  let config: { extends?: unknown; compilerOptions?: { experimentalDecorators?: unknown } };
  try {
    config = JSON.parse(stripJsonComments(readFileSync(file, "utf8"))) as typeof config;
  } catch {
    return undefined;
  }
  const own = config.compilerOptions?.experimentalDecorators;
  if (typeof own === "boolean") return own;
  const bases = typeof config.extends === "string" ? [config.extends] : Array.isArray(config.extends) ? config.extends : [];
  let found: boolean | undefined;
  for (const base of bases) {
    if (typeof base !== "string") continue;
    const path = resolveExtends(base, dirname(file));
    const value = path === undefined ? undefined : experimentalDecorators(path, seen);
    if (value !== undefined) found = value;
  }
  return found;
}

function resolveExtends(spec: string, from: string): string | undefined {
  const candidates = spec.endsWith(".json") ? [spec] : [spec, `${spec}.json`, `${spec}/tsconfig.json`];
  for (const c of candidates) {
    if (c.startsWith(".") || isAbsolute(c)) {
      const path = resolve(from, c);
      if (existsSync(path) && !path.endsWith("/")) return path;
      continue;
    }
    try {
      return createRequire(join(from, "tsconfig.json")).resolve(c);
    } catch {
      // the next candidate
    }
  }
  return undefined;
}

/** JSON with `//` and block comments and trailing commas, as tsconfig files are, made JSON. */
function stripJsonComments(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      out += text.slice(start, i + 1);
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      i = end < 0 ? text.length : end + 1;
      out += " ";
    } else {
      out += c;
    }
  }
  return out.replace(/,(\s*[}\]])/g, "$1");
}
