// `--workers N`: the bots spread over N forked processes (load-worker.ts), each running its share with
// the same options, and their parts merged into one report. A room's bots stay in one process (its
// leader creates it, the others join it by id). A worker that dies, reports an error or outlives its
// deadline counts its bots as failed: the run always ends. A worker's bots that lost their server are
// counted in its part like any other's, so they fail the whole run.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { failedPart, mergeParts, type LoadPart, type LoadReport } from './load-results.js';
import { planSlots, type LoadOptions, type LoadProgress, type Slot } from './load-run.js';
import { mergeRates } from './progress-rates.js';
import type { RunMessage, WorkerMessage } from './worker-messages.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./load-worker.ts', import.meta.url));
/** After a stop, how long a worker has to end on SIGTERM before it is killed. */
const STOP_GRACE_MS = 3000;
/** The longest delay setTimeout takes (about 24.8 days): a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  return Math.min(MAX_TIMER_MS, (2 * (bots / rampPerSec + options.durationSec) + 60) * 1000);
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
    const part = collect(child, { kind: 'run', options, slots: share, rampPerSec }, workerDeadlineMs(options, share.length, rampPerSec), (p) => {
      latest[i] = p;
    });
    // A worker that ended without results has lost its bots: its progress says so from then on.
    void part.then((p) => {
      if (p.cpuPercent !== null) return;
      latest[i] = { elapsedSec: latest[i]?.elapsedSec ?? 0, started: share.length, connected: 0, failed: share.length, disconnected: 0, ...mergeRates([]) };
    });
    return part;
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

/** Sums of the workers' progress (rates merged by mergeRates: the CPU shown is the busiest worker's). */
export function mergeProgress(all: readonly LoadProgress[]): LoadProgress {
  const sum = (f: (p: LoadProgress) => number) => all.reduce((n, p) => n + f(p), 0);
  return {
    elapsedSec: Math.max(...all.map((p) => p.elapsedSec)),
    started: sum((p) => p.started),
    connected: sum((p) => p.connected),
    failed: sum((p) => p.failed),
    disconnected: sum((p) => p.disconnected),
    ...mergeRates(all),
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
