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
// The compiled code need not be Babel's to the character, so it is not compared with Babel's; it
// is kept beside Babel's snapshot, in fixtures/<case>/snapshot.tsc.md:
//
//   ## output (transpile-only)                      every file of the case, as the transformer emits it
//   ## output (with a Program)                      the same, or "Same as transpile-only."
//   ## output (with a Program, TypeScript 6.0)      the same, or "Same as TypeScript 5.9."
//
// and each of the three tests compares its section. `UPDATE_FIXTURES=1` rewrites these files (after
// all tests ran); with `CI=true` a missing one fails instead of being written.
//
// A case whose `tsconfig.json` sets `experimentalDecorators` is compiled with it
// (test/fixture-decorators.ts), as the Babel side lowers its decorators with
// `@babel/plugin-proposal-decorators`' `legacy`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDiagnostic } from "@weft/core";
import { fixturesDir, listFixtureCases, normalizeRun, type FixtureCase } from "../../../test/fixture-corpus.js";
import { compileWithTsc, outName, repoRoot, runProgram, writeOutputs, type Compiled } from "./compile-with-tsc.js";

const UPDATE = process.env["UPDATE_FIXTURES"] === "1";
const CI = process.env["CI"] === "true";
const TSC_SNAPSHOT = "snapshot.tsc.md";
const outRoot = join(fixturesDir, ".out");

type Case = FixtureCase;

const listCases = (): Case[] => listFixtureCases(TSC_SNAPSHOT);

// ---- the output snapshot (snapshot.tsc.md)

type Mode = "transpile-only" | "with a Program" | "with a Program, TypeScript 6.0";
const MODES: readonly Mode[] = ["transpile-only", "with a Program", "with a Program, TypeScript 6.0"];
/** What a section says when its output is the previous section's. */
const SAME: Record<Mode, string> = {
  "transpile-only": "",
  "with a Program": "Same as transpile-only.",
  "with a Program, TypeScript 6.0": "Same as TypeScript 5.9.",
};

function fence(text: string, lang: string): string {
  const ticks = text.includes("```") ? "````" : "```";
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** Every file's emitted code, or the compile error, as the section's text. */
function outputText(compiled: Compiled, files: readonly string[]): string {
  if (compiled.error !== undefined) return `Compile error:\n\n${fence(compiled.error.message, "text")}`;
  return files.map((f) => `### ${f}\n\n${fence((compiled.outputs.get(f) ?? "").trimEnd(), "js")}`).join("\n\n");
}

/** The text under `## output (<mode>)` of a snapshot.tsc.md, with "Same as …" resolved. */
function expectedOutput(c: Case, mode: Mode): string | undefined {
  if (c.own === undefined) return undefined;
  const i = MODES.indexOf(mode);
  const start = c.own.indexOf(`\n## output (${mode})\n\n`);
  if (start < 0) return undefined;
  const body = c.own.slice(start + `\n## output (${mode})\n\n`.length);
  const end = body.search(/\n## output \(/);
  const text = (end < 0 ? body : body.slice(0, end)).replace(/\n+$/, "");
  return text === SAME[mode] && i > 0 ? expectedOutput(c, MODES[i - 1]!) : text;
}

/** Outputs seen in this run, per case and mode, written to snapshot.tsc.md after all tests. */
const seenOutputs = new Map<string, Map<Mode, string>>();

function checkOutput(c: Case, mode: Mode, compiled: Compiled): void {
  const text = outputText(compiled, c.files);
  if (!seenOutputs.has(c.name)) seenOutputs.set(c.name, new Map());
  seenOutputs.get(c.name)!.set(mode, text);
  const expected = expectedOutput(c, mode);
  if (UPDATE || (expected === undefined && !CI)) return;
  if (expected === undefined) throw new Error(`fixtures/${c.name}/${TSC_SNAPSHOT} has no output (${mode}); write it with UPDATE_FIXTURES=1`);
  expect(text).toBe(expected);
}

afterAll(() => {
  for (const c of cases) {
    const seen = seenOutputs.get(c.name);
    if (seen === undefined || MODES.some((m) => !seen.has(m))) continue;
    if (!UPDATE && c.own !== undefined) continue;
    const parts = [`# ${c.name} through @weft/tsc`, "The emitted JavaScript; Babel's is in snapshot.md."];
    MODES.forEach((mode, i) => {
      const text = seen.get(mode)!;
      parts.push(`## output (${mode})`, i > 0 && text === seen.get(MODES[i - 1]!) ? SAME[mode] : text);
    });
    const next = parts.join("\n\n") + "\n";
    if (next !== c.own) writeFileSync(join(c.dir, TSC_SNAPSHOT), next);
  }
});

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
  const compiled = compileWithTsc(c.dir, c.files, {
    program,
    options: c.options,
    ...(c.legacyDecorators ? { compilerOptions: { experimentalDecorators: true } } : {}),
    ...(tsc ? { ts: tsc } : {}),
  });
  if (compiled.error !== undefined) return { compiled, run: "not run: `input` did not compile." };
  if (compiled.diagnostics.some((d) => d.weft.severity === "error")) return { compiled, run: "not run: the compiler reported errors, so a build would fail." };
  const outDir = join(outRoot, tsc ? `tsc${tsc.versionMajorMinor}-program` : program ? "tsc-program" : "tsc-transpile", c.name);
  writeOutputs(outDir, compiled);
  const r = await runProgram(outDir, outName(c.files[0]!));
  const log = normalizeRun(r.log, outDir, repoRoot);
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
      checkOutput(c, "transpile-only", compiled);
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
      checkOutput(c, tsc ? "with a Program, TypeScript 6.0" : "with a Program", compiled);
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
