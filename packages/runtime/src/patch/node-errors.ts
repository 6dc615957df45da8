/**
 * Node's own validation errors, for the few checks the cooperative child_process functions make
 * before calling `child_process.spawn` (which makes the rest): the same class, `code` and message
 * as Node's lib/internal/errors.js builds for `ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`,
 * `ERR_OUT_OF_RANGE` and `ERR_IPC_SYNC_FORK`, so a cooperative `execSync` fails exactly like the
 * real one (test/patch-differential.test.ts compares them).
 */
import { inspect } from "node:util";

/** Adds `code` as Node does: an own enumerable property, shown as `Name [CODE]: message`. */
function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  const header = `${error.name}: ${error.message}`;
  Object.defineProperty(error, "toString", {
    value(this: Error) {
      return `${this.name} [${code}]: ${this.message}`;
    },
    enumerable: false,
    writable: true,
    configurable: true,
  });
  if (typeof error.stack === "string" && error.stack.startsWith(header)) {
    error.stack = `${error.name} [${code}]: ${error.message}${error.stack.slice(header.length)}`;
  }
  return Object.assign(error, { code });
}

/** How Node's errors describe a received value (`determineSpecificType`). */
export function received(value: unknown): string {
  if (value == null) return String(value);
  if (typeof value === "function" && value.name) return `function ${value.name}`;
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: string } }).constructor?.name;
    if (name) return `an instance of ${name}`;
    return inspect(value, { depth: -1 });
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return `type ${typeof value} (${shown})`;
}

const TYPES = ["string", "function", "number", "object", "Function", "Object", "boolean", "bigint", "symbol"];
const CLASS_NAME = /^([A-Z][a-z0-9]*)+$/;

function listed(items: string[]): string {
  if (items.length > 2) return `${items.slice(0, -1).join(", ")}, or ${items[items.length - 1]}`;
  return items.join(" or ");
}

/** `ERR_INVALID_ARG_TYPE`: `expected` lists type names (`"string"`) and class names (`"Buffer"`). */
export function invalidArgType(name: string, expected: readonly string[], value: unknown): TypeError {
  let msg = "The ";
  msg += name.endsWith(" argument") ? `${name} ` : `"${name}" ${name.includes(".") ? "property" : "argument"} `;
  msg += "must be ";
  const types: string[] = [];
  const instances: string[] = [];
  for (const e of expected) {
    if (TYPES.includes(e)) types.push(e.toLowerCase());
    else if (CLASS_NAME.test(e)) instances.push(e);
  }
  if (instances.length > 0 && types.includes("object")) {
    types.splice(types.indexOf("object"), 1);
    instances.push("Object");
  }
  if (types.length > 0) {
    msg += types.length > 1 ? `one of type ${listed(types)}` : `of type ${types[0]}`;
    if (instances.length > 0) msg += " or ";
  }
  if (instances.length > 0) msg += `an instance of ${listed(instances)}`;
  msg += `. Received ${received(value)}`;
  return withCode(new TypeError(msg), "ERR_INVALID_ARG_TYPE");
}

/** `ERR_INVALID_ARG_VALUE`. */
export function invalidArgValue(name: string, value: unknown, reason: string): TypeError {
  const kind = name.includes(".") ? "property" : "argument";
  let shown = inspect(value);
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  return withCode(new TypeError(`The ${kind} '${name}' ${reason}. Received ${shown}`), "ERR_INVALID_ARG_VALUE");
}

function separated(digits: string): string {
  let res = "";
  let i = digits.length;
  const start = digits[0] === "-" ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${digits.slice(i - 3, i)}${res}`;
  return `${digits.slice(0, i)}${res}`;
}

/** `ERR_OUT_OF_RANGE`. */
export function outOfRange(name: string, range: string, value: unknown): RangeError {
  let shown: string;
  if (Number.isInteger(value) && Math.abs(value as number) > 2 ** 32) shown = separated(String(value));
  else if (typeof value === "bigint") shown = `${value > 2n ** 32n || value < -(2n ** 32n) ? separated(String(value)) : String(value)}n`;
  else shown = inspect(value);
  return withCode(new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shown}`), "ERR_OUT_OF_RANGE");
}

/** `ERR_IPC_SYNC_FORK`. */
export function ipcSyncFork(): Error {
  return withCode(new Error("IPC cannot be used with synchronous forks"), "ERR_IPC_SYNC_FORK");
}
