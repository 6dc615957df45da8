/**
 * All of weft's timers live in one binary min-heap ordered by (deadline, insertion order), driven
 * by at most one Node timer for the earliest deadline. One heap instead of a Node `Timeout` per
 * sleeper keeps a parked greenlet small, makes cancellation O(log n), and lets tests swap the
 * clock for a virtual one. Equal deadlines fire in the order they were armed (as in gevent).
 *
 * Deadlines and sequence numbers live in the heap's own typed arrays, not on the entries: an
 * entry carries one small-integer field (`heapIndex`), so a greenlet can be its own timer entry
 * without a boxed double per greenlet.
 */
export interface TimerEntry {
  /** Position in the heap, or -1 when not armed. Owned by the heap. */
  heapIndex: number;
  fire(): void;
}

export class TimerHeap {
  private items: TimerEntry[] = [];
  private deadlines = new Float64Array(256);
  private seqs = new Float64Array(256);
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): TimerEntry | undefined {
    return this.items[0];
  }

  /** The earliest deadline, or `Infinity` when empty. */
  peekDeadline(): number {
    return this.items.length === 0 ? Infinity : this.deadlines[0]!;
  }

  /** The deadline `entry` is armed for, or `undefined`. */
  deadlineOf(entry: TimerEntry): number | undefined {
    return entry.heapIndex < 0 ? undefined : this.deadlines[entry.heapIndex];
  }

  insert(entry: TimerEntry, deadline: number): void {
    const i = this.items.length;
    if (i === this.deadlines.length) this.grow();
    this.items.push(entry);
    this.deadlines[i] = deadline;
    this.seqs[i] = this.nextSeq++;
    entry.heapIndex = i;
    this.up(i);
  }

  /** Removes `entry` if it is armed; harmless otherwise. */
  remove(entry: TimerEntry): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    entry.heapIndex = -1;
    const last = this.items.length - 1;
    const moved = this.items.pop()!;
    if (i === last) return;
    this.place(moved, i, this.deadlines[last]!, this.seqs[last]!);
    this.down(i);
    this.up(moved.heapIndex);
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

  private grow(): void {
    const d = new Float64Array(this.deadlines.length * 2);
    d.set(this.deadlines);
    this.deadlines = d;
    const s = new Float64Array(this.seqs.length * 2);
    s.set(this.seqs);
    this.seqs = s;
  }

  private place(entry: TimerEntry, i: number, deadline: number, seq: number): void {
    this.items[i] = entry;
    this.deadlines[i] = deadline;
    this.seqs[i] = seq;
    entry.heapIndex = i;
  }

  private less(d1: number, s1: number, d2: number, s2: number): boolean {
    return d1 < d2 || (d1 === d2 && s1 < s2);
  }

  private up(i: number): void {
    const { items, deadlines, seqs } = this;
    const e = items[i]!;
    const d = deadlines[i]!;
    const s = seqs[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(d, s, deadlines[p]!, seqs[p]!)) break;
      this.place(items[p]!, i, deadlines[p]!, seqs[p]!);
      i = p;
    }
    this.place(e, i, d, s);
  }

  private down(i: number): void {
    const { items, deadlines, seqs } = this;
    const n = items.length;
    const e = items[i]!;
    const d = deadlines[i]!;
    const s = seqs[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && this.less(deadlines[r]!, seqs[r]!, deadlines[c]!, seqs[c]!)) c = r;
      if (!this.less(deadlines[c]!, seqs[c]!, d, s)) break;
      this.place(items[c]!, i, deadlines[c]!, seqs[c]!);
      i = c;
    }
    this.place(e, i, d, s);
  }
}
