// `weft-tsc -p tsconfig.json` under each TypeScript weft supports (packages/tsc/README.md): 5.9 (the
// repository's `typescript`), 6.0 and 7.0 (the root devDependencies `typescript-6` and
// `typescript-7`, npm aliases). Each case is a small project in a temporary folder whose
// `node_modules/typescript` is one of them, so weft-tsc must find the project's TypeScript, not its
// own. The project builds, and its synchronous-style program runs with Node.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "./project.js";

const weftTscBin = join(repoRoot, "packages", "cli", "bin", "weft-tsc.js");

const versions = [
  { name: "5.9", pkg: "typescript", major: 5, inProcess: true },
  { name: "6.0", pkg: "typescript-6", major: 6, inProcess: true },
  { name: "7.0", pkg: "typescript-7", major: 7, inProcess: false },
] as const;

const tsconfig = JSON.stringify({
    compilerOptions: { target: "es2022", module: "nodenext", outDir: "dist", rootDir: "src", sourceMap: true, strict: true, types: ["node"], skipLibCheck: true },
    include: ["src"],
  });

/** A sync-style program over two modules: a worker loop that sleeps, a spawned greenlet, a join. */
const workers = {
  "src/work.ts": `import { sleep } from "@weft/runtime";
export function work(name: string, n: number): void {
  for (let i = 0; i < n; i++) {
    sleep(1);
    console.log(name, i);
  }
}
`,
  "src/main.ts": `import { spawn } from "@weft/runtime";
import { work } from "./work.js";

const g = spawn(() => work("b", 2));
work("a", 2);
g.join();
console.log("done");
`,
};

/** The error thrown after a yield point: its stack must name the .ts line (source maps chained). */
const failing = {
  "src/main.ts": `import { sleep } from "@weft/runtime";

function fail(): never {
  sleep(1);
  throw new Error("boom");
}
fail();
`,
};

/** A program only the type checker makes work: `drain(s: Source)` blocks through an interface receiver. */
const interfaceReceiver = {
  "src/source.ts": `export interface Source {\n  read(): string;\n}\n`,
  "src/queue-source.ts": `import type { Queue } from "@weft/runtime";
import type { Source } from "./source.js";
export class QueueSource implements Source {
  constructor(private q: Queue<string>) {}
  read(): string {
    return this.q.get();
  }
}
`,
  "src/drain.ts": `import type { Source } from "./source.js";
export function drain(s: Source, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(s.read());
  return out;
}
`,
  "src/main.ts": `import { Queue, spawn } from "@weft/runtime";
import { drain } from "./drain.js";
import { QueueSource } from "./queue-source.js";

const q = new Queue<string>();
spawn(() => {
  q.put("a");
  q.put("b");
});
console.log(drain(new QueueSource(q), 2).join(","));
`,
};

/** A method decorator, standard (TypeScript 5's default) or legacy (`experimentalDecorators`). */
const loggedStandard = `export function logged(method: any, context: ClassMethodDecoratorContext) {
  return function (this: unknown, ...args: unknown[]) { console.log("->", String(context.name)); return method.apply(this, args); };
}
`;
const loggedLegacy = `export function logged(_target: object, key: string, descriptor: PropertyDescriptor) {
  const method = descriptor.value;
  descriptor.value = function (this: unknown, ...args: unknown[]) { console.log("->", key); return method.apply(this, args); };
}
`;
/** A decorated method that does not block, called from one that does, at a blocking top level. */
const decorated = (logged: string, blockingDecorated = false) => ({
  "src/logged.ts": logged,
  "src/main.ts": `import { sleep } from "@weft/runtime";
import { logged } from "./logged.js";
class Greeter {
  ${blockingDecorated ? "" : "@logged "}greet(name: string) {
    return "hello " + name;
  }
  ${blockingDecorated ? "@logged " : ""}slowly(name: string) {
    sleep(1);
    return this.greet(name);
  }
}
console.log(new Greeter().slowly("ada"));
`,
});
const withExperimentalDecorators = JSON.stringify({ ...JSON.parse(tsconfig), compilerOptions: { ...JSON.parse(tsconfig).compilerOptions, experimentalDecorators: true } });

