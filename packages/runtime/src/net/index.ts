/**
 * `@weft/runtime/net`: TCP sockets with gevent's blocking API (gevent's documentation of
 * gevent.socket). Blocking calls are marked **Blocks**: in compiled code they suspend only the
 * calling greenlet.
 */
export { connect, type ConnectOptions } from "./connect.js";
export { listen, ServerSocket, type ListenOptions, type SocketAddress } from "./server-socket.js";
export { Socket, READ_HIGH_WATER } from "./socket.js";
export {
  StreamServer,
  type ServerAddress,
  type ConnectionHandler,
  type StreamServerOptions,
} from "./stream-server.js";
export {
  SocketError,
  ConnectionRefusedError,
  ConnectionResetError,
  BrokenPipeError,
  SocketTimeout,
} from "./errors.js";
