// What each package ships, as `npm pack` would pack it (a dry run: nothing is written): its
// README and the license its package.json names, and every file its `files` lists. A package
// whose `files` names a README that is not there packs without one, silently.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

const root = join(__dirname, "..");
const packages = ["runtime", "core", "babel-plugin", "tsc", "unplugin", "cli"];

describe.each(packages)("@weft/%s as packed", (name) => {
  const dir = join(root, "packages", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files: string[]; license: string };
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8" })) as Array<{ files: Array<{ path: string }> }>;
  const files = packed[0]!.files.map((f) => f.path);

  it("ships its README and its LICENSE (MIT)", () => {
    expect(files).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]));
    expect(manifest.license).toBe("MIT");
    expect(readFileSync(join(dir, "LICENSE"), "utf8")).toBe(readFileSync(join(root, "LICENSE"), "utf8"));
  });

  it("ships the sources its source maps name (stack traces and debuggers open files that exist)", () => {
    const shipped = new Set(files);
    const maps = files.filter((f) => f.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(0);
    const missing = maps.flatMap((m) => {
      const { sources } = JSON.parse(readFileSync(join(dir, m), "utf8")) as { sources: string[] };
      return sources.map((s) => posix.normalize(posix.join(posix.dirname(m), s))).filter((s) => !shipped.has(s));
    });
    expect(missing).toEqual([]);
  });

  it("declares @types/node (an optional peer) when its declarations use Node's types", () => {
    // In the declarations themselves, not in their comments (which may quote `from "node:fs"`).
    const withoutComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/(?!\/ <reference).*$/gm, "");
    const usesNode = files.some((f) => f.endsWith(".d.ts") && /\bBuffer\b|\bNodeJS\.|reference types="node"|from "node:/.test(withoutComments(readFileSync(join(dir, f), "utf8"))));
    const peers = (manifest as { peerDependencies?: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> });
    if (usesNode) {
      expect(peers.peerDependencies?.["@types/node"]).toBeDefined();
      expect(peers.peerDependenciesMeta?.["@types/node"]?.optional).toBe(true);
    }
  });

  it("has every file its `files` names", () => {
    for (const entry of manifest.files) expect([entry, existsSync(join(dir, entry))]).toEqual([entry, true]);
  });
});

describe("@weft/tsc/language-service as tsserver finds it", () => {
  // tsserver resolves a plugin's name without package.json `exports` (Node10 resolution), then
  // `require()`s it: the folder `language-service/` must be packed, with its CommonJS entry.
  it("is packed as a folder whose package.json points to a CommonJS entry, which `require()` loads", () => {
    const dir = join(root, "packages", "tsc");
    const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: dir, encoding: "utf8" })) as Array<{ files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["language-service/package.json", "language-service/index.js", "dist/language-service.js"]));
    const entry = JSON.parse(readFileSync(join(dir, "language-service/package.json"), "utf8")) as { type: string; main: string };
    expect(entry).toEqual({ type: "commonjs", main: "./index.js" });
    const loaded = execFileSync(process.execPath, ["-e", `const init = require(${JSON.stringify(join(dir, "language-service"))}); process.stdout.write(typeof init + " " + typeof init({ typescript: require("typescript") }).create)`], { cwd: root, encoding: "utf8" });
    expect(loaded).toBe("function function");
  });
});
