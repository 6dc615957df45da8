/**
 * A per-user cache directory that no other user can plant files in, and entries that are
 * verified before use.
 *
 * Whatever weft caches ends up executed (V8 code caches, compiled modules), so a cache is only
 * as trustworthy as the directory it lives in. The rules:
 *
 * - **Where.** `$XDG_CACHE_HOME/weft/<name>`, else `~/.cache/weft/<name>` (macOS:
 *   `~/Library/Caches/weft/<name>`); never a shared path such as the system's temporary folder.
 * - **Who.** Each directory weft creates is made with mode 0700. Before any use, `lstat` checks
 *   the `weft` folder and the `<name>` folder: a real directory (not a symlink), owned by this
 *   user, with no access for group or others. Any failure means no cache for this run: nothing
 *   is read, nothing is written.
 * - **What.** An entry is a header line `weft-cache 1 <sha256 of the payload> <key check>` and the
 *   payload. A read opens the file with `O_NOFOLLOW`, checks with `fstat` that it is a regular
 *   file of this user's not writable by others, and verifies the payload's hash and the key check
 *   (a string the caller derives from what the payload was made from, e.g. the source's hash);
 *   a mismatch is a miss.
 * - **Writes.** The payload goes to a fresh file with a random name, opened with
 *   `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600, then renamed over the entry: readers see the
 *   old entry or the new one, never half of one, and a planted symlink is never followed.
 * - **Size.** `pruneCacheDir` bounds a folder: when its entries add up to more than a limit, the
 *   oldest written go first, down to three quarters of it; a temporary file left by a writer that
 *   died is removed after an hour. It only ever removes this user's regular files with the names
 *   entries and temporary files have (`lstat`: never through a symlink).
 *
 * Where ownership cannot be checked (no `process.getuid`, i.e. Windows) there is no cache.
 */
import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const HEADER = "weft-cache 1";

/** The folder `weft/<name>` under the user's cache home, created private; undefined when it cannot be trusted. */
export function privateCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (typeof process.getuid !== "function") return undefined;
  const home = cacheHome(env);
  if (home === undefined) return undefined;
  const weft = join(home, "weft");
  const dir = join(weft, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  return isPrivateDir(weft) && isPrivateDir(dir) ? dir : undefined;
}

function cacheHome(env: NodeJS.ProcessEnv): string | undefined {
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg !== undefined && xdg.startsWith("/")) return xdg;
  let home: string;
  try {
    home = env["HOME"] || homedir();
  } catch {
    return undefined;
  }
  if (!home) return undefined;
  return process.platform === "darwin" ? join(home, "Library", "Caches") : join(home, ".cache");
}

function isPrivateDir(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && stat.uid === process.getuid!() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The payload stored under `key` in `dir`, when the entry is intact and was made for `check`. */
export function readCacheEntry(dir: string, key: string, check: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(join(dir, entryName(key)), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.uid !== process.getuid!() || (stat.mode & 0o022) !== 0) return undefined;
    const data = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < data.length) {
      const n = readSync(fd, data, read, data.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    const newline = data.indexOf(10);
    if (newline < 0) return undefined;
    const header = data.subarray(0, newline).toString("latin1");
    const payload = data.subarray(newline + 1);
    return header === headerFor(payload, check) ? payload : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Stores `payload` under `key`; false when it could not be written (the cache only saves time). */
export function writeCacheEntry(dir: string, key: string, check: string, payload: Buffer): boolean {
  const tmp = join(dir, `.${entryName(key)}.${randomBytes(8).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch {
    return false;
  }
  try {
    writeAll(fd, Buffer.from(`${headerFor(payload, check)}\n`, "latin1"));
    writeAll(fd, payload);
    closeSync(fd);
    renameSync(tmp, join(dir, entryName(key)));
    return true;
  } catch {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to remove
    }
    return false;
  }
}

/**
 * Removes the oldest entries of `dir` while its entries add up to more than `maxBytes` (down to
 * three quarters of it), and temporary files older than an hour. Returns how many it removed.
 */
export function pruneCacheDir(dir: string, maxBytes: number, now: number = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const entries: Array<{ path: string; size: number; mtimeMs: number }> = [];
  let total = 0;
  let removed = 0;
  const remove = (path: string) => {
    try {
      unlinkSync(path);
      removed++;
    } catch {
      // gone already (another process pruned it)
    }
  };
  for (const name of names) {
    const isEntry = /^[0-9a-zA-Z_-]+\.bin$/.test(name);
    const isTemporary = /^\.[0-9a-zA-Z_-]+\.bin\.[0-9a-f]+\.tmp$/.test(name);
    if (!isEntry && !isTemporary) continue;
    const path = join(dir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    if (!stat.isFile() || stat.uid !== process.getuid!()) continue;
    if (isTemporary) {
      if (now - stat.mtimeMs > 3_600_000) remove(path);
      continue;
    }
    entries.push({ path, size: stat.size, mtimeMs: stat.mtimeMs });
    total += stat.size;
  }
  if (total <= maxBytes) return removed;
  entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
  for (const entry of entries) {
    if (total <= (maxBytes * 3) / 4) break;
    remove(entry.path);
    total -= entry.size;
  }
  return removed;
}

/** A short, file-name-safe digest of whatever identifies an entry. */
export function cacheKey(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 32);
}

function entryName(key: string): string {
  if (!/^[0-9a-zA-Z_-]+$/.test(key)) throw new Error(`weft: cache key \`${key}\` is not a plain name (this is a bug in weft)`);
  return `${key}.bin`;
}

function headerFor(payload: Buffer, check: string): string {
  return `${HEADER} ${createHash("sha256").update(payload).digest("hex")} ${createHash("sha256").update(check).digest("hex")}`;
}

function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}
