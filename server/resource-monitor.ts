// How close the process is to running out of what it cannot do without: file descriptors (every TCP
// connection, recording file and log pipe is one) and JavaScript heap. Admission asks `busyReason()` before
// taking new work, so an exhausted process refuses politely instead of failing halfway (EMFILE on accept,
// an allocation failure), and serves again as soon as the resource frees up.

import { readdirSync, readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** Descriptors kept free for files, logs and outgoing connections: never given to clients. */
export const DESCRIPTOR_RESERVE = 128;
/** Heap use, as a share of what old objects may fill, above which new work is refused. */
const HEAP_BUSY_SHARE = 0.85;
/**
 * V8's young generation (three 16 MiB semi-spaces by default on 64-bit) counts in heap_size_limit but is
 * never available to long-lived objects: a process runs out of memory with that much of its limit unused.
 */
const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024;

/** The soft RLIMIT_NOFILE of this process from /proc (Linux); null where it cannot be read. */
export function descriptorLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s+/)[3];
    const value = Number(soft);
    return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

function openDescriptors(): number | null {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return null;
  }
}

/** An error that means "short of a resource right now": worth a 503 and a retry, not a 500. */
export function isResourceExhaustion(err: NodeJS.ErrnoException): boolean {
  return err.code === 'EMFILE' || err.code === 'ENFILE' || err.code === 'ENOMEM' || err.code === 'EAGAIN';
}

export type BusyReason = 'descriptors' | 'memory';

export class ResourceMonitor {
  readonly descriptorLimit: number | null;
  private descriptorsOpen: number | null = null;
  private heapShare = 0;
  private readonly timer: NodeJS.Timeout;

  /** Samples every `intervalMs`: one readdir and one heap read, cheap enough to run forever. */
  constructor(intervalMs = 1000, limit: number | null = descriptorLimit()) {
    this.descriptorLimit = limit;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Descriptors a server may hand to client connections. */
  get descriptorBudget(): number | null {
    return this.descriptorLimit === null ? null : Math.max(16, this.descriptorLimit - DESCRIPTOR_RESERVE);
  }

  get openDescriptors(): number | null {
    return this.descriptorsOpen;
  }

  /**
   * Why new work should be refused right now, or null. Client connections alone cannot get here (their
   * count is capped below the descriptor budget); descriptors opened elsewhere, or by another process
   * sharing the limit, can.
   */
  busyReason(): BusyReason | null {
    if (this.descriptorLimit !== null && this.descriptorsOpen !== null) {
      if (this.descriptorsOpen > this.descriptorLimit - DESCRIPTOR_RESERVE / 2) return 'descriptors';
    }
    if (this.heapShare > HEAP_BUSY_SHARE) return 'memory';
    return null;
  }

  /** Re-reads now (e.g. after an EMFILE, so the next decision sees it). */
  sample(): void {
    this.descriptorsOpen = openDescriptors();
    const heap = getHeapStatistics();
    this.heapShare = heap.used_heap_size / Math.max(1, heap.heap_size_limit - YOUNG_GENERATION_BYTES);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
