/**
 * `weft`'s entry: parses the command line and runs one command. Returns the exit status rather
 * than exiting, so it can be called from a program or a test. Each command's module is loaded
 * when it runs: `weft run` starts the program without loading Babel in this process.
 */
import { parseArgs, usage } from "./args.js";
import { processIo, type Io } from "./io.js";

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const command = parseArgs(argv);
  switch (command.kind) {
    case "help":
      io.stdout(usage);
      return 0;
    case "version": {
      const { cliVersion } = await import("./paths.js");
      io.stdout(`${cliVersion()}\n`);
      return 0;
    }
    case "usage-error":
      io.stderr(`weft: ${command.message}\n\n${usage}`);
      return 2;
    case "run":
      return (await import("./run.js")).runFile(command.file, command.args, io, { cache: command.cache, patch: command.patch });
    case "build":
      return (await import("./build.js")).buildFiles(command.src, command.outDir, io, command.patch);
    case "check":
      return (await import("./check.js")).checkFiles(command.files, io, command.patch);
    case "explain":
      return (await import("./explain.js")).explainFiles(command.files, io, command.patch);
    default: {
      const unreachable: never = command;
      throw new Error(`weft bug: unhandled command ${JSON.stringify(unreachable)}`);
    }
  }
}
