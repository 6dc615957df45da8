// Differential testing: every case of the fixture corpus (fixtures/<case>/) is
// compiled by @weft/tsc and run with Node, and its output must be the Babel plugin's. The Babel
// side is the case's reviewed snapshot: test/fixtures.test.ts compiles each case with Babel 7 and
// 8, runs it and checks that `## run` is what Babel's program printed, so comparing with the
// snapshot compares with Babel without compiling everything twice.
//
// Two ways through the transformer:
// - transpile-only (`ts.transpileModule`, no Program): the same inference as the Babel plugin, so
//   the blocking table (`## blocking`) and the diagnostics (`## diagnostics`) must be Babel's too;
// - with a Program (`program.emit`): the checker may see more than Babel does (that is its
//   point), so only the program's output and whether it compiled must agree. This runs under
//   TypeScript 5.9 and again under 6.0 (the `typescript-6` alias; the versions weft supports).
//
// The compiled code is not compared: it need not be Babel's to the character.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic } from "@weft/core";
import { compileWithTsc, outName, repoRoot, runProgram, writeOutputs, type Compiled } from "./compile-with-tsc.js";

const fixturesDir = join(repoRoot, "fixtures");
const outRoot = join(fixturesDir, ".out");
const ENTRY = /^input\.(ts|js|mjs|cjs|mts|cts)$/;
const SOURCE = /\.(ts|js|mjs|cjs|mts|cts)$/;

interface Case {
  name: string;
  dir: string;
  files: string[];
  options: Record<string, unknown>;
  snapshot: { blocking: string; run: string; diagnostics: string; compileError: boolean };
}

/** A section of a snapshot: its fenced text, or its one line ("None.", "not run: …"). */
function section(snapshot: string, title: string): string {
  const start = snapshot.indexOf(`\n## ${title}\n\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const rest = snapshot.slice(start + title.length + 6);
  const fence = /^(`{3,4})\w*\n([\s\S]*?)\n\1(?:\n|$)/.exec(rest);
  return fence ? fence[2]! : rest.split("\n")[0]!;
}

function listCases(): Case[] {
  return readdirSync(fixturesDir)
    .filter((name) => !name.startsWith(".") && !name.startsWith("_") && statSync(join(fixturesDir, name)).isDirectory())
    .sort()
    .map((name) => {
      const dir = join(fixturesDir, name);
      const names = readdirSync(dir).sort();
      const entry = names.find((n) => ENTRY.test(n))!;
      const optionsFile = join(dir, "options.json");
      const snapshot = readFileSync(join(dir, "snapshot.md"), "utf8");
      const diagnostics = section(snapshot, "diagnostics");
      // A thrown compile error (an invalid option) is listed last, after the reported ones.
      const thrownAt = diagnostics.search(/(^|\n\n)\S+ did not compile:\n/);
      return {
        name,
        dir,
        files: [entry, ...names.filter((n) => n !== entry && SOURCE.test(n))],
        options: existsSync(optionsFile) ? (JSON.parse(readFileSync(optionsFile, "utf8")) as Record<string, unknown>) : {},
        snapshot: {
          blocking: section(snapshot, "blocking"),
          run: section(snapshot, "run"),
          diagnostics: thrownAt < 0 ? diagnostics : diagnostics.slice(0, thrownAt) || "None.",
          compileError: thrownAt >= 0,
        },
      };
    });
}

