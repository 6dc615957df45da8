/**
 * A fingerprint of the files a source file imports by relative path, transitively: their paths,
 * sizes and modification times. Cheap (no parse: a scan for specifiers), and conservative: a
 * specifier found in a comment only makes the key change more often.
 */
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { readFileSync } from "node:fs";
import { tsAlternatives } from "./ts-alternatives.js";

const specifierPattern = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
const probeExtensions = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"];
const limit = 500;

export function dependencyFingerprint(sourceText: string, sourcePath: string): string {
  const seen = new Set<string>([sourcePath]);
  const parts: string[] = [];
  const queue: Array<[string, string]> = [[sourceText, sourcePath]];
  while (queue.length && seen.size < limit) {
    const [text, from] = queue.shift()!;
    for (const match of text.matchAll(specifierPattern)) {
      const file = locate(resolve(dirname(from), match[1]!));
      if (file === undefined || seen.has(file)) continue;
      seen.add(file);
      try {
        const stat = statSync(file);
        parts.push(`${file}:${stat.size}:${stat.mtimeMs}`);
        queue.push([readFileSync(file, "utf8"), file]);
      } catch {
        parts.push(`${file}:unreadable`);
      }
    }
  }
  return parts.join("\n");
}

function locate(base: string): string | undefined {
  for (const candidate of [...probeExtensions.map((ext) => base + ext), ...tsAlternatives(base)]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}
