// What a bots worker process (load-worker.ts) and the parent (worker-pool.ts) tell each other over IPC.

import type { LoadPart } from './load-results.js';
import type { LoadOptions, LoadProgress, Slot } from './load-run.js';

/** Parent to worker, once: run these bots. */
export interface RunMessage {
  readonly kind: 'run';
  readonly options: LoadOptions;
  readonly slots: readonly Slot[];
  readonly rampPerSec: number;
}

/** Worker to parent: progress every second, then its part of the results (or why it has none). */
export type WorkerMessage =
  | { readonly kind: 'progress'; readonly progress: LoadProgress }
  | { readonly kind: 'done'; readonly part: LoadPart }
  | { readonly kind: 'error'; readonly message: string };
