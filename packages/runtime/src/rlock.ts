/**
 * `RLock`: a re-entrant lock owned by a greenlet (gevent.lock.RLock; gevent's lock_tests.py,
 * RLockTests). Built on a `Semaphore(1)`, so waiting greenlets are served FIFO with a direct
 * hand-off, and ownership is the greenlet given by `getCurrent()` (the root greenlet "main" for
 * plain code outside any greenlet).
 */
import { checkTimeout, WeftError } from "./errors.js";
import type { GreenletBase } from "./greenlet-base.js";
import { getCurrent } from "./greenlet.js";
import { driveMethod, driven, runNonBlocking, undriven } from "./protocol.js";
import { Semaphore, type AcquireOptions } from "./semaphore.js";

/**
 * A lock that the greenlet holding it may acquire again; it is free once released as many times
 * as it was acquired. Only the owner may release it (`code: "ERR_WEFT_NOT_OWNER"` otherwise).
 *
 * Scheduling: `acquire()` switches only when another greenlet owns the lock; the final
 * `release()` never switches and hands the lock to the first waiting greenlet (FIFO), which runs
 * when the releaser next blocks.
 *
 * @example
 * const lock = new RLock();
 * function update() { lock.acquire(); try { if (nested) update(); } finally { lock.release(); } }
 */
export class RLock {
  private readonly block = new Semaphore(1);
  private owner: GreenletBase | null = null;
  private count = 0;

  /** True while some greenlet owns the lock (or it was just handed to a waiting one). */
  locked(): boolean {
    return this.block.locked();
  }

  /** True when the calling greenlet owns the lock. */
  isOwned(): boolean {
    return this.owner !== null && this.owner === getCurrent();
  }

  /**
   * Acquires the lock: at once if the caller already owns it (counting one more level), else
   * waiting while another greenlet owns it (unless `blocking` is false), at most `timeout` ms.
   * Returns true when the caller owns it. **Blocks** (unless `blocking` is false).
   */
  acquire(options?: AcquireOptions): boolean {
    if (options?.blocking === false) return runNonBlocking(driven(this.acquire).call(this, options), "RLock#acquire");
    return undriven("RLock#acquire");
  }

  /**
   * Releases one level of ownership; the last one frees the lock and hands it to the first
   * waiting greenlet. Never switches. Throws when the caller does not own the lock, and then
   * changes nothing.
   */
  release(): void {
    const me = getCurrent();
    if (this.owner !== me) {
      throw new WeftError(
        "ERR_WEFT_NOT_OWNER",
        this.owner === null
          ? `\`RLock#release()\` was called by ${me._describe()}, but the lock is not held: every release must match an acquire.`
          : `\`RLock#release()\` was called by ${me._describe()}, but the lock is owned by ${this.owner._describe()}: ` +
              `only the greenlet that acquired an RLock may release it.`,
      );
    }
    if (--this.count === 0) {
      this.owner = null;
      this.block.release();
    }
  }

  static {
    driveMethod(RLock, "acquire", function* (options) {
      checkTimeout("timeout", options?.timeout);
      const me = getCurrent();
      if (this.owner === me) {
        this.count++;
        return true;
      }
      const acquired = yield* driven(this.block.acquire).call(this.block, options);
      if (acquired) {
        this.owner = me;
        this.count = 1;
      }
      return acquired;
    });
  }
}
