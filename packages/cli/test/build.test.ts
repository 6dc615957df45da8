// `weft build` end to end: a source tree in a temporary project, built by the `weft` command.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { makeProject, node, weft, type Project } from "./project.js";

// Each test starts real processes (node, Babel, sometimes jest): slow on a loaded 2-core machine.
jest.setTimeout(60_000);

let project: Project | undefined;
afterEach(() => {
  project?.remove();
  project = undefined;
});

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? listFiles(root, full) : [relative(root, full).split("\\").join("/")];
    })
    .sort();
}

interface RawMap {
  version: number;
  file: string;
  sources: string[];
  mappings: string;
}

describe("weft build", () => {
  it("compiles a tree into .js, .mjs and .cjs files with maps, and copies nothing else", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "src/a.ts": `export const a: number = 1;\n`,
      "src/lib/b.mts": `export const b: string = "b";\n`,
      "src/lib/c.cts": `export const c = 3;\n`,
      "src/d.js": `export const d = 4;\n`,
      "src/e.mjs": `export const e = 5;\n`,
      "src/f.cjs": `exports.f = 6;\n`,
      "src/g.tsx": `export const g: number = 7;\n`,
      "src/types.d.ts": `export type T = number;\n`,
      "src/data.json": `{}\n`,
      "src/README.md": `# not code\n`,
    });
    const r = weft(["build", "src", "--out-dir", "out"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("weft build: wrote 7 of 7 files to out\n");
    expect(listFiles(project.path("out"))).toEqual([
      "a.js", "a.js.map", "d.js", "d.js.map", "e.mjs", "e.mjs.map", "f.cjs", "f.cjs.map", "g.js", "g.js.map",
      "lib/b.mjs", "lib/b.mjs.map", "lib/c.cjs", "lib/c.cjs.map",
    ]);
    expect(readFileSync(project.path("out/a.js"), "utf8")).toBe("export const a = 1;\n//# sourceMappingURL=a.js.map\n");
    // A `.cts` file is CommonJS: its exports become `exports.c`.
    expect(readFileSync(project.path("out/lib/c.cjs"), "utf8")).toMatch(/exports\.c = /);
  });

  it("rewrites relative `.ts` specifiers to `.js`, so the output runs with plain node", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "src/main.ts": `import { greet } from "./lib/greet.ts";\nimport { shout } from "./lib/shout.js";\nconsole.log(shout(greet("built")));\n`,
      "src/lib/greet.ts": `export const greet = (name: string): string => \`hello \${name}\`;\n`,
      "src/lib/shout.ts": `export const shout = (s: string): string => s.toUpperCase();\n`,
    });
    expect(weft(["build", "src", "--out-dir", "dist"], project.dir).code).toBe(0);
    expect(readFileSync(project.path("dist/main.js"), "utf8")).toContain(`from "./lib/greet.js"`);
    const r = node(["dist/main.js"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("HELLO BUILT\n");
  });

  it("writes source maps that lead stack traces back to the sources", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "src/fail.ts": `interface Unused {\n  x: number;\n}\ntype Also = Unused;\nthrow new Error("from the build");\n`,
    });
    expect(weft(["build", "src", "--out-dir", "dist"], project.dir).code).toBe(0);
    const map = JSON.parse(readFileSync(project.path("dist/fail.js.map"), "utf8")) as RawMap;
    expect(map).toMatchObject({ version: 3, file: "fail.js", sources: ["../src/fail.ts"] });
    expect(map.mappings).not.toBe("");
    const r = node(["--enable-source-maps", "dist/fail.js"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${project.path("src", "fail.ts")}:5:7`);
  });

  it("compiles synchronous-style code into coroutines that run under plain node", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "src/main.ts": `import { sleep, spawn, joinAll } from "@weft/runtime";\nfunction nap(ms: number): number {\n  sleep(ms);\n  return ms;\n}\nconst gs = [spawn(nap, 20), spawn(nap, 10)];\njoinAll(gs);\nconsole.log(gs.map((g) => g.value).join(" "));\n`,
    });
    expect(weft(["build", "src/main.ts", "--out-dir", "dist"], project.dir).code).toBe(0);
    expect(readFileSync(project.path("dist/main.js"), "utf8")).toContain("function*");
    const r = node(["dist/main.js"], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("20 10\n");
  });

  it("reports every diagnostic, writes only the files that compiled, and exits 1", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "src/good.ts": `export const ok = true;\n`,
      "src/syntax.ts": `const x = (;\n`,
      "src/ctor.ts": `import { sleep } from "@weft/runtime";\nexport class C {\n  constructor() {\n    sleep(1);\n  }\n}\n`,
    });
    const r = weft(["build", "src", "--out-dir", "dist"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("src/syntax.ts:1:12 - error: Unexpected token");
    expect(r.stderr).toContain("src/ctor.ts:4:5 - error WEFT1001:");
    expect(r.stderr).toContain("Found 2 errors in 2 files.\n");
    expect(r.stdout).toBe("weft build: wrote 1 of 3 files to dist\n");
    expect(listFiles(project.path("dist"))).toEqual(["good.js", "good.js.map"]);
  });

  it("builds a single file, and leaves its own output folder alone when it is inside SRC", () => {
    project = makeProject({ "package.json": `{}\n`, "one.ts": `console.log(1 as number);\n` });
    expect(weft(["build", "one.ts", "--out-dir", "dist"], project.dir).code).toBe(0);
    expect(listFiles(project.path("dist"))).toEqual(["one.js", "one.js.map"]);
    expect(weft(["build", ".", "--out-dir", "dist"], project.dir).code).toBe(0);
    expect(weft(["build", ".", "--out-dir", "dist"], project.dir).code).toBe(0);
    expect(listFiles(project.path("dist"))).toEqual(["one.js", "one.js.map"]);
    expect(existsSync(project.path("dist/dist"))).toBe(false);
  });

  it("is a usage error without `--out-dir` or SRC", () => {
    project = makeProject({ "package.json": `{}\n` });
    const noOut = weft(["build", "src"], project.dir);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toMatch(/^weft: `weft build` needs `--out-dir DIR`\n\nUsage: weft/);
    expect(weft(["build", "--out-dir", "dist"], project.dir).code).toBe(2);
    const missing = weft(["build", "nowhere", "--out-dir", "dist"], project.dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^weft build: cannot read `nowhere`/);
  });

  it("refuses to write over a source file, as tsc does, and writes nothing", () => {
    const a = `export const a = 1;\n`;
    const b = `// hand-written\nexport const b = 2;\n`;
    project = makeProject({ "package.json": `{ "type": "module" }\n`, "src/a.js": a, "src/b.js": b, "src/b.ts": `export const b: number = 3;\n` });
    const r = weft(["build", "src", "--out-dir", "src"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("weft build: cannot write `src/a.js`: it would overwrite a source file (compiled from `src/a.js`). Choose an `--out-dir` outside the sources.\n");
    expect(r.stdout).toBe("");
    expect(readFileSync(project.path("src/a.js"), "utf8")).toBe(a);
    expect(readFileSync(project.path("src/b.js"), "utf8")).toBe(b);
    expect(listFiles(project.path("src"))).toEqual(["a.js", "b.js", "b.ts"]);
  });

  it("refuses two sources that would write the same output", () => {
    project = makeProject({ "package.json": `{ "type": "module" }\n`, "src/b.js": `export const b = 2;\n`, "src/b.ts": `export const b: number = 3;\n` });
    const r = weft(["build", "src", "--out-dir", "dist"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("weft build: cannot write `dist/b.js`: both `src/b.js` and `src/b.ts` would be compiled to it. Rename one of them.\n");
    expect(existsSync(project.path("dist"))).toBe(false);
  });

  it("says in one line that `--out-dir` is not a folder", () => {
    project = makeProject({ "package.json": `{}\n`, "one.ts": `console.log(1);\n`, "taken": `a file\n` });
    const r = weft(["build", "one.ts", "--out-dir", "taken"], project.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("weft build: `--out-dir taken` is not a folder.\n");
  });

  it("lowers decorators as the project's tsconfig asks, and the built program runs them", () => {
    project = makeProject({
      "package.json": `{ "type": "module" }\n`,
      "tsconfig.json": `{ "compilerOptions": { "experimentalDecorators": true } }\n`,
      "src/main.ts": `import { sleep } from "@weft/runtime";
function logged(_target: object, key: string, descriptor: PropertyDescriptor) {
  const method = descriptor.value;
  descriptor.value = function (this: unknown, ...args: unknown[]) { console.log("->", key); return method.apply(this, args); };
}
class Greeter {
  @logged greet(name: string) { return "hello " + name; }
  slowly(name: string) { sleep(1); return this.greet(name); }
}
console.log(new Greeter().slowly("ada"));
`,
    });
    const build = weft(["build", "src", "--out-dir", "dist"], project.dir);
    expect(build.code).toBe(0);
    expect(readFileSync(project.path("dist", "main.js"), "utf8")).toContain("_applyDecoratedDescriptor");
    const r = node([project.path("dist", "main.js")], project.dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("-> greet\nhello ada\n");
  });
});
