/**
 * Driven faces for `node:fs`'s synchronous functions (`@weft/runtime/patch`): each runs the
 * callback API's counterpart (`readFileSync` → `fs.readFile`) on libuv's thread pool and parks
 * only the calling greenlet.
 *
 * | sync function | async call | result, where it differs from the callback's first value |
 * |---------------|------------|-----------------------------------------------------------|
 * | `xSync(...a)` | `x(...a, cb)` | the callback's first result |
 * | `existsSync(p)` | `access(p, F_OK, cb)` | `true`/`false`; never throws (bad arguments: `false`) |
 * | `statSync`/`lstatSync(p, { throwIfNoEntry: false })` | `stat`/`lstat` | `undefined` for ENOENT |
 * | `readdirSync(p, { recursive: true })` | `readdir` of each directory, breadth first, `stat` of each name | Node 20's `readdir` does recursive listings synchronously (`readdirSyncRecursive`), so the face walks the tree itself, in the same order: each directory's entries as `readdir` lists them, then the subdirectories found, in that order; names relative to `p`, directories found by following links as `internalModuleStat` does |
 * | `readFileSync(fd)` | `fstat(fd, cb)`, then `readFile(fd, cb)` | Node 20's `readFile` fails on a bad fd with an unrelated TypeError; `fstat` reports the sync call's EBADF |
 * | `opendirSync`, `mkdtempSync`, `cpSync` (ERR_FS_EISDIR) | on failure, the sync call again | their async errors differ from the sync ones (a `path` in opendir's, mkdtemp's filled-in template, cp's `errno`); the failing call is repeated synchronously to throw the sync error itself (a failed metadata call or cp's up-front checks: nothing is read or copied) |
 * | `readSync`, `writeSync`, `readvSync`, `writevSync` | `read`… | the byte count (the callback also passes the buffer) |
 *
 * Arity: the number of parameters the synchronous function reads (Node's fs docs), see face.ts.
 * `readSync` and `writeSync` decide on `arguments.length` and on the type of their third argument
 * differently from `read`/`write`, so their faces first resolve the arguments as the sync
 * function does (Node's lib/fs.js `readSync`, `writeSync`), then make the full-length async call.
 * Errors are Node's own: the async functions throw the same validation errors, and report the
 * same `uvException`s (`message`, `code`, `errno`, `syscall`, `path`, `dest`) as the sync ones;
 * test/patch-differential.test.ts checks both against the sync calls.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { callbackResults, callbackWait } from "./callback-wait.js";
import { callbackFace, cooperative, trimmed, type AnyFunction, type FaceFactory, type FaceTable } from "./face.js";

const fsModule = fs as unknown as Record<string, AnyFunction>;

/** Parameters each synchronous function reads (Node's fs documentation). */
const ARITY: Readonly<Record<string, number>> = {
  accessSync: 2, appendFileSync: 3, chmodSync: 2, chownSync: 3, closeSync: 1, copyFileSync: 3, cpSync: 3,
  fchmodSync: 2, fchownSync: 3, fdatasyncSync: 1, fstatSync: 2, fsyncSync: 1, ftruncateSync: 2, futimesSync: 3,
  lchownSync: 3, linkSync: 2, lstatSync: 2, lutimesSync: 3, mkdirSync: 2, mkdtempSync: 2, openSync: 3,
  opendirSync: 2, readdirSync: 2, readFileSync: 2, readlinkSync: 2, readvSync: 3, realpathSync: 2,
  renameSync: 2, rmSync: 2, rmdirSync: 2, statSync: 2, statfsSync: 2, symlinkSync: 3, truncateSync: 2,
  unlinkSync: 1, utimesSync: 3, writeFileSync: 3, writevSync: 3,
};

const simple = (name: string, pick?: (results: unknown[]) => unknown): FaceFactory =>
  callbackFace(fs, `fs.${name}`, name.slice(0, -"Sync".length), ARITY[name]!, pick);

/** `statSync`/`lstatSync`: `{ throwIfNoEntry: false }` makes a missing entry `undefined`. */
const statFace = (name: "statSync" | "lstatSync"): FaceFactory => (syncFn) =>
  cooperative(syncFn, function* (args) {
    const [error, stats] = yield* callbackWait(`fs.${name}`, (done) => {
      fsModule[name.slice(0, -4)]!(...trimmed(args, 2), done);
    });
    if (error == null) return stats;
    const options = args[1] as { throwIfNoEntry?: unknown } | undefined;
    const code = (error as { code?: unknown }).code;
    if (options?.throwIfNoEntry === false && code === "ENOENT") return undefined;
    throw error;
  });

/** `existsSync(path)`: `fs.access(path, F_OK)`; false for any error, including bad arguments. */
const existsFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (args) {
    const [error] = yield* callbackWait("fs.existsSync", (done) => {
      try {
        fsModule["access"]!(args[0], fs.constants.F_OK, done);
      } catch (e) {
        done(e);
      }
    });
    return error == null;
  });

