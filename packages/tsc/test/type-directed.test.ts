// What only types can give: programs whose blocking calls Babel (no types) cannot see, compiled
// with a Program (the checker resolves the receivers) and run. Each is also compiled without a
// Program (transpile-only, the Babel plugin's inference), where it must fail loudly instead: that
// shows the types are what makes the difference.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileWithTsc, outName, runProgram, typeErrors, writeOutputs } from "./compile-with-tsc.js";

const outRoot = join(__dirname, ".out", "type-directed");

interface Program {
  name: string;
  files: Record<string, string>;
}

function write(p: Program): { dir: string; files: string[] } {
  const dir = join(outRoot, p.name, "src");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(p.files)) writeFileSync(join(dir, file), text);
  return { dir, files: Object.keys(p.files) };
}

async function compileAndRun(p: Program, program: boolean) {
  const { dir, files } = write(p);
  if (program) expect(typeErrors(dir, files)).toEqual([]);
  const compiled = compileWithTsc(dir, files, { program });
  expect(compiled.error).toBeUndefined();
  expect(compiled.diagnostics.map((d) => d.weft.message)).toEqual([]);
  const outDir = join(outRoot, p.name, program ? "program" : "transpile");
  writeOutputs(outDir, compiled);
  const run = await runProgram(outDir, outName(files[0]!));
  return { ...run, compiled };
}

const socketFromAnotherModule: Program = {
  name: "socket-from-another-module",
  files: {
    "input.ts": `import { spawn } from "@weft/runtime";
import { listen } from "@weft/runtime/net";
import { open } from "./dial.js";
import { reply } from "./wire.js";
import { greet, type Session } from "./session.js";

const server = listen(0);
const port = server.address().port;
const handler = spawn(() => {
  const conn = server.accept();
  const name = conn.recv(100).toString();
  reply(conn, \`hello \${name}\`);
  const session: Session = { conn, name };
  greet(session);
  conn.close();
});
// A Socket that came from another module: its type says so, its name does not.
const client = open(port);
client.send(Buffer.from("egon"));
handler.get(); // rethrows the handler's failure
let text = "";
for (let chunk = client.recv(100); chunk.length > 0; chunk = client.recv(100)) text += chunk.toString();
console.log(text);
client.close();
server.close();
`,
    "dial.ts": `import { connect } from "@weft/runtime/net";
export function open(port: number) {
  return connect(port);
}
`,
    "wire.ts": `import type { Socket } from "@weft/runtime/net";
/** The program's name for a connection. */
export type Conn = Socket;
export function reply(conn: Conn, text: string): number {
  return conn.send(Buffer.from(text));
}
`,
    "session.ts": `import type { Conn } from "./wire.js";
export interface Session {
  conn: Conn;
  name: string;
}
export function greet(s: Session): void {
  s.conn.send(Buffer.from(\`, \${s.name}!\`));
}
`,
  },
};

const interfaceReceiver: Program = {
  name: "interface-receiver",
  files: {
    "input.ts": `import { Queue, spawn } from "@weft/runtime";
import { drain } from "./drain.js";
import { FixedSource } from "./fixed-source.js";
import { QueueSource } from "./queue-source.js";

const q = new Queue<string>();
spawn(() => {
  q.put("a");
  q.put("b");
});
console.log(drain(new QueueSource(q), 2).join(","), drain(new FixedSource(), 1).join(","));
`,
    "source.ts": `export interface Source {
  read(): string;
}
`,
    "queue-source.ts": `import type { Queue } from "@weft/runtime";
import type { Source } from "./source.js";
export class QueueSource implements Source {
  constructor(private readonly q: Queue<string>) {}
  read(): string {
    return this.q.get();
  }
}
`,
    "fixed-source.ts": `import type { Source } from "./source.js";
export class FixedSource implements Source {
  read(): string {
    return "fixed";
  }
}
`,
    "drain.ts": `import type { Source } from "./source.js";
export function drain(src: Source, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(src.read());
  return out;
}
`,
  },
};

/** The same, with `Source#read` marked `/** @blocking *\/`, as WEFT3008's help says (the core's interfaces.ts). */
const interfaceReceiverMarked: Program = {
  name: "interface-receiver-marked",
  files: {
    ...interfaceReceiver.files,
    "source.ts": `export interface Source {
  /** @blocking */
  read(): string;
}
`,
  },
};

