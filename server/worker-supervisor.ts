// WORKERS=N: one node process per core on this machine. The supervisor (the process `npm start` runs) starts
// N copies of its own entry as child processes, each a full cluster node with its own port (PORT + index),
// its own recordings folder (each store applies retention to its own folder) and its own node id; the
// nodes share rooms through Redis like nodes on different machines. A worker that exits unexpectedly is
// restarted with backoff, up to a bound; SIGTERM/SIGINT are forwarded to every worker, and the supervisor
// exits when they all have (SIGKILL past the drain bound).
//
// Why not node:cluster: it shares one listening port among the workers and hands out connections round
// robin, so a long-polling client's successive requests, and a reconnect, could land on a worker that does
// not own the player's room. Each node needs a port of its own, that the matchmaker can route players to
// (PUBLIC_URL) and a reverse proxy can address.

import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { ServerConfig } from './config.js';
import type { Logger } from './logger.js';

export interface RestartPolicy {
  /** A worker that exits unexpectedly this many times within `windowMs` is not restarted again. */
  readonly maxCrashes: number;
  readonly windowMs: number;
  /** Delay before a restart: `backoffMs`, doubled for each earlier crash within the window, at most `maxBackoffMs`. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxCrashes: 5, windowMs: 60_000, backoffMs: 500, maxBackoffMs: 10_000 };
/** Past the workers' own drain bound, how long the supervisor waits before it SIGKILLs them. */
const STOP_MARGIN_MS = 15_000;

export interface SuperviseWorkersOptions {
  readonly config: Pick<ServerConfig, 'workers' | 'port' | 'drainTimeoutMs'>;
  readonly log: Logger;
  /** The environment workers start from (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** A worker's node arguments (default: this process's own, so each worker runs the same entry with the same loader). */
  readonly args?: readonly string[];
  readonly restartPolicy?: Partial<RestartPolicy>;
  /** SIGTERM and SIGINT to this process stop the workers (default true). */
  readonly handleSignals?: boolean;
}

export interface WorkerSupervisor {
  /** Each worker's pid by index; null while it is down (restart pending, given up, or exited). */
  pids(): (number | null)[];
  /**
   * Forwards `signal` to every worker; the first call also cancels pending restarts and starts the bound
   * (DRAIN_TIMEOUT_MS + 15 s) past which the workers are killed. Resolves as `done` does.
   */
  stop(signal: NodeJS.Signals): Promise<number>;
  /**
   * Resolves once no worker runs or will be restarted, with the exit code for the supervisor: 0 when every
   * worker was stopped and exited 0, 1 otherwise (killed at the bound, given up on, all crashed).
   */
  readonly done: Promise<number>;
}

interface Worker {
  readonly index: number;
  child: ChildProcess | null;
  restartTimer: NodeJS.Timeout | null;
  /** Times of unexpected exits within the restart window. */
  crashes: number[];
  /** Exited 0 after the stop signal. */
  stoppedCleanly: boolean;
}

export function superviseWorkers(options: SuperviseWorkersOptions): WorkerSupervisor {
  const { config, log } = options;
  const env = options.env ?? process.env;
  const args = options.args ?? [...process.execArgv, ...process.argv.slice(1)];
  const policy = { ...DEFAULT_RESTART_POLICY, ...options.restartPolicy };
  if (config.port !== 0 && config.port + config.workers - 1 > 65_535) {
    throw new Error(`WORKERS=${config.workers} listen on PORT to PORT + ${config.workers - 1}: ${config.port} is too high`);
  }
  const workers: Worker[] = Array.from({ length: config.workers }, (_, index) => ({
    index,
    child: null,
    restartTimer: null,
    crashes: [],
    stoppedCleanly: false,
  }));
  let stopping = false;
  let forceTimer: NodeJS.Timeout | null = null;
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const start = (worker: Worker): void => {
    worker.restartTimer = null;
    const port = config.port === 0 ? 0 : config.port + worker.index;
    const child = spawn(process.execPath, args, { env: workerEnv(env, worker.index, port), stdio: 'inherit' });
    worker.child = child;
    log.info('worker started', { worker: worker.index, pid: child.pid, port });
    let handled = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null, err?: Error): void => {
      if (handled) return;
      handled = true;
      worker.child = null;
      exited(worker, { pid: child.pid, code, signal, err });
    };
    child.once('exit', (code, signal) => onExit(code, signal));
    // Could not be started at all ('error' has other causes too, after which 'exit' still comes).
    child.once('error', (err) => child.pid === undefined && onExit(null, null, err));
  };

