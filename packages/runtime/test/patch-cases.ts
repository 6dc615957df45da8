// The calls test/patch-differential.test.ts makes twice, once through Node's synchronous function
// and once through its `@weft/runtime/patch` driven face, on real files: for every `patchable`
// entry, success cases and error cases (missing file, EISDIR, EEXIST, ENOTEMPTY, bad argument
// types and encodings, exit status, signal, timeout, maxBuffer, missing command, corrupt data,
// bad key types…).
//
// Fixtures: `root` holds read-only files (created once); `scratch` is rebuilt before each run of a
// case that changes files (`mutates`), so both runs start from the same tree at the same paths,
// and the tree after each run is part of what is compared.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";

export const root = fs.mkdtempSync(path.join(os.tmpdir(), "weft-patch-"));
export const scratch = path.join(root, "scratch");
const T = (p: string) => path.join(root, p);
const S = (p: string) => path.join(scratch, p);

export function makeFixtures(): void {
  fs.writeFileSync(T("file.txt"), "hello world\n");
  fs.mkdirSync(T("dir/sub"), { recursive: true });
  fs.writeFileSync(T("dir/a.txt"), "a");
  fs.writeFileSync(T("dir/sub/b.txt"), "b");
  fs.symlinkSync(T("file.txt"), T("link"));
}

/** Rebuilds `scratch`: f ("abc"), d/x ("x"), e/ (empty), l → f. */
export function resetScratch(): void {
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.mkdirSync(S("d"), { recursive: true });
  fs.mkdirSync(S("e"));
  fs.writeFileSync(S("f"), "abc");
  fs.writeFileSync(S("d/x"), "x");
  fs.symlinkSync(S("f"), S("l"));
}

/** The scratch tree: names, types, contents, permissions, explicitly set mtimes. */
export function snapshot(dir = scratch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, entry);
    const name = entry.replace(/^tmp-.{6}$/, "tmp-XXXXXX"); // mkdtemp's random suffix
    const st = fs.lstatSync(p);
    const mtime = st.mtimeMs < 1e9 ? st.mtimeMs : "recent";
    if (st.isSymbolicLink()) out[name] = { link: fs.readlinkSync(p) };
    else if (st.isDirectory()) out[name] = { dir: snapshot(p), mode: st.mode & 0o777 };
    else out[name] = { file: fs.readFileSync(p, "latin1"), mode: st.mode & 0o777, mtime };
  }
  return out;
}

/** File descriptors a case opened, closed after the run. */
export const openFds: number[] = [];
const fd = (p: string, flags = "r"): number => {
  const n = fs.openSync(p, flags);
  openFds.push(n);
  return n;
};
export function closeFds(): void {
  for (const n of openFds.splice(0)) {
    try {
      fs.closeSync(n);
    } catch {
      // closed by the case itself
    }
  }
}

export interface Case {
  /** `module.name` of a `patchable` entry. */
  fn: string;
  label: string;
  args: () => unknown[];
  /** Rebuild and compare `scratch`. */
  mutates?: boolean;
  /** What else to compare after the call (a buffer the call filled). */
  observe?: (args: unknown[]) => unknown;
  /** Shape of the value instead of the value (random output, fds, handles). */
  shape?: (value: unknown) => unknown;
  /** This argument error is thrown after the work, as in the sync call (not at once). */
  lateError?: boolean;
  /** Answers without waiting: Node's non-blocking call, or a bad argument `existsSync` turns into `false` at once. */
  noWait?: boolean;
}

const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;
const BADF = 99_999;
const buf = (n: number) => Buffer.alloc(n);
const gz = zlib.gzipSync("hello hello hello");
const corrupt = Buffer.from("this is not compressed data");