const localInterface: Program = {
  name: "local-interface",
  files: {
    "input.ts": `import { Queue, spawn } from "@weft/runtime";

interface Inbox {
  next(): string;
}
class QueueInbox implements Inbox {
  constructor(readonly q: Queue<string>) {}
  next(): string {
    return this.q.get();
  }
}
function first(box: Inbox): string {
  return box.next();
}
const inbox = new QueueInbox(new Queue<string>());
spawn(() => inbox.q.put("mail"));
console.log("first:", first(inbox));
`,
  },
};

const unionWithLocalObject: Program = {
  name: "union-with-local-object",
  files: {
    "input.ts": `import { Queue, spawn } from "@weft/runtime";
import { Remote } from "./remote.js";

// A union of another file's class and an object literal of this file, written after its caller.
function fetchAll(store: Remote | typeof cache): string {
  return store.load("a") + store.load("b");
}
const q = new Queue<string>();
const cache = {
  load(key: string): string {
    return q.get() + key;
  },
};
spawn(() => {
  q.put("x");
  q.put("y");
});
console.log(fetchAll(cache), fetchAll(new Remote()));
`,
    "remote.ts": `export class Remote {
  load(key: string): string {
    return "r" + key;
  }
}
`,
  },
};

const unionReceiver: Program = {
  name: "union-receiver",
  files: {
    "input.ts": `import { Queue, spawn } from "@weft/runtime";

class Canned {
  get(): string {
    return "canned";
  }
}
function take(src: Queue<string> | Canned): string {
  return src.get();
}
const q = new Queue<string>();
spawn(() => q.put("queued"));
console.log(take(q), take(new Canned()));
`,
  },
};

const callbackParameter: Program = {
  name: "callback-parameter",
  files: {
    "input.ts": `import { Event, spawn } from "@weft/runtime";

type Step = (done: Event) => void;
function run(step: Step): void {
  const done = new Event();
  spawn(() => {
    console.log("setter runs");
    done.set();
  });
  step(done);
  console.log("after step");
}
// \`done\` is an Event only by the callback's type.
run((done) => {
  done.wait();
  console.log("waited");
});
`,
  },
};

const objectFromAnotherModule: Program = {
  name: "object-from-another-module",
  files: {
    "input.ts": `import { api } from "./api.js";

console.log(api.load("a"), api.label());
`,
    "api.ts": `import { sleep } from "@weft/runtime";

export const api = {
  load(key: string): string {
    sleep(1);
    return \`loaded \${key}\`;
  },
  label: () => "api",
};
`,
  },
};

const runtimeSubclass: Program = {
  name: "runtime-subclass",
  files: {
    "input.ts": `import { Queue, spawn } from "@weft/runtime";

class Inbox extends Queue<string> {
  collect(): string {
    return \`took \${this.get()}\`;
  }
}
const inbox = new Inbox();
spawn(() => inbox.put("mail"));
console.log(inbox.collect());
`,
  },
};

const functionValues: Program = {
  name: "function-values",
  files: {
    "input.ts": `import { api } from "./api.js";
import { makeLoader } from "./loader.js";

// Functions reached through values, not names: the checker's resolved signatures say which.
const load = api.load;
const loader = makeLoader("made");
console.log(load("a"), loader("b"), makeLoader("direct")("c"));
`,
    "api.ts": `import { sleep } from "@weft/runtime";
export const api = {
  load(key: string): string {
    sleep(1);
    return \`loaded \${key}\`;
  },
};
`,
    "loader.ts": `import { sleep } from "@weft/runtime";
export function makeLoader(prefix: string): (key: string) => string {
  return (key: string) => {
    sleep(1);
    return \`\${prefix} \${key}\`;
  };
}
`,
  },
};

