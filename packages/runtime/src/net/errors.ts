/**
 * The errors of `@weft/runtime/net`: gevent's (Python's) socket errors, each carrying Node's
 * error `code` (`ECONNREFUSED`, `ECONNRESET`, `EPIPE`, `ETIMEDOUT`, `EBADF`, ...).
 */

/**
 * Base class of socket errors (Python's `OSError` for sockets), with Node's `code`.
 *
 * @example
 * try { sock.recv(1024); } catch (e) { if (e instanceof SocketError && e.code === "EBADF") closed(); }
 */
export class SocketError extends Error {
  /** Node's error code, e.g. `ECONNRESET`, or `EBADF` for a socket closed by another greenlet. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The peer refused the connection (`code: "ECONNREFUSED"`): nothing listens on that port. */
export class ConnectionRefusedError extends SocketError {
  constructor(message = "Connection refused", options?: { cause?: unknown }) {
    super("ECONNREFUSED", message, options);
  }
}

/** The peer reset the connection (`code: "ECONNRESET"`). */
export class ConnectionResetError extends SocketError {
  constructor(message = "Connection reset by peer", options?: { cause?: unknown }) {
    super("ECONNRESET", message, options);
  }
}

/** Writing to a connection the peer closed, or whose write side was shut down (`code: "EPIPE"`). */
export class BrokenPipeError extends SocketError {
  constructor(message = "Broken pipe", options?: { cause?: unknown }) {
    super("EPIPE", message, options);
  }
}

/**
 * A blocking socket call ran past the socket's timeout (`Socket#setTimeout`, or `connect`'s
 * `timeout`): Python's `socket.timeout`, message `timed out`, `code: "ETIMEDOUT"`.
 * The socket stays usable after a timed-out `recv`.
 */
export class SocketTimeout extends SocketError {
  constructor(message = "timed out") {
    super("ETIMEDOUT", message);
  }
}

/**
 * @internal The error a waiter on a socket closed by another greenlet gets (gevent's
 * test__socket_close.py).
 */
export function closedInAnotherGreenlet(): SocketError {
  return new SocketError("EBADF", "File descriptor was closed in another greenlet");
}

/** @internal The error a call on an already closed socket gets. */
export function badDescriptor(): SocketError {
  return new SocketError("EBADF", "Bad file descriptor");
}

/** @internal Turns a Node socket error into the matching class; other errors come back as they are. */
export function fromNodeError(error: unknown): unknown {
  // Not `instanceof Error`: Node's errors may come from another realm (a vm context, jest).
  const code = (error as { code?: unknown } | null)?.code;
  const m = (error as { message?: unknown } | null)?.message;
  const message = typeof m === "string" ? m : String(error);
  switch (code) {
    case "ECONNREFUSED":
      return new ConnectionRefusedError(message, { cause: error });
    case "ECONNRESET":
      return new ConnectionResetError(message, { cause: error });
    case "EPIPE":
    case "ERR_STREAM_DESTROYED":
    case "ERR_STREAM_WRITE_AFTER_END":
      return new BrokenPipeError(message, { cause: error });
    case "ETIMEDOUT":
      return new SocketTimeout();
    default:
      if (typeof code === "string") return new SocketError(code, message, { cause: error });
      return error;
  }
}
