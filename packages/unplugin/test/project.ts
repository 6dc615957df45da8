// Temporary projects for the end-to-end tests: a folder under the system's temporary directory
// with a `package.json` (`"type": "module"`), the files a test gives, and a `node_modules` that
// is a symlink to the repository's, so `@weft/unplugin` is the built package (dist, built by
// `npx tsc -b`, which `npm test` runs first) and the hosts are the repository's devDependencies.
// packages/tsc/test/integrations.test.ts sets up its projects the same way.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const repoRoot = join(__dirname, "..", "..", "..");
export const bin = (name: string): string => join(repoRoot, "node_modules", ".bin", name);

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Project {
  dir: string;
  path(name: string): string;
  write(files: Record<string, string>): void;
  /** Runs `node args…` in the project. */
  node(args: readonly string[], env?: Record<string, string>): Ran;
  /** Runs a command in the project. */
  run(command: string, args: readonly string[], env?: Record<string, string>): Ran;
  remove(): void;
}

export function makeProject(name: string, files: Record<string, string>): Project {
  const dir = mkdtempSync(join(tmpdir(), `weft-unplugin-${name}-`));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"), "dir");
  const write = (more: Record<string, string>) => {
    for (const [file, text] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
  };
  write({ "package.json": `${JSON.stringify({ name: `weft-${name}-project`, private: true, type: "module" }, null, 2)}\n`, ...files });
  const run = (command: string, args: readonly string[], env: Record<string, string> = {}): Ran => {
    // NO_COLOR and CI: plain text from the tools, no interactive terminal output.
    const r = spawnSync(command, args, { cwd: dir, encoding: "utf8", timeout: 180_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", CI: "true", ...env } });
    return { code: r.status, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
  };
  return {
    dir,
    path: (file) => join(dir, file),
    write,
    node: (args, env) => run(process.execPath, args, env),
    run,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
