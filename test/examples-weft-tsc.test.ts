// The tutorial's programs in examples/ built with `weft-tsc` (they must build with it
// as they do with Babel), under each TypeScript weft supports, and run with Node: the explicit switches,
// the overlapping sleepers, and the echo server answering the echo client. A temporary project
// holds the tsconfig.json (the examples' own files, `outDir` in the temporary folder) and a
// `node_modules` whose `typescript` is the version under test.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(__dirname, "..");
const weftTsc = join(root, "packages/cli/bin/weft-tsc.js");

/** sleep(300) and sleep(400) overlap: about 400 ms. Generous for a loaded 2-core CI machine (as examples.test.ts). */
const OVERLAPPED_MIN_MS = 395;
const OVERLAPPED_MAX_MS = 650;
const SERVER_START_MS = 30_000;

const versions = [
  ["5.9", "typescript"],
  ["6.0", "typescript-6"],
  ["7.0", "typescript-7"],
] as const;

const run = (args: readonly string[], cwd: string) => {
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe.each(versions)("examples built with weft-tsc and TypeScript %s", (_name, pkg) => {
  let dir: string;
  let build: ReturnType<typeof run>;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "weft-tsc-examples-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(join(root, "node_modules", pkg), join(dir, "node_modules", "typescript"), "dir");
    for (const shared of ["@weft", "@types"]) symlinkSync(join(root, "node_modules", shared), join(dir, "node_modules", shared), "dir");
    writeFileSync(join(dir, "package.json"), `{ "type": "module" }\n`);
    const examples = join(root, "examples");
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "es2022", module: "nodenext", outDir: "dist", rootDir: examples, allowJs: true, sourceMap: true, strict: true, types: ["node"], skipLibCheck: true },
        // echo-server.js is the same program as echo-server.ts (it would be written to the same place).
        files: ["sleepers.ts", "echo-server.ts", "echo-client.ts", "greenlet-switch.js"].map((f) => join(examples, f)),
      }),
    );
    build = run([weftTsc, "-p", "tsconfig.json"], dir);
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("builds them without a diagnostic", () => {
    expect(build.stdout + build.stderr).toBe("");
    expect(build.code).toBe(0);
  });

  it("switches between greenlets explicitly: egon eat 1, play 1, eat 2, play 2", () => {
    const r = run([join(dir, "dist", "greenlet-switch.js")], dir);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("egon eat 1\negon play 1\negon eat 2\negon play 2\n");
  });

  it("runs eat and play concurrently: sleep(300) and sleep(400) take about 400 ms", () => {
    const r = run([join(dir, "dist", "sleepers.js")], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines.slice(0, 4)).toEqual(["egon eat 1", "egon play 1", "egon eat 2", "egon play 2"]);
    const took = Number(/took (\d+) ms/.exec(lines[4] ?? "")?.[1]);
    expect(took).toBeGreaterThanOrEqual(OVERLAPPED_MIN_MS);
    expect(took).toBeLessThan(OVERLAPPED_MAX_MS);
    expect(lines[5]).toMatch(/^10000 greenlets slept up to 99 ms each, in \d+ ms$/);
  });

  it("serves the echo client from the echo server", async () => {
    const server = spawn(process.execPath, [join(dir, "dist", "echo-server.js"), "0"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
      let out = "";
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the server printed no port: ${out}`)), SERVER_START_MS);
        server.stdout.setEncoding("utf8").on("data", (s: string) => {
          out += s;
          const m = /^echo server listening on 127\.0\.0\.1:(\d+)$/m.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        server.once("exit", () => reject(new Error(`the server exited: ${out}`)));
      });
      const client = run([join(dir, "dist", "echo-client.js"), String(port), "--clients", "20", "--rounds", "3"], dir);
      expect(client.stdout).toMatch(/^20 clients, 60 round trips succeeded, 0 failed in \d+ ms$/m);
      expect(client.code).toBe(0);
    } finally {
      server.kill("SIGKILL");
    }
  }, SERVER_START_MS + 30_000);
});
