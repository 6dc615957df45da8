// The fixture corpus (fixtures/<case>/) as the harnesses that hold an adapter to Babel's reviewed
// snapshot read it (packages/tsc/test/differential.test.ts, packages/unplugin/test/differential.test.ts):
// each case's files (its `input.*` first), options, decorators, and what its snapshot.md expects:
// the blocking table, the run's output, the diagnostics and whether a compile error was thrown.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fixtureDecorators } from "./fixture-decorators.js";

export const fixturesDir = join(__dirname, "..", "fixtures");
const ENTRY = /^input\.(ts|js|mjs|cjs|mts|cts)$/;
const SOURCE = /\.(ts|js|mjs|cjs|mts|cts)$/;

export interface FixtureCase {
  name: string;
  dir: string;
  /** The entry (`input.*`) first, then the case's other source files. */
  files: string[];
  options: Record<string, unknown>;
  /** `experimentalDecorators` from the case's tsconfig.json (test/fixture-decorators.ts). */
  legacyDecorators: boolean;
  /** What Babel's reviewed snapshot.md says. */
  snapshot: { blocking: string; run: string; diagnostics: string; compileError: boolean };
  /** The adapter's own snapshot beside it (`snapshotFile`), when there is one. */
  own: string | undefined;
}

/** A section of a snapshot: its fenced text, or its one line ("None.", "not run: …"). */
export function section(snapshot: string, title: string): string {
  const start = snapshot.indexOf(`\n## ${title}\n\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const rest = snapshot.slice(start + title.length + 6);
  const fence = /^(`{3,4})\w*\n([\s\S]*?)\n\1(?:\n|$)/.exec(rest);
  return fence ? fence[2]! : rest.split("\n")[0]!;
}

/** Every case of the corpus (not `_pending`, not hidden), in name order; `snapshotFile` names the adapter's own snapshot. */
export function listFixtureCases(snapshotFile: string): FixtureCase[] {
  return readdirSync(fixturesDir)
    .filter((name) => !name.startsWith(".") && !name.startsWith("_") && statSync(join(fixturesDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(fixturesDir, name);
      const names = readdirSync(dir).sort();
      const entry = names.find((n) => ENTRY.test(n));
      if (entry === undefined) throw new Error(`fixtures/${name}: no input.ts|js|mjs|cjs|mts|cts`);
      const optionsFile = join(dir, "options.json");
      const snapshot = readFileSync(join(dir, "snapshot.md"), "utf8");
      const diagnostics = section(snapshot, "diagnostics");
      // A thrown compile error (an invalid option) is listed last, after the reported ones.
      const thrownAt = diagnostics.search(/(^|\n\n)\S+ did not compile:\n/);
      const files = [entry, ...names.filter((n) => n !== entry && SOURCE.test(n))];
      const ownFile = join(dir, snapshotFile);
      return {
        name,
        dir,
        files,
        options: existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as Record<string, unknown>) : {},
        legacyDecorators: fixtureDecorators(dir, files) === "legacy",
        snapshot: {
          blocking: section(snapshot, "blocking"),
          run: section(snapshot, "run"),
          diagnostics: thrownAt < 0 ? diagnostics : diagnostics.slice(0, thrownAt) || "None.",
          compileError: thrownAt >= 0,
        },
        own: existsSync(ownFile) ? readFileSync(ownFile, "utf8") : undefined,
      };
    });
}

/** The run's text without what varies between machines and runs (test/fixtures.test.ts's rules). */
export function normalizeRun(text: string, outDir: string, repoRoot: string): string {
  const paths = text
    .split(`file://${outDir}`).join("<out>").split(outDir).join("<out>")
    .split(`file://${repoRoot}`).join("<repo>").split(repoRoot).join("<repo>");
  return paths
    .replace(/^<(?:repo|out)>\/\S*:\d+\n.*\n *\^+ *\n\n?/gm, "")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, "<time>")
    .split("\n")
    .flatMap((line) => (/^ {4}at /.test(line) ? (line.endsWith(" {") ? ["{"] : []) : /^Node\.js v\d/.test(line) ? [] : [line.trimEnd()]))
    .join("\n")
    .replace(/\n+$/, "");
}
