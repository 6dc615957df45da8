// Differential testing: every case of the fixture corpus (fixtures/<case>/) compiled by the
// @weft/unplugin applier must give the Babel plugin's blocking table (`## blocking` of the case's
// snapshot.md), diagnostics (`## diagnostics`) and run (`## run`). The compiled code need not be
// Babel's to the character: it is kept in fixtures/<case>/snapshot.unplugin.md (the input language
// with weft's edits, as a bundler receives it from the plugin), and compared with it.
// `UPDATE_FIXTURES=1` rewrites these files; with `CI=true` a missing one fails instead.
//
// The unplugin package and its dependencies are ESM-only and jest runs tests as CommonJS: the
// cases are compiled in one child process (compile-fixtures.mjs, over the BUILT dist), whose JSON
// this test reads. Its output, TypeScript still, is stripped with `ts.transpileModule` (modules
// preserved, as a bundler's transform does) and run with Node like the tsc adapter's outputs
// (packages/tsc/test/compile-with-tsc.ts).
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import type { ExplainEntry } from "@weft/core";
import { fixturesDir, listFixtureCases, normalizeRun, type FixtureCase } from "../../../test/fixture-corpus.js";
import { outName, repoRoot, runProgram, writeOutputs, type Compiled } from "../../tsc/test/compile-with-tsc.js";

const UPDATE = process.env["UPDATE_FIXTURES"] === "1";
const CI = process.env["CI"] === "true";
const SNAPSHOT = "snapshot.unplugin.md";
const outRoot = join(fixturesDir, ".out", "unplugin");

type Case = FixtureCase;

interface Report {
  outputs: Record<string, string>;
  diagnostics: string[];
  explain: Array<{ file: string; entries: ExplainEntry[] }>;
  error?: { message: string; code?: string };
  internal?: string;
}

const listCases = (): Case[] => listFixtureCases(SNAPSHOT);

function blockingTable(explain: Report["explain"]): string {
  const lines: string[] = [];
  for (const { file, entries } of explain) {
    if (entries.length === 0) continue;
    lines.push(`${file}:`);
    for (const e of entries) {
      lines.push(`- \`${e.name}\` (${e.where})`);
      for (const step of e.chain) lines.push(`  - ${step}`);
    }
  }
  return lines.length > 0 ? lines.join("\n") : "No coroutines.";
}

function fence(text: string, lang: string): string {
  const ticks = text.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function langOf(file: string): string {
  return /\.[cm]?ts$/.test(file) ? "ts" : "js";
}

function outputText(c: Case, report: Report): string {
  if (report.error !== undefined) return `Compile error:\n\n${fence(report.error.message, "text")}`;
  return c.files.map((f) => `### ${f}\n\n${fence((report.outputs[f] ?? "").trimEnd(), langOf(f))}`).join("\n\n");
}

/** Strips the TypeScript of the plugin's output, modules preserved, as a bundler does. */
function strip(c: Case, file: string, code: string): string {
  return ts.transpileModule(code, {
    fileName: join(c.dir, file),
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Preserve,
      allowJs: true,
      ...(c.legacyDecorators ? { experimentalDecorators: true } : {}),
    },
  }).outputText;
}

const cases = listCases();
const only = process.env["WEFT_FIXTURES"]?.split(",");
const selected = only ? cases.filter((c) => only.includes(c.name)) : cases;

let reports: Record<string, Report> = {};
beforeAll(() => {
  const script = join(__dirname, "compile-fixtures.mjs");
  const out = execFileSync(process.execPath, [script, fixturesDir, ...selected.map((c) => c.name)], { cwd: repoRoot, maxBuffer: 1 << 28, encoding: "utf8" });
  reports = JSON.parse(out) as Record<string, Report>;
}, 300_000);

const seen = new Map<string, string>();
afterAll(() => {
  for (const c of selected) {
    const text = seen.get(c.name);
    if (text === undefined || (!UPDATE && c.own !== undefined)) continue;
    const next = `# ${c.name} through @weft/unplugin\n\nThe plugin's output (weft's edits on the input, before the host strips types); Babel's is in snapshot.md.\n\n## output\n\n${text}\n`;
    if (next !== c.own) writeFileSync(join(c.dir, SNAPSHOT), next);
  }
});

describe("differential: the fixture corpus through @weft/unplugin", () => {
  it("covers the corpus", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  test.concurrent.each(selected.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const report = reports[c.name]!;
    expect(report.internal).toBeUndefined();
    const text = outputText(c, report);
    seen.set(c.name, text);
    if (!UPDATE && c.own !== undefined) {
      const start = c.own.indexOf("\n## output\n\n");
      expect(text).toBe(c.own.slice(start + "\n## output\n\n".length).replace(/\n+$/, ""));
    } else if (!UPDATE && CI) {
      throw new Error(`fixtures/${c.name}/${SNAPSHOT} is missing; write it with UPDATE_FIXTURES=1`);
    }
    if (c.snapshot.compileError) {
      expect(report.error).toMatchObject({ code: "WEFT2001" });
      return;
    }
    expect(report.error).toBeUndefined();
    const diagnostics = report.diagnostics.join("\n\n") || "None.";
    let run = "not run";
    if (!report.diagnostics.some((d) => / - error WEFT/.test(d))) {
      const compiled: Compiled = { outputs: new Map(c.files.map((f) => [f, strip(c, f, report.outputs[f]!)])), diagnostics: [], explain: [] };
      const outDir = join(outRoot, c.name);
      writeOutputs(outDir, compiled);
      const r = await runProgram(outDir, outName(c.files[0]!));
      const log = normalizeRun(r.log, outDir, repoRoot);
      const status = r.signal === "SIGKILL" ? "timed out" : r.signal !== null ? `killed by ${r.signal}` : `exit code ${r.code}`;
      run = `${log === "" ? "(no output)" : log}\n${status}`;
    }
    expect({ blocking: blockingTable(report.explain), diagnostics, run }).toEqual({
      blocking: c.snapshot.blocking,
      diagnostics: c.snapshot.diagnostics,
      run: c.snapshot.run.startsWith("not run") ? "not run" : c.snapshot.run,
    });
  }, 60_000);
});
