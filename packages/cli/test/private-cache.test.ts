// The compile cache weft-tsc keeps for the project's TypeScript: V8 checks a code cache only
// against its version, flags and the source's length, so a cache another user can plant runs as
// the user. Each case loads a stand-in `typescript` package in a fresh Node process (the built
// CLI), with its cache home in a temporary folder, after planting what an attacker would.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, utimesSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { cacheKey, privateCacheDir, pruneCacheDir, readCacheEntry, writeCacheEntry } from "../src/private-cache.js";
import { repoRoot } from "./project.js";

const loader = join(repoRoot, "packages", "cli", "dist", "weft-tsc-load-typescript.js");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

const benign = `module.exports = { version: "benign" };`;
/** The same length as `benign`, so V8 would take a code cache made from it for `benign`'s. */
const evil = `module.exports = { version: "EVIL!" }; `;

/** V8's code cache for `source` wrapped as weft-tsc wraps a CommonJS module. */
function codeCacheFor(source: string, filename: string): Buffer {
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, { filename });
  const wrapper = script.runInThisContext() as (e: unknown, r: unknown, m: { exports: unknown }) => void;
  wrapper({}, undefined, { exports: {} });
  return script.createCachedData();
}

let root: string;
let home: string;
let pkg: string;
let entry: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "weft-cache-test-"));
  home = join(root, "cache-home");
  pkg = join(root, "project", "node_modules", "typescript");
  mkdirSync(join(pkg, "lib"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "typescript", version: "5.9.0", main: "lib/typescript.js" }));
  entry = join(pkg, "lib", "typescript.js");
  writeFileSync(entry, benign);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Loads the stand-in TypeScript twice as weft-tsc does (the first run writes the cache); the version each saw. */
function load(env: Record<string, string> = {}): string {
  const script = `import { loadTypeScript } from ${JSON.stringify(loader)};
const loaded = loadTypeScript(${JSON.stringify(pkg)});
loaded.saveCache();
console.log(loaded.ts.version);`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: "", XDG_CACHE_HOME: home, ...env },
  });
  if (r.status !== 0) throw new Error(`loader failed: ${r.stderr}`);
  return r.stdout.trim();
}

const cacheDir = () => join(home, "weft", "compile");
const entryKey = () => `typescript-${cacheKey(entry, process.version, process.arch)}`;