/** `readSync(fd, buffer, offset?, length?, position?)` / `readSync(fd, buffer, options?)`. */
const readFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (args) {
    const [fd, buffer, offsetOrOptions, length, position] = args;
    const optionsForm = args.length <= 3 || (typeof offsetOrOptions === "object" && offsetOrOptions !== null);
    const call = optionsForm
      ? // `read(fd, buffer, options, cb)` resolves options as readSync does; `undefined`/`null`
        // options mean the defaults there, as `{}` does here.
        [fd, buffer, offsetOrOptions ?? {}]
      : [fd, buffer, offsetOrOptions, length, position];
    const [bytesRead] = yield* callbackResults("fs.readSync", (done) => {
      fsModule["read"]!(...call, done);
    });
    return bytesRead;
  });

/** `writeSync(fd, buffer, offset?, length?, position?)` / `(fd, buffer, options)` / `(fd, string, position?, encoding?)`. */
const writeFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (args) {
    const fd = args[0];
    const buffer = args[1];
    let call: unknown[];
    if (ArrayBuffer.isView(buffer)) {
      // Node's lib/fs.js writeSync: an options object (or null) gives the defaults; then
      // non-number offset/length/position take their defaults.
      let [, , offset, length, position] = args;
      if (typeof offset === "object") {
        const o = (offset ?? {}) as { offset?: unknown; length?: unknown; position?: unknown };
        const { offset: start = 0 } = o;
        ({ length = buffer.byteLength - (start as number), position = null } = o);
        offset = start;
      }
      if (typeof offset !== "number") offset = 0;
      if (typeof length !== "number") length = buffer.byteLength - (offset as number);
      if (typeof position !== "number") position = null;
      call = [fd, buffer, offset, length, position];
    } else {
      // A string: `write(fd, string, position, encoding, cb)`; `write` validates the string and
      // the encoding with the same messages.
      const [, , position, encoding] = args;
      call = [fd, buffer, position === undefined ? null : position, encoding];
    }
    const [written] = yield* callbackResults("fs.writeSync", (done) => {
      fsModule["write"]!(...call, done);
    });
    return written;
  });

/** `readdirSync(path, options?)`; with `recursive: true` a cooperative breadth-first walk (see the table). */
const readdirFace: FaceFactory = (syncFn) => {
  const plain = simple("readdirSync")(syncFn);
  return cooperative(syncFn, function* (this: unknown, args) {
    const options = args[1];
    const recursive = options !== null && typeof options === "object" && (options as { recursive?: unknown }).recursive;
    if (!recursive || (options as { encoding?: unknown }).encoding === "buffer") return yield* plain.apply(this, args);
    const base = args[0];
    const flat = { ...(options as object), recursive: false };
    const withFileTypes = Boolean((options as { withFileTypes?: unknown }).withFileTypes);
    const results: unknown[] = [];
    const queue: unknown[] = [base];
    for (let i = 0; i < queue.length; i++) {
      const dir = queue[i];
      const [entries] = (yield* callbackResults("fs.readdirSync", (done) => {
        fsModule["readdir"]!(dir, flat, done);
      })) as [unknown[]];
      for (const entry of entries) {
        if (withFileTypes) {
          const dirent = entry as fs.Dirent & { parentPath?: string; path?: string };
          results.push(dirent);
          if (dirent.isDirectory()) queue.push(path.join(dirent.parentPath ?? dirent.path ?? String(dir), dirent.name));
          continue;
        }
        const full = path.join(String(dir), String(entry));
        results.push(path.relative(String(base), full));
        const [error, stats] = yield* callbackWait("fs.readdirSync", (done) => {
          fsModule["stat"]!(full, done);
        });
        if (error == null && (stats as fs.Stats).isDirectory()) queue.push(full);
      }
    }
    return results;
  });
};

/** `readFileSync(path | fd, options?)`: an fd is checked with `fstat` first (see the table). */
const readFileFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (args) {
    const call = trimmed(args, 2);
    const target = call[0];
    if (typeof target === "number" && target >>> 0 === target) {
      yield* callbackResults("fs.readFileSync", (done) => {
        fsModule["fstat"]!(target, done);
      });
    }
    const [data] = yield* callbackResults("fs.readFileSync", (done) => {
      fsModule["readFile"]!(...call, done);
    });
    return data;
  });

/**
 * A face whose failures are reported by repeating the call synchronously (see the table):
 * `retry(error)` says whether this error is one the sync call reports differently.
 */
const replayingErrors = (name: string, retry: (error: unknown) => boolean): FaceFactory => (syncFn) => {
  const face = simple(name)(syncFn);
  return cooperative(syncFn, function* (this: unknown, args) {
    try {
      return yield* face.apply(this, args);
    } catch (error) {
      if (!retry(error)) throw error;
      return syncFn.apply(this, args);
    }
  });
};
const isSystemError = (error: unknown): boolean => typeof (error as { errno?: unknown } | null)?.errno === "number";

const FACES: Record<string, FaceFactory> = {
  readFileSync: readFileFace,
  readdirSync: readdirFace,
  opendirSync: replayingErrors("opendirSync", isSystemError),
  mkdtempSync: replayingErrors("mkdtempSync", isSystemError),
  cpSync: replayingErrors("cpSync", (error) => (error as { code?: unknown } | null)?.code === "ERR_FS_EISDIR"),
  existsSync: existsFace,
  statSync: statFace("statSync"),
  lstatSync: statFace("lstatSync"),
  readSync: readFace,
  writeSync: writeFace,
};
for (const name of Object.keys(ARITY)) FACES[name] ??= simple(name);

export const fsFaces: FaceTable = FACES;
