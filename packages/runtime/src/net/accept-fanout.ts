/**
 * Extra accept handles for a listening socket: how a weft server takes a burst of connections
 * while it is busy (bench/README.md, "Echo benchmarks": the accept burst).
 *
 * The problem. Since libuv 1.45 (Node 20), a listening handle accepts **one** connection per
 * event-loop iteration (libuv PR #3696: it relies on level-triggered polling instead of
 * accepting in a loop). An iteration of a busy server runs every ready socket's callbacks and
 * every greenlet they woke, a millisecond or more, so 2000 connections arriving at once wait
 * 2000 iterations: seconds. Node 20 has no `reusePort` for TCP (it came in 22.12), so a process
 * cannot open a second listening socket on the same port.
 *
 * The way. A process may hold several descriptors of the *same* kernel listening socket, and
 * libuv polls each one separately: with `1 + k` handles, one iteration accepts up to `1 + k`
 * connections. Node gives a process a new descriptor of a socket it owns through its IPC channel
 * (the mechanism `cluster` uses to share a port): the listening socket's handle is sent to a
 * short-lived helper process (`node -e`, no file, no hooks) `k` times, and the helper sends each
 * back (each arrives in the helper as a descriptor of its own; Node does not send one handle
 * twice from a process that received it); each copy arrives here over a new descriptor and
 * becomes a `net.Server` listening through it. The handle travels raw (not as a `net.Server`), so the helper never polls it and
 * cannot take a connection itself; it disconnects and exits once the copies are sent.
 *
 * Rules:
 * - Lazy: a `Fanout` is asked for only when a burst is seen (the server socket's rule; see
 *   server-socket.ts), so idle and lightly loaded servers never start a process.
 * - Each copy gets the same `'connection'` listener, `allowHalfOpen` and backlog as the
 *   original (listening again on a listening socket sets its backlog), so a connection is the
 *   same whichever descriptor accepted it.
 * - Only over a real descriptor: a `cluster` worker under the default round-robin policy has
 *   none (the primary accepts and hands connections over); under `NODE_CLUSTER_SCHED_POLICY=none`
 *   each worker accepts from the shared socket and gets copies like any process.
 * - The helper and its channel are unref'd: they never keep the process alive, and a program
 *   may end while copies are on their way.
 * - Failure is harmless: if the helper cannot start or the handle cannot be sent (e.g. a
 *   `cluster` worker's round-robin handle, which has no descriptor), the server keeps accepting
 *   through its one handle. `close()` closes every copy, including those still on their way.
 * - With all descriptors readable for one connection, one handle accepts it and the others get
 *   `EAGAIN` from `accept` (a few microseconds each), so copies cost almost nothing when idle.
 * - **Pausing** (how a server stops taking connections off the kernel's queue; server-socket.ts):
 *   Node has no way to stop a listening `net.Server` from accepting short of closing it, and
 *   closing the last descriptor of a listening socket resets every connection in its backlog.
 *   But a copy that arrived over IPC is a libuv stream opened from a descriptor, hence flagged
 *   readable, so the handle's `readStart()` + `readStop()` stop libuv's poll of that descriptor
 *   (`uv_read_stop` stops the I/O watcher the listening socket's accept callback hangs on) and
 *   `readStart()` restarts it. A handle that listened through `bind` + `listen` is not flagged
 *   readable (`readStart` gives `ENOTCONN`), so the server socket closes its original handle
 *   once the first copy arrived (the kernel socket lives on in the copies) and from then on every
 *   handle it polls can pause. While all are paused, new connections complete their handshake
 *   and wait in the kernel's backlog, as gevent's do when its server stops accepting
 *   (gevent.baseserver: `_stop_accepting` unregisters the listening socket's watcher); beyond the
 *   backlog the kernel drops SYNs and the clients retry. Checked on Linux with Node 20.
 * - A helper that could not start, or ended before every copy arrived, is a failure the server
 *   socket may retry later (`failed`); a listening handle without a descriptor never gets copies
 *   (`unsupported`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server, type Socket as NodeSocket } from "node:net";
import { constants } from "node:os";

/** Extra accept handles a burst brings (so `1 + EXTRA_ACCEPTORS` connections per iteration). */
export const EXTRA_ACCEPTORS = 15;

/** The helper: sends back every handle it gets; leaves after the last. */
const HELPER = `process.on("message", (m, handle) => {
  process.send("acceptor", handle, () => { if (m.last) process.disconnect(); });
});`;