describe("weft-tsc's compile cache", () => {
  it("ignores a code cache planted in the shared temporary folder", () => {
    // Where and under which name weft-tsc used to look: anyone can write there.
    const stat = statSync(entry);
    const key = createHash("sha1").update(`${entry}\0${stat.size}\0${stat.mtimeMs}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 16);
    const shared = join(tmpdir(), "weft-tsc-cache");
    mkdirSync(shared, { recursive: true });
    const planted = join(shared, `typescript-${key}.bin`);
    writeFileSync(planted, codeCacheFor(evil, entry));
    try {
      expect(load()).toBe("benign");
    } finally {
      rmSync(planted, { force: true });
    }
  });

  it("keeps its cache in a folder private to the user, and uses it on the next start", () => {
    expect(load()).toBe("benign");
    for (const dir of [join(home, "weft"), cacheDir()]) {
      const stat = lstatSync(dir);
      expect(stat.isDirectory()).toBe(true);
      expect(stat.mode & 0o777).toBe(0o700);
    }
    const files = readdirSync(cacheDir());
    expect(files).toEqual([`${entryKey()}.bin`]);
    expect(statSync(join(cacheDir(), files[0]!)).mode & 0o777).toBe(0o600);
    expect(load()).toBe("benign");
  });

  it("rejects an entry made from another source of the same length, though its payload is intact", () => {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    chmodSync(join(home, "weft"), 0o700);
    // A well-formed entry whose check is the hash of `evil`, not of the file being loaded.
    expect(writeCacheEntry(cacheDir(), entryKey(), createHash("sha256").update(evil).digest("hex"), codeCacheFor(evil, entry))).toBe(true);
    expect(load()).toBe("benign");
  });

  it("rejects an entry whose payload does not match its stored hash", () => {
    expect(load()).toBe("benign");
    const file = join(cacheDir(), `${entryKey()}.bin`);
    const data = readFileSync(file);
    const newline = data.indexOf(10);
    const forged = Buffer.concat([data.subarray(0, newline + 1), codeCacheFor(evil, entry)]);
    writeFileSync(file, forged);
    expect(load()).toBe("benign");
  });

  it("uses no cache when the cache folder is open to other users", () => {
    mkdirSync(cacheDir(), { recursive: true });
    chmodSync(join(home, "weft"), 0o777);
    chmodSync(cacheDir(), 0o777);
    writeFileSync(join(cacheDir(), `${entryKey()}.bin`), "planted");
    expect(load()).toBe("benign");
    // Nothing was written there either.
    expect(readdirSync(cacheDir())).toEqual([`${entryKey()}.bin`]);
  });

  it("uses no cache when the cache folder is a symlink", () => {
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere, { mode: 0o700 });
    mkdirSync(join(home, "weft"), { recursive: true, mode: 0o700 });
    symlinkSync(elsewhere, cacheDir(), "dir");
    expect(load()).toBe("benign");
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  (isRoot ? it : it.skip)("uses no cache when the cache folder belongs to another user", () => {
    mkdirSync(cacheDir(), { recursive: true, mode: 0o700 });
    chownSync(cacheDir(), 65534, 65534);
    expect(load()).toBe("benign");
    expect(readdirSync(cacheDir())).toEqual([]);
  });
  if (!isRoot) console.log("private-cache.test: skipping the other-owner case: only root can give a folder to another user");
});

describe("private cache entries", () => {
  let dir: string;
  beforeEach(() => {
    const d = privateCacheDir("entries", { ...process.env, XDG_CACHE_HOME: home });
    if (d === undefined) throw new Error("no private cache folder");
    dir = d;
  });

  it("are read back only with the check they were written with", () => {
    expect(writeCacheEntry(dir, "k", "check-1", Buffer.from("payload"))).toBe(true);
    expect(readCacheEntry(dir, "k", "check-1")?.toString()).toBe("payload");
    expect(readCacheEntry(dir, "k", "check-2")).toBeUndefined();
    expect(readCacheEntry(dir, "missing", "check-1")).toBeUndefined();
  });

  it("are never read or written through a symlink planted at their name", () => {
    const victim = join(root, "victim.txt");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "k.bin"));
    expect(readCacheEntry(dir, "k", "c")).toBeUndefined();
    expect(writeCacheEntry(dir, "k", "c", Buffer.from("payload"))).toBe(true);
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(lstatSync(join(dir, "k.bin")).isSymbolicLink()).toBe(false);
    expect(readCacheEntry(dir, "k", "c")?.toString()).toBe("payload");
  });

  it("are not read when others may write them", () => {
    expect(writeCacheEntry(dir, "k", "c", Buffer.from("payload"))).toBe(true);
    chmodSync(join(dir, "k.bin"), 0o666);
    expect(readCacheEntry(dir, "k", "c")).toBeUndefined();
  });

  it("leave no temporary file behind", () => {
    expect(writeCacheEntry(dir, "k", "c", Buffer.from("payload"))).toBe(true);
    expect(readdirSync(dir)).toEqual(["k.bin"]);
    expect(existsSync(join(dir, "k.bin"))).toBe(true);
  });
});

describe("pruning a private cache folder", () => {
  let dir: string;
  beforeEach(() => {
    const d = privateCacheDir("entries", { ...process.env, XDG_CACHE_HOME: home });
    if (d === undefined) throw new Error("no private cache folder");
    dir = d;
  });
  const age = (name: string, seconds: number) => utimesSync(join(dir, name), new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000));

  it("removes the oldest entries first, down to three quarters of the limit, and nothing under it", () => {
    for (const [key, seconds] of [["a", 40], ["b", 30], ["c", 20], ["d", 10]] as const) {
      writeCacheEntry(dir, key, "c", Buffer.alloc(1000));
      age(`${key}.bin`, seconds);
    }
    const size = statSync(join(dir, "a.bin")).size;
    expect(pruneCacheDir(dir, 4 * size)).toBe(0);
    expect(pruneCacheDir(dir, 3 * size + 10)).toBe(2); // down to 3/4 of the limit: two entries left
    expect(readdirSync(dir).sort()).toEqual(["c.bin", "d.bin"]);
  });

  it("removes temporary files left for over an hour, and never other files or symlinks", () => {
    writeFileSync(join(dir, ".k.bin.0123abcd.tmp"), "half");
    writeFileSync(join(dir, ".j.bin.4567abcd.tmp"), "in progress");
    age(".k.bin.0123abcd.tmp", 7200);
    writeFileSync(join(dir, "notes.txt"), "not an entry");
    const victim = join(root, "victim.bin");
    writeFileSync(victim, "precious");
    symlinkSync(victim, join(dir, "v.bin"));
    age("notes.txt", 7200);
    expect(pruneCacheDir(dir, 0)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([".j.bin.4567abcd.tmp", "notes.txt", "v.bin"]);
    expect(readFileSync(victim, "utf8")).toBe("precious");
  });
});
