/**
 * Which files the loaders compile with weft: the user's JavaScript and TypeScript. Never
 * `node_modules` (published packages are compiled by their authors, and a package built by weft
 * is already compiled), and never weft's own packages, which would otherwise compile the runtime
 * with itself when they are linked into a workspace instead of installed.
 */
import { extname } from "node:path";
import { packageScopeOf } from "./package-scope.js";

/** Extensions `weft build`, `check` and the loaders accept. */
export const sourceExtensions = [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs"] as const;

const weftPackages = new Set(["@weft/runtime", "@weft/core", "@weft/babel-plugin", "@weft/tsc", "@weft/cli"]);

export const isSourceFile = (filename: string): boolean =>
  (sourceExtensions as readonly string[]).includes(extname(filename).toLowerCase()) && !/\.d\.[cm]?ts$/i.test(filename);

export const isTypeScriptFile = (filename: string): boolean => /\.(?:[cm]?ts|tsx)$/i.test(filename);

export const isInNodeModules = (filename: string): boolean => /[\\/]node_modules[\\/]/.test(filename);

/** A weft package's own file (the runtime, the compiler, this CLI). */
export function isWeftFile(filename: string): boolean {
  const name = packageScopeOf(filename)?.name;
  return name !== undefined && weftPackages.has(name);
}

/** Compile this file with the weft plugin when it is loaded? */
export const isUserFile = (filename: string): boolean =>
  isSourceFile(filename) && !isInNodeModules(filename) && !isWeftFile(filename);
