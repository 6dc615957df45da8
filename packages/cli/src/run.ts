/**
 * `weft run FILE [args…]`: runs FILE in a child `node` with weft's hooks, so the program sees
 * exactly what `node FILE args…` would give it (`process.argv`, its own exit code, stdio) while
 * its TypeScript and blocking calls are compiled on the fly. Stack traces point into the original
 * sources through `--enable-source-maps` and the inline maps the hooks emit.
 *
 * Signals sent to `weft` are passed on to the program, and `weft` exits when it does, with its
 * code (128 + the signal number when a signal ended it).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { resolve } from "node:path";
import { isatty } from "node:tty";
import type { Io } from "./io.js";
import { tsAlternatives } from "./ts-alternatives.js";

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
}

export async function runFile(file: string, args: readonly string[], io: Io, options: RunOptions = {}): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path) && !tsAlternatives(path).some((alt) => existsSync(alt))) {
    io.stderr(`weft run: cannot find \`${file}\`\n`);
    return 1;
  }
  const { registerUrl } = await import("./paths.js");
  const child = spawn(process.execPath, ["--enable-source-maps", "--import", registerUrl, file, ...args], {
    stdio: "inherit",
    cwd: io.cwd,
    ...(options.cache === false ? { env: { ...process.env, WEFT_CACHE: "0" } } : {}),
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
