/**
 * Runtime errors that say whose mistake it is. Every class carries a stable `code`.
 *
 * Argument errors name the argument, what was expected and what came:
 * ``Expected `timeout` to be a non-negative number, got `-1`.``
 */

/** Base class of weft's runtime misuse errors. */
export class WeftError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * A blocking function or method was called by code that cannot drive a coroutine: uncompiled
 * code, a callback of a library weft did not compile, or a missed indirect call.
 */
export class NotDrivenError extends WeftError {
  /** The function that was called, e.g. `sleep` or `Queue#get`. */
  readonly function: string;
  constructor(fn: string, where?: string) {
    super(
      "ERR_WEFT_NOT_DRIVEN",
      `\`${fn}\`${where ? ` (${where})` : ""} may block, but it was called by code that cannot ` +
        `suspend a greenlet: that code was not compiled by weft, or weft could not see this call. ` +
        `Compile the caller with weft, or run the call in a greenlet: \`spawn(() => ...)\`.`,
    );
    this.function = fn;
  }
}

/** Two greenlets used one object in a way only one may at a time (gevent's `ConcurrentObjectUseError`). */
export class ConcurrentObjectUseError extends WeftError {
  constructor(message: string) {
    super("ERR_WEFT_CONCURRENT_USE", message);
  }
}

/** An operation that needs a greenlet was called from plain code outside any greenlet. */
export class NoGreenletError extends WeftError {
  constructor(what: string) {
    super(
      "ERR_WEFT_NO_GREENLET",
      `${what} must be called from inside a greenlet; wrap the caller in \`spawn(...)\`.`,
    );
  }
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return `function ${value.name || "(anonymous)"}`;
  if (typeof value === "bigint") return `${value}n`;
  if (value !== null && typeof value === "object") {
    return Array.isArray(value) ? "an array" : `an object (${value.constructor?.name ?? "Object"})`;
  }
  return String(value);
}

/** A `TypeError`/`RangeError` naming the argument, with `code: "ERR_WEFT_INVALID_ARGUMENT"`. */
export function invalidArgument(
  name: string,
  expected: string,
  got: unknown,
  Kind: typeof TypeError | typeof RangeError = TypeError,
): Error {
  const err = new Kind(`Expected \`${name}\` to be ${expected}, got \`${show(got)}\`.`);
  (err as Error & { code: string }).code = "ERR_WEFT_INVALID_ARGUMENT";
  return err;
}

/** Validates a time in milliseconds: a finite non-negative number. */
export function checkMs(name: string, value: unknown): number {
  if (typeof value !== "number") throw invalidArgument(name, "a non-negative number of milliseconds", value);
  if (!(value >= 0) || value === Infinity) {
    throw invalidArgument(name, "a non-negative number of milliseconds", value, RangeError);
  }
  return value;
}

/** Validates an optional timeout: `undefined`/`null` mean "no timeout". */
export function checkTimeout(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return checkMs(name, value);
}

export function checkCallable(name: string, value: unknown): asserts value is (...args: never[]) => unknown {
  if (typeof value !== "function") throw invalidArgument(name, "a function", value);
}

export function checkCount(name: string, value: unknown, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw invalidArgument(name, `an integer >= ${min}`, value, typeof value === "number" ? RangeError : TypeError);
  }
  return value;
}
