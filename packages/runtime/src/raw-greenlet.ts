/**
 * greenlet's explicit switching (greenlet's documentation, "Switching"): `greenlet(fn, parent?)`
 * makes a `RawGreenlet`, which runs only when something switches to it.
 *
 * Transfer rules:
 * - `switch(...args)` transfers control: the caller parks and the target runs next, before
 *   anything else that is ready (`hub.runNext`). The first switch starts `fn(...args)`; a later
 *   one makes the target's pending `switch()` return the args, packed: none → `undefined`, one →
 *   that value, several → an array. A switch to the running greenlet itself returns them at once.
 * - When `fn` returns, its value goes to the parent as if by `parent.switch(value)`. An error
 *   escaping `fn` is thrown into the parent at its suspension point, except `GreenletExit`,
 *   which the parent receives as a value.
 * - `throw(err = new GreenletExit())` throws at the target's suspension point and switches to it.
 *   A greenlet that never started dies without running and the error goes on to its parent.
 * - A switch or throw aimed at a dead greenlet goes to its parent, then grandparent, and so on
 *   (a `GreenletExit` thrown at a dead greenlet turns into a value on the way).
 * - To the hub a raw greenlet is an ordinary greenlet: it may `sleep`, `join`, wait on a queue.
 *   `getCurrent()` returns it while it runs.
 *
 * Where a transfer may land (the decisions a JavaScript port has to make):
 * - A parent chain ends at a gevent-style `Greenlet`: a main greenlet (`runMain`, `runTest`), a
 *   spawned greenlet, or the root greenlet of plain code. Their parent is, in gevent, the hub.
 *   Every greenlet has `switch`/`throw` (greenlet-base.ts), so `g.parent.switch(x)` always types.
 * - Only a greenlet suspended in `switch()`/`throw()`, or a raw greenlet not started yet, can be
 *   switched to. A greenlet blocked in a hub primitive (`sleep`, `join`, a queue) belongs to its
 *   wake-up; one that is ready belongs to the run queue. An explicit `switch`/`throw` aimed at
 *   one of those throws `InvalidSwitchError` in the caller, who made the mistake, and does not
 *   switch. A finishing greenlet has no caller to tell: its error is thrown into such a parent
 *   at its blocking point (unwinding it like `kill()`), and a value arrives there as an
 *   `InvalidSwitchError` (what gevent's `Waiter` raises on a foreign switch).
 * - When the chain has no live greenlet left, or ends at a `Greenlet` that never runs (the root
 *   greenlet of plain code, a `Greenlet` never started), a finishing greenlet's result goes to
 *   the hub: a value is dropped and an error is reported like a spawned greenlet's failure. The
 *   compiler runs a module's top level in a main greenlet so that greenlets created there have
 *   it as their parent, as in Python. An explicit switch there throws `InvalidSwitchError`.
 *
 * Abandoned greenlets: a greenlet suspended in a `switch()` has no timer and no waiter
 * registration; only the program's references to it can resume it. So while it waits it is not in
 * `hub.live` (`hub.untrack`; `hub.runNext` and `hub.wakeThrow` put it back when it is resumed), and
 * one that nobody switches to again is simply never resumed. There is no garbage-collection
 * `GreenletExit` (greenlet's TestGreenlet.test_dealloc): its `finally` blocks never run. It keeps
 * no process alive, is not reported by `findLeaks`/`runTest` nor in `LoopExit`'s list, and is
 * collected with its last reference. A main greenlet still gets `LoopExit` when it waits in a
 * switch that nothing left can complete (it stays in `hub.mains`).
 */
import { checkCallable, invalidArgument, WeftError } from "./errors.js";
import { DEAD, GreenletBase, NEW, PARKED, READY, type Coroutine } from "./greenlet-base.js";
import { GreenletExit, getCurrent, makeException, type Greenlet } from "./greenlet.js";
import { hub } from "./hub.js";
import { invariant } from "./invariant.js";
import { co, driveMethod, isCoroutine, undriven } from "./protocol.js";
import { Suspension } from "./suspension.js";
import { currentGreenlet } from "./current.js";

