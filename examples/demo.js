// `npm run demo`: the tutorial's programs, written in synchronous style and run by `weft run`,
// which compiles them on the fly: greenlets, a JSON API on `HttpServer` calling itself with the
// HTTP client, the concurrent-download crawler (a Pool of 20 against one page at a time). Last,
// its uppercase echo server (the TypeScript version, then the JavaScript one) under 500
// concurrent client greenlets.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const weft = fileURLToPath(new URL("../packages/cli/bin/weft.js", import.meta.url));
const example = (file) => fileURLToPath(new URL(file, import.meta.url));
/** Generous: `weft run` compiles the server first, on a machine that may be busy. */
const SERVER_START_TIMEOUT_MS = 30_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;
const CLIENTS = 500;
const ROUNDS = 10;

/** [title, weft's options…, file, the program's arguments…] */
const programs = [
  ["greenlet's explicit switching", "greenlet-switch.js"],
  ["gevent's spawn / sleep / joinAll, then 10 000 sleepers", "sleepers.ts"],
  ["Node's blocking calls made cooperative: 100 greenlets read files, run commands and gzip", "--patch", "patched-workers.ts"],
  ["a JSON API on HttpServer, called with weft's HTTP client", "http-server.ts", "--demo"],
  ["gevent's concurrent download: 200 pages, a Pool of 20 against one at a time", "crawler.ts"],
];
let failed = 0;
for (const [title, ...line] of programs) {
  // weft's own options come before the file, the program's after it.
  const at = line.findIndex((a) => !a.startsWith("--"));
  const [options, file, args] = [line.slice(0, at), line[at], line.slice(at + 1)];
  console.log(`\n== ${title}: weft run ${[...options, `examples/${file}`, ...args].join(" ")}`);
  const r = spawnSync(process.execPath, [weft, "run", ...options, example(file), ...args], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}

/** Resolves with the child's exit code (128 + signal number if a signal ended it), or null after `ms`. */
function exitOf(child, ms) {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 128);
    });
  });
}

/** Starts `weft run examples/<server> 0` and returns it with the port it printed (null if it did not). */
function startServer(server) {
  const child = spawn(process.execPath, [weft, "run", example(server), "0"], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM"); // weft passes it on to the program
      resolve({ child, port: null });
    }, SERVER_START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      console.log(`server: ${line}`); // also its shutdown line, after the port
      const m = /^echo server listening on [^ ]+:(\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    lines.on("close", () => {
      clearTimeout(timer);
      resolve({ child, port: null }); // no effect once resolved with the port
    });
  });
}

for (const server of ["echo-server.ts", "echo-server.js"]) {
  console.log(`\n== the uppercase echo server, ${CLIENTS} concurrent clients: weft run examples/${server} 0`);
  const { child, port } = await startServer(server);
  if (port === null) {
    console.log(`FAILED: examples/${server} did not print its port`);
    failed++;
    continue;
  }
  console.log(`-- weft run examples/echo-client.ts ${port} --clients ${CLIENTS} --rounds ${ROUNDS}`);
  const client = spawn(process.execPath, [weft, "run", example("echo-client.ts"), String(port), "--clients", String(CLIENTS), "--rounds", String(ROUNDS)], { stdio: "inherit" });
  const [clientCode] = await once(client, "exit");
  if (clientCode !== 0) {
    console.log(`FAILED: the client exited with ${clientCode}`);
    failed++;
  }
  child.kill("SIGTERM");
  const serverCode = await exitOf(child, SERVER_STOP_TIMEOUT_MS);
  if (serverCode === 0) {
    console.log("-- SIGTERM: the server stopped and exited 0");
  } else {
    console.log(`FAILED: after SIGTERM the server ${serverCode === null ? "was still running" : `exited with ${serverCode}`}`);
    if (serverCode === null) child.kill("SIGKILL"); // weft only: the program itself may linger
    failed++;
  }
}

console.log(failed === 0 ? "\ndemo: everything worked" : `\ndemo: ${failed} program(s) FAILED`);
process.exitCode = failed === 0 ? 0 : 1;
