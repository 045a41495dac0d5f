// `--workers N`: the bots spread over N forked processes (load-worker.ts), each running its share with
// the same options, and their parts merged into one report. A room's bots stay in one process (its
// leader creates it, the others join it by id). A worker that dies, reports an error or outlives its
// deadline counts its bots as failed: the run always ends.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { failedPart, mergeParts, type LoadPart, type LoadReport } from './load-results.js';
import { planSlots, type LoadOptions, type LoadProgress, type Slot } from './load-run.js';
import type { RunMessage, WorkerMessage } from './worker-messages.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
/** After a stop, how long a worker has to end on SIGTERM before it is killed. */
const STOP_GRACE_MS = 3000;

/** The slots in at most `workers` shares of whole rooms (quick-play bots one by one), dealt in turn. */
export function partitionSlots(slots: readonly Slot[], workers: number): Slot[][] {
  const units = new Map<number | string, Slot[]>();
  for (const slot of slots) {
    const key = slot.room ?? `bot${slot.index}`;
    let unit = units.get(key);
    if (!unit) units.set(key, (unit = []));
    unit.push(slot);
  }
  const shares: Slot[][] = Array.from({ length: Math.max(1, Math.min(workers, units.size)) }, () => []);
  let k = 0;
  for (const unit of units.values()) shares[k++ % shares.length]!.push(...unit);
  return shares;
}

/**
 * Longest a worker may run: twice its ramp and measurement, plus a minute for connection timeouts and
 * the results (a saturated worker is slow, not stuck).
 */
export function workerDeadlineMs(options: LoadOptions, bots: number, rampPerSec: number): number {
  return (2 * (bots / rampPerSec + options.durationSec) + 60) * 1000;
}

export interface WorkerPoolRun {
  /** Resolves with the merged report once every worker has reported, died or been killed. */
  readonly report: Promise<LoadReport>;
  /** Stops every worker (SIGTERM, then SIGKILL after a grace); resolves when all have exited. */
  stop(): Promise<void>;
}

/** Starts the workers; `onProgress` gets the merged progress of all of them every second. */
export function runWorkers(options: LoadOptions, workers: number, onProgress: (p: LoadProgress) => void = () => {}): WorkerPoolRun {
  const slots = planSlots(options);
  const shares = partitionSlots(slots, workers);
  const latest: (LoadProgress | null)[] = shares.map(() => null);
  const children: ChildProcess[] = [];
  const parts = shares.map((share, i) => {
    // Each worker ramps at its share of the rate, so the whole run ramps as asked.
    const rampPerSec = (options.rampPerSec * share.length) / slots.length;
    const child = fork(WORKER_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    return collect(child, { kind: 'run', options, slots: share, rampPerSec }, workerDeadlineMs(options, share.length, rampPerSec), (p) => {
      latest[i] = p;
    });
  });
  const progress = setInterval(() => {
    const reported = latest.filter((p): p is LoadProgress => p !== null);
    if (reported.length > 0) onProgress(mergeProgress(reported));
  }, 1000);
  const report = Promise.all(parts).then((all) => {
    clearInterval(progress);
    return mergeParts(options, all);
  });
  const stop = async () => {
    clearInterval(progress);
    await Promise.all(children.map((child) => stopChild(child)));
  };
  return { report, stop };
}

/** Sums of the workers' progress; the RTT p99 shown is the worst worker's, the CPU the busiest one's. */
export function mergeProgress(all: readonly LoadProgress[]): LoadProgress {
  const sum = (f: (p: LoadProgress) => number) => all.reduce((n, p) => n + f(p), 0);
  return {
    elapsedSec: Math.max(...all.map((p) => p.elapsedSec)),
    started: sum((p) => p.started),
    connected: sum((p) => p.connected),
    failed: sum((p) => p.failed),
    snapshotsPerSec: sum((p) => p.snapshotsPerSec),
    rttP99Ms: Math.max(...all.map((p) => p.rttP99Ms)),
    cpuPercent: Math.max(...all.map((p) => p.cpuPercent)),
  };
}

/** Runs one worker to its end: its part, or a failed part for all its bots. */
function collect(child: ChildProcess, run: RunMessage, deadlineMs: number, onProgress: (p: LoadProgress) => void): Promise<LoadPart> {
  const bots = run.slots.length;
  return new Promise((resolve) => {
    let part: LoadPart | null = null;
    let problem: string | null = null;
    const deadline = setTimeout(() => {
      problem = `bots worker gave no results within ${Math.round(deadlineMs / 1000)} s`;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.progress);
      else if (message.kind === 'done') part = message.part;
      else problem = `bots worker failed: ${message.message}`.slice(0, 60);
    });
    child.once('error', (err) => {
      problem ??= `bots worker could not run: ${err.message}`.slice(0, 60);
    });
    // 'close', not 'exit': by then every message the worker sent has been read.
    child.once('close', (code, signal) => {
      clearTimeout(deadline);
      resolve(part ?? failedPart(bots, problem ?? `bots worker exited (${signal ?? `code ${code}`})`));
    });
    child.send(run);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
