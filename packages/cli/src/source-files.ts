/**
 * The files `weft build` and `weft check` work on: a file as given, or every source file under a
 * folder (`.ts/.tsx/.mts/.cts/.js/.mjs/.cjs`, not `.d.ts`), skipping `node_modules`, hidden
 * folders and the build's own output folder. Sorted, so output and reports are stable.
 */
import { readdirSync, statSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import { isSourceFile } from "./user-file.js";

export interface SourceFiles {
  /** The folder output paths are relative to. */
  base: string;
  files: string[];
}

export function collectSourceFiles(path: string, exclude: readonly string[] = []): SourceFiles {
  const root = resolve(path);
  const stat = statSync(root); // throws ENOENT for a missing path: the caller reports it
  if (!stat.isDirectory()) return { base: resolve(root, ".."), files: [root] };
  const excluded = exclude.map((p) => resolve(p));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
        if (excluded.some((x) => full === x || full.startsWith(x + sep))) continue;
        walk(full);
      } else if (entry.isFile() && isSourceFile(full)) {
        files.push(full);
      }
    }
  };
  walk(root);
  return { base: root, files };
}
