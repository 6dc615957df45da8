/**
 * `workers: n` for `StreamServer`: n processes serving one port through Node's `cluster` (the root
 * README, "Networking"). This file is the primary's side; the worker's side is in stream-server.ts.
 *
 * Protocol:
 * - The program runs in the primary process and again in each worker: `cluster` starts the same
 *   entry with the same arguments, Node options and environment. In a worker the server serves
 *   like a one-process server; the port is shared (cluster's default policy on Linux is
 *   round-robin: the primary accepts and hands each connection to a worker in turn, an IPC
 *   message each, so it spreads connections evenly but takes a burst at about a thousand
 *   connections a second; `NODE_CLUSTER_SCHED_POLICY=none` lets every worker accept from the
 *   shared socket itself, with the burst fan-out of accept-fanout.ts, at the price of the
 *   kernel's uneven spread). Port 0 gives every worker the same free port.
 * - `start()` in the primary forks the workers and blocks until each reports it is listening;
 *   the server's address is theirs. If a worker exits before that, `start` kills the others and
 *   throws `ERR_WEFT_WORKER_FAILED` with its exit code or signal.
 * - The primary talks to workers with two messages: `{ weft: "stop", timeout }` (the worker
 *   runs `stop(timeout)` on its server) and `{ weft: "close" }` (it closes its server); either
 *   way the worker then disconnects, so it ends when its program does.
 * - `stop(timeout)` in the primary sends "stop" to every worker and waits for all of them to
 *   exit, up to `timeout` plus the kill cap and a second of grace; then it kills what remains
 *   (SIGKILL) and waits for those exits. `close()` sends "close" and does not wait.
 * - A worker that crashes while the server serves (a non-zero exit code or a signal) is reported
 *   on stderr and replaced. One that exits with code 0 ended on purpose (its server was stopped,
 *   e.g. by a signal to it alone) and is not replaced. One that exits before it listened (a
 *   replacement failing as it starts) is reported, not replaced: replacing it would loop.
 * - **A connection in transit to a worker that dies** (killed, crashed): under round-robin the
 *   primary sends each accepted connection to a worker over IPC and keeps its own descriptor
 *   until the worker answers that it took it (Node's cluster, `RoundRobinHandle#handoff`). A
 *   worker that dies before answering never answers, so the primary would hold that connection
 *   open forever: its client hangs. The primary therefore notes every connection it hands a
 *   worker (the `newconn` messages going through the worker's `process.send`) until the worker's
 *   answer (`ack`) comes, and when the worker exits it closes those it still holds: their
 *   clients see the connection close at once, and can retry against the survivors or the
 *   replacement. (Connections queued for a worker but not yet sent go to the others: Node's
 *   cluster already does that.)
 * - One server with `workers` per program: the workers run the whole program, so a second one
 *   could not tell which of them its workers are. Its `start` throws `ERR_WEFT_WORKERS_TAKEN`.
 */
import cluster, { type Address, type Worker } from "node:cluster";
import { WeftError } from "../errors.js";
import { Event } from "../event.js";
import { hub } from "../hub.js";
import { driven } from "../protocol.js";
import type { SocketAddress } from "./server-socket.js";

/** A message from the primary to its workers. */
export type PrimaryMessage = { weft: "stop"; timeout: number } | { weft: "close" };

/** How long a stopping worker may take beyond its own stop (its process has to end, too). */
const EXIT_GRACE = 1000;

let taken = false;

/** True when `message` is one of the primary's. */
export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  const weft = (message as { weft?: unknown } | null)?.weft;
  return weft === "stop" || weft === "close";
}

/** The worker processes of one server, seen from the primary. */
export class ServerWorkers {
  private readonly live = new Set<Worker>();
  private readonly changed = new Event();
  private listening = 0;
  private failure: WeftError | null = null;
  private ending = false;
  private bound: SocketAddress | null = null;

  /** `kind` names the server in messages: `StreamServer` or `HttpServer`. */
  constructor(
    private readonly count: number,
    private readonly kind: string = "StreamServer",
  ) {}

  /** The address the workers listen on (null before they do). */
  get address(): SocketAddress | null {
    return this.bound;
  }

