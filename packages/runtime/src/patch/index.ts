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
 */
import * as childProcess from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as zlib from "node:zlib";
import { patchable, type PatchModule } from "../patch-catalogue.js";
import { co } from "../protocol.js";
import { childProcessFaces } from "./child-process.js";
import { cryptoFaces } from "./crypto.js";
import type { AnyFunction, FaceTable } from "./face.js";
import { fsFaces } from "./fs.js";
import { zlibFaces } from "./zlib.js";

export type { SpawnSyncResult } from "./child-process.js";

/** A Node function that has a driven face. */
export interface PatchedFunction {
  readonly module: PatchModule;
  readonly name: string;
}

const modules: Readonly<Record<PatchModule, object>> = { fs, child_process: childProcess, zlib, crypto };
const faces: Readonly<Record<PatchModule, FaceTable>> = {
  fs: fsFaces,
  child_process: childProcessFaces,
  zlib: zlibFaces,
  crypto: cryptoFaces,
};

let installed: readonly PatchedFunction[] = [];

/** Marks a face installed by some copy of this module. */
const patchBrand = Symbol.for("weft.patchFace");

/** Installs the faces (idempotent); returns what has one. Importing this module calls it. */
function install(): readonly PatchedFunction[] {
  const done: PatchedFunction[] = [];
  for (const { module, name } of patchable) {
    const fn = (modules[module] as Record<string, unknown>)[name];
    if (typeof fn !== "function") continue; // not on this Node version
    const existing = (fn as { [co]?: unknown })[co] as { [patchBrand]?: unknown } | undefined;
    if (existing !== undefined && existing[patchBrand] !== true) continue; // someone else's face
    const factory = faces[module][name];
    if (factory === undefined) continue; // listed without an implementation: the patch tests fail
    const face = Object.assign(factory(fn as AnyFunction), { [patchBrand]: true });
    Object.defineProperty(fn, co, { value: face, enumerable: false, writable: true, configurable: true });
    done.push(Object.freeze({ module, name }));
  }
  installed = Object.freeze(done);
  return installed;
}

install();

/** The Node functions that have a driven face, as `{ module, name }`, in `patchable`'s order. */
export function patchedFunctions(): readonly PatchedFunction[] {
  return installed;
}
