/**
 * All of weft's timers live in one binary min-heap ordered by (deadline, insertion order), driven
 * by at most one Node timer for the earliest deadline. One heap instead of a Node `Timeout` per
 * sleeper keeps a parked greenlet small, makes cancellation O(log n), and lets tests swap the
 * clock for a virtual one. Equal deadlines fire in the order they were armed (gevent O4).
 */
export interface TimerEntry {
  deadline: number;
  seq: number;
  /** Position in the heap, or -1 when not armed. */
  heapIndex: number;
  fire(): void;
}

export class TimerHeap {
  private items: TimerEntry[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): TimerEntry | undefined {
    return this.items[0];
  }

  insert(entry: TimerEntry, deadline: number): void {
    entry.deadline = deadline;
    entry.seq = this.nextSeq++;
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  /** Removes `entry` if it is armed; harmless otherwise. */
  remove(entry: TimerEntry): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    entry.heapIndex = -1;
    const last = this.items.pop()!;
    if (i === this.items.length) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  pop(): TimerEntry | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  clear(): void {
    for (const e of this.items) e.heapIndex = -1;
    this.items = [];
  }

  private less(a: TimerEntry, b: TimerEntry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const e = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (!this.less(e, parent)) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = e;
    e.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const e = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && this.less(items[r]!, items[c]!)) c = r;
      const child = items[c]!;
      if (!this.less(child, e)) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = e;
    e.heapIndex = i;
  }
}
