/**
 * `@weft/runtime/catalogue`: what the compiler needs to know about the runtime, as data.
 *
 * For every public function and method: whether it blocks (the roots of the compiler's
 * "may block" analysis), what it returns (so `accept()` is known to be a `Socket` and `spawn()` a
 * `Greenlet` without type annotations), and which arguments are callbacks the runtime calls in a
 * greenlet of its own (`drives`: a coroutine passed there is driven, not called plainly).
 * A test checks this table against the runtime itself: every blocking entry has a driven face,
 * and every driven face has a blocking entry.
 */

/**
 * `true`: always blocks. `false`: never blocks. `{ unlessOption, arg }`: blocks unless argument
 * `arg` is an object whose property `unlessOption` is `false` (e.g. `kill({ block: false })`).
 */
export type Blocks = boolean | { readonly unlessOption: string; readonly arg: number };

export interface CatalogueFunction {
  readonly module: string;
  readonly name: string;
  readonly blocks: Blocks;
  /** A type name: a runtime class (`Greenlet`), `T` (generic), or a primitive type. */
  readonly returns: string;
  /** Indices of arguments that are callbacks the runtime runs itself. */
  readonly drives?: readonly number[];
  /**
   * What the runtime passes a callback it drives, by argument index: the types of the
   * callback's parameters (`new StreamServer(port, handler)` calls `handler(socket, address)`,
   * so `{ 1: ["Socket"] }`). Callbacks at other `drives` indices get the call's later arguments.
   */
  readonly callbackParams?: Readonly<Record<number, readonly string[]>>;
}

export interface CatalogueMethod extends CatalogueFunction {
  readonly class: string;
  readonly static?: boolean;
}

export interface CatalogueClass {
  readonly module: string;
  readonly name: string;
  readonly extends?: string;
}

export interface Catalogue {
  readonly version: 1;
  readonly classes: readonly CatalogueClass[];
  readonly functions: readonly CatalogueFunction[];
  readonly methods: readonly CatalogueMethod[];
}

const M = "@weft/runtime";

const fn = (name: string, blocks: Blocks, returns: string, drives?: number[]): CatalogueFunction =>
  drives ? { module: M, name, blocks, returns, drives } : { module: M, name, blocks, returns };

const methods = (cls: string, list: Array<[string, Blocks, string, number[]?]>): CatalogueMethod[] =>
  list.map(([name, blocks, returns, drives]) => ({ ...fn(name, blocks, returns, drives), class: cls }));

const NET = "@weft/runtime/net";

const netFn = (name: string, blocks: Blocks, returns: string): CatalogueFunction => ({ module: NET, name, blocks, returns });

const netMethods = (cls: string, list: Array<[string, Blocks, string]>): CatalogueMethod[] =>
  list.map(([name, blocks, returns]) => ({ ...netFn(name, blocks, returns), class: cls }));

const SUBPROCESS = "@weft/runtime/subprocess";

const subFn = (name: string, blocks: Blocks, returns: string): CatalogueFunction => ({ module: SUBPROCESS, name, blocks, returns });

const subMethods = (cls: string, list: Array<[string, Blocks, string]>): CatalogueMethod[] =>
  list.map(([name, blocks, returns]) => ({ ...subFn(name, blocks, returns), class: cls }));
const HTTP = "@weft/runtime/http";

const httpFn = (name: string, blocks: Blocks, returns: string): CatalogueFunction => ({ module: HTTP, name, blocks, returns });

const httpMethods = (cls: string, list: Array<[string, Blocks, string]>): CatalogueMethod[] =>
  list.map(([name, blocks, returns]) => ({ ...httpFn(name, blocks, returns), class: cls }));

const unless = (unlessOption: string, arg: number): Blocks => ({ unlessOption, arg });

