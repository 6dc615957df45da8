// Jest's globalSetup and globalTeardown: the tests never read or write the user's own caches
// (`weft run`'s transform cache, weft-tsc's code cache, packages/cli/src/private-cache.ts): one
// fresh cache home per test run, inherited by every worker and every process a test starts.
// Tests of the caches themselves set their own.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup() {
  process.env["XDG_CACHE_HOME"] = mkdtempSync(join(tmpdir(), "weft-test-cache-"));
}

export function teardown() {
  const dir = process.env["XDG_CACHE_HOME"];
  if (dir !== undefined && dir.startsWith(join(tmpdir(), "weft-test-cache-"))) rmSync(dir, { recursive: true, force: true });
}