/** The copies of one listening socket; see the header. */
export class Fanout {
  private readonly copies: Server[] = [];
  private helper: ChildProcess | null = null;
  private closed = false;
  private paused = false;
  private expected = 0;
  /** The listening handle has no descriptor: no copies, ever. */
  unsupported = false;
  /** The helper failed before every copy arrived (spawn error, early exit, a send refused). */
  failed = false;

  /**
   * Starts the helper that brings `count` copies of `server`'s listening socket (listening with
   * `backlog`); each copy calls `onConnection`. Returns at once: the copies arrive over the next
   * few milliseconds.
   */
  constructor(
    server: Server,
    count: number,
    backlog: number,
    onConnection: (node: NodeSocket) => void,
    /** Called once every copy arrived. */
    onCopy: () => void = () => {},
    onError: (error: unknown) => void = () => {},
  ) {
    const handle = (server as unknown as { _handle?: { fd?: unknown } | null })._handle;
    if (typeof handle?.fd !== "number" || handle.fd < 0) {
      this.unsupported = true;
      return;
    }
    this.expected = count;
    let helper: ChildProcess;
    try {
      helper = spawn(process.execPath, ["-e", HELPER], { stdio: ["ignore", "ignore", "ignore", "ipc"], env: {} });
    } catch {
      this.failed = true;
      return; // no helper, no copies: the one handle still accepts
    }
    this.helper = helper;
    helper.on("error", () => {
      if (this.copies.length < this.expected) this.failed = true;
    });
    helper.on("exit", () => {
      this.helper = null;
      if (this.copies.length < this.expected) this.failed = true;
    });
    const { allowHalfOpen, pauseOnConnect } = server as unknown as { allowHalfOpen: boolean; pauseOnConnect: boolean };
    helper.on("message", (_message: unknown, copyHandle: unknown) => {
      if (typeof copyHandle !== "object" || copyHandle === null) return;
      const copy = createServer({ allowHalfOpen, pauseOnConnect });
      copy.on("connection", onConnection);
      copy.on("error", onError);
      try {
        copy.listen(copyHandle, backlog);
      } catch {
        return;
      }
      if (this.closed) {
        copy.close();
        return;
      }
      this.copies.push(copy);
      if (this.paused) pauseHandle(copy);
      // The original handle is still being sent until the last copy arrived.
      if (this.copies.length === this.expected) onCopy();
    });
    helper.unref();
    (helper.channel as { unref?: () => void } | undefined)?.unref?.();
    try {
      for (let i = 0; i < count; i++) {
        helper.send({ last: i === count - 1 }, handle as Parameters<ChildProcess["send"]>[1], (error) => {
          if (error) {
            this.failed = true;
            this.stopHelper();
          }
        });
      }
    } catch {
      this.failed = true;
      this.stopHelper(); // this handle cannot be sent
    }
  }

  /**
   * Stops (true) or restarts (false) every copy's accepting, including copies still on their
   * way. Returns false when some copy could not be paused.
   */
  setPaused(paused: boolean): boolean {
    this.paused = paused;
    let ok = true;
    for (const copy of this.copies) {
      if (paused) ok = pauseHandle(copy) && ok;
      else resumeHandle(copy);
    }
    return ok;
  }

  /** How many copies arrived and are accepting. */
  get size(): number {
    return this.copies.length;
  }

  /** Closes every copy (and any still on its way) and stops the helper if it still runs. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const copy of this.copies) copy.close();
    this.copies.length = 0;
    this.stopHelper();
  }

  private stopHelper(): void {
    const helper = this.helper;
    if (helper !== null && helper.exitCode === null && helper.signalCode === null) helper.kill();
  }
}

type ListeningHandle = { readStart?: () => number; readStop?: () => number } | null | undefined;

/** Stops libuv polling `copy`'s descriptor (see the header); false when libuv refused. */
function pauseHandle(copy: Server): boolean {
  const h = (copy as unknown as { _handle?: ListeningHandle })._handle;
  if (typeof h?.readStart !== "function" || typeof h.readStop !== "function") return false;
  const started = h.readStart(); // 0, or UV_EALREADY when already "reading"
  if (started !== 0 && started !== UV_EALREADY) return false;
  return h.readStop() === 0;
}

/** Restarts polling a paused copy. */
function resumeHandle(copy: Server): void {
  const h = (copy as unknown as { _handle?: ListeningHandle })._handle;
  h?.readStart?.();
}

/** libuv's `UV_EALREADY` (libuv error codes are negated errno values on Unix). */
const UV_EALREADY = -constants.errno.EALREADY;
