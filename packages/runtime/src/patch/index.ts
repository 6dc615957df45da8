/**
 * `@weft/runtime/patch`: the runtime half of compiling with the option `patch` (weft's
 * compile-time `monkey.patch_all()`, https://www.gevent.org/api/gevent.monkey.html).
 *
 * Importing this module installs a driven face `fn[co]` (src/protocol.ts) on each of Node's
 * functions listed in src/patch-catalogue.ts (`patchable`), on the real module objects: compiled
 * code calls `yield* callDynamic(fs.readFileSync, fs, [p])`, which drives the face. Rules:
 *
 * - Node's functions are never replaced or wrapped: `fs.readFileSync` stays Node's own function
 *   (its plain face is the genuine synchronous call); only the non-enumerable, writable,
 *   configurable symbol property `co` is added to it.
 * - A face runs the asynchronous counterpart and parks only the calling greenlet, with the
 *   synchronous function's results and errors (fs.ts, child-process.ts, zlib.ts, crypto.ts); under
 *   `inSyncRun()` it makes the genuine synchronous call (face.ts).
 * - A function missing on the running Node version is skipped.
 * - Installing is idempotent: importing the module again installs nothing new. Node's functions
 *   are shared by every copy of the runtime in the process (a CommonJS and an ESM copy, or each
 *   test file's module registry under Jest), but each copy has its own hub: a copy loaded later
 *   replaces the faces an earlier copy installed (they carry the brand `patchBrand`), so the
 *   faces always park greenlets of the hub that was loaded last. A `co` property that is not
 *   one of ours is left alone, and that function is not listed.
 * - `patchedFunctions()` lists what has a face, in `patchable`'s order.
 *
 * Compiled code imports only the modules it patches: `@weft/runtime/patch/fs`,
 * `/child_process`, `/zlib`, `/crypto` (load/*.ts), each installing that module's faces;
 * this module installs them all. The installing is install.ts.
 */
import { installPatch, patchedFunctions, type PatchedFunction } from "./install.js";

export type { SpawnSyncResult } from "./child-process.js";
export { patchedFunctions };
export type { PatchedFunction };

installPatch();