describe("@weft/tsc with a Program: receivers resolved by the type checker", () => {
  beforeAll(() => rmSync(outRoot, { recursive: true, force: true }));

  it("drives a Socket that came from another module, through a type alias, a typed parameter and an interface's property", async () => {
    const r = await compileAndRun(socketFromAnotherModule, true);
    expect(r.log).toBe("hello egon, egon!\n");
    expect(r.code).toBe(0);
    const chains = r.compiled.explain.flatMap((e) => e.entries.map((x) => `${e.file.split("/").pop()}: ${x.name}: ${x.chain[0]}`));
    expect(chains).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^wire\.ts: reply: `reply` may block because it calls `Socket#send`/),
        expect.stringMatching(/^session\.ts: greet: `greet` may block because it calls `Socket#send`/),
      ]),
    );
  });

  it("makes a call through an interface marked `@blocking` a runtime check, its implementations in other modules", async () => {
    const r = await compileAndRun(interfaceReceiverMarked, true);
    expect(r.log).toBe("a,b fixed\n");
    expect(r.code).toBe(0);
  });

  it.each([true, false])(
    "reports WEFT3008 at a blocking implementation of an interface method of another module not marked `@blocking` (with a Program: %s), as Babel does",
    (program) => {
      const { dir, files } = write(interfaceReceiver);
      const compiled = compileWithTsc(dir, files, { program });
      expect(compiled.diagnostics.map((d) => [d.weft.code, d.weft.file])).toEqual([["WEFT3008", expect.stringMatching(/queue-source\.ts$/)]]);
      expect(compiled.diagnostics[0]!.weft.help).toMatch(/`\/\*\* @blocking \*\/` before `read\(…\)` in interface `Source` in \.\/source\.js/);
    },
  );

  it("sees an implementation of an interface in the same module block (a class of this file among the candidates: the core follows it)", async () => {
    const r = await compileAndRun(localInterface, true);
    expect(r.log).toBe("first: mail\n");
    expect(r.code).toBe(0);
  });

  it("sees the method of an object literal of this file block, in a union with another file's class", async () => {
    const r = await compileAndRun(unionWithLocalObject, true);
    expect(r.log).toBe("xayb rarb\n");
    expect(r.code).toBe(0);
  });

  it("makes a call on a union of a runtime class and a plain class a runtime check", async () => {
    const r = await compileAndRun(unionReceiver, true);
    expect(r.log).toBe("queued canned\n");
    expect(r.code).toBe(0);
  });

  it("resolves a method of an object literal exported by another module", async () => {
    const r = await compileAndRun(objectFromAnotherModule, true);
    expect(r.log).toBe("loaded a api\n");
    expect(r.code).toBe(0);
  });

  it("sees the runtime's methods in a project class that extends a runtime class", async () => {
    const r = await compileAndRun(runtimeSubclass, true);
    expect(r.log).toBe("took mail\n");
    expect(r.code).toBe(0);
  });

  it("resolves functions reached through values (an alias of a method, a returned arrow) by their signatures", async () => {
    const r = await compileAndRun(functionValues, true);
    expect(r.log).toBe("loaded a made b direct c\n");
    expect(r.code).toBe(0);
  });

  it("types a callback's parameter by the callback's type, so a common method name (`wait`) blocks", async () => {
    const r = await compileAndRun(callbackParameter, true);
    expect(r.log).toBe("setter runs\nwaited\nafter step\n");
    expect(r.code).toBe(0);
  });
});

describe("@weft/tsc without a Program (transpile-only) infers what the Babel plugin infers", () => {
  it.each([
    ["an interface receiver marked `@blocking`", interfaceReceiverMarked, "a,b fixed\n"],
    ["an interface whose implementation in the same module blocks", localInterface, "first: mail\n"],
  ])("sees %s without types (the core's interfaces.ts)", async (_what, p, log) => {
    const r = await compileAndRun(p, false);
    expect(r.log).toBe(log);
    expect(r.code).toBe(0);
  });

  it.each([
    ["a Socket from another module", socketFromAnotherModule],
    ["a union receiver", unionReceiver],
    ["a callback-typed parameter", callbackParameter],
    ["an object literal from another module", objectFromAnotherModule],
    ["a subclass of a runtime class", runtimeSubclass],
  ])("misses %s, and the program fails loudly (ERR_WEFT_NOT_DRIVEN) instead of silently", async (_what, p) => {
    const r = await compileAndRun(p, false);
    expect(r.log).toMatch(/ERR_WEFT_NOT_DRIVEN/);
    expect(r.code).not.toBe(0);
  });

  it("reads from loader.ts's summary that `makeLoader` returns a function that blocks (`returnsBlocking`), so its results' calls are yield points", async () => {
    const r = await compileAndRun(functionValues, false);
    expect(r.log).toBe("loaded a made b direct c\n");
    expect(r.code).toBe(0);
    const chains = r.compiled.explain.flatMap((e) => e.entries.map((x) => `${e.file.split("/").pop()}: ${x.name}: ${x.chain[0]}`));
    expect(chains).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^input\.ts: <module top level>: the module's top level may block because it calls the function that `makeLoader` from `\.\/loader\.js` returned, which may block \(.*input\.ts:7:24\)\.$/),
      ]),
    );
  });
});
