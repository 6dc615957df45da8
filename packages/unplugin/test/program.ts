// The program every host builds and runs: colour that crosses files (`pause` in pause.* blocks;
// `Greeter#greet`, in greeter.*, calls it; main.* calls `greet` in two greenlets) and an echo
// server and client on real loopback sockets (`@weft/runtime/net`), in TypeScript and in plain
// JavaScript (for the hosts that do not strip types by themselves: Rollup, webpack without a
// TypeScript loader). Its output when it works:
export const expectedOutput = "hello, ada | hello, grace\nPING OVER LOOPBACK\n";

const pauseTs = (blocks: boolean) => `${blocks ? `import { sleep } from "@weft/runtime";\n\n` : ""}/** Waits \`ms\` milliseconds${blocks ? ": blocks, so every caller becomes a coroutine" : " (not yet)"}. */
export function pause(ms: number): void {
  ${blocks ? "sleep(ms);" : "void ms;"}
}
`;

const greeterTs = `import { pause } from "./pause.js";

export class Greeter {
  constructor(private readonly greeting: string) {}
  greet(name: string): string {
    pause(5);
    return \`\${this.greeting}, \${name}\`;
  }
}
`;

const echoTs = `import { spawn } from "@weft/runtime";
import { connect, listen, type Socket } from "@weft/runtime/net";

function serve(conn: Socket): void {
  for (;;) {
    const data = conn.recv(1024);
    if (data.length === 0) break;
    conn.sendAll(Buffer.from(data.toString().toUpperCase()));
  }
  conn.close();
}

/** Starts an echo server on a free loopback port, sends \`text\` and returns the reply. */
export function echoOnce(text: string): string {
  const listener = listen(0, "127.0.0.1");
  const { port } = listener.address();
  const server = spawn(() => serve(listener.accept()));
  const c = connect(port, "127.0.0.1");
  c.sendAll(Buffer.from(text));
  c.shutdown();
  let reply = "";
  for (;;) {
    const chunk = c.recv(1024);
    if (chunk.length === 0) break;
    reply += chunk.toString();
  }
  c.close();
  server.join();
  listener.close();
  return reply;
}
`;

const mainTs = `import { joinAll, spawn } from "@weft/runtime";
import { echoOnce } from "./echo.js";
import { Greeter } from "./greeter.js";

const g = new Greeter("hello");
const names = joinAll([spawn(() => g.greet("ada")), spawn(() => g.greet("grace"))]).map((t) => t.value);
console.log(names.join(" | "));
console.log(echoOnce("ping over loopback"));
`;

/** The program in TypeScript under `dir` (`${dir}/main.ts` is the entry); `blocks`: whether `pause` blocks yet. */
export function tsProgram(dir = "src", blocks = true): Record<string, string> {
  return { [`${dir}/pause.ts`]: pauseTs(blocks), [`${dir}/greeter.ts`]: greeterTs, [`${dir}/echo.ts`]: echoTs, [`${dir}/main.ts`]: mainTs };
}

/** Types out: what a JavaScript user writes (`${dir}/main.js` is the entry). */
export function jsProgram(dir = "src", blocks = true): Record<string, string> {
  const strip = (ts: string) =>
    ts
      .replace(/constructor\(private readonly greeting: string\) \{\}/, "constructor(greeting) {\n    this.greeting = greeting;\n  }")
      .replace(/, type Socket/, "")
      .replace(/function serve\(conn: Socket\): void/, '/** @param {import("@weft/runtime/net").Socket} conn */\nfunction serve(conn)')
      .replace(/\((\w+): (?:string|number)\)(?:: \w+)?/g, "($1)");
  return { [`${dir}/pause.js`]: strip(pauseTs(blocks)), [`${dir}/greeter.js`]: strip(greeterTs), [`${dir}/echo.js`]: strip(echoTs), [`${dir}/main.js`]: strip(mainTs) };
}

/** A file weft rejects (WEFT1004): an async function calls the blocking helper of another file. */
export const asyncCaller = `import { pause } from "./pause.js";

export async function later(): Promise<void> {
  pause(1);
}
`;

/** A file with a warning (WEFT4001): a function that may block handed to a global weft knows nothing of. */
export const unknownGlobal = `import { pause } from "./pause.js";

declare function it(name: string, body: () => void): void;

export function register(): void {
  it("pauses", () => pause(1));
}
`;

/**
 * A test file whose bodies block, for a runner whose hooks are imported from `runner`: a hook
 * that pauses and listens, a test that echoes over a loopback socket, one that calls a helper
 * whose colour crosses files and checks the order the hooks ran in.
 */
export function blockingTestFile(runner: "vitest" | "bun:test"): string {
  return `import { spawn } from "@weft/runtime";
import { connect, listen, type ServerSocket } from "@weft/runtime/net";
import { beforeEach, expect, it, test } from "${runner}";
import { Greeter } from "../src/greeter.js";
import { pause } from "../src/pause.js";

let listener: ServerSocket;
const order: string[] = [];

beforeEach(() => {
  pause(1);
  listener = listen(0, "127.0.0.1");
  order.push("beforeEach");
});

it("echoes over a loopback socket", () => {
  const server = spawn(() => {
    const conn = listener.accept();
    conn.sendAll(conn.recv(1024).toString().toUpperCase());
    conn.close();
  });
  const c = connect(listener.address().port, "127.0.0.1");
  c.sendAll("ping");
  expect(c.recv(1024).toString()).toBe("PING");
  c.close();
  server.join();
  listener.close();
  order.push("echo");
});

test("greets after a pause, after the hook ran", () => {
  expect(new Greeter("hi").greet("bob")).toBe("hi, bob");
  listener.close();
  expect(order).toEqual(["beforeEach", "echo", "beforeEach"]);
});
`;
}
