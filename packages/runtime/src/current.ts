import { NoGreenletError } from "./errors.js";
import { RUNNING, WATCHED, type GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";

/** The blocking monitor's probe (monitor.ts): set while the monitor is on, called for watched greenlets. */
let yieldProbe: ((g: GreenletBase) => void) | null = null;

/** Arms (or, with null, disarms) the probe `currentGreenlet` calls before a primitive suspends. */
export function setYieldProbe(probe: ((g: GreenletBase) => void) | null): void {
  yieldProbe = probe;
}

/** The running greenlet, or a `NoGreenletError` naming `what` when plain code calls a blocking API. */
export function currentGreenlet(what: string): GreenletBase {
  const g = hub.current;
  if (g === null || g._state !== RUNNING) throw new NoGreenletError(`\`${what}\``);
  if (yieldProbe !== null && (g._flags & WATCHED) !== 0) yieldProbe(g);
  return g;
}
