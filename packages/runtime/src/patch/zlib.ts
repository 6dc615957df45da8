/**
 * Driven faces for `node:zlib`'s one-shot synchronous functions (`@weft/runtime/patch`):
 * `gzipSync(buffer, options?)` → `zlib.gzip(buffer, options?, cb)`, and so on for deflate,
 * deflateRaw, gunzip, inflate, inflateRaw, unzip, brotliCompress and brotliDecompress. The work
 * runs on libuv's thread pool; only the calling greenlet waits.
 *
 * Both forms take the same arguments, validate them with the same errors (a bad `buffer` type,
 * bad options) and report the same stream errors (`incorrect header check`, `Z_DATA_ERROR`,
 * `errno`), so the face only forwards them (face.ts `callbackFace`). A killed greenlet's
 * compression still finishes on the thread pool; its result is dropped.
 */
import * as zlib from "node:zlib";
import { callbackFace, type FaceTable } from "./face.js";

const NAMES = [
  "deflateSync", "deflateRawSync", "gzipSync", "gunzipSync", "inflateSync", "inflateRawSync", "unzipSync",
  "brotliCompressSync", "brotliDecompressSync",
];

export const zlibFaces: FaceTable = Object.fromEntries(
  NAMES.map((name) => [name, callbackFace(zlib, `zlib.${name}`, name.slice(0, -"Sync".length), 2)]),
);
