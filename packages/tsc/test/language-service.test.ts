// The language-service plugin (`@weft/tsc/language-service`) as an editor meets it: the REAL
// tsserver of TypeScript 5.9 and of 6 (node_modules/typescript, node_modules/typescript-6) run as
// a child process and driven through its protocol (a JSON request a line on stdin; responses and
// events on stdout, each after a `Content-Length` header), over a temporary project whose
// tsconfig names the plugin, as README.md says ("In your editor"). Its `node_modules` is a symlink
// to the repository's, so `@weft/tsc` is the built package, loaded the way tsserver loads any
// plugin: resolved from the folder that holds tsserver's own `node_modules`, then `require()`d.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import init from "../src/language-service.js";
import { repoRoot } from "./compile-with-tsc.js";

jest.setTimeout(120_000);

interface Location {
  line: number;
  offset: number;
}
interface ProtocolDiagnostic {
  start: Location;
  end: Location;
  text: string;
  code: number;
  category: string;
  source?: string;
}
interface TextChange {
  start: Location;
  end: Location;
  newText: string;
}
interface CodeFix {
  fixName: string;
  description: string;
  changes: Array<{ fileName: string; textChanges: TextChange[] }>;
}

/** A tsserver child process and the requests of its protocol. */
class TsServer {
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private waiting = new Map<number, (body: { success: boolean; body?: unknown; message?: string }) => void>();
  readonly process: ChildProcessWithoutNullStreams;

  constructor(tsserver: string, cwd: string, readonly logFile: string) {
    this.process = spawn(process.execPath, [tsserver, "--disableAutomaticTypingAcquisition", "--logVerbosity", "normal", "--logFile", logFile], { cwd });
    this.process.stdout.on("data", (chunk: Buffer) => this.read(chunk));
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf("\r\n\r\n");
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())?.[1]);
      const start = header + 4;
      if (this.buffer.length < start + length) return;
      const message = JSON.parse(this.buffer.subarray(start, start + length).toString("utf8"));
      this.buffer = this.buffer.subarray(start + length);
      if (message.type === "response") this.waiting.get(message.request_seq)?.(message);
    }
  }

  /** A request without a response (`open`, `change`). */
  notify(command: string, args: unknown): void {
    this.process.stdin.write(`${JSON.stringify({ seq: ++this.seq, type: "request", command, arguments: args })}\n`);
  }

  request<T>(command: string, args: unknown): Promise<T> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, (r) => (r.success ? resolve(r.body as T) : reject(new Error(`${command}: ${r.message}`))));
      this.process.stdin.write(`${JSON.stringify({ seq, type: "request", command, arguments: args })}\n`);
    });
  }

  log(): string {
    return readFileSync(this.logFile, "utf8");
  }

  close(): void {
    this.process.stdin.end();
    this.process.kill();
  }
}

/** The position of a 1-based line and offset in `text`. */
function positionOf(text: string, at: Location): number {
  const lines = text.split("\n");
  return lines.slice(0, at.line - 1).reduce((n, l) => n + l.length + 1, 0) + at.offset - 1;
}

/** The 1-based line and offset of the `nth` occurrence of `needle` in `text` (plus `shift` characters). */
function locate(text: string, needle: string, shift = 0): Location {
  const at = text.indexOf(needle) + shift;
  if (at < shift) throw new Error(`no ${needle}`);
  const before = text.slice(0, at).split("\n");
  return { line: before.length, offset: before.at(-1)!.length + 1 };
}

function endOf(text: string): Location {
  const lines = text.split("\n");
  return { line: lines.length, offset: lines.at(-1)!.length + 1 };
}

