/**
 * What a `.js` specifier may mean in TypeScript sources: `./util.js` names `./util.ts` (TypeScript's
 * `nodenext` convention, which tsx also follows). Tried only when the `.js` file does not exist.
 */
const alternatives: Record<string, readonly string[]> = {
  ".js": [".ts", ".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
  ".jsx": [".tsx"],
};

export function tsAlternatives(specifier: string): string[] {
  const match = /\.(?:[cm]?js|jsx)$/.exec(specifier);
  if (!match) return [];
  const stem = specifier.slice(0, match.index);
  return (alternatives[match[0]] ?? []).map((ext) => stem + ext);
}

/** `./a`, `../a`, `/abs/a`, `file:///abs/a`: a specifier that names a file, not a package. */
export const isPathSpecifier = (specifier: string): boolean =>
  /^\.{1,2}(?:\/|\\|$)/.test(specifier) || specifier.startsWith("/") || specifier.startsWith("file:");
