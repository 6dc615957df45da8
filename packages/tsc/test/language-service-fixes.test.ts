// The spawn quick fix for WEFT1002 (src/service-spawn-fix.ts) on each shape it handles, and where
// it is not offered: the plugin over an in-process language service (the tsserver test,
// language-service.test.ts, drives the real tsserver with one of them). Each fix's edit must leave
// the file without any diagnostic, weft's or TypeScript's.
import { join } from "node:path";
import ts from "typescript";
import init from "../src/language-service.js";
import { repoRoot } from "./compile-with-tsc.js";

/** Files that are not on disk, beside the real node_modules (so "@weft/runtime" and Node's types resolve). */
const dir = join(repoRoot, "packages/tsc/test/virtual-project");

function decoratedService(files: Record<string, string>) {
  const texts = new Map(Object.entries(files).map(([name, text]) => [join(dir, name), text]));
  const versions = new Map<string, number>();
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, allowJs: true, noEmit: true, types: ["node"] }),
    getScriptFileNames: () => [...texts.keys()],
    getScriptVersion: (f) => String(versions.get(f) ?? 0),
    getScriptSnapshot: (f) => {
      const text = texts.get(f) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => texts.has(f) || ts.sys.fileExists(f),
    readFile: (f) => texts.get(f) ?? ts.sys.readFile(f),
    readDirectory: ts.sys.readDirectory,
    directoryExists: (d) => d.startsWith(dir) || ts.sys.directoryExists(d),
    getDirectories: ts.sys.getDirectories,
  };
  const logged: string[] = [];
  const info = {
    languageService: ts.createLanguageService(host),
    config: { name: "@weft/tsc/language-service" },
    project: { projectService: { logger: { info: (m: string) => logged.push(m) } }, getCurrentDirectory: () => dir, getProjectName: () => "virtual" },
  } as unknown as ts.server.PluginCreateInfo;
  const service = init({ typescript: ts }).create(info);
  const update = (name: string, text: string) => {
    const file = join(dir, name);
    texts.set(file, text);
    versions.set(file, (versions.get(file) ?? 0) + 1);
  };
  const diagnostics = (name: string) => service.getSemanticDiagnostics(join(dir, name));
  return { service, update, diagnostics, logged, path: (name: string) => join(dir, name) };
}

function apply(text: string, changes: readonly ts.TextChange[]): string {
  for (const c of [...changes].sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, c.span.start) + c.newText + text.slice(c.span.start + c.span.length);
  return text;
}

const pause = `import { sleep } from "@weft/runtime";
export function pause(ms: number): void {
  sleep(ms);
}
`;

const jobs = `export async function measured<T>(task: () => T): Promise<T> {
  return await task();
}
`;

interface Case {
  files: Record<string, string>;
  /** Each fix offered: its description and the text the file has after it. */
  fixes: Array<[string, string]>;
}