/**
 * A switch or throw that cannot be delivered: its target is blocked in the hub, ready to run,
 * never runs, or dead with its whole parent chain (`code: "ERR_WEFT_INVALID_SWITCH"`).
 */
export class InvalidSwitchError extends WeftError {
  constructor(message: string) {
    super("ERR_WEFT_INVALID_SWITCH", message);
  }
}

/** Any greenlet: what `getCurrent()` returns and what a raw greenlet's `parent` may be. */
export type AnyGreenlet = Greenlet<unknown> | RawGreenlet;

// `any` in the parameter list: `fn` receives whatever the first switch passes.
type RunFunction = (...args: any[]) => unknown;

/** What a transfer carries: the values a `switch()` passes, or an error a `throw()` raises. */
type Transfer =
  | { readonly isThrow: false; readonly args: readonly unknown[] }
  | { readonly isThrow: true; readonly error: unknown };

/**
 * Greenlets suspended in an explicit switch: the only ones a switch may send values to. A weak
 * set, so that an abandoned greenlet is collected with its last reference.
 */
const switching = new WeakSet<GreenletBase>();

/** The suspension of a greenlet waiting in `switch()`/`throw()` for someone to switch back. */
class SwitchOp extends Suspension<unknown> {
  private parked: GreenletBase | null = null;
  constructor(readonly what: string) {
    super();
  }
  protected arm(g: GreenletBase): void {
    this.parked = g;
    switching.add(g);
    hub.untrack(g); // see "Abandoned greenlets" in the header
  }
  protected disarm(): void {
    if (this.parked !== null) switching.delete(this.parked);
    this.parked = null;
  }
}

function pack(args: readonly unknown[]): unknown {
  return args.length === 0 ? undefined : args.length === 1 ? args[0] : [...args];
}

function exitAsValue(t: Transfer): Transfer {
  return t.isThrow && t.error instanceof GreenletExit ? { isThrow: false, args: [t.error] } : t;
}

function parentOf(g: GreenletBase): GreenletBase | null {
  return g instanceof RawGreenlet ? g._parent : null;
}

function noRunError(g: RawGreenlet): TypeError {
  const error = new TypeError(`${g._describe()} has no \`run\` function: pass one to \`greenlet(fn)\` or set \`run\`.`);
  (error as TypeError & { code: string }).code = "ERR_WEFT_NO_RUN";
  return error;
}

/**
 * Follows the parent chain from `target` past dead greenlets, and past never-started ones that
 * a throw kills; returns where the transfer lands (null: off the top of the chain) and what it
 * carries there. A never-started greenlet without `run` stops an explicit transfer with
 * `ERR_WEFT_NO_RUN`; a finishing greenlet's result is then thrown on to that greenlet's parent.
 */
function route(target: GreenletBase | null, t: Transfer, explicit: boolean): [GreenletBase | null, Transfer] {
  while (target !== null) {
    if (target._state === DEAD) {
      t = exitAsValue(t);
      target = parentOf(target);
    } else if (target._state === NEW && target instanceof RawGreenlet) {
      if (target._fn === null) {
        const error = noRunError(target);
        if (explicit) throw error;
        t = { isThrow: true, error };
        target = target._parent;
      } else if (t.isThrow) {
        // Never started: it dies without running, as if the error had been raised on its first line.
        target._fn = null;
        hub.forget(target);
        t = exitAsValue(t);
        target = target._parent;
      } else {
        break;
      }
    } else {
      break;
    }
  }
  return [target, t];
}

/** Schedules `dest` to run next with `t`, if it can take a switch; false if it cannot. */
function resume(dest: GreenletBase, t: Transfer): boolean {
  if (dest._state === NEW) {
    if (!(dest instanceof RawGreenlet)) return false;
    invariant(!t.isThrow, "route() let a throw reach a greenlet that never started");
    dest._startArgs = t.args;
    hub.runNext(dest, undefined, false);
    return true;
  }
  if (dest._state !== PARKED || !switching.has(dest)) return false;
  if (t.isThrow) hub.runNext(dest, t.error, true);
  else hub.runNext(dest, pack(t.args), false);
  return true;
}

