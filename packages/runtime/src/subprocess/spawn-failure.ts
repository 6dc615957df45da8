/**
 * Why a spawn failed, known at once: `new Popen("no-such-program")` throws from the constructor,
 * as Python's `Popen` raises `FileNotFoundError` (gevent's test__subprocess.py,
 * test_child_exception and test_issue148).
 *
 * Node's `child_process.spawn` learns the reason synchronously but reports it only through an
 * `'error'` event on the next tick (Node's documentation of `child_process.spawn`: "the 'error'
 * event"); what it shows synchronously is that no process exists (`child.pid` is `undefined`).
 * So when `pid` is `undefined` the constructor asks the file system what `execvp` would have
 * met, and throws an error shaped as Node's own (`spawn FILE ENOENT`, with `code`, `errno`,
 * `syscall`, `path`, `spawnargs`):
 *
 * With `shell`, the program looked for is the shell (`/bin/sh` or the one named); a command the
 * shell cannot find is the shell's business (exit status 127), as in Python.
 *
 * | Found | `code` |
 * |---|---|
 * | `cwd` is not a directory | `ENOENT` (what Node reports) |
 * | no such file (a path), or none on `PATH` (a bare name) | `ENOENT` |
 * | a file, but not an executable regular file | `EACCES` |
 * | an executable file (the failure was elsewhere: `EAGAIN`, `EMFILE`, `ENFILE`) | `ERR_WEFT_SPAWN_FAILED`, the message says Node reports the reason asynchronously |
 *
 * The lookup runs only after a failed spawn, so it costs nothing when spawning works. The
 * child's later `'error'` event is absorbed by the `Popen` constructor.
 */
import { accessSync, constants, statSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";

type Verdict = "ENOENT" | "EACCES" | "OK";

function verdictOf(path: string): Verdict {
  try {
    const st = statSync(path);
    if (!st.isFile()) return "EACCES";
    accessSync(path, constants.X_OK);
    return "OK";
  } catch (e) {
    return (e as { code?: string }).code === "EACCES" ? "EACCES" : "ENOENT";
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** @internal What execvp would meet looking for `file` from `cwd` with `env`'s `PATH`. */
export function diagnose(file: string, cwd: string, env: NodeJS.ProcessEnv): Verdict {
  if (!isDirectory(cwd)) return "ENOENT";
  if (file.includes("/")) return verdictOf(isAbsolute(file) ? file : resolve(cwd, file));
  // libuv's search (uv_spawn): PATH from the child's environment, else the default path.
  const path = env["PATH"] ?? "/usr/local/bin:/bin:/usr/bin";
  let seen: Verdict = "ENOENT";
  for (const dir of path.split(delimiter)) {
    const v = verdictOf(resolve(cwd, join(dir === "" ? "." : dir, file)));
    if (v === "OK") return "OK";
    if (v === "EACCES") seen = "EACCES";
  }
  return seen;
}

/** @internal The error a failed spawn of `file` throws from the `Popen` constructor. */
export function spawnFailure(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, shell: unknown): Error {
  // With `shell`, Node runs the shell (`/bin/sh`, or the one named), which then looks for `file`.
  const program = typeof shell === "string" ? shell : shell === true ? "/bin/sh" : file;
  const verdict = diagnose(program, cwd, env);
  const syscall = `spawn ${file}`;
  if (verdict === "OK") {
    return Object.assign(
      new Error(`${syscall} failed: Node reports the reason asynchronously (too many processes or open files?)`),
      { code: "ERR_WEFT_SPAWN_FAILED", syscall, path: file, spawnargs: [...args] },
    );
  }
  const errno = -osConstants.errno[verdict];
  return Object.assign(new Error(`${syscall} ${verdict}`), { errno, code: verdict, syscall, path: file, spawnargs: [...args] });
}
