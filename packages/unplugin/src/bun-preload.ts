/**
 * `@weft/unplugin/bun-preload`: weft in Bun's runtime, for `bun test` and `bun run`, as a preload
 * (bunfig.toml: `[test] preload = ["@weft/unplugin/bun-preload"]`, or `preload = [...]` at the top
 * for `bun run`). It registers a runtime plugin (`Bun.plugin`) whose `onLoad` puts each source file
 * through the same transform as the bundlers' plugin (transform.ts), with `testRunner: "bun"`: a
 * test body or hook that may block, handed to `it`/`test`/`beforeEach`/`afterEach`/`beforeAll`/
 * `afterAll` imported from `"bun:test"` or global, runs as a greenlet `bun test` waits for.
 *
 * unplugin's own Bun adapter (`@weft/unplugin/bun`) is for `Bun.build`: it reads the build's
 * configuration, which a runtime plugin does not have, so the runtime gets this one.
 */
import { readFileSync } from "node:fs";
import { resolveOptions } from "./options.js";
import { transformWeft } from "./transform.js";

/** The part of Bun's runtime plugin API this uses (Bun's own types are not a dependency). */
interface BunRuntime {
  plugin(plugin: {
    name: string;
    setup(build: { onLoad(options: { filter: RegExp }, callback: (args: { path: string }) => { contents: string; loader: string }): void }): void;
  }): void;
}

const LOADERS: Record<string, string> = { ts: "ts", mts: "ts", cts: "ts", tsx: "tsx", js: "js", mjs: "js", cjs: "js", jsx: "jsx" };

const bun = (globalThis as { Bun?: BunRuntime }).Bun;
if (bun === undefined) throw new Error("@weft/unplugin/bun-preload: this is a preload for Bun (bunfig.toml `preload`); under Node use `weft run` or a bundler's plugin.");

const options = resolveOptions({ testRunner: "bun" });
bun.plugin({
  name: "weft",
  setup(build) {
    build.onLoad({ filter: /\.(?:[cm]?[jt]s|[jt]sx)$/ }, ({ path }) => {
      const code = readFileSync(path, "utf8");
      const loader = LOADERS[/\.(\w+)$/.exec(path)![1]!]!;
      if (path.endsWith(".d.ts")) return { contents: code, loader };
      const out = transformWeft(code, path, options);
      // Bun reads an inline map: stack traces name the lines of the source.
      const contents = out === null ? code : `${out.code}\n//# sourceMappingURL=${out.map.toUrl()}\n`;
      return { contents, loader };
    });
  },
});
