// A server program run by `weft run` in a real process, for the end-to-end server tests
// (test/stream-server-process.test.ts, test/http-server-process.test.ts): start it, wait for its
// "listening PORT pid PID" line, read what it printed, wait for its exit within a bound. Every
// process started is killed after each test.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export const weftBin = join(__dirname, "..", "packages/cli/bin/weft.js");

/** Start-up includes compiling in each process: generous for a loaded 2-core machine. */
export const START_MS = 60_000;
/** A stop waits for handlers (stop timeout), then at most a second more to kill them. */
export const STOP_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Launched {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<Exit>;
}

export interface Running extends Launched {
  port: number;
  pid: number;
}

const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

/** Kills `child` after the test, as the processes `launch` starts. */
export function track(child: ChildProcess): ChildProcess {
  running.add(child);
  return child;
}

/** `weft run program args…`, under `ulimit -n fdLimit` unless null. */
export function launch(program: string, args: readonly string[], fdLimit: number | null = null): Launched {
  const child =
    fdLimit === null
      ? spawn(process.execPath, [weftBin, "run", program, ...args], { stdio: ["ignore", "pipe", "pipe"] })
      : spawn("/bin/sh", ["-c", `ulimit -n ${fdLimit} && exec "$0" "$@"`, process.execPath, weftBin, "run", program, ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        });
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
  const exited = new Promise<Exit>((done) => child.once("exit", (code, signal) => done({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Launches the program and waits for its "listening PORT pid PID" line. */
export async function startServer(program: string, args: readonly string[], fdLimit: number | null = null): Promise<Running> {
  const r = launch(program, args, fdLimit);
  const deadline = Date.now() + START_MS;
  for (;;) {
    const m = /listening (\d+) pid (\d+)\n/.exec(r.stdout());
    if (m) return { ...r, port: Number(m[1]), pid: Number(m[2]) };
    if (r.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the program did not start (exit ${r.child.exitCode}):\n${r.stdout()}\n${r.stderr()}`);
    }
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Its exit, or a failure after `STOP_MS` with what it printed. */
export async function exitOf(r: Launched): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no exit after ${STOP_MS} ms:\n${r.stdout()}\n${r.stderr()}`)), STOP_MS);
  });
  try {
    return await Promise.race([r.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}
