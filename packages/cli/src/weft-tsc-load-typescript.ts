/**
 * Loading the project's TypeScript (5.9, 6.x) for `weft-tsc`, with its compiled code cached.
 *
 * `tsc` loads `lib/_tsc.js` (the compiler, 6 MB); `weft-tsc` needs the API, `lib/typescript.js`
 * (9 MB, the language service too), and V8 takes ~250 ms to compile it on every start. `tsc`
 * asks Node to cache compiled code (`module.enableCompileCache()`, Node 22.1+); weft-tsc does the
 * same there, and on older Nodes keeps V8's code cache itself: the module is compiled with
 * `vm.Script` and `cachedData`, and after a build the cache (with every function the build
 * compiled) is written to the user's private cache folder (`private-cache.ts`: mode 0700, owner
 * checked, entries verified by hash and never written through a symlink), keyed by the file and
 * Node's version and checked against the hash of the source. Node's own cache goes to that
 * folder too, never to the shared temporary folder. Where no private folder can be had there
 * is no cache. `NODE_DISABLE_COMPILE_CACHE=1` turns it off, as for Node's. A cache V8 rejects
 * (another V8, a changed file) is rewritten; any error falls back to `require`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import vm from "node:vm";
import type * as TS from "typescript";
import { cacheKey, privateCacheDir, readCacheEntry, writeCacheEntry } from "./private-cache.js";

export interface LoadedTypeScript {
  ts: typeof TS;
  /** Writes the code cache when it is missing or was rejected; call after the build. */
  saveCache(): void;
}

export function loadTypeScript(dir: string): LoadedTypeScript {
  const require = nodeModule.createRequire(join(dir, "package.json"));
  const plain = (): LoadedTypeScript => ({ ts: require(dir) as typeof TS, saveCache: () => {} });
  if (process.env["NODE_DISABLE_COMPILE_CACHE"]) return plain();
  const cacheDir = privateCacheDir("compile");
  if (cacheDir === undefined) return plain();
  const enable = (nodeModule as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (typeof enable === "function") {
    enable(join(cacheDir, "node"));
    return plain();
  }
  let file: string;
  try {
    file = require.resolve(dir);
  } catch {
    return plain();
  }
  if (require.cache[file] !== undefined) return plain();
  try {
    const source = readFileSync(file, "utf8");
    const key = `typescript-${cacheKey(file, process.version, process.arch)}`;
    const check = createHash("sha256").update(source).digest("hex");
    const cachedData = readCacheEntry(cacheDir, key, check);
    const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename: file, ...(cachedData !== undefined ? { cachedData } : {}) });
    const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
    const mod = { exports: {} as unknown, id: file, filename: file, loaded: false };
    wrapper.call(mod.exports, mod.exports, nodeModule.createRequire(file), mod, file, dirname(file));
    mod.loaded = true;
    const ts = mod.exports as typeof TS;
    const stale = cachedData === undefined || script.cachedDataRejected === true;
    return {
      ts,
      saveCache() {
        if (!stale) return;
        // A cache that cannot be written only costs the next start its compile time.
        writeCacheEntry(cacheDir, key, check, script.createCachedData());
      },
    };
  } catch {
    return plain();
  }
}
