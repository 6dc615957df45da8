/**
 * Internal invariants: a failure here is a bug in weft, never in user code.
 */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`weft internal error (this is a bug in weft, please report it): ${message}`);
  }
}
