/**
 * `@weft/runtime/http`: synchronous-style HTTP on Node's own HTTP machinery. A server that runs a
 * handler in a greenlet per request (`HttpServer`, gevent's pywsgi) and a client whose
 * `request()` blocks only the calling greenlet (gevent's monkey-patched `requests`). Blocking
 * calls are marked **Blocks**.
 */
export { HttpServer, DEFAULT_MAX_BODY_SIZE, type HttpServerOptions, type RequestHandler } from "./http/server.js";
export { HttpRequest } from "./http/server-request.js";
export { HttpServerResponse } from "./http/server-response.js";
export { HttpError, RequestTimeout } from "./http/errors.js";
export { request, get, HttpResponse, agents, type RequestOptions } from "./http/client.js";
