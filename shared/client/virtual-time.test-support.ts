// Test support: a discrete-event clock for running the netcode on virtual time.

import type { ConditionsClock } from './network-conditions.js';

/** A discrete-event clock: callbacks run in time order (ties in scheduling order). */
export class VirtualTime implements ConditionsClock {
  private time = 0;
  private seq = 0;
  private readonly heap: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const entry = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.push(entry);
    return entry;
  }

  clearTimeout(handle: unknown): void {
    (handle as { cancelled: boolean }).cancelled = true;
  }

  /** Calls fn every `periodMs` (drift-free) starting at `startMs`, until it returns false. */
  every(periodMs: number, fn: () => boolean | void, startMs = this.time): void {
    let n = 0;
    const run = () => {
      if (fn() === false) return;
      n++;
      this.setTimeout(run, startMs + n * periodMs - this.time);
    };
    this.setTimeout(run, startMs - this.time);
  }

  /** Runs every callback due up to `until` (inclusive), advancing the clock. */
  runUntil(until: number): void {
    while (this.heap.length > 0 && this.heap[0].at <= until) {
      const e = this.pop();
      this.time = e.at;
      if (!e.cancelled) e.fn();
    }
    this.time = until;
  }

  private less(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: { at: number; seq: number; fn: () => void; cancelled: boolean }): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): { at: number; seq: number; fn: () => void; cancelled: boolean } {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

