/**
 * The hub's run queue: a growable ring buffer (FIFO at the back, LIFO at the front).
 *
 * `push` is the normal scheduling path (`spawn`, wake-ups, `sleep(0)`); `unshift` is only for an
 * explicit `RawGreenlet#switch`, which transfers control before anything else that is ready.
 * Both are O(1) amortised and allocate nothing once the buffer has grown.
 */
export class RunQueue<T> {
  private buf: (T | undefined)[];
  private head = 0;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    this.buf = new Array<T | undefined>(capacity);
    this.mask = capacity - 1;
  }

  push(item: T): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & this.mask] = item;
    this.size++;
  }

  unshift(item: T): void {
    if (this.size === this.buf.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = item;
    this.size++;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return item;
  }

  clear(): void {
    this.buf = new Array<T | undefined>(1024);
    this.mask = 1023;
    this.head = 0;
    this.size = 0;
  }

  private grow(): void {
    const old = this.buf;
    const next = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = old[(this.head + i) & this.mask];
    this.buf = next;
    this.head = 0;
    this.mask = next.length - 1;
  }
}