/** The run's text without what varies between machines and runs (test/fixtures.test.ts's rules). */
function normalizeRun(text: string, outDir: string): string {
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

function blockingTable(compiled: Compiled): string {
  const lines: string[] = [];
  for (const { file, entries } of compiled.explain) {
    if (entries.length === 0) continue;
    lines.push(`${file}:`);
    for (const e of entries) {
      lines.push(`- \`${e.name}\` (${e.where})`);
      for (const step of e.chain) lines.push(`  - ${step}`);
    }
  }
  return lines.length > 0 ? lines.join("\n") : "No coroutines.";
}

/** TypeScript 6.0 (the root devDependency `typescript-6`, an npm alias), for the version matrix. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ts6 = require("typescript-6") as typeof import("typescript");

async function compileAndRun(c: Case, program: boolean, tsc?: typeof ts6): Promise<{ compiled: Compiled; run: string }> {
  const compiled = compileWithTsc(c.dir, c.files, { program, options: c.options, ...(tsc ? { ts: tsc } : {}) });
  if (compiled.error !== undefined) return { compiled, run: "not run: `input` did not compile." };
  if (compiled.diagnostics.some((d) => d.weft.severity === "error")) return { compiled, run: "not run: the compiler reported errors, so a build would fail." };
  const outDir = join(outRoot, tsc ? `tsc${tsc.versionMajorMinor}-program` : program ? "tsc-program" : "tsc-transpile", c.name);
  writeOutputs(outDir, compiled);
  const r = await runProgram(outDir, outName(c.files[0]!));
  const log = normalizeRun(r.log, outDir);
  const status = r.signal === "SIGKILL" ? "timed out" : r.signal !== null ? `killed by ${r.signal}` : `exit code ${r.code}`;
  return { compiled, run: `${log === "" ? "(no output)" : log}\n${status}` };
}

const cases = listCases();

describe("differential: the fixture corpus through @weft/tsc", () => {
  it("covers the corpus", () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  describe("transpile-only: the Babel plugin's analysis and run", () => {
    test.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const { compiled, run } = await compileAndRun(c, false);
      if (c.snapshot.compileError) {
        expect(compiled.error).toMatchObject({ code: "WEFT2001" });
        return;
      }
      expect(compiled.error).toBeUndefined();
      const diagnostics = compiled.diagnostics.map((d) => formatDiagnostic(d.weft, d.ts.file?.text)).join("\n\n") || "None.";
      expect({ blocking: blockingTable(compiled), diagnostics, run: run.startsWith("not run") ? "not run" : run }).toEqual({
        blocking: c.snapshot.blocking,
        diagnostics: c.snapshot.diagnostics,
        run: c.snapshot.run.startsWith("not run") ? "not run" : c.snapshot.run,
      });
    });
  });

  describe.each([
    ["with a Program: the same run", undefined],
    [`with a Program under TypeScript ${ts6.versionMajorMinor}: the same run`, ts6],
  ] as const)("%s", (_title, tsc) => {
    test.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
      const { compiled, run } = await compileAndRun(c, true, tsc);
      if (c.snapshot.compileError) {
        expect(compiled.error).toMatchObject({ code: "WEFT2001" });
        return;
      }
      expect(compiled.error).toBeUndefined();
      // The same problems reported (the checker may see more calls block, not fewer errors), but
      // for WEFT4003, a warning of compiling without types: with a checker, an interface's
      // receivers are the classes assignable to it, and the call it warns of is driven.
      const codes = compiled.diagnostics.map((d) => `${d.weft.code} at ${d.weft.span.start.line}:${d.weft.span.start.column + 1}`);
      const babelCodes = [...c.snapshot.diagnostics.matchAll(/:(\d+):(\d+) - (?:error|warning) (WEFT\d+)/g)]
        .filter((m) => m[3] !== "WEFT4003")
        .map((m) => `${m[3]} at ${m[1]}:${m[2]}`);
      expect(codes).toEqual(babelCodes);
      expect(run.startsWith("not run") ? "not run" : run).toBe(c.snapshot.run.startsWith("not run") ? "not run" : c.snapshot.run);
      // Types only ever add coroutines: every function Babel made one is one here.
      const coroutines = (table: string) => [...table.matchAll(/^- `(.*)` \((.*)\)$/gm)].map((m) => `${m[1]} (${m[2]})`);
      const ours = new Set(coroutines(blockingTable(compiled)));
      expect(coroutines(c.snapshot.blocking).filter((x) => !ours.has(x))).toEqual([]);
    }, 60_000);
  });
});