const cases: Record<string, Case> = {
  "a promise's then: the promise waits for the greenlet; `spawn` joins the runtime import": {
    files: {
      "pause.ts": pause,
      "main.ts": `import { sleep } from "@weft/runtime";
import { pause } from "./pause.js";
sleep(1);
Promise.resolve(2).then((v: number) => {
  pause(1);
  return v * 2;
});
`,
    },
    fixes: [
      [
        "Run the callback in a greenlet and let the promise wait for it: spawn(…).toPromise()",
        `import { sleep, spawn } from "@weft/runtime";
import { pause } from "./pause.js";
sleep(1);
Promise.resolve(2).then((v) => spawn((v: number) => {
  pause(1);
  return v * 2;
}, v).toPromise());
`,
      ],
    ],
  },
  "a timer given a function declared elsewhere in the file": {
    files: {
      "pause.ts": pause,
      "main.ts": `import { pause } from "./pause.js";

function tick(): void {
  pause(1);
}
setTimeout(tick, 5);
`,
    },
    fixes: [
      [
        "Run the callback in a greenlet: wrap it in spawn(…)",
        `import { pause } from "./pause.js";
import { spawn } from "@weft/runtime";

function tick(): void {
  pause(1);
}
setTimeout(() => spawn(tick), 5);
`,
      ],
    ],
  },
  "an import that calls it in an async function: both of the help's forms": {
    files: {
      "pause.ts": pause,
      "jobs.ts": jobs,
      "main.ts": `import { pause } from "./pause.js";
import { measured } from "./jobs.js";
function slow(): number {
  pause(1);
  return 42;
}
export const result = measured(slow);
`,
    },
    fixes: [
      [
        "Run it in a greenlet and hand `measured` a promise of its result: spawn(…).toPromise()",
        `import { pause } from "./pause.js";
import { measured } from "./jobs.js";
import { spawn } from "@weft/runtime";
function slow(): number {
  pause(1);
  return 42;
}
export const result = measured(() => spawn(slow).toPromise());
`,
      ],
      [
        "Run it in a greenlet, `measured` not waiting for it: wrap it in spawn(…)",
        `import { pause } from "./pause.js";
import { measured } from "./jobs.js";
import { spawn } from "@weft/runtime";
function slow(): number {
  pause(1);
  return 42;
}
export const result = measured(() => spawn(slow));
`,
      ],
    ],
  },
  "a listener in a CommonJS JavaScript file, which has a `spawn` of its own: a `require` under another name": {
    files: {
      "main.cjs": `const { sleep } = require("@weft/runtime");
const { EventEmitter } = require("node:events");
const spawn = "not the runtime's";
const bus = new EventEmitter();
bus.on("job", function (name, ms) {
  sleep(ms);
  console.log(name, spawn);
});
`,
    },
    fixes: [
      [
        "Run the listener in a greenlet: wrap it in spawn(…)",
        `const { spawn: weftSpawn } = require("@weft/runtime");
const { sleep } = require("@weft/runtime");
const { EventEmitter } = require("node:events");
const spawn = "not the runtime's";
const bus = new EventEmitter();
bus.on("job", (name, ms) => weftSpawn(function (name, ms) {
  sleep(ms);
  console.log(name, spawn);
}, name, ms));
`,
      ],
    ],
  },
};

describe("the spawn fix for WEFT1002", () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const file = Object.keys(c.files).at(-1)!;
      const { service, update, diagnostics, path } = decoratedService(c.files);
      const found = diagnostics(file);
      expect(found.map((d) => [d.source, d.code])).toEqual([["weft", 1002]]);
      const d = found[0]!;
      const fixes = service.getCodeFixesAtPosition(path(file), d.start!, d.start! + d.length!, [1002], {}, {}).filter((f) => f.fixName === "weftSpawnCallback");
      expect(fixes.map((f) => f.description)).toEqual(c.fixes.map(([description]) => description));
      fixes.forEach((fix, i) => {
        const fixed = apply(c.files[file]!, fix.changes[0]!.textChanges);
        expect(fixed).toBe(c.fixes[i]![1]);
        update(file, fixed);
        expect(diagnostics(file).map((x) => ts.flattenDiagnosticMessageText(x.messageText, "\n"))).toEqual([]);
        update(file, c.files[file]!);
      });
    });
  }

  it("is not offered where the callee uses the callback's result at once (a JSON.stringify replacer)", () => {
    const files = {
      "pause.ts": pause,
      "main.ts": `import { pause } from "./pause.js";
export const text = JSON.stringify({ a: 1 }, (key: string, value: unknown) => {
  pause(1);
  return value;
});
`,
    };
    const { service, diagnostics, path } = decoratedService(files);
    const [d] = diagnostics("main.ts");
    expect(d?.code).toBe(1002);
    expect(service.getCodeFixesAtPosition(path("main.ts"), d!.start!, d!.start! + d!.length!, [1002], {}, {}).filter((f) => f.fixName === "weftSpawnCallback")).toEqual([]);
  });
});

