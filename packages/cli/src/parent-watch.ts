/**
 * The program `weft run` starts must not outlive `weft`: a `weft run` killed by SIGKILL (or a
 * crash) cannot relay a signal, and its program would go on serving its port with no parent. So
 * `weft run` hands the program a pipe it never writes to, as descriptor 3, and names it in
 * `WEFT_PARENT_FD`. In the program (register.ts) the pipe's read end reaches end of file when its
 * last writer, `weft`, is gone; the program then sends itself SIGTERM, which its handlers see as
 * they would a `kill` (a `StreamServer` stops cleanly; with no handler, Node exits).
 *
 * The watch does not keep the program alive (the socket is unref'd) and the variable is removed
 * from `process.env`, so the program's own child processes neither see nor watch it.
 */
import { Socket } from "node:net";

export const PARENT_FD_ENV = "WEFT_PARENT_FD";

export function watchParent(env: NodeJS.ProcessEnv = process.env): void {
  const fd = Number(env[PARENT_FD_ENV]);
  delete env[PARENT_FD_ENV];
  if (!Number.isInteger(fd) || fd < 3) return;
  let pipe: Socket;
  try {
    pipe = new Socket({ fd, readable: true, writable: false });
  } catch {
    return; // not a pipe we can read (the variable came from elsewhere): nothing to watch
  }
  pipe.unref();
  pipe.on("error", () => {});
  pipe.once("close", () => process.kill(process.pid, "SIGTERM"));
  pipe.resume();
}
