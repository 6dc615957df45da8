/**
 * Driven faces for `node:zlib`'s one-shot synchronous functions (`@weft/runtime/patch`):
 * `gzipSync(buffer, options?)` → `zlib.gzip(buffer, options?, cb)`, and so on for deflate,
 * deflateRaw, gunzip, inflate, inflateRaw, unzip, brotliCompress and brotliDecompress. The work
 * runs on libuv's thread pool; only the calling greenlet waits.
 *
 * Both forms validate options with the same errors and report the same stream errors
 * (`incorrect header check`, `Z_DATA_ERROR`, `errno`, ERR_BUFFER_TOO_LARGE). The `buffer`
 * argument is checked here as the sync functions check it (Node's lib/zlib.js `zlibBufferSync`:
 * a string, an ArrayBufferView or an ArrayBuffer, else ERR_INVALID_ARG_TYPE naming "buffer"):
 * the async ones name it "chunk" and list fewer types. A killed greenlet's compression still
 * finishes on the thread pool; its result is dropped.
 */
import { isAnyArrayBuffer } from "node:util/types";
import * as zlib from "node:zlib";
import { callbackResults } from "./callback-wait.js";
import { cooperative, trimmed, type AnyFunction, type FaceFactory, type FaceTable } from "./face.js";
import { invalidArgType } from "./node-errors.js";

const NAMES = [
  "deflateSync", "deflateRawSync", "gzipSync", "gunzipSync", "inflateSync", "inflateRawSync", "unzipSync",
  "brotliCompressSync", "brotliDecompressSync",
];

const zlibModule = zlib as unknown as Record<string, AnyFunction>;

const zlibFace = (name: string): FaceFactory => (syncFn) =>
  cooperative(syncFn, function* (args) {
    const [buffer, ...rest] = trimmed(args, 2);
    let input = buffer;
    if (typeof input !== "string" && !ArrayBuffer.isView(input)) {
      if (!isAnyArrayBuffer(input)) throw invalidArgType("buffer", ["string", "Buffer", "TypedArray", "DataView", "ArrayBuffer"], input);
      input = Buffer.from(input);
    }
    const [result] = yield* callbackResults(`zlib.${name}`, (done) => {
      zlibModule[name.slice(0, -"Sync".length)]!(input, ...rest, done);
    });
    return result;
  });

export const zlibFaces: FaceTable = Object.fromEntries(NAMES.map((name) => [name, zlibFace(name)]));