/** Why `dest` cannot take a switch, as the end of a sentence. */
function whyNot(dest: GreenletBase): string {
  switch (dest._state) {
    case NEW:
      return "it is a `Greenlet` that never started (the root greenlet of plain code, or one not yet `start()`ed)";
    case READY:
      return "it is ready to run, and the hub will resume it";
    case PARKED:
      return `it is blocked in ${dest._waitingOn ?? "the hub"}, and its wake-up will resume it (use \`kill()\` to interrupt it)`;
    default:
      return `it is in state ${dest._state}`;
  }
}

/** The driven face of every `switch` and `throw`. */
function* transfer(target: GreenletBase, t: Transfer, what: string): Generator<unknown, unknown, unknown> {
  const self = currentGreenlet(what);
  const [dest, sent] = route(target, t, true);
  if (dest === self) {
    if (sent.isThrow) throw sent.error;
    return pack(sent.args);
  }
  if (dest === null) {
    throw new InvalidSwitchError(
      `Cannot switch to ${target._describe()}: it is dead, and so is every greenlet in its parent chain.`,
    );
  }
  if (!resume(dest, sent)) {
    const via = dest === target ? "" : ` (it is dead; the switch went up its parent chain to ${dest._describe()})`;
    throw new InvalidSwitchError(
      `Cannot switch to ${target._describe()}${via}: ${whyNot(dest)}. Only a greenlet suspended in ` +
        "`switch()` or `throw()`, or a raw greenlet not yet started, can be switched to.",
    );
  }
  return yield* new SwitchOp(what);
}

function* runPlain(fn: RunFunction, args: readonly unknown[]): Coroutine {
  return fn(...args);
}

function checkParent(child: RawGreenlet | null, parent: unknown): GreenletBase {
  if (!(parent instanceof GreenletBase)) throw invalidArgument("parent", "a greenlet", parent);
  for (let p: GreenletBase | null = parent; p !== null; p = parentOf(p)) {
    if (child !== null && p === child) {
      throw new WeftError(
        "ERR_WEFT_CYCLIC_PARENT",
        `Cannot make ${parent._describe()} the parent of ${child._describe()}: cyclic parent chain.`,
      );
    }
  }
  return parent;
}

/**
 * greenlet's primitive: a greenlet that runs only when switched to, and whose result goes to
 * its `parent`. See the header of this file for the rules.
 *
 * @example
 * const g1 = greenlet(eat);
 * const g2 = greenlet(play);
 * g1.switch("egon"); // eat("egon") runs now; returns when play() finishes (g2's parent is us)
 */
export class RawGreenlet extends GreenletBase {
  /** @internal The function to run; null once started (or when there is none). */
  _fn: RunFunction | null;
  /** @internal */ _fnName: string;
  /** @internal */ _parent: GreenletBase;
  /** @internal The arguments of the first switch, until the hub starts the greenlet. */
  _startArgs: readonly unknown[] | null = null;

  /**
   * A greenlet that will run `fn` (a plain function or a coroutine) at its first switch. Its
   * parent is `parent`, by default the greenlet running now (`getCurrent()`).
   */
  constructor(fn?: RunFunction | null, parent?: AnyGreenlet | null) {
    super();
    if (fn !== undefined && fn !== null) checkCallable("fn", fn);
    this._fn = fn ?? null;
    this._fnName = fn?.name || "anonymous";
    this._parent = parent === undefined || parent === null ? getCurrent() : checkParent(null, parent);
  }

  /** @internal */
  _begin(): Coroutine {
    const fn = this._fn;
    const args = this._startArgs ?? [];
    invariant(fn !== null, "a raw greenlet started without a run function");
    this._fn = null;
    this._startArgs = null;
    return isCoroutine(fn) ? (fn[co].apply(undefined, args as unknown[]) as Coroutine) : runPlain(fn, args);
  }

