/**
 * What `patch` makes cooperative: Node's blocking functions that weft's compiler turns into yield
 * points when a program is compiled with the option `patch` (the compile-time counterpart of
 * gevent's `monkey.patch_all()`, https://www.gevent.org/api/gevent.monkey.html).
 *
 * The compiler reads this table (through `@weft/runtime/catalogue`); `@weft/runtime/patch`
 * gives each listed function a driven face (`fn[co]`) that runs the asynchronous counterpart and
 * suspends only the calling greenlet, with the synchronous function's results and errors. The
 * function itself is left as it is: its plain face is Node's genuine synchronous call.
 */

/** The modules `patch` covers, as `patch: ["fs", …]` and `--patch=fs,…` name them. */
export type PatchModule = "fs" | "child_process" | "zlib" | "crypto";

export const PATCH_MODULES: readonly PatchModule[] = ["fs", "child_process", "zlib", "crypto"];

export interface PatchableFunction {
  readonly module: PatchModule;
  readonly name: string;
  /**
   * The call blocks only when it passes no argument at this index: `randomBytes(size)` blocks,
   * `randomBytes(size, callback)` does not.
   */
  readonly unlessArg?: number;
}

const FS_SYNC = [
  "accessSync", "appendFileSync", "chmodSync", "chownSync", "closeSync", "copyFileSync", "cpSync",
  "existsSync", "fchmodSync", "fchownSync", "fdatasyncSync", "fstatSync", "fsyncSync",
  "ftruncateSync", "futimesSync", "lchownSync", "linkSync", "lstatSync", "lutimesSync", "mkdirSync",
  "mkdtempSync", "openSync", "opendirSync", "readdirSync", "readFileSync", "readSync", "readlinkSync",
  "readvSync", "realpathSync", "renameSync", "rmSync", "rmdirSync", "statSync", "statfsSync",
  "symlinkSync", "truncateSync", "unlinkSync", "utimesSync", "writeFileSync", "writeSync", "writevSync",
];
const CHILD_PROCESS_SYNC = ["execSync", "execFileSync", "spawnSync"];
const ZLIB_SYNC = [
  "deflateSync", "deflateRawSync", "gzipSync", "gunzipSync", "inflateSync", "inflateRawSync", "unzipSync",
  "brotliCompressSync", "brotliDecompressSync",
];
const CRYPTO_SYNC = [
  "pbkdf2Sync", "scryptSync", "hkdfSync", "generateKeyPairSync", "generateKeySync", "generatePrimeSync",
  "checkPrimeSync", "randomFillSync",
];

export const patchable: readonly PatchableFunction[] = [
  ...FS_SYNC.map((name) => ({ module: "fs" as const, name })),
  ...CHILD_PROCESS_SYNC.map((name) => ({ module: "child_process" as const, name })),
  ...ZLIB_SYNC.map((name) => ({ module: "zlib" as const, name })),
  ...CRYPTO_SYNC.map((name) => ({ module: "crypto" as const, name })),
  { module: "crypto", name: "randomBytes", unlessArg: 1 },
];

/** The patchable function `name` of module `source` (`"fs"`, `"node:fs"`), if any. */
export function lookupPatchable(source: string, name: string): PatchableFunction | undefined {
  const module = source.startsWith("node:") ? source.slice(5) : source;
  return patchable.find((p) => p.module === module && p.name === name);
}
