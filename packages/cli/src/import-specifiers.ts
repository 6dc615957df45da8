/**
 * The module specifiers a file's text names, found without parsing it: `from "x"`,
 * `import "x"`, `import("x")`, `require("x")`. Conservative: a specifier in a comment or a string
 * that only looks like an import is found too, which makes the caches that use this list
 * (dependency-fingerprint.ts, transform-cache.ts) check more than they need, never less.
 */
const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

export function importSpecifiers(text: string): string[] {
  const out = new Set<string>();
  for (const match of text.matchAll(specifierPattern)) out.add(match[1]!);
  return [...out];
}