export const catalogue: Catalogue = {
  version: 1,
  classes: [
    { module: M, name: "Greenlet" },
    { module: M, name: "RawGreenlet" },
    { module: M, name: "GreenletExit", extends: "Error" },
    { module: M, name: "LoopExit", extends: "Error" },
    { module: M, name: "Timeout", extends: "Error" },
    { module: M, name: "Event" },
    { module: M, name: "AsyncResult" },
    { module: M, name: "Queue" },
    { module: M, name: "LifoQueue", extends: "Queue" },
    { module: M, name: "PriorityQueue", extends: "Queue" },
    { module: M, name: "Channel" },
    { module: M, name: "QueueEmpty", extends: "Error" },
    { module: M, name: "QueueFull", extends: "Error" },
    { module: M, name: "Semaphore" },
    { module: M, name: "BoundedSemaphore", extends: "Semaphore" },
    { module: M, name: "Lock", extends: "BoundedSemaphore" },
    { module: M, name: "RLock" },
    { module: M, name: "Group" },
    { module: M, name: "Pool", extends: "Group" },
    { module: M, name: "PoolFull", extends: "Error" },
    { module: M, name: "IMapUnordered" },
    { module: M, name: "IMap" },
    { module: M, name: "IWait" },
    { module: M, name: "Local" },
    { module: NET, name: "Socket" },
    { module: NET, name: "ServerSocket" },
    { module: NET, name: "StreamServer" },
    { module: NET, name: "SocketError", extends: "Error" },
    { module: NET, name: "ConnectionRefusedError", extends: "SocketError" },
    { module: NET, name: "ConnectionResetError", extends: "SocketError" },
    { module: NET, name: "BrokenPipeError", extends: "SocketError" },
    { module: NET, name: "SocketTimeout", extends: "SocketError" },
    { module: SUBPROCESS, name: "Popen" },
    { module: SUBPROCESS, name: "PipeReader" },
    { module: SUBPROCESS, name: "PipeWriter" },
    { module: SUBPROCESS, name: "SubprocessError", extends: "Error" },
    { module: SUBPROCESS, name: "TimeoutExpired", extends: "SubprocessError" },
    { module: SUBPROCESS, name: "CalledProcessError", extends: "SubprocessError" },
    { module: HTTP, name: "HttpServer" },
    { module: HTTP, name: "HttpRequest" },
    { module: HTTP, name: "HttpServerResponse" },
    { module: HTTP, name: "HttpResponse" },
    { module: HTTP, name: "HttpError", extends: "Error" },
    { module: HTTP, name: "RequestTimeout", extends: "Timeout" },
  ],
  functions: [
    fn("spawn", false, "Greenlet", [0]),
    fn("spawnLater", false, "Greenlet", [1]),
    fn("sleep", true, "void"),
    fn("idle", true, "void"),
    fn("joinAll", true, "Greenlet[]"),
    fn("killAll", unless("block", 1), "void"),
    fn("wait", true, "T"),
    fn("waitAny", true, "T[]"),
    fn("iwait", false, "IWait"),
    fn("getCurrent", false, "Greenlet"),
    fn("withTimeout", true, "T", [1]),
    fn("greenlet", false, "RawGreenlet", [0]),
    fn("runMain", false, "Promise", [0]),
    fn("enableMonitor", false, "void"),
    fn("disableMonitor", false, "Promise"),
    fn("hubStats", false, "object"),
    netFn("connect", true, "Socket"),
    netFn("listen", true, "ServerSocket"),
    // Names are looked up alone (`lookup(name)`): no other module has a `run` or `checkOutput`.
    subFn("run", true, "object"),
    subFn("checkOutput", true, "Buffer"),
    // Function names are looked up by name alone (`lookup`): `request` and `get` are unique here.
    httpFn("request", true, "HttpResponse"),
    httpFn("get", true, "HttpResponse"),
  ],
  methods: [
    ...methods("Greenlet", [
      ["join", true, "void"],
      ["get", unless("block", 0), "T"],
      ["kill", unless("block", 0), "void"],
      ["start", false, "void"],
      ["startLater", false, "void"],
      ["link", false, "void", [0]],
      ["linkValue", false, "void", [0]],
      ["linkException", false, "void", [0]],
      ["unlink", false, "void"],
      ["ready", false, "boolean"],
      ["successful", false, "boolean"],
      ["toPromise", false, "Promise"],
      ["switch", true, "unknown"],
      ["throw", true, "unknown"],
    ]),
    { ...fn("spawn", false, "Greenlet", [0]), class: "Greenlet", static: true },
    ...methods("RawGreenlet", [
      ["switch", true, "unknown"],
      ["throw", true, "unknown"],
    ]),
    ...methods("Timeout", [
      ["start", false, "Timeout"],
      ["cancel", false, "void"],
    ]),
    { ...fn("startNew", false, "Timeout"), class: "Timeout", static: true },
    ...methods("Event", [
      ["wait", true, "boolean"],
      ["set", false, "void"],
      ["clear", false, "void"],
      ["isSet", false, "boolean"],
    ]),
    ...methods("AsyncResult", [
      ["get", unless("block", 0), "T"],
      ["wait", true, "T"],
      ["set", false, "void"],
      ["setException", false, "void"],
      ["getNowait", false, "T"],
      ["ready", false, "boolean"],
      ["successful", false, "boolean"],
    ]),
    ...methods("Queue", [
      ["put", unless("block", 1), "void"],
      ["get", unless("block", 0), "T"],
      ["peek", unless("block", 0), "T"],
      ["join", true, "boolean"],
      ["putNowait", false, "void"],
      ["getNowait", false, "T"],
      ["taskDone", false, "void"],
      ["qsize", false, "number"],
      ["empty", false, "boolean"],
      ["full", false, "boolean"],
    ]),
    ...methods("Channel", [
      ["put", unless("block", 1), "void"],
      ["get", unless("block", 0), "T"],
      ["putNowait", false, "void"],
      ["getNowait", false, "T"],
    ]),
    ...methods("Semaphore", [
      ["acquire", unless("blocking", 0), "boolean"],
      ["wait", true, "number"],
      ["release", false, "void"],
      ["locked", false, "boolean"],
    ]),
    ...methods("RLock", [
      ["acquire", unless("blocking", 0), "boolean"],
      ["release", false, "void"],
      ["locked", false, "boolean"],
    ]),
    ...methods("Group", [
      ["spawn", false, "Greenlet", [0]],
      ["map", true, "T[]", [0]],
      ["imapUnordered", false, "IMapUnordered", [0]],
      ["imap", false, "IMap", [0]],
      ["applyAsync", false, "Greenlet", [0, 2]],
      ["mapAsync", false, "Greenlet", [0, 2]],
      ["killOne", unless("block", 1), "void"],
      ["apply", true, "T", [0]],
      ["join", true, "boolean"],
      ["kill", unless("block", 0), "void"],
      ["waitAvailable", true, "number"],
      ["freeCount", false, "number"],
      ["add", false, "void"],
      ["discard", false, "void"],
      ["has", false, "boolean"],
      ["full", false, "boolean"],
    ]),
    ...methods("IMapUnordered", [["next", true, "IteratorResult"]]),
    ...methods("IMap", [["next", true, "IteratorResult"]]),
    ...methods("IWait", [["next", true, "IteratorResult"]]),
    ...methods("Pool", [["spawn", true, "Greenlet", [0]]]),
    ...methods("Local", [
      ["get", false, "T"],
      ["set", false, "void"],
      ["delete", false, "void"],
    ]),
    ...netMethods("Socket", [
      ["recv", true, "Buffer"],
      ["send", true, "number"],
      ["sendAll", true, "void"],
      ["close", false, "void"],
      ["shutdown", false, "void"],
      ["setTimeout", false, "void"],
      ["getTimeout", false, "number"],
    ]),
    ...netMethods("ServerSocket", [
      ["accept", true, "Socket"],
      ["address", false, "object"],
      ["close", false, "void"],
    ]),
    // The constructor runs its handler (argument 1) in a greenlet per connection: driven.
    { module: NET, name: "constructor", class: "StreamServer", blocks: false, returns: "StreamServer", drives: [1], callbackParams: { 1: ["Socket"] } },
    ...netMethods("StreamServer", [
      ["start", true, "void"],
      ["serveForever", true, "void"],
      ["stop", true, "void"],
      ["close", false, "void"],
      ["stopAccepting", false, "void"],
      ["startAccepting", false, "void"],
    ]),
    // `proc.stdout` and `proc.stdin` are properties (PipeReader, PipeWriter): a call on them is
    // known by its method's name, `recv` and `sendAll`, which only blocking pipes and sockets have.
    ...subMethods("Popen", [
      ["wait", true, "number"],
      ["communicate", true, "object"],
      ["poll", false, "number"],
      ["kill", false, "void"],
      ["terminate", false, "void"],
    ]),
    ...subMethods("PipeReader", [
      ["recv", true, "Buffer"],
      ["close", false, "void"],
    ]),
    ...subMethods("PipeWriter", [
      ["sendAll", true, "void"],
      ["close", false, "void"],
    ]),
    // The constructor runs its handler (argument 1) in a greenlet per request: driven.
    {
      module: HTTP,
      name: "constructor",
      class: "HttpServer",
      blocks: false,
      returns: "HttpServer",
      drives: [1],
      callbackParams: { 1: ["HttpRequest", "HttpServerResponse"] },
    },
    ...httpMethods("HttpServer", [
      ["start", true, "void"],
      ["serveForever", true, "void"],
      ["stop", true, "void"],
      ["close", false, "void"],
    ]),
    ...httpMethods("HttpRequest", [
      ["read", true, "Buffer"],
      ["body", true, "Buffer"],
      ["text", true, "string"],
      ["json", true, "unknown"],
    ]),
    ...httpMethods("HttpServerResponse", [
      ["status", false, "HttpServerResponse"],
      ["setHeader", false, "HttpServerResponse"],
      ["writeHead", false, "void"],
      ["write", true, "void"],
      ["end", true, "void"],
      ["json", true, "void"],
    ]),
    ...httpMethods("HttpResponse", [
      ["read", true, "Buffer"],
      ["body", true, "Buffer"],
      ["text", true, "string"],
      ["json", true, "unknown"],
      ["close", false, "void"],
    ]),
  ],
};

/** The entry for `name` (a function) or `Class#name` (a method), following `extends`. */
export function lookup(name: string): CatalogueFunction | CatalogueMethod | undefined {
  const hash = name.indexOf("#");
  if (hash < 0) return catalogue.functions.find((f) => f.name === name);
  let cls: string | undefined = name.slice(0, hash);
  const method = name.slice(hash + 1);
  while (cls !== undefined) {
    const c: string = cls;
    const found = catalogue.methods.find((m) => m.class === c && m.name === method && !m.static);
    if (found) return found;
    cls = catalogue.classes.find((k) => k.name === c)?.extends;
  }
  return undefined;
}

export { PATCH_MODULES, patchable, lookupPatchable } from "./patch-catalogue.js";
export type { PatchModule, PatchableFunction } from "./patch-catalogue.js";
