/**
 * @weft/runtime: the hub, greenlets, timeouts and synchronisation, with gevent's semantics.
 * Blocking functions and methods are marked **Blocks** in their docs: in compiled code they
 * suspend only the calling greenlet; called from uncompiled code they throw `ERR_WEFT_NOT_DRIVEN`.
 */
// Greenlets and the hub
export { Greenlet, GreenletExit, spawn, spawnLater, getCurrent } from "./greenlet.js";
export type { GetOptions, KillOptions, LinkTarget } from "./greenlet.js";
export { LoopExit } from "./hub.js";
export { sleep, idle } from "./sleep.js";
export { Timeout, withTimeout } from "./timeout.js";
export type { WithTimeoutOptions } from "./timeout.js";
export { WeftError, NotDrivenError, ConcurrentObjectUseError, NoGreenletError } from "./errors.js";
export { runMain } from "./run-main.js";
export { enableMonitor, disableMonitor, hubStats } from "./monitor.js";
export type { MonitorOptions, HubStats } from "./monitor.js";

// Synchronisation: events, queues, locks
export { Event } from "./event.js";
export { AsyncResult } from "./async-result.js";
export type { AsyncResultGetOptions } from "./async-result.js";
export { Queue, LifoQueue, PriorityQueue, QueueEmpty, QueueFull } from "./queue.js";
export type { QueueGetOptions, QueuePutOptions, Compare } from "./queue.js";
export { Channel } from "./channel.js";
export { Semaphore, BoundedSemaphore, Lock } from "./semaphore.js";
export type { AcquireOptions } from "./semaphore.js";
export { RLock } from "./rlock.js";

// Groups, pools, locals, waiting on many
export { joinAll } from "./join-all.js";
export type { JoinAllOptions } from "./join-all.js";
export { killAll } from "./kill-all.js";
export type { KillAllOptions } from "./kill-all.js";
export { waitAny } from "./wait-any.js";
export type { WaitAnyOptions } from "./wait-any.js";
export { iwait, IWait } from "./iwait.js";
export type { IWaitOptions } from "./iwait.js";
export type { Waitable } from "./waitable.js";
export { wait } from "./wait.js";
export type { WaitOptions } from "./wait.js";
export { Group, Pool, PoolFull, IMapUnordered, IMap } from "./pool.js";
export type { GroupJoinOptions, GroupKillOptions, GroupKillOneOptions, IMapOptions } from "./pool.js";
export { Local } from "./local.js";

// greenlet: explicit switching
export { greenlet, RawGreenlet, InvalidSwitchError } from "./raw-greenlet.js";
export type { AnyGreenlet } from "./raw-greenlet.js";
