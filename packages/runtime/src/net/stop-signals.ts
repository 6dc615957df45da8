/**
 * SIGINT and SIGTERM stop the running servers cleanly (the root README, "Networking").
 *
 * Rules:
 * - While at least one server that asked for it is running, the process listens for SIGINT and
 *   SIGTERM; when the last one stops, the listeners go, and the signals have Node's default
 *   effect again (the process ends).
 * - A signal asks every registered server to stop (`onStopSignal`, which each server implements
 *   as a `stop()` in a greenlet of its own). The program is not ended: `serveForever()` returns
 *   once the server stopped and the program goes on from there, so it usually ends with code 0.
 * - A signal repeated while the servers stop changes nothing: `stop` is bounded (its timeout,
 *   then at most a second to kill handlers), and a signal sent to a whole process group reaches
 *   a program run by `weft run` twice (directly and relayed), which must not cut a stop short.
 * - Listeners are Node signal listeners, which never keep the process alive.
 */

/** A server that stops when the process gets SIGINT or SIGTERM. */
export interface StopsOnSignal {
  onStopSignal(signal: NodeJS.Signals): void;
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
const registered = new Set<StopsOnSignal>();

function onSignal(signal: NodeJS.Signals): void {
  for (const server of [...registered]) server.onStopSignal(signal);
}

/** Registers `server` until the returned function is called. */
export function stopOnSignals(server: StopsOnSignal): () => void {
  if (registered.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  registered.add(server);
  return () => {
    if (!registered.delete(server)) return;
    if (registered.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}
