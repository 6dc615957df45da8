// The tutorial's client for the echo server, with greenlets instead of its 500 threads: every
// client greenlet connects, sends `greenlet N say hello I` and checks that the reply is the same
// text in upper case, ROUNDS times. The counters are shared without a lock: greenlets switch only
// at blocking calls, so `ok++` cannot interleave (the tutorial's "no lock for shared data").
//
//   weft run examples/echo-client.ts [port] [--host 127.0.0.1] [--clients 500] [--rounds 10]
//
// Prints `500 clients, 5000 round trips succeeded, 0 failed in N ms` and exits 1 if any round
// trip failed (wrong reply, reset, refused, or no reply within 30 s).
import { parseArgs } from "node:util";
import { joinAll, spawn } from "@weft/runtime";
import { connect, type Socket } from "@weft/runtime/net";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    host: { type: "string", default: "127.0.0.1" },
    clients: { type: "string", default: "500" },
    rounds: { type: "string", default: "10" },
  },
});
const host = values.host;
const port = Number(positionals[0] ?? 8090);
const clients = Number(values.clients);
const rounds = Number(values.rounds);
/** A round trip (or a connect) that waits longer than this fails with `SocketTimeout`. */
const TIMEOUT_MS = 30_000;

let ok = 0;
let failed = 0;
const problems = new Map<string, number>(); // what went wrong → how many round trips

function fail(why: string, count: number): void {
  failed += count;
  problems.set(why, (problems.get(why) ?? 0) + count);
}

/**
 * Reads until `size` bytes came back. TCP keeps no message boundaries: the tutorial's single
 * `recv(1024)` usually gets the whole reply on loopback, but may get part of it.
 */
function recvReply(sock: Socket, size: number): string {
  const parts: Buffer[] = [];
  let got = 0;
  while (got < size) {
    const data = sock.recv(size - got);
    if (data.length === 0) break; // the server closed the connection
    parts.push(data);
    got += data.length;
  }
  return Buffer.concat(parts).toString();
}

function client(n: number): void {
  let done = 0;
  let sock: Socket | null = null;
  try {
    sock = connect(port, host, { timeout: TIMEOUT_MS });
    for (let i = 0; i < rounds; i++) {
      const msg = `greenlet ${n} say hello ${i}`;
      sock.sendAll(msg);
      const reply = recvReply(sock, Buffer.byteLength(msg));
      done++;
      if (reply === msg.toUpperCase()) ok++;
      else fail(`wrong reply: sent ${JSON.stringify(msg)}, got ${JSON.stringify(reply)}`, 1);
    }
  } catch (error) {
    // this round trip and the ones never tried
    fail(error instanceof Error ? `${error.name}: ${error.message}` : String(error), rounds - done);
  } finally {
    sock?.close();
  }
}

const start = Date.now();
joinAll(Array.from({ length: clients }, (_, n) => spawn(client, n)));
const ms = Date.now() - start;
for (const [why, count] of problems) console.error(`${count} round trips failed: ${why}`);
console.log(`${clients} clients, ${ok} round trips succeeded, ${failed} failed in ${ms} ms`);
process.exitCode = failed === 0 && ok === clients * rounds ? 0 : 1;
