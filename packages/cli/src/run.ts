/**
 * `weft run FILE [args…]`: runs FILE in a child `node` with weft's hooks, so the program sees
 * exactly what `node FILE args…` would give it (`process.argv`, its own exit code, stdio) while
 * its TypeScript and blocking calls are compiled on the fly. Stack traces point into the original
 * sources through `--enable-source-maps` and the inline maps the hooks emit.
 *
 * Signals sent to `weft` are passed on to the program, and `weft` exits when it does, with its
 * code (128 + the signal number when a signal ended it). When `weft` itself dies (even by SIGKILL)
 * the program gets SIGTERM: it never outlives `weft` (parent-watch.ts).
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { constants } from "node:os";
import { resolve } from "node:path";
import { isatty } from "node:tty";
import type { Io } from "./io.js";
import { tsAlternatives } from "./ts-alternatives.js";
import { PARENT_FD_ENV } from "./parent-watch.js";
import { sourceExtensions } from "./user-file.js";

/**
 * Why `path` cannot be the program `weft run` starts, in one line, or undefined: a folder, a file
 * whose extension is no JavaScript or TypeScript one (a file without an extension is a script, as
 * for node), a file that is not UTF-8 text (its bytes would be echoed into the terminal).
 */
function whyNotAProgram(path: string, file: string): string | undefined {
  if (statSync(path).isDirectory()) return `\`${file}\` is a folder: give the program's file (for example \`${file.replace(/[\\/]$/, "")}/index.ts\`)`;
  const ext = /\.[^./\\]+$/.exec(path)?.[0]?.toLowerCase();
  const known: readonly string[] = [...sourceExtensions, ".jsx", ".json"];
  if (ext !== undefined && !known.includes(ext)) return `\`${file}\` is not a JavaScript or TypeScript file (${sourceExtensions.join(", ")})`;
  const head = Buffer.alloc(64 * 1024);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const bytes = head.subarray(0, n);
  let text = true;
  try {
    // `stream` when the 64 KiB window may cut a character: an incomplete one at its end is no fault.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: n === head.length });
  } catch {
    text = false;
  }
  if (!text || bytes.includes(0)) return `\`${file}\` is not a source file: it is not UTF-8 text`;
  return undefined;
}

/**
 * The signals `weft` relays. SIGINT and SIGQUIT typed at a terminal already reach the whole
 * foreground process group, the program included: relaying them too would deliver each twice (a
 * program that handles Ctrl-C would see a second one and may take it for "force quit"). So those
 * two are relayed only when `weft` has no terminal; `kill -INT <weft's pid>` from a script (no
 * terminal) reaches the program once, through `weft`.
 */
const relayed: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR2", "SIGBREAK"];
const fromTerminal = new Set<NodeJS.Signals>(["SIGINT", "SIGQUIT"]);

export interface RunOptions {
  /** `false` (`--no-cache`): the program's files are compiled, not taken from the run cache (transform-cache.ts). */
  cache?: boolean;
  /** `--patch[=MODULES]`: handed to the program's loader as `WEFT_PATCH` (patch-option.ts). */
  patch?: readonly string[];
}

export async function runFile(file: string, args: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path) && !tsAlternatives(path).some((alt) => existsSync(alt))) {
    io.stderr(`weft run: cannot find \`${file}\`\n`);
    return 1;
  }
  const unfit = existsSync(path) ? whyNotAProgram(path, file) : undefined;
  if (unfit !== undefined) {
    io.stderr(`weft run: ${unfit}\n`);
    return 1;
  }
  const { registerUrl } = await import("./paths.js");
  // Descriptor 3 of the program is a pipe from `weft` that nothing writes: it closes when `weft`
  // dies, however it dies (SIGKILL included), and the program is then sent SIGTERM (parent-watch.ts)
  // rather than left running with no parent, serving its port.
  const child = spawn(process.execPath, ["--enable-source-maps", "--import", registerUrl, file, ...args], {
    stdio: ["inherit", "inherit", "inherit", "pipe"],
    cwd: io.cwd,
    env: {
      ...process.env,
      ...(options.cache === false ? { WEFT_CACHE: "0" } : {}),
      ...(options.patch !== undefined && options.patch.length > 0 ? { WEFT_PATCH: options.patch.join(",") } : {}),
      [PARENT_FD_ENV]: "3",
    },
  });

  // isatty, not process.stdin: creating a stdin stream could take input meant for the program.
  const hasTerminal = isatty(0) || isatty(1) || isatty(2);
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of relayed) {
    if (process.platform === "win32" ? signal !== "SIGINT" && signal !== "SIGBREAK" : signal === "SIGBREAK") continue;
    const handler = () => {
      if (fromTerminal.has(signal) && hasTerminal) return; // the program got it from the terminal
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }

  try {
    return await new Promise<number>((done, fail) => {
      child.once("error", fail);
      child.once("exit", (code, signal) => {
        if (code !== null) done(code);
        else done(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
      });
    });
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
