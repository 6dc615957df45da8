/**
 * Installs the driven faces of Node's patchable functions (the rules are in index.ts): all of
 * them, or one module's (`installPatch("fs")`, what `@weft/runtime/patch/fs` does).
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

/** What this copy installed, by `module.name`. */
const installed = new Set<string>();

/** Marks a face installed by some copy of this module. */
const patchBrand = Symbol.for("weft.patchFace");

/** Installs the faces of `module`'s functions, or of every module's (idempotent within this copy). */
export function installPatch(module?: PatchModule): void {
  for (const entry of patchable) {
    if (module !== undefined && entry.module !== module) continue;
    const key = `${entry.module}.${entry.name}`;
    if (installed.has(key)) continue;
    const fn = (modules[entry.module] as Record<string, unknown>)[entry.name];
    if (typeof fn !== "function") continue; // not on this Node version
    const existing = (fn as { [co]?: unknown })[co] as { [patchBrand]?: unknown } | undefined;
    if (existing !== undefined && existing[patchBrand] !== true) continue; // someone else's face
    const factory = faces[entry.module][entry.name];
    if (factory === undefined) continue; // listed without an implementation: the patch tests fail
    const face = Object.assign(factory(fn as AnyFunction), { [patchBrand]: true });
    Object.defineProperty(fn, co, { value: face, enumerable: false, writable: true, configurable: true });
    installed.add(key);
  }
}

/** The Node functions that have a driven face, as `{ module, name }`, in `patchable`'s order. */
export function patchedFunctions(): readonly PatchedFunction[] {
  return Object.freeze(patchable.filter((p) => installed.has(`${p.module}.${p.name}`)).map(({ module, name }) => Object.freeze({ module, name })));
}
