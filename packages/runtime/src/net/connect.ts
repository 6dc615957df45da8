/**
 * `connect`: opens a TCP connection, blocking the calling greenlet until it is established
 * (Python's `socket.create_connection`).
 */
import { createConnection } from "node:net";
import { checkTimeout, invalidArgument } from "../errors.js";
import { hub } from "../hub.js";
import { currentGreenlet, park, TIMED_OUT } from "../park.js";
import { driveFunction, undriven } from "../protocol.js";
import { fromNodeError, SocketTimeout } from "./errors.js";
import { Socket } from "./socket.js";

export interface ConnectOptions {
  /**
   * Give up after this many ms with `SocketTimeout`; also becomes the socket's timeout
   * (`Socket#setTimeout`), as in Python's `create_connection`. `null`/omitted: no timeout.
   */
  timeout?: number | null;
}

/** @internal Validates a TCP port: an integer from 0 to 65535. */
export function checkPort(port: unknown): number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalidArgument("port", "an integer from 0 to 65535", port, typeof port === "number" ? RangeError : TypeError);
  }
  return port;
}

/** @internal Validates a host name or address: a non-empty string. */
export function checkHost(host: unknown): string {
  if (typeof host !== "string" || host === "") throw invalidArgument("host", "a non-empty string", host);
  return host;
}

const CONNECTED: unique symbol = Symbol("weft.net.connected");
const FAILED: unique symbol = Symbol("weft.net.failed");

/**
 * Connects to `host:port` and returns the connected `Socket`. Throws `ConnectionRefusedError`
 * (`code: "ECONNREFUSED"`) when nothing listens there (as in gevent's test__socket_errors.py),
 * `SocketTimeout` ("timed out") after `timeout` ms, or Node's error (e.g. `ENOTFOUND`) as a
 * `SocketError`. **Blocks.**
 *
 * @example
 * const sock = connect(8080, "127.0.0.1", { timeout: 5000 });
 */
export function connect(port: number, host?: string, options?: ConnectOptions): Socket {
  return undriven("connect");
}
driveFunction(connect, function* (port, host = "127.0.0.1", options) {
  checkPort(port);
  checkHost(host);
  const ms = checkTimeout("timeout", options?.timeout);
  const g = currentGreenlet("connect");
  const node = createConnection({ port, host, allowHalfOpen: true });
  let open = true;
  let failure: unknown = null;
  const onConnect = (): void => {
    if (open) hub.wake(g, CONNECTED);
  };
  // Stays attached after a failure: a destroyed socket may still report an error, and an
  // 'error' event nobody listens to would crash the process.
  const onError = (error: unknown): void => {
    failure ??= error;
    if (open) hub.wake(g, FAILED);
  };
  node.once("connect", onConnect);
  node.on("error", onError);
  hub.externals++;
  let sock: Socket | null = null;
  try {
    const woken = yield* park("connect", ms);
    if (woken === TIMED_OUT) throw new SocketTimeout();
    if (woken !== CONNECTED) throw fromNodeError(failure);
    sock = new Socket(node);
    sock.setTimeout(ms ?? null);
    return sock;
  } finally {
    open = false;
    hub.externals--;
    node.off("connect", onConnect);
    if (sock === null) node.destroy();
    else node.off("error", onError);
  }
});
