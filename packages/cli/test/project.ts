// Temporary projects for the CLI's end-to-end tests: a folder under the OS temp dir holding the
// given files and a `node_modules` symlink to the repository's, so that programs resolve
// `@weft/runtime` (and jest `@weft/cli`) exactly as in an installed project, while nothing is
// written inside the repository. Each test removes its project.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const repoRoot = join(__dirname, "..", "..", "..");
export const weftBin = join(repoRoot, "packages", "cli", "bin", "weft.js");

export interface Project {
  dir: string;
  path(...parts: string[]): string;
  write(files: Record<string, string>): void;
  remove(): void;
}

export function makeProject(files: Record<string, string>): Project {
  const dir = mkdtempSync(join(tmpdir(), "weft-cli-test-"));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  const project: Project = {
    dir,
    path: (...parts) => join(dir, ...parts),
    write(more) {
      for (const [name, text] of Object.entries(more)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  project.write(files);
  return project;
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const done = (r: SpawnSyncReturns<string>): Run => ({ code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr });

/** `weft ARGS` in `cwd`, as a user runs it (the built CLI: `npm test` builds first); `env` adds to the environment. */
export function weft(args: readonly string[], cwd: string, env?: Record<string, string>): Run {
  return done(spawnSync(process.execPath, [weftBin, ...args], { cwd, encoding: "utf8", timeout: 60_000, ...(env ? { env: { ...process.env, ...env } } : {}) }));
}

/** `weft ARGS` in `cwd` without waiting: several can run at once. */
export function weftAsync(args: readonly string[], cwd: string, env?: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [weftBin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"], ...(env ? { env: { ...process.env, ...env } } : {}) });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `node ARGS` in `cwd`: what weft's behaviour is compared with. */
export function node(args: readonly string[], cwd: string): Run {
  return done(spawnSync(process.execPath, args, { cwd, encoding: "utf8", timeout: 60_000 }));
}

/** Starts `weft ARGS`, waits until its stdout contains `ready`, sends `signal`, and collects the end. */
export function weftWithSignal(args: readonly string[], cwd: string, ready: string, signal: NodeJS.Signals): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [weftBin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (!sent && stdout.includes(ready)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      resolve({ code, signal: sig, stdout, stderr });
    });
  });
}