describe("the @blocking fix for WEFT3007 and WEFT3008", () => {
  const cases: Record<string, { base: string; main: string; code: number; description: string; marked: string }> = {
    "an implementation of an interface method (WEFT3008): the interface in its own file": {
      base: `export interface Task {
  /** Runs one step. */
  step(): void;
}
`,
      main: `import { sleep } from "@weft/runtime";
import type { Task } from "./base.js";
export class Sleeper implements Task {
  step(): void {
    sleep(1);
  }
}
`,
      code: 3008,
      description: "Mark `Task#step` as blocking: write /** @blocking */ before it in ./base.js",
      marked: `export interface Task {
  /** @blocking */
  /** Runs one step. */
  step(): void;
}
`,
    },
    "an override of a class method (WEFT3007)": {
      base: `export class Worker {
  work(): void {}
}
`,
      main: `import { sleep } from "@weft/runtime";
import { Worker } from "./base.js";
export class Sleeper extends Worker {
  work(): void {
    sleep(1);
  }
}
`,
      code: 3007,
      description: "Mark `Worker#work` as blocking: write /** @blocking */ before it in ./base.js",
      marked: `export class Worker {
  /** @blocking */
  work(): void {}
}
`,
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const { service, update, diagnostics, path } = decoratedService({ "base.ts": c.base, "main.ts": c.main });
      const found = diagnostics("main.ts");
      expect(found.map((d) => [d.source, d.code])).toEqual([["weft", c.code]]);
      const d = found[0]!;
      const fixes = service.getCodeFixesAtPosition(path("main.ts"), d.start!, d.start! + d.length!, [c.code], {}, {}).filter((f) => f.fixName === "weftMarkBlocking");
      expect(fixes.map((f) => [f.description, f.changes.map((ch) => ch.fileName)])).toEqual([[c.description, [path("base.ts")]]]);
      const marked = apply(c.base, fixes[0]!.changes[0]!.textChanges);
      expect(marked).toBe(c.marked);
      update("base.ts", marked);
      expect(diagnostics("main.ts").map((x) => ts.flattenDiagnosticMessageText(x.messageText, "\n"))).toEqual([]);
      expect(diagnostics("base.ts").map((x) => ts.flattenDiagnosticMessageText(x.messageText, "\n"))).toEqual([]);
    });
  }
});

describe("the hover", () => {
  it("follows a chain of calls in the file, step by step, and says nothing on a call weft leaves alone", () => {
    const main = `import { sleep } from "@weft/runtime";

/** Eats. */
function eat(): void {
  sleep(1);
}

export function main(): void {
  console.log("hungry");
  eat();
}
`;
    const { service, path } = decoratedService({ "app.ts": main });
    const at = (needle: string, shift: number) => main.indexOf(needle) + shift;
    const text = (q: ts.QuickInfo | undefined) => (q?.documentation ?? []).map((p) => p.text).join("");
    expect(text(service.getQuickInfoAtPosition(path("app.ts"), at("eat();", 1)))).toBe(
      "Eats.\n\nweft: this call may suspend the current greenlet: it calls `eat` (app.ts:10:3), which calls `sleep` (app.ts:5:3).",
    );
    expect(text(service.getQuickInfoAtPosition(path("app.ts"), at("main()", 1)))).toBe(
      "weft: `main` becomes a coroutine (it may suspend the greenlet that calls it): it calls `eat` (app.ts:10:3), which calls `sleep` (app.ts:5:3).",
    );
    // TypeScript's own documentation comes first.
    expect(text(service.getQuickInfoAtPosition(path("app.ts"), at("eat(): void", 1)))).toBe("Eats.\n\nweft: `eat` becomes a coroutine (it may suspend the greenlet that calls it): it calls `sleep` (app.ts:5:3).");
    expect(text(service.getQuickInfoAtPosition(path("app.ts"), at("log", 1)))).not.toContain("weft");
  });
});