/** Describes random or handle-like values by their kind and size. */
export function kind(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength})`;
  if (typeof value === "bigint") return "bigint";
  if (typeof value === "string") return value.startsWith("-----") ? value.split("\n")[0] : `string(${value.length})`;
  if (value !== null && typeof value === "object" && "type" in value && "export" in value) {
    const k = value as { type: string; asymmetricKeyType?: string; symmetricKeySize?: number };
    return { keyObject: k.type, asymmetricKeyType: k.asymmetricKeyType, symmetricKeySize: k.symmetricKeySize };
  }
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, kind(v)]));
  return value;
}

const fsCases: Case[] = [
  { fn: "fs.accessSync", label: "file", args: () => [T("file.txt")] },
  { fn: "fs.accessSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.accessSync", label: "bad mode type", args: () => [T("file.txt"), "x"] },
  { fn: "fs.accessSync", label: "bad path type", args: () => [123] },
  { fn: "fs.appendFileSync", label: "string", args: () => [S("f"), "more"], mutates: true },
  { fn: "fs.appendFileSync", label: "EISDIR", args: () => [S("d"), "x"], mutates: true },
  { fn: "fs.appendFileSync", label: "bad data", args: () => [S("f"), 5], mutates: true },
  { fn: "fs.appendFileSync", label: "bad encoding", args: () => [S("f"), "x", "bogus"], mutates: true },
  { fn: "fs.chmodSync", label: "file", args: () => [S("f"), 0o600], mutates: true },
  { fn: "fs.chmodSync", label: "missing", args: () => [S("missing"), 0o600], mutates: true },
  { fn: "fs.chmodSync", label: "bad mode", args: () => [S("f"), "zz"], mutates: true },
  { fn: "fs.chownSync", label: "own ids", args: () => [S("f"), uid, gid], mutates: true },
  { fn: "fs.chownSync", label: "missing", args: () => [S("missing"), uid, gid], mutates: true },
  { fn: "fs.chownSync", label: "bad uid", args: () => [S("f"), "a", gid], mutates: true },
  { fn: "fs.closeSync", label: "open fd", args: () => [fs.openSync(T("file.txt"), "r")] },
  { fn: "fs.closeSync", label: "EBADF", args: () => [BADF] },
  { fn: "fs.closeSync", label: "bad fd type", args: () => ["x"] },
  { fn: "fs.copyFileSync", label: "file", args: () => [S("f"), S("g")], mutates: true },
  { fn: "fs.copyFileSync", label: "missing source", args: () => [S("missing"), S("g")], mutates: true },
  { fn: "fs.copyFileSync", label: "EEXIST with COPYFILE_EXCL", args: () => [S("f"), S("d/x"), fs.constants.COPYFILE_EXCL], mutates: true },
  { fn: "fs.copyFileSync", label: "bad mode", args: () => [S("f"), S("g"), "x"], mutates: true },
  { fn: "fs.cpSync", label: "directory, recursive", args: () => [S("d"), S("d2"), { recursive: true }], mutates: true },
  { fn: "fs.cpSync", label: "directory without recursive", args: () => [S("d"), S("d2")], mutates: true },
  { fn: "fs.cpSync", label: "missing source", args: () => [S("missing"), S("x")], mutates: true },
  { fn: "fs.cpSync", label: "onto itself", args: () => [S("f"), S("f")], mutates: true },
  { fn: "fs.existsSync", label: "file", args: () => [T("file.txt")] },
  { fn: "fs.existsSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.existsSync", label: "bad type", args: () => [123], noWait: true },
  { fn: "fs.existsSync", label: "null byte", args: () => ["a\0b"], noWait: true },
  { fn: "fs.existsSync", label: "no argument", args: () => [], noWait: true },
  { fn: "fs.fchmodSync", label: "fd", args: () => [fd(S("f")), 0o640], mutates: true },
  { fn: "fs.fchmodSync", label: "EBADF", args: () => [BADF, 0o640], mutates: true },
  { fn: "fs.fchmodSync", label: "bad mode", args: () => [fd(S("f")), "x"], mutates: true },
  { fn: "fs.fchownSync", label: "fd", args: () => [fd(S("f")), uid, gid], mutates: true },
  { fn: "fs.fchownSync", label: "EBADF", args: () => [BADF, uid, gid], mutates: true },
  { fn: "fs.fdatasyncSync", label: "fd", args: () => [fd(S("f"), "r+")], mutates: true },
  { fn: "fs.fdatasyncSync", label: "EBADF", args: () => [BADF] },
  { fn: "fs.fstatSync", label: "fd", args: () => [fd(T("file.txt"))] },
  { fn: "fs.fstatSync", label: "bigint", args: () => [fd(T("file.txt")), { bigint: true }] },
  { fn: "fs.fstatSync", label: "EBADF", args: () => [BADF] },
  { fn: "fs.fsyncSync", label: "fd", args: () => [fd(S("f"), "r+")], mutates: true },
  { fn: "fs.fsyncSync", label: "EBADF", args: () => [BADF] },
  { fn: "fs.ftruncateSync", label: "fd", args: () => [fd(S("f"), "r+"), 1], mutates: true },
  { fn: "fs.ftruncateSync", label: "read-only fd", args: () => [fd(S("f"), "r"), 1], mutates: true },
  { fn: "fs.ftruncateSync", label: "EBADF", args: () => [BADF, 0], mutates: true },
  { fn: "fs.futimesSync", label: "fd", args: () => [fd(S("f"), "r+"), 1000, 2000], mutates: true },
  { fn: "fs.futimesSync", label: "EBADF", args: () => [BADF, 1, 2], mutates: true },
  { fn: "fs.futimesSync", label: "bad time", args: () => [fd(S("f"), "r+"), "x", 2], mutates: true },
  { fn: "fs.lchownSync", label: "link", args: () => [S("l"), uid, gid], mutates: true },
  { fn: "fs.lchownSync", label: "missing", args: () => [S("missing"), uid, gid], mutates: true },
  { fn: "fs.linkSync", label: "file", args: () => [S("f"), S("h")], mutates: true },
  { fn: "fs.linkSync", label: "EEXIST", args: () => [S("f"), S("d/x")], mutates: true },
  { fn: "fs.linkSync", label: "missing", args: () => [S("missing"), S("h")], mutates: true },
  { fn: "fs.lstatSync", label: "link", args: () => [T("link")] },
  { fn: "fs.lstatSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.lstatSync", label: "missing, throwIfNoEntry false", args: () => [T("missing"), { throwIfNoEntry: false }] },
  { fn: "fs.lstatSync", label: "ENOTDIR, throwIfNoEntry false", args: () => [T("file.txt/x"), { throwIfNoEntry: false }] },
  { fn: "fs.lstatSync", label: "bigint", args: () => [T("file.txt"), { bigint: true }] },
  { fn: "fs.lutimesSync", label: "file", args: () => [S("f"), 1000, 2000], mutates: true },
  { fn: "fs.lutimesSync", label: "missing", args: () => [S("missing"), 1, 2], mutates: true },
  { fn: "fs.mkdirSync", label: "new", args: () => [S("n")], mutates: true },
  { fn: "fs.mkdirSync", label: "EEXIST", args: () => [S("d")], mutates: true },
  { fn: "fs.mkdirSync", label: "recursive", args: () => [S("a/b/c"), { recursive: true }], mutates: true },
  { fn: "fs.mkdirSync", label: "missing parent", args: () => [S("a/b")], mutates: true },
  { fn: "fs.mkdirSync", label: "ENOTDIR", args: () => [S("f/x")], mutates: true },
  { fn: "fs.mkdirSync", label: "bad mode", args: () => [S("n"), { mode: "bogus" }], mutates: true },
  { fn: "fs.mkdtempSync", label: "prefix", args: () => [S("tmp-")], shape: (v) => typeof v === "string" && v.startsWith(S("tmp-")) && v.length, mutates: true },
  { fn: "fs.mkdtempSync", label: "buffer encoding", args: () => [S("tmp-"), { encoding: "buffer" }], shape: kind, mutates: true },
  { fn: "fs.mkdtempSync", label: "missing parent", args: () => [S("missing/tmp-")], mutates: true },
  { fn: "fs.mkdtempSync", label: "bad prefix", args: () => [5], mutates: true },
  { fn: "fs.openSync", label: "file", args: () => [T("file.txt")], shape: (v) => { fs.closeSync(v as number); return typeof v; } },
  { fn: "fs.openSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.openSync", label: "EISDIR", args: () => [T("dir"), "w"] },
  { fn: "fs.openSync", label: "bad flags", args: () => [T("file.txt"), "bogus"] },
  { fn: "fs.openSync", label: "EEXIST", args: () => [S("f"), "wx"], mutates: true },
  { fn: "fs.opendirSync", label: "dir", args: () => [T("dir")], shape: (v) => {
    const dir = v as fs.Dir;
    const names: string[] = [];
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) names.push(e.name);
    dir.closeSync();
    return { path: dir.path, names: names.sort() };
  } },
  { fn: "fs.opendirSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.opendirSync", label: "ENOTDIR", args: () => [T("file.txt")] },
  { fn: "fs.readdirSync", label: "names", args: () => [T("dir")] },
  { fn: "fs.readdirSync", label: "withFileTypes", args: () => [T("dir"), { withFileTypes: true }] },
  { fn: "fs.readdirSync", label: "buffer", args: () => [T("dir"), "buffer"] },
  { fn: "fs.readdirSync", label: "recursive", args: () => [T("dir"), { recursive: true }] },
  { fn: "fs.readdirSync", label: "recursive, withFileTypes", args: () => [T("dir"), { recursive: true, withFileTypes: true }] },
  { fn: "fs.readdirSync", label: "recursive, through a link", args: () => [root, { recursive: true, encoding: "utf8" }], shape: (v) => (v as string[]).filter((n) => !n.startsWith("scratch")) },
  { fn: "fs.readdirSync", label: "recursive, missing", args: () => [T("missing"), { recursive: true }] },
  { fn: "fs.readdirSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.readdirSync", label: "ENOTDIR", args: () => [T("file.txt")] },
  { fn: "fs.readdirSync", label: "bad encoding", args: () => [T("dir"), { encoding: "bogus" }] },
  { fn: "fs.readFileSync", label: "buffer", args: () => [T("file.txt")] },
  { fn: "fs.readFileSync", label: "utf8", args: () => [T("file.txt"), "utf8"] },
  { fn: "fs.readFileSync", label: "base64 option", args: () => [T("file.txt"), { encoding: "base64" }] },
  { fn: "fs.readFileSync", label: "fd", args: () => [fd(T("file.txt"))] },
  { fn: "fs.readFileSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.readFileSync", label: "EISDIR", args: () => [T("dir")] },
  { fn: "fs.readFileSync", label: "bad encoding", args: () => [T("file.txt"), "bogus"] },
  { fn: "fs.readFileSync", label: "EBADF", args: () => [BADF] },
  { fn: "fs.readFileSync", label: "bad path type", args: () => [{}] },
  { fn: "fs.readFileSync", label: "extra arguments", args: () => [T("file.txt"), "utf8", "extra", () => {}] },
  { fn: "fs.readSync", label: "offset, length, position", args: () => [fd(T("file.txt")), buf(5), 0, 5, 0], observe: (a) => a[1] },
  { fn: "fs.readSync", label: "options", args: () => [fd(T("file.txt")), buf(5), { position: 6 }], observe: (a) => a[1] },
  { fn: "fs.readSync", label: "buffer only", args: () => [fd(T("file.txt")), buf(4)], observe: (a) => a[1] },
  { fn: "fs.readSync", label: "null position", args: () => [fd(T("file.txt")), buf(5), 1, 3, null], observe: (a) => a[1] },
  { fn: "fs.readSync", label: "bad options", args: () => [fd(T("file.txt")), buf(5), 7] },
  { fn: "fs.readSync", label: "bad buffer", args: () => [fd(T("file.txt")), "nope", 0, 1, 0] },
  { fn: "fs.readSync", label: "length out of range", args: () => [fd(T("file.txt")), buf(5), 0, 100, 0] },
  { fn: "fs.readSync", label: "EBADF", args: () => [BADF, buf(5), 0, 1, 0] },
  { fn: "fs.readSync", label: "EISDIR", args: () => [fd(T("dir")), buf(5), 0, 5, null] },
  { fn: "fs.readlinkSync", label: "link", args: () => [T("link")] },
  { fn: "fs.readlinkSync", label: "buffer", args: () => [T("link"), "buffer"] },
  { fn: "fs.readlinkSync", label: "EINVAL", args: () => [T("file.txt")] },
  { fn: "fs.readlinkSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.readvSync", label: "buffers", args: () => [fd(T("file.txt")), [buf(3), buf(4)], 0], observe: (a) => a[1] },
  { fn: "fs.readvSync", label: "bad buffers", args: () => [fd(T("file.txt")), "x"] },
  { fn: "fs.readvSync", label: "EBADF", args: () => [BADF, [buf(3)]] },
  { fn: "fs.realpathSync", label: "link", args: () => [T("link")] },
  { fn: "fs.realpathSync", label: "dots", args: () => [T("dir/../file.txt")] },
  { fn: "fs.realpathSync", label: "buffer", args: () => [T("link"), "buffer"] },
  { fn: "fs.realpathSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.renameSync", label: "file", args: () => [S("f"), S("g")], mutates: true },
  { fn: "fs.renameSync", label: "missing", args: () => [S("missing"), S("g")], mutates: true },
  { fn: "fs.renameSync", label: "ENOTEMPTY", args: () => [S("e"), S("d")], mutates: true },
  { fn: "fs.renameSync", label: "EISDIR", args: () => [S("f"), S("d")], mutates: true },
  { fn: "fs.rmSync", label: "file", args: () => [S("f")], mutates: true },
  { fn: "fs.rmSync", label: "directory without recursive", args: () => [S("d")], mutates: true },
  { fn: "fs.rmSync", label: "directory, recursive", args: () => [S("d"), { recursive: true }], mutates: true },
  { fn: "fs.rmSync", label: "missing", args: () => [S("missing")], mutates: true },
  { fn: "fs.rmSync", label: "missing, force", args: () => [S("missing"), { force: true }], mutates: true },
  { fn: "fs.rmdirSync", label: "empty", args: () => [S("e")], mutates: true },
  { fn: "fs.rmdirSync", label: "ENOTEMPTY", args: () => [S("d")], mutates: true },
  { fn: "fs.rmdirSync", label: "ENOTDIR", args: () => [S("f")], mutates: true },
  { fn: "fs.rmdirSync", label: "missing", args: () => [S("missing")], mutates: true },
  { fn: "fs.statSync", label: "file", args: () => [T("file.txt")] },
  { fn: "fs.statSync", label: "dir", args: () => [T("dir")] },
  { fn: "fs.statSync", label: "through link", args: () => [T("link")] },
  { fn: "fs.statSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.statSync", label: "missing, throwIfNoEntry false", args: () => [T("missing"), { throwIfNoEntry: false }] },
  { fn: "fs.statSync", label: "ENOTDIR, throwIfNoEntry false", args: () => [T("file.txt/x"), { throwIfNoEntry: false }] },
  { fn: "fs.statSync", label: "bigint", args: () => [T("file.txt"), { bigint: true }] },
  { fn: "fs.statSync", label: "bad path", args: () => [null] },
  { fn: "fs.statfsSync", label: "dir", args: () => [root], shape: (v) => ({ type: (v as fs.StatsFs).type, bsize: (v as fs.StatsFs).bsize }) },
  { fn: "fs.statfsSync", label: "bigint", args: () => [root, { bigint: true }], shape: (v) => typeof (v as fs.BigIntStatsFs).bsize },
  { fn: "fs.statfsSync", label: "missing", args: () => [T("missing")] },
  { fn: "fs.symlinkSync", label: "new", args: () => [S("f"), S("l2")], mutates: true },
  { fn: "fs.symlinkSync", label: "EEXIST", args: () => [S("f"), S("d")], mutates: true },
  { fn: "fs.symlinkSync", label: "with type", args: () => [S("f"), S("l2"), "file"], mutates: true },
  { fn: "fs.truncateSync", label: "file", args: () => [S("f"), 1], mutates: true },
  { fn: "fs.truncateSync", label: "no length", args: () => [S("f")], mutates: true },
  { fn: "fs.truncateSync", label: "EISDIR", args: () => [S("d"), 0], mutates: true },
  { fn: "fs.truncateSync", label: "missing", args: () => [S("missing")], mutates: true },
  { fn: "fs.unlinkSync", label: "file", args: () => [S("f")], mutates: true },
  { fn: "fs.unlinkSync", label: "missing", args: () => [S("missing")], mutates: true },
  { fn: "fs.unlinkSync", label: "EISDIR", args: () => [S("d")], mutates: true },
  { fn: "fs.utimesSync", label: "numbers", args: () => [S("f"), 1000, 2000], mutates: true },
  { fn: "fs.utimesSync", label: "dates", args: () => [S("f"), new Date(5000), new Date(6000)], mutates: true },
  { fn: "fs.utimesSync", label: "missing", args: () => [S("missing"), 1, 2], mutates: true },
  { fn: "fs.writeFileSync", label: "string", args: () => [S("f"), "new"], mutates: true },
  { fn: "fs.writeFileSync", label: "buffer, new file", args: () => [S("n"), Buffer.from("buf")], mutates: true },
  { fn: "fs.writeFileSync", label: "EISDIR", args: () => [S("d"), "x"], mutates: true },
  { fn: "fs.writeFileSync", label: "missing parent", args: () => [S("missing/x"), "x"], mutates: true },
  { fn: "fs.writeFileSync", label: "bad data", args: () => [S("f"), 5], mutates: true },
  { fn: "fs.writeFileSync", label: "EEXIST with flag wx", args: () => [S("f"), "x", { flag: "wx" }], mutates: true },
  { fn: "fs.writeFileSync", label: "bad encoding", args: () => [S("f"), "x", "bogus"], mutates: true },
  { fn: "fs.writeSync", label: "buffer", args: () => [fd(S("f"), "r+"), Buffer.from("XY")], mutates: true },
  { fn: "fs.writeSync", label: "buffer, offset, length, position", args: () => [fd(S("f"), "r+"), Buffer.from("XYZ"), 1, 1, 0], mutates: true },
  { fn: "fs.writeSync", label: "buffer, options", args: () => [fd(S("f"), "r+"), Buffer.from("Q"), { position: 2 }], mutates: true },
  { fn: "fs.writeSync", label: "buffer, null options", args: () => [fd(S("f"), "r+"), Buffer.from("N"), null], mutates: true },
  { fn: "fs.writeSync", label: "string", args: () => [fd(S("f"), "r+"), "str"], mutates: true },
  { fn: "fs.writeSync", label: "string, position", args: () => [fd(S("f"), "r+"), "s", 1], mutates: true },
  { fn: "fs.writeSync", label: "string, encoding", args: () => [fd(S("f"), "r+"), "aGk=", 0, "base64"], mutates: true },
  { fn: "fs.writeSync", label: "bad data", args: () => [fd(S("f"), "r+"), 5], mutates: true },
  { fn: "fs.writeSync", label: "bad encoding", args: () => [fd(S("f"), "r+"), "x", 0, "bogus"], mutates: true },
  { fn: "fs.writeSync", label: "EBADF", args: () => [BADF, "x"], mutates: true },
  { fn: "fs.writeSync", label: "read-only fd", args: () => [fd(S("f"), "r"), "x"], mutates: true },
  { fn: "fs.writevSync", label: "buffers", args: () => [fd(S("f"), "r+"), [Buffer.from("A"), Buffer.from("B")]], mutates: true },
  { fn: "fs.writevSync", label: "position", args: () => [fd(S("f"), "r+"), [Buffer.from("Z")], 1], mutates: true },
  { fn: "fs.writevSync", label: "bad buffers", args: () => [fd(S("f"), "r+"), "x"], mutates: true },
  { fn: "fs.writevSync", label: "EBADF", args: () => [BADF, [Buffer.from("x")]], mutates: true },
];

const env = { PATH: process.env["PATH"], FOO: "bar" };
const quiet = { stdio: "pipe" };
const childCases: Case[] = [
  { fn: "child_process.spawnSync", label: "echo", args: () => ["echo", ["hi"]] },
  { fn: "child_process.spawnSync", label: "exit status and stderr", args: () => ["sh", ["-c", "echo out; echo err >&2; exit 3"]] },
  { fn: "child_process.spawnSync", label: "signal", args: () => ["sh", ["-c", "kill -9 $$"]] },
  { fn: "child_process.spawnSync", label: "timeout", args: () => ["sh", ["-c", "echo early; sleep 5"], { timeout: 200 }] },
  { fn: "child_process.spawnSync", label: "timeout, killSignal", args: () => ["sh", ["-c", "sleep 5"], { timeout: 100, killSignal: "SIGKILL" }] },
  { fn: "child_process.spawnSync", label: "maxBuffer", args: () => ["sh", ["-c", "printf xxxxxxxxxxxxxxxxxxxx; sleep 5"], { maxBuffer: 5 }] },
  { fn: "child_process.spawnSync", label: "missing command", args: () => ["nonexistent-weft-command", ["a"]] },
  { fn: "child_process.spawnSync", label: "options in place of args, input", args: () => ["cat", { input: "in" }] },
  { fn: "child_process.spawnSync", label: "Buffer input", args: () => ["cat", [], { input: Buffer.from("buf") }] },
  { fn: "child_process.spawnSync", label: "Uint8Array input", args: () => ["cat", [], { input: new Uint8Array([104, 105]) }] },
  { fn: "child_process.spawnSync", label: "DataView input", args: () => ["cat", [], { input: new DataView(new Uint8Array([100, 118]).buffer) }] },
  { fn: "child_process.spawnSync", label: "encoding", args: () => ["echo", ["x"], { encoding: "utf8" }] },
  { fn: "child_process.spawnSync", label: "unknown encoding", args: () => ["echo", ["x"], { encoding: "bogus" }], lateError: true },
  { fn: "child_process.spawnSync", label: "fourth pipe", args: () => ["sh", ["-c", "echo a >&3"], { stdio: ["pipe", "pipe", "pipe", "pipe"] }] },
  { fn: "child_process.spawnSync", label: "stdio inherit", args: () => ["true", [], { stdio: "inherit" }] },
  { fn: "child_process.spawnSync", label: "stdio ignore", args: () => ["sh", ["-c", "echo x"], { stdio: "ignore" }] },
  { fn: "child_process.spawnSync", label: "stdio array, input", args: () => ["cat", [], { stdio: ["pipe", "pipe", "inherit"], input: "i" }] },
  { fn: "child_process.spawnSync", label: "cwd", args: () => ["pwd", [], { cwd: root }] },
  { fn: "child_process.spawnSync", label: "env", args: () => ["sh", ["-c", "echo $FOO"], { env }] },
  { fn: "child_process.spawnSync", label: "shell", args: () => ["echo $((1+2))", [], { shell: true }] },
  { fn: "child_process.spawnSync", label: "missing cwd", args: () => ["true", [], { cwd: T("missing") }] },
  { fn: "child_process.spawnSync", label: "bad maxBuffer", args: () => ["true", [], { maxBuffer: -1 }] },
  { fn: "child_process.spawnSync", label: "bad timeout", args: () => ["true", [], { timeout: -1 }] },
  { fn: "child_process.spawnSync", label: "bad input", args: () => ["true", [], { input: 5 }] },
  { fn: "child_process.spawnSync", label: "ipc", args: () => ["true", [], { stdio: ["pipe", "pipe", "pipe", "ipc"] }] },
  { fn: "child_process.spawnSync", label: "bad stdio", args: () => ["true", [], { stdio: "bogus" }] },
  { fn: "child_process.spawnSync", label: "bad file", args: () => [5] },
  { fn: "child_process.spawnSync", label: "bad args", args: () => ["true", "x"] },
  { fn: "child_process.spawnSync", label: "bad options", args: () => ["true", [], "x"] },
  { fn: "child_process.spawnSync", label: "bad killSignal", args: () => ["true", [], { killSignal: "SIGBOGUS" }] },
  { fn: "child_process.execSync", label: "echo", args: () => ["echo hi"] },
  { fn: "child_process.execSync", label: "encoding", args: () => ["echo hi", { encoding: "utf8" }] },
  { fn: "child_process.execSync", label: "exit status", args: () => ["echo out; echo err >&2; exit 3", quiet] },
  { fn: "child_process.execSync", label: "exit status, stderr inherited", args: () => ["echo e >&2; exit 4"] },
  { fn: "child_process.execSync", label: "stderr copied to the parent's", args: () => ["echo out; echo err >&2"] },
  { fn: "child_process.execFileSync", label: "stderr copied to the parent's", args: () => ["sh", ["-c", "echo err >&2"], { encoding: "utf8" }] },
  { fn: "child_process.execSync", label: "signal", args: () => ["kill -TERM $$"] },
  { fn: "child_process.execSync", label: "timeout", args: () => ["sleep 5", { timeout: 100 }] },
  { fn: "child_process.execSync", label: "maxBuffer", args: () => ["printf xxxxxxxx; sleep 5", { maxBuffer: 3 }] },
  { fn: "child_process.execSync", label: "input", args: () => ["cat", { input: "abc" }] },
  { fn: "child_process.execSync", label: "missing command", args: () => ["nonexistent-weft-command", quiet] },
  { fn: "child_process.execSync", label: "shell string", args: () => ["echo $0", { shell: "/bin/sh" }] },
  { fn: "child_process.execSync", label: "missing cwd", args: () => ["true", { cwd: T("missing") }] },
  { fn: "child_process.execSync", label: "bad command", args: () => [5] },
  { fn: "child_process.execSync", label: "null byte", args: () => ["a\0b"] },
  { fn: "child_process.execFileSync", label: "echo", args: () => ["echo", ["hi"]] },
  { fn: "child_process.execFileSync", label: "options in place of args", args: () => ["echo", { encoding: "utf8" }] },
  { fn: "child_process.execFileSync", label: "exit status", args: () => ["sh", ["-c", "echo e >&2; exit 2"], quiet] },
  { fn: "child_process.execFileSync", label: "argv0 in the message", args: () => ["sh", ["-c", "exit 1"], { argv0: "custom" }] },
  { fn: "child_process.execFileSync", label: "signal", args: () => ["sh", ["-c", "kill -9 $$"]] },
  { fn: "child_process.execFileSync", label: "missing file", args: () => ["nonexistent-weft-command", ["a"]] },
  { fn: "child_process.execFileSync", label: "timeout", args: () => ["sleep", ["5"], { timeout: 100 }] },
  { fn: "child_process.execFileSync", label: "bad options", args: () => ["echo", ["a"], "bad"] },
  { fn: "child_process.execFileSync", label: "bad argv0", args: () => ["echo", ["a"], { argv0: 5 }] },
];

const compressors = ["deflateSync", "deflateRawSync", "gzipSync", "brotliCompressSync"];
const decompressors: [string, (b: Buffer) => Buffer][] = [
  ["gunzipSync", zlib.gzipSync],
  ["inflateSync", zlib.deflateSync],
  ["inflateRawSync", zlib.deflateRawSync],
  ["unzipSync", zlib.gzipSync],
  ["brotliDecompressSync", zlib.brotliCompressSync],
];
const data = Buffer.from("hello hello hello hello");
const zlibCases: Case[] = [
  ...compressors.flatMap((name): Case[] => [
    { fn: `zlib.${name}`, label: "buffer", args: () => [data] },
    { fn: `zlib.${name}`, label: "string", args: () => ["text text text"] },
    { fn: `zlib.${name}`, label: "options", args: () => [data, name.startsWith("brotli") ? { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } } : { level: 1 }] },
    { fn: `zlib.${name}`, label: "bad buffer", args: () => [5] },
    { fn: `zlib.${name}`, label: "bad option", args: () => [data, name.startsWith("brotli") ? { params: { 999: 1 } } : { level: 99 }] },
  ]),
  ...decompressors.flatMap(([name, compress]): Case[] => [
    { fn: `zlib.${name}`, label: "data", args: () => [compress(data)] },
    { fn: `zlib.${name}`, label: "corrupt data", args: () => [corrupt] },
    { fn: `zlib.${name}`, label: "truncated data", args: () => [compress(data).subarray(0, 8)] },
    { fn: `zlib.${name}`, label: "maxOutputLength", args: () => [compress(data), { maxOutputLength: 4 }] },
  ]),
  { fn: "zlib.gunzipSync", label: "ArrayBuffer", args: () => [new Uint8Array(gz).buffer] },
];

const cryptoCases: Case[] = [
  { fn: "crypto.pbkdf2Sync", label: "sha256", args: () => ["pw", "salt", 1000, 32, "sha256"] },
  { fn: "crypto.pbkdf2Sync", label: "bad digest", args: () => ["pw", "salt", 1, 32, "bogus"] },
  { fn: "crypto.pbkdf2Sync", label: "missing digest", args: () => ["pw", "salt", 1, 32] },
  { fn: "crypto.pbkdf2Sync", label: "bad password", args: () => [5, "salt", 1, 32, "sha256"] },
  { fn: "crypto.pbkdf2Sync", label: "bad iterations", args: () => ["pw", "salt", -1, 32, "sha256"] },
  { fn: "crypto.scryptSync", label: "defaults", args: () => ["pw", "salt", 32] },
  { fn: "crypto.scryptSync", label: "options", args: () => ["pw", "salt", 16, { N: 1024 }] },
  { fn: "crypto.scryptSync", label: "bad N", args: () => ["pw", "salt", 16, { N: 3 }] },
  { fn: "crypto.scryptSync", label: "bad keylen", args: () => ["pw", "salt", -1] },
  { fn: "crypto.hkdfSync", label: "sha256", args: () => ["sha256", "key", "salt", "info", 32] },
  { fn: "crypto.hkdfSync", label: "bad digest", args: () => ["bogus", "key", "salt", "info", 32] },
  { fn: "crypto.hkdfSync", label: "missing length", args: () => ["sha256", "key", "salt", "info"] },
  { fn: "crypto.generateKeyPairSync", label: "ec", args: () => ["ec", { namedCurve: "P-256" }], shape: kind },
  { fn: "crypto.generateKeyPairSync", label: "rsa, pem", args: () => ["rsa", { modulusLength: 1024, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } }], shape: kind },
  { fn: "crypto.generateKeyPairSync", label: "bad key type", args: () => ["bogus", {}] },
  { fn: "crypto.generateKeyPairSync", label: "bad curve", args: () => ["ec", { namedCurve: "bogus" }] },
  { fn: "crypto.generateKeyPairSync", label: "bad options", args: () => ["rsa", 5] },
  { fn: "crypto.generateKeySync", label: "hmac", args: () => ["hmac", { length: 64 }], shape: kind },
  { fn: "crypto.generateKeySync", label: "aes", args: () => ["aes", { length: 128 }], shape: kind },
  { fn: "crypto.generateKeySync", label: "bad aes length", args: () => ["aes", { length: 100 }] },
  { fn: "crypto.generateKeySync", label: "bad key type", args: () => ["bogus", { length: 8 }] },
  { fn: "crypto.generatePrimeSync", label: "ArrayBuffer", args: () => [16], shape: kind },
  { fn: "crypto.generatePrimeSync", label: "bigint", args: () => [16, { bigint: true }], shape: kind },
  { fn: "crypto.generatePrimeSync", label: "bad size", args: () => ["x"] },
  { fn: "crypto.checkPrimeSync", label: "prime", args: () => [7n] },
  { fn: "crypto.checkPrimeSync", label: "composite", args: () => [8n] },
  { fn: "crypto.checkPrimeSync", label: "buffer", args: () => [Buffer.from([13])] },
  { fn: "crypto.checkPrimeSync", label: "bad candidate", args: () => ["x"] },
  { fn: "crypto.randomFillSync", label: "buffer", args: () => [buf(8)], shape: kind },
  { fn: "crypto.randomFillSync", label: "offset", args: () => [buf(8), 2], shape: kind },
  { fn: "crypto.randomFillSync", label: "undefined offset, size", args: () => [buf(8), undefined, 4], shape: (v) => [kind(v), (v as Buffer).subarray(4).every((b) => b === 0)] },
  { fn: "crypto.randomFillSync", label: "offset out of range", args: () => [buf(8), 10] },
  { fn: "crypto.randomFillSync", label: "bad buffer", args: () => ["x"] },
  { fn: "crypto.randomBytes", label: "size", args: () => [16], shape: kind },
  { fn: "crypto.randomBytes", label: "bad size", args: () => [-1] },
  { fn: "crypto.randomBytes", label: "with a callback (not blocking)", args: () => [4, () => {}], noWait: true },
];

export const cases: readonly Case[] = [...fsCases, ...childCases, ...zlibCases, ...cryptoCases];