  /** @internal Sends the result to the parent chain (see the header). */
  _finish(result: unknown, failed: boolean): void {
    const t: Transfer =
      failed && !(result instanceof GreenletExit) ? { isThrow: true, error: result } : { isThrow: false, args: [result] };
    const [dest, sent] = route(this._parent, t, false);
    if (dest !== null && resume(dest, sent)) return;
    if (dest === null || dest._state === NEW) {
      if (sent.isThrow) hub.reportError(this, sent.error);
      return;
    }
    const error = sent.isThrow
      ? sent.error
      : new InvalidSwitchError(`${this._describe()} finished and switched to its parent ${dest._describe()}, but ${whyNot(dest)}.`);
    if (dest._state === PARKED) hub.runNext(dest, error, true);
    else hub.wakeThrow(dest, error);
  }

  /** @internal */
  _describe(): string {
    return `<RawGreenlet "${this.name}": ${this._fnName}()>`;
  }

  /** Like greenlet's repr: ends with `pending`, `current active started`, `suspended active started` or `dead`. */
  override toString(): string {
    const state =
      this._state === NEW
        ? "pending"
        : this._state === DEAD
          ? "dead"
          : hub.current === this
            ? "current active started"
            : "suspended active started";
    return `<RawGreenlet "${this.name}": ${this._fnName}() ${state}>`;
  }

  /** The greenlet that receives this one's result. Settable; no cycles. */
  get parent(): AnyGreenlet {
    return this._parent as AnyGreenlet;
  }
  set parent(value: AnyGreenlet) {
    this._parent = checkParent(this, value);
  }

  /** The function it will run; `undefined` once started (greenlet's `run`). Settable until then. */
  get run(): RunFunction | undefined {
    return this._fn ?? undefined;
  }
  set run(fn: RunFunction | undefined) {
    if (this._state !== NEW) {
      throw new WeftError("ERR_WEFT_ALREADY_STARTED", `Cannot set \`run\` of ${this._describe()}: it already started.`);
    }
    if (fn !== undefined && fn !== null) checkCallable("run", fn);
    this._fn = fn ?? null;
    this._fnName = fn?.name || "anonymous";
  }

  /** True from the first switch until it finished (greenlet's truthiness, `bool(g)`). */
  get started(): boolean {
    return this._state !== NEW && this._state !== DEAD;
  }

  /**
   * Transfers control to this greenlet: the caller parks and this greenlet runs next, before
   * anything else that is ready. Starts it with `args` at the first switch; later, its pending
   * `switch()` returns them (none → `undefined`, one → it, several → an array). Returns what the
   * next switch back to the caller passes. **Blocks.**
   *
   * @example
   * const g = greenlet((x: number) => x * 2);
   * g.switch(21); // 42: fn returned, and its value went to its parent, the caller
   */
  override switch(...args: unknown[]): unknown {
    return undriven("RawGreenlet#switch");
  }

  /**
   * Throws `error` (default a new `GreenletExit`; a class is instantiated) into this greenlet at
   * its suspension point and runs it next, before anything else that is ready. A greenlet that
   * never started dies without running and the error goes to its parent. Returns what the next
   * switch back to the caller passes. **Blocks.**
   */
  override throw(error?: unknown): unknown {
    return undriven("RawGreenlet#throw");
  }

  static {
    driveMethod(RawGreenlet, "switch", function* (...args) {
      return yield* transfer(this, { isThrow: false, args }, "RawGreenlet#switch");
    });
    driveMethod(RawGreenlet, "throw", function* (error) {
      return yield* transfer(this, { isThrow: true, error: makeException(error) }, "RawGreenlet#throw");
    });
  }
}

// The driven faces of `Greenlet#switch` / `Greenlet#throw` (plain faces in greenlet-base.ts).
driveMethod(GreenletBase, "switch", function* (...args) {
  return yield* transfer(this, { isThrow: false, args }, "Greenlet#switch");
});
driveMethod(GreenletBase, "throw", function* (error) {
  return yield* transfer(this, { isThrow: true, error: makeException(error) }, "Greenlet#throw");
});

/**
 * Creates a raw greenlet that runs `fn` when first switched to (`g.switch(...args)`); its
 * parent is `parent`, by default the running greenlet. Does not switch.
 *
 * @example
 * const gen = greenlet(coroutine(function* () { yield* driven(gen.parent.switch).call(gen.parent, 1); }));
 */
export function greenlet(fn?: RunFunction | null, parent?: AnyGreenlet | null): RawGreenlet {
  return new RawGreenlet(fn, parent);
}
