// A JSON API in synchronous style (gevent: a WSGI app under pywsgi): an in-memory list of notes.
// Every request runs in a greenlet of its own; `req.json()` and `res.json()` look blocking and
// suspend only that greenlet. `weft run` compiles it on the fly.
//
//   weft run examples/http-server.ts [port]     serve (default 8080; 0 picks one) until SIGINT/SIGTERM
//   weft run examples/http-server.ts --demo     serve on a free port, call the API with weft's
//                                              client, print what came back, stop
//
//   GET    /notes        → 200 [{ id, text }, …]
//   POST   /notes        { "text": "…" } → 201 { id, text }   (400 for bad JSON or no text)
//   GET    /notes/ID     → 200 { id, text }, or 404
//   DELETE /notes/ID     → 204, or 404
import { sleep } from "@weft/runtime";
import { HttpError, HttpServer, get, request, type HttpRequest, type HttpResponse, type HttpServerResponse } from "@weft/runtime/http";

interface Note {
  id: number;
  text: string;
}

const notes = new Map<number, Note>();
let nextId = 1;

function handle(req: HttpRequest, res: HttpServerResponse): void {
  const m = /^\/notes(?:\/(\d+))?$/.exec(req.path);
  if (m === null) throw new HttpError(404, `no route for ${req.path}`);
  const id = m[1] === undefined ? null : Number(m[1]);
  if (id === null && req.method === "GET") return res.json([...notes.values()]);
  if (id === null && req.method === "POST") {
    const body = req.json(); // malformed JSON: HttpError(400), answered for us
    if (typeof body?.text !== "string") throw new HttpError(400, "expected { text: string }");
    sleep(5); // stand-in for a database write: only this request waits
    const note = { id: nextId++, text: body.text };
    notes.set(note.id, note);
    return res.json(note, 201);
  }
  const note = id === null ? undefined : notes.get(id);
  if (note === undefined) throw new HttpError(404, `no note ${id}`);
  if (req.method === "GET") return res.json(note);
  if (req.method === "DELETE") {
    notes.delete(note.id);
    return res.status(204).end();
  }
  throw new HttpError(405, `${req.method} is not allowed here`);
}

const demo = process.argv.includes("--demo");
const port = demo ? 0 : Number(process.argv[2] ?? 8080);
const server = new HttpServer(port, handle, { pool: 1000 });
server.start();
const base = `http://${server.address.host}:${server.address.port}`;
console.log(`notes API listening on ${base}`);

if (demo) {
  const show = (what: string, res: HttpResponse) => console.log(`${what} → ${res.status} ${res.text().trim()}`.trimEnd());
  show("POST /notes", request(`${base}/notes`, { method: "POST", body: { text: "buy milk" } }));
  show("POST /notes", request(`${base}/notes`, { method: "POST", body: { text: "call mum" } }));
  show("POST /notes (bad JSON)", request(`${base}/notes`, { method: "POST", body: "{oops" }));
  show("GET /notes", get(`${base}/notes`));
  show("DELETE /notes/1", request(`${base}/notes/1`, { method: "DELETE" }));
  show("GET /notes/1", get(`${base}/notes/1`));
  server.stop();
} else {
  server.serveForever(); // SIGINT/SIGTERM: in-flight requests finish, then it returns
}
console.log("notes API stopped");
