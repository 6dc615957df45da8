/**
 * Driven faces for `node:crypto`'s blocking functions (`@weft/runtime/patch`): key derivation,
 * key and prime generation and random fills run as Node's asynchronous crypto jobs (libuv's
 * thread pool); only the calling greenlet waits.
 *
 * | sync call | async call | result |
 * |-----------|------------|--------|
 * | `pbkdf2Sync(p, s, i, len, digest)` | `pbkdf2(p, s, i, len, digest, cb)` | Buffer |
 * | `hkdfSync(digest, ikm, salt, info, len)` | `hkdf(…, cb)` | ArrayBuffer |
 * | `scryptSync(p, s, len, options?)` | `scrypt(…, cb)` | Buffer |
 * | `generateKeyPairSync(type, options?)` | `generateKeyPair(…, cb(err, pub, priv))` | `{ publicKey, privateKey }` |
 * | `generateKeySync(type, options)` | `generateKey(…, cb)` | KeyObject |
 * | `generatePrimeSync(size, options?)` | `generatePrime(…, cb)` | ArrayBuffer or bigint |
 * | `checkPrimeSync(candidate, options?)` | `checkPrime(…, cb)` | boolean |
 * | `randomFillSync(buf, offset = 0, size?)` | `randomFill(buf, offset, size, cb)` | `buf` |
 * | `randomBytes(size)` | `randomBytes(size, cb)` | Buffer |
 * | `randomBytes(size, callback)` | — Node's call itself, which does not block | its return value |
 *
 * Arguments: `pbkdf2Sync` and `hkdfSync` have no optional parameter, so every argument is passed
 * in its place (an omitted one stays `undefined` and fails the same validation as in the sync
 * call). `randomFillSync`'s `offset` defaults to 0 only when `undefined`, as in the sync function,
 * since `randomFill` has no default. The others drop trailing `undefined`s (face.ts).
 */
import * as crypto from "node:crypto";
import { callbackResults } from "./callback-wait.js";
import { callbackFace, cooperative, type AnyFunction, type FaceFactory, type FaceTable } from "./face.js";

const cryptoModule = crypto as unknown as Record<string, AnyFunction>;

/** Calls `crypto[asyncName](...args, cb)` with every argument in its place (no trimming). */
const fixedArity = (name: string, arity: number): FaceFactory => (syncFn) =>
  cooperative(syncFn, function* (args) {
    const call = Array.from({ length: arity }, (_, i) => args[i]);
    const [result] = yield* callbackResults(`crypto.${name}`, (done) => {
      cryptoModule[name.slice(0, -"Sync".length)]!(...call, done);
    });
    return result;
  });

const randomFillFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (args) {
    const [buf, offset, size] = args;
    const [filled] = yield* callbackResults("crypto.randomFillSync", (done) => {
      cryptoModule["randomFill"]!(buf, offset === undefined ? 0 : offset, size, done);
    });
    return filled;
  });

/** `randomBytes(size)` waits cooperatively; `randomBytes(size, callback)` is Node's own non-blocking call. */
const randomBytesFace: FaceFactory = (syncFn) =>
  cooperative(syncFn, function* (this: unknown, args) {
    if (args[1] !== undefined) return syncFn.apply(this, args);
    const [bytes] = yield* callbackResults("crypto.randomBytes", (done) => {
      cryptoModule["randomBytes"]!(args[0], done);
    });
    return bytes;
  });

export const cryptoFaces: FaceTable = {
  pbkdf2Sync: fixedArity("pbkdf2Sync", 5),
  hkdfSync: fixedArity("hkdfSync", 5),
  scryptSync: callbackFace(crypto, "crypto.scryptSync", "scrypt", 4),
  generateKeyPairSync: callbackFace(crypto, "crypto.generateKeyPairSync", "generateKeyPair", 2, ([publicKey, privateKey]) => ({ publicKey, privateKey })),
  generateKeySync: callbackFace(crypto, "crypto.generateKeySync", "generateKey", 2),
  generatePrimeSync: callbackFace(crypto, "crypto.generatePrimeSync", "generatePrime", 2),
  checkPrimeSync: callbackFace(crypto, "crypto.checkPrimeSync", "checkPrime", 2),
  randomFillSync: randomFillFace,
  randomBytes: randomBytesFace,
};