function applyChanges(text: string, changes: readonly TextChange[]): string {
  const edits = changes.map((c) => ({ start: positionOf(text, c.start), end: positionOf(text, c.end), newText: c.newText })).sort((a, b) => b.start - a.start);
  for (const e of edits) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

const pauseTs = `import { sleep } from "@weft/runtime";

export function pause(ms: number): void {
  sleep(ms);
}
`;

// WEFT1002: a blocking callback handed to code that cannot drive it (EventEmitter#on).
const mainTs = `import { EventEmitter } from "node:events";
import { pause } from "./pause.js";

export function twice(): void {
  pause(1);
  pause(1);
}

const ticks = new EventEmitter();
ticks.on("tick", (n: number) => {
  pause(10);
  console.log("tick", n);
});
ticks.emit("tick", 1);
`;

const tsconfig = {
  compilerOptions: {
    strict: true,
    target: "es2022",
    module: "nodenext",
    noEmit: true,
    types: ["node"],
    plugins: [{ name: "@weft/tsc/language-service" }],
  },
  include: ["src"],
};

describe.each([
  ["TypeScript 5.9", "node_modules/typescript/lib/tsserver.js"],
  ["TypeScript 6", "node_modules/typescript-6/lib/tsserver.js"],
])("the plugin in %s's tsserver", (_name, tsserverPath) => {
  let dir: string;
  let server: TsServer;
  let main: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "weft-tsc-lsp-"));
    symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
    const files: Record<string, string> = { "package.json": `{ "type": "module" }\n`, "tsconfig.json": JSON.stringify(tsconfig, null, 2), "src/pause.ts": pauseTs, "src/main.ts": mainTs };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    main = join(dir, "src/main.ts");
    server = new TsServer(join(repoRoot, tsserverPath), dir, join(dir, "tsserver.log"));
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let text = mainTs;
  const replaceAll = (next: string) => {
    const end = endOf(text);
    server.notify("change", { file: main, line: 1, offset: 1, endLine: end.line, endOffset: end.offset, insertString: next });
    text = next;
  };
  const diagnostics = () => server.request<ProtocolDiagnostic[]>("semanticDiagnosticsSync", { file: main });

  it("shows WEFT1002 with its chain and help as the file is opened, then not once an edit fixes it", async () => {
    server.notify("open", { file: main, fileContent: mainTs, projectRootPath: dir });
    const before = await diagnostics();
    expect(before.map((d) => [d.source, d.code, d.category])).toEqual([["weft", 1002, "error"]]);
    const [d] = before;
    expect(d!.start).toEqual(locate(mainTs, "pause(10)"));
    expect(d!.text.split("\n")).toEqual([
      "WEFT1002: `pause` from `./pause.js` may block, but it is called from a callback that cannot yield.",
      "  note: `<anonymous>` may block because it calls `pause` from `./pause.js` (src/main.ts:11:3).",
      "  note: `EventEmitter#on` calls its listener synchronously and ignores the result.",
      '  help: spawn a greenlet for each event: `emitter.on("data", (d) => spawn(handle, d))`.',
    ]);
    expect(server.log()).toMatch(/\[weft\] enabled for .*tsconfig\.json/);

    // Live: the blocking call goes; so does the diagnostic, and only main.ts is analysed again.
    replaceAll(mainTs.replace("  pause(10);\n", ""));
    expect(await diagnostics()).toEqual([]);
    const analysed = server.log().match(/\[weft\] analysed src\/main\.ts \(afresh: [^)]*\)/g);
    expect(analysed).toEqual(["[weft] analysed src/main.ts (afresh: src/main.ts, src/pause.ts)", "[weft] analysed src/main.ts (afresh: src/main.ts)"]);
    replaceAll(mainTs);
    expect((await diagnostics()).map((d) => d.code)).toEqual([1002]);
  });

  it("says on hover that a call may suspend, and why, and that a function becomes a coroutine", async () => {
    const onCall = await server.request<{ documentation: string }>("quickinfo", { file: main, ...locate(text, "pause(1);", 1) });
    expect(onCall.documentation).toContain("weft: this call may suspend the current greenlet: it calls `pause` from `./pause.js` (src/main.ts:5:3).");
    const onFunction = await server.request<{ documentation: string }>("quickinfo", { file: main, ...locate(text, "twice", 1) });
    expect(onFunction.documentation).toContain("weft: `twice` becomes a coroutine (it may suspend the greenlet that calls it): it calls `pause` from `./pause.js` (src/main.ts:5:3).");
    // A call weft leaves alone has no weft line.
    const plain = await server.request<{ documentation: string }>("quickinfo", { file: main, ...locate(text, "emit", 1) });
    expect(plain.documentation).not.toContain("weft:");
  });

  it("offers the spawn fix for WEFT1002, whose edit leaves the file without any diagnostic", async () => {
    const supported = await server.request<string[]>("getSupportedCodeFixes", { file: main });
    expect(supported).toContain("1002");
    const [d] = await diagnostics();
    const fixes = await server.request<CodeFix[]>("getCodeFixes", { file: main, startLine: d!.start.line, startOffset: d!.start.offset, endLine: d!.end.line, endOffset: d!.end.offset, errorCodes: [1002] });
    const spawnFixes = fixes.filter((f) => f.fixName === "weftSpawnCallback");
    expect(spawnFixes.map((f) => f.description)).toEqual(["Run the listener in a greenlet: wrap it in spawn(…)"]);
    const fixed = applyChanges(text, spawnFixes[0]!.changes[0]!.textChanges);
    expect(fixed).toContain('import { pause } from "./pause.js";\nimport { spawn } from "@weft/runtime";\n');
    expect(fixed).toContain('ticks.on("tick", (n) => spawn((n: number) => {\n  pause(10);\n  console.log("tick", n);\n}, n));');
    replaceAll(fixed);
    expect(await diagnostics()).toEqual([]);
  });
});

describe("an internal error of the plugin", () => {
  it("is logged, and TypeScript's own result returned", () => {
    const logged: string[] = [];
    const plain = [{ messageText: "TypeScript's own", category: ts.DiagnosticCategory.Error, code: 2322, file: undefined, start: undefined, length: undefined }];
    const service = {
      getSemanticDiagnostics: () => plain,
      getProgram: () => {
        throw new Error("broken program");
      },
    } as unknown as ts.LanguageService;
    const info = {
      languageService: service,
      config: { name: "@weft/tsc/language-service" },
      project: { projectService: { logger: { info: (m: string) => logged.push(m) } }, getCurrentDirectory: () => "/", getProjectName: () => "p" },
    } as unknown as ts.server.PluginCreateInfo;
    const decorated = init({ typescript: ts }).create(info);
    expect(decorated.getSemanticDiagnostics("/a.ts")).toBe(plain);
    expect(logged.at(-1)).toMatch(/^\[weft\] internal error in diagnostics, showing TypeScript's result alone: Error: broken program/);
  });
});
