import { NoGreenletError } from "./errors.js";
import { RUNNING, type GreenletBase } from "./greenlet-base.js";
import { hub } from "./hub.js";

/** The running greenlet, or a `NoGreenletError` naming `what` when plain code calls a blocking API. */
export function currentGreenlet(what: string): GreenletBase {
  const g = hub.current;
  if (g === null || g._state !== RUNNING) throw new NoGreenletError(`\`${what}\``);
  return g;
}
