// Plain synchronous helpers, as anyone writes them with Node's own API: nothing here knows about
// greenlets. Compiled with `--patch`, `readFileSync`, `execSync` and `gzipSync` become yield points
// in the greenlets that call them (examples/patched-workers.ts).
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

export interface Job {
  bytes: number;
  gzipped: number;
  output: string;
}

export function processFile(file: string, command: string): Job {
  const text = readFileSync(file);
  const output = execSync(command, { encoding: "utf8" }).trim();
  return { bytes: text.length, gzipped: gzipSync(text).length, output };
}