  const exited = (worker: Worker, how: { pid: number | undefined; code: number | null; signal: NodeJS.Signals | null; err?: Error }): void => {
    if (stopping) {
      worker.stoppedCleanly = how.code === 0;
      const fields = { worker: worker.index, ...how };
      if (worker.stoppedCleanly) log.info('worker exited', fields);
      else log.warn('worker exited', fields);
      finishIfAllDown();
      return;
    }
    const now = Date.now();
    worker.crashes = [...worker.crashes.filter((t) => now - t < policy.windowMs), now];
    if (worker.crashes.length >= policy.maxCrashes) {
      log.error('worker keeps exiting; not restarting it', { worker: worker.index, ...how, exits: worker.crashes.length, windowMs: policy.windowMs });
      finishIfAllDown();
      return;
    }
    const delayMs = Math.min(policy.backoffMs * 2 ** (worker.crashes.length - 1), policy.maxBackoffMs);
    log.warn('worker exited unexpectedly; restarting it', { worker: worker.index, ...how, delayMs, exits: worker.crashes.length });
    worker.restartTimer = setTimeout(() => start(worker), delayMs);
  };

  const finishIfAllDown = (): void => {
    if (workers.some((w) => w.child !== null || w.restartTimer !== null)) return;
    if (forceTimer) clearTimeout(forceTimer);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    const code = stopping && workers.every((w) => w.stoppedCleanly) ? 0 : 1;
    if (stopping) log.info('every worker has exited', { code });
    else log.error('no worker left running', { code });
    finish(code);
  };

  const stop = (signal: NodeJS.Signals): Promise<number> => {
    // Every signal is passed on, so that WORKERS=N behaves as one node does: the workers ignore a repeated
    // Ctrl-C, and a second SIGTERM ends their drain at once.
    const forward = () => workers.forEach((w) => w.child?.kill(signal));
    if (stopping) {
      log.info('forwarding another signal to the workers', { signal });
      forward();
      return done;
    }
    stopping = true;
    const boundMs = config.drainTimeoutMs + STOP_MARGIN_MS;
    log.info('stopping workers', { signal, boundMs });
    for (const worker of workers) {
      if (worker.restartTimer) clearTimeout(worker.restartTimer);
      worker.restartTimer = null;
    }
    forward();
    forceTimer = setTimeout(() => {
      const left = workers.filter((w) => w.child !== null);
      log.error('workers did not exit in time; killing them', { workers: left.map((w) => w.index), boundMs });
      for (const worker of left) worker.child?.kill('SIGKILL');
    }, boundMs);
    finishIfAllDown();
    return done;
  };

  const onSignal = (signal: NodeJS.Signals): void => void stop(signal);
  if (options.handleSignals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  log.info('starting workers', { workers: config.workers, basePort: config.port });
  for (const worker of workers) start(worker);

  return {
    pids: () => workers.map((w) => w.child?.pid ?? null),
    stop,
    done,
  };
}

/** A worker's environment: one node (WORKERS=1) on its own port, with its own recordings folder. */
function workerEnv(env: NodeJS.ProcessEnv, index: number, port: number): NodeJS.ProcessEnv {
  const recordings = env.RECORDINGS_DIR ? env.RECORDINGS_DIR : join(process.cwd(), 'data', 'recordings');
  return {
    ...env,
    WORKERS: '1',
    WORKER_INDEX: String(index),
    PORT: String(port),
    RECORDINGS_DIR: recordings === 'off' ? 'off' : join(recordings, `node-${index}`),
  };
}