interface Project {
  dir: string;
  remove(): void;
}

function makeProject(pkg: string, files: Record<string, string>): Project {
  const dir = mkdtempSync(join(tmpdir(), "weft-tsc-test-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(repoRoot, "node_modules", pkg), join(dir, "node_modules", "typescript"), "dir");
  for (const shared of ["@weft", "@types"]) symlinkSync(join(repoRoot, "node_modules", shared), join(dir, "node_modules", shared), "dir");
  for (const [name, text] of Object.entries({ "package.json": `{ "type": "module" }\n`, "tsconfig.json": tsconfig, ...files })) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const run = (args: readonly string[], cwd: string) => {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const weftTsc = (args: readonly string[], cwd: string) => run([weftTscBin, ...args], cwd);

describe("weft-tsc with a broken typescript package", () => {
  /** A project whose node_modules/typescript is the given files instead of TypeScript. */
  const broken = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "weft-tsc-broken-"));
    for (const [name, text] of Object.entries({ "package.json": `{ "type": "module" }\n`, "tsconfig.json": tsconfig, ...workers, ...files })) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return dir;
  };

  it.each([
    ["a package.json that is not JSON", { "node_modules/typescript/package.json": "{ garbage" }, /package\.json/],
    ["a compiler that does not parse", { "node_modules/typescript/package.json": `{ "version": "5.9.3", "main": "lib/typescript.js" }\n`, "node_modules/typescript/lib/typescript.js": "exports.x = (;\n" }, /does not load/],
    ["a module that is no compiler", { "node_modules/typescript/package.json": `{ "version": "5.9.3", "main": "lib/typescript.js" }\n`, "node_modules/typescript/lib/typescript.js": "exports.x = 1;\n" }, /is no TypeScript compiler/],
  ])("says so in one line and exits 1: %s", (_what, files, reason) => {
    const dir = broken(files);
    try {
      const build = weftTsc(["-p", "tsconfig.json"], dir);
      expect(build.code).toBe(1);
      expect(build.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(build.stderr).toMatch(/^weft-tsc: cannot load `typescript`: /);
      expect(build.stderr).toMatch(reason);
      expect(build.stderr).toContain("reinstall it: npm install -D typescript");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(versions)("weft-tsc with TypeScript $name", ({ pkg, major, inProcess }) => {
  let project: Project | undefined;
  afterEach(() => project?.remove());

  it("uses the project's own TypeScript", () => {
    project = makeProject(pkg, {});
    const version = JSON.parse(readFileSync(join(repoRoot, "node_modules", pkg, "package.json"), "utf8")).version as string;
    expect(version.startsWith(`${major}.`)).toBe(true);
    expect(weftTsc(["--version"], project.dir).stdout).toContain(`TypeScript ${version}`);
  });

  it("builds a tsconfig.json project whose synchronous-style program runs", () => {
    project = makeProject(pkg, workers);
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
    expect(existsSync(join(project.dir, "dist", "work.js.map"))).toBe(true);
    const program = run([join(project.dir, "dist", "main.js")], project.dir);
    expect(program.stderr).toBe("");
    expect(program.stdout).toBe("a 0\nb 0\na 1\nb 1\ndone\n");
  });

  it("chains source maps, so a stack trace names the .ts line", () => {
    project = makeProject(pkg, failing);
    expect(weftTsc(["-p", "."], project.dir).code).toBe(0);
    const program = run(["--enable-source-maps", join(project.dir, "dist", "main.js")], project.dir);
    expect(program.code).not.toBe(0);
    expect(program.stderr).toContain("boom");
    expect(program.stderr).toMatch(/src\/main\.ts:5:\d+/);
  });

  it("reports a type error as tsc does, emits, and exits with 2", () => {
    project = makeProject(pkg, { ...workers, "src/bad.ts": `export const n: number = "x";\n` });
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    expect(build.stdout).toContain("src/bad.ts(1,14): error TS2322");
    expect(build.code).toBe(2);
    expect(existsSync(join(project.dir, "dist", "main.js"))).toBe(true);
  });

  it("exits with 1 and writes nothing under noEmitOnError", () => {
    project = makeProject(pkg, { ...workers, "src/bad.ts": `export const n: number = "x";\n` });
    const build = weftTsc(["-p", "tsconfig.json", "--noEmitOnError"], project.dir);
    expect(build.code).toBe(1);
    expect(existsSync(join(project.dir, "dist"))).toBe(false);
  });

  it("reports weft's diagnostics with their code and the .ts position", () => {
    project = makeProject(pkg, {
      "src/main.ts": `import { sleep } from "@weft/runtime";
export class K {
  constructor() {
    sleep(1);
  }
}
`,
    });
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    const output = build.stdout + build.stderr;
    expect(output).toContain("WEFT1001");
    // In-process it is a ts.Diagnostic (tsc's format); on 7 the Babel pass's, mapped to the source.
    expect(output).toMatch(inProcess ? /src\/main\.ts\(4,5\): error TS1001: WEFT1001:/ : /src\/main\.ts:4:5 - error WEFT1001:/);
    expect(build.code).toBe(2);
  });

  it("passes tsc's options through: --outDir, and -p naming a folder", () => {
    project = makeProject(pkg, workers);
    const build = weftTsc(["--project", ".", "--outDir", "out"], project.dir);
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
    expect(existsSync(join(project.dir, "dist"))).toBe(false);
    expect(run([join(project.dir, "out", "main.js")], project.dir).stdout).toBe("a 0\nb 0\na 1\nb 1\ndone\n");
  });

  it.each([
    ["standard decorators", loggedStandard, {}],
    ["experimentalDecorators", loggedLegacy, { "tsconfig.json": withExperimentalDecorators }],
  ])("builds a program with %s, whose calls all go through the decorator", (_title, logged, config) => {
    project = makeProject(pkg, { ...decorated(logged), ...config });
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
    const program = run([join(project.dir, "dist", "main.js")], project.dir);
    expect(program.stderr).toBe("");
    expect(program.stdout).toBe("-> greet\nhello ada\n");
  });

  it.each([
    ["standard decorators", loggedStandard, {}],
    ["experimentalDecorators", loggedLegacy, { "tsconfig.json": withExperimentalDecorators }],
  ])("reports WEFT3004 for a method that may block decorated with %s", (_title, logged, config) => {
    project = makeProject(pkg, { ...decorated(logged, true), ...config });
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    const output = build.stdout + build.stderr;
    // In-process a ts.Diagnostic (tsc's format); on 7 the source's own check (weft-tsc-native.ts).
    expect(output).toMatch(inProcess ? /src\/main\.ts\(7,3\): error TS3004: WEFT3004: `Greeter#slowly` may block/ : /src\/main\.ts:7:3 - error WEFT3004: `Greeter#slowly` may block/);
    expect(build.code).toBe(2);
  });

  it("reports WEFT3006 for a parameter decorator, as the Babel path does", () => {
    project = makeProject(pkg, {
      "tsconfig.json": withExperimentalDecorators,
      "src/main.ts": `function Inject(token: string) { return (_t: object, _k: unknown, i: number) => console.log("inject", token, i); }
class Service {
  constructor(@Inject("db") public db: string) {}
}
console.log(new Service("x").db);
`,
    });
    const build = weftTsc(["-p", "tsconfig.json"], project.dir);
    const output = build.stdout + build.stderr;
    expect(output).toMatch(inProcess ? /src\/main\.ts\(3,3\): error TS3006: WEFT3006: Parameter 1 of `Service#constructor`/ : /src\/main\.ts:3:3 - error WEFT3006: Parameter 1 of `Service#constructor`/);
    expect(build.code).toBe(2);
  });

  if (!inProcess) {
    it("refuses decorators it cannot check: tsc 7 wrote no source map to find the .ts source by", () => {
      const noMaps = JSON.stringify({ ...JSON.parse(tsconfig), compilerOptions: { ...JSON.parse(tsconfig).compilerOptions, sourceMap: false } });
      project = makeProject(pkg, { ...decorated(loggedStandard), "tsconfig.json": noMaps });
      const build = weftTsc(["-p", "tsconfig.json"], project.dir);
      expect(build.stderr).toContain("weft checks decorators in the `.ts` sources, which it finds through source maps, and tsc wrote none for `dist/main.js`");
      expect(build.stderr).toContain('help: set `"sourceMap": true`');
      expect(build.code).toBe(2);
      // No JavaScript that looks built, which would run the decorators unchecked.
      expect(existsSync(join(project.dir, "dist", "main.js"))).toBe(false);
    });
  }

  it("refuses --watch with a clear error", () => {
    project = makeProject(pkg, workers);
    const build = weftTsc(["-p", ".", "--watch"], project.dir);
    expect(build.code).toBe(1);
    expect(build.stderr).toContain("`--watch` is not supported");
  });

  if (inProcess) {
    it("refuses a blocking implementation of an interface of another module that does not say it may block (WEFT3008), as Babel does", () => {
      project = makeProject(pkg, interfaceReceiver);
      const build = weftTsc(["-p", "tsconfig.json"], project.dir);
      expect(build.code).toBe(2);
      expect(build.stdout).toContain("WEFT3008");
      expect(build.stdout).toContain("/** @blocking */");
    });

    it("drives calls through an interface of another module marked `@blocking` (its implementation in a third)", () => {
      const marked = { ...interfaceReceiver, "src/source.ts": `export interface Source {\n  /** @blocking */\n  read(): string;\n}\n` };
      project = makeProject(pkg, marked);
      expect(weftTsc(["-p", "tsconfig.json"], project.dir).code).toBe(0);
      const program = run([join(project.dir, "dist", "main.js")], project.dir);
      expect(program.stderr).toBe("");
      expect(program.stdout).toBe("a,b\n");
    });

    it("builds CommonJS output (`nodenext` in a package without `type`)", () => {
      project = makeProject(pkg, { ...workers, "package.json": "{}\n" });
      expect(weftTsc(["-p", "tsconfig.json"], project.dir).code).toBe(0);
      expect(run([join(project.dir, "dist", "main.js")], project.dir).stdout).toBe("a 0\nb 0\na 1\nb 1\ndone\n");
    });

    it("still reports weft's diagnostics under --noEmit", () => {
      project = makeProject(pkg, { "src/main.ts": `import { sleep } from "@weft/runtime";\nexport class K {\n  constructor() {\n    sleep(1);\n  }\n}\n` });
      const build = weftTsc(["-p", "tsconfig.json", "--noEmit"], project.dir);
      expect(build.stdout).toContain("WEFT1001");
      expect(existsSync(join(project.dir, "dist"))).toBe(false);
    });
  } else {
    it("loses type-directed resolution: a call through an interface receiver fails loudly at run time", () => {
      project = makeProject(pkg, interfaceReceiver);
      expect(weftTsc(["-p", "tsconfig.json"], project.dir).code).toBe(0);
      const program = run([join(project.dir, "dist", "main.js")], project.dir);
      expect(program.stderr).toContain("ERR_WEFT_NOT_DRIVEN");
      expect(program.stdout).toBe("");
    });

    it("refuses CommonJS output, which the Babel pass cannot see into, with a fix", () => {
      project = makeProject(pkg, { ...workers, "package.json": "{}\n" });
      const build = weftTsc(["-p", "tsconfig.json"], project.dir);
      expect(build.code).toBe(2);
      expect(build.stderr).toContain("weft needs ES module output");
      // tsc's CommonJS output, which would fail at run time, is not left behind.
      expect(existsSync(join(project.dir, "dist", "main.js"))).toBe(false);
      expect(existsSync(join(project.dir, "dist", "main.js.map"))).toBe(false);
    });
  }
});