  /**
   * Forks the workers; returns once each is listening, or once the server is stopped or closed
   * meanwhile. **Blocks.**
   */
  *start(): Generator<unknown, void, unknown> {
    if (taken) {
      throw new WeftError(
        "ERR_WEFT_WORKERS_TAKEN",
        `Another server of this program already runs with \`workers\`: the workers run the whole program, so only one server per program (a StreamServer or an HttpServer) can have them.`,
      );
    }
    taken = true;
    for (let i = 0; i < this.count; i++) this.fork();
    while (this.failure === null && !this.ending && this.listening < this.count) yield* this.waitForChange();
    if (this.failure !== null && !this.ending) {
      yield* this.end({ weft: "stop", timeout: 0 }, 0);
      taken = false; // every worker is gone: another server may try
      throw this.failure;
    }
  }

  /** Asks every worker to stop; waits for them to exit, killing them after the bound. **Blocks.** */
  *stop(timeout: number, killCap: number): Generator<unknown, void, unknown> {
    yield* this.end({ weft: "stop", timeout }, timeout + killCap + EXIT_GRACE);
  }

  /** Asks every worker to close its server (stop accepting); does not wait. */
  close(): void {
    this.ending = true;
    this.tell({ weft: "close" });
  }

  private *end(message: PrimaryMessage, ms: number): Generator<unknown, void, unknown> {
    this.ending = true;
    this.tell(message);
    const deadline = performance.now() + ms;
    while (this.live.size > 0) {
      const left = deadline - performance.now();
      if (left <= 0 || !(yield* this.waitForChange(left))) break;
    }
    if (this.live.size === 0) return;
    for (const worker of this.live) worker.process.kill("SIGKILL");
    while (this.live.size > 0) yield* this.waitForChange();
  }

  private tell(message: PrimaryMessage): void {
    for (const worker of this.live) {
      if (worker.isConnected()) worker.send(message, () => {});
      else worker.process.kill("SIGTERM");
    }
  }

  private fork(): void {
    const worker = cluster.fork();
    this.live.add(worker);
    const inTransit = watchHandoffs(worker);
    let listened = false;
    worker.on("listening", (address: Address) => {
      if (listened) return;
      listened = true;
      this.listening++;
      this.bound ??= { host: address.address ?? "127.0.0.1", port: address.port };
      this.changed.set();
    });
    worker.on("error", () => {}); // a failed send to a dying worker; its exit follows
    worker.on("exit", (code: number | null, signal: string | null) => {
      for (const handle of inTransit.values()) closeQuietly(handle);
      inTransit.clear();
      this.live.delete(worker);
      this.changed.set();
      if (this.ending) return;
      const how = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      if (!listened) {
        const message = `A ${this.kind} worker process ${how} before it was listening.`;
        if (this.listening < this.count) this.failure ??= new WeftError("ERR_WEFT_WORKER_FAILED", message);
        else process.stderr.write(`weft: ${message} It is not replaced.\n`);
        return;
      }
      if (code === 0) return;
      process.stderr.write(`weft: a ${this.kind} worker process ${how}; starting another.\n`);
      this.fork();
    });
  }

  /** Waits for a worker to listen or exit (or `ms` to pass); false on timeout. */
  private *waitForChange(ms?: number): Generator<unknown, boolean, unknown> {
    this.changed.clear();
    hub.externals++;
    try {
      return yield* driven(this.changed.wait).call(this.changed, ms);
    } finally {
      hub.externals--;
    }
  }
}

type ClosableHandle = { close?: () => void };
type ClusterMessage = { cmd?: unknown; act?: unknown; seq?: unknown; ack?: unknown };

/**
 * The connections the primary handed `worker` and the worker has not answered for yet, by the
 * message's sequence number (see the header).
 */
function watchHandoffs(worker: Worker): Map<number, ClosableHandle> {
  const inTransit = new Map<number, ClosableHandle>();
  const proc = worker.process as unknown as {
    send: (...args: unknown[]) => boolean;
    on: (event: string, listener: (message: unknown) => void) => void;
  };
  const send = proc.send;
  if (typeof send !== "function") return inTransit;
  proc.send = function (this: unknown, message: unknown, handle?: unknown, ...rest: unknown[]): boolean {
    const m = message as ClusterMessage | null;
    if (m?.cmd === "NODE_CLUSTER" && m.act === "newconn" && typeof m.seq === "number" && typeof handle === "object" && handle !== null) {
      inTransit.set(m.seq, handle as ClosableHandle);
    }
    return send.call(this, message, handle, ...rest);
  };
  proc.on("internalMessage", (message: unknown) => {
    const m = message as ClusterMessage | null;
    if (m?.cmd === "NODE_CLUSTER" && typeof m.ack === "number") inTransit.delete(m.ack);
  });
  return inTransit;
}

function closeQuietly(handle: ClosableHandle): void {
  try {
    handle.close?.();
  } catch {
    // already closed
  }
}
