// Vite with `plugins: [weft()]` (README.md, "Vite"): `vite build` of a TypeScript program for
// Node (`build.ssr`) whose colour crosses three files and which talks over loopback sockets; the
// bundle runs. A file weft rejects fails `vite build` with weft's code frame.
import { asyncCaller, expectedOutput, tsProgram } from "./program.js";
import { bin, makeProject, type Project } from "./project.js";

jest.setTimeout(180_000);

const config = `import weft from "@weft/unplugin/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [weft()],
  build: { ssr: "src/main.ts", outDir: "dist", target: "node20" },
});
`;

let project: Project | undefined;
afterEach(() => project?.remove());

it("builds and runs a blocking program that spans files and sockets", () => {
  project = makeProject("vite", { "vite.config.ts": config, ...tsProgram() });
  const built = project.run(bin("vite"), ["build", "--logLevel", "warn"]);
  expect([built.code, built.stderr]).toEqual([0, ""]);
  const ran = project.node(["dist/main.js"]);
  expect([ran.code, ran.stdout, ran.stderr]).toEqual([0, expectedOutput, ""]);
});

it("fails the build with weft's diagnostic for a shape it rejects", () => {
  project = makeProject("vite-error", { "vite.config.ts": config, ...tsProgram(), "src/later.ts": asyncCaller });
  project.write({ "src/main.ts": `import { later } from "./later.js";\n${tsProgram()["src/main.ts"]}void later;\n` });
  const built = project.run(bin("vite"), ["build", "--logLevel", "warn"]);
  expect(built.code).not.toBe(0);
  const out = built.stdout + built.stderr;
  expect(out).toContain("WEFT1004");
  expect(out).toContain("src/later.ts:4:3");
  expect(out).toMatch(/4 \|\s+pause\(1\);/);
});
