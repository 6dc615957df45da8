/**
 * How many file descriptors this process may open and how many are open: what a listening
 * socket needs to stop accepting *before* `accept` fails (server-socket.ts, "Out of descriptors").
 *
 * Rules:
 * - Linux only, from procfs: the soft `RLIMIT_NOFILE` is the "Max open files" row of
 *   `/proc/self/limits` (read once per process: the limit of a running process changes only
 *   through `prlimit` from outside, rarely), the open descriptors are the entries of
 *   `/proc/self/fd` (read on each call; the listing itself holds one descriptor meanwhile).
 * - Elsewhere, or when procfs cannot be read, both answer null, and the server socket relies on
 *   the errors `accept` reports.
 */
import { readdirSync, readFileSync } from "node:fs";

let limit: number | null | undefined;

/** The soft limit on open descriptors, or null when unknown or unlimited. */
export function descriptorLimit(): number | null {
  if (limit !== undefined) return limit;
  limit = null;
  try {
    const m = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync("/proc/self/limits", "utf8"));
    if (m && m[1] !== "unlimited") limit = Number(m[1]);
  } catch {
    // not Linux: unknown
  }
  return limit;
}

/** How many descriptors the process has open, or null when unknown. */
export function openDescriptors(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}
