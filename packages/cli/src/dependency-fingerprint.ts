/**
 * A fingerprint of the files a source file's compiled output depends on besides its own text:
 * the files it imports by relative path, transitively, and the `weft-summary.json` of each
 * package it imports (their summaries say which exports block); their paths, sizes and
 * modification times. jest's transform cache key includes it (jest-transform.ts), so a helper that
 * starts blocking, or a rebuilt package, recompiles its importers. Cheap (no parse: a scan for
 * specifiers), and conservative: a specifier found in a comment only makes the key change more
 * often.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { packageSummaryFile, resolveRelative } from "@weft/core";
import { importSpecifiers } from "./import-specifiers.js";
import { tsAlternatives } from "./ts-alternatives.js";

const probeExtensions = ["", ".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", "/index.ts", "/index.js"];
const limit = 500;

export function dependencyFingerprint(sourceText: string, sourcePath: string): string {
  const seen = new Set<string>([sourcePath]);
  const parts: string[] = [];
  const queue: Array<[string, string]> = [[sourceText, sourcePath]];
  const stamp = (file: string): boolean => {
    try {
      const stat = statSync(file);
      parts.push(`${file}:${stat.size}:${stat.mtimeMs}`);
      return true;
    } catch {
      parts.push(`${file}:unreadable`);
      return false;
    }
  };
  while (queue.length && seen.size < limit) {
    const [text, from] = queue.shift()!;
    for (const spec of importSpecifiers(text)) {
      if (spec.startsWith(".")) {
        // Where the compiler reads the summary (the TypeScript source first) and, when it differs,
        // where the module loader finds the module.
        for (const file of new Set([resolveRelative(from, spec), locate(resolve(dirname(from), spec))])) {
          if (file === undefined || seen.has(file)) continue;
          seen.add(file);
          if (stamp(file)) queue.push([readFileSync(file, "utf8"), file]);
        }
      } else if (!spec.startsWith("node:") && !spec.startsWith("@weft/runtime") && !spec.startsWith("/")) {
        const file = packageSummaryFile(from, spec);
        if (file === undefined || seen.has(file)) continue;
        seen.add(file);
        stamp(file);
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
