// A soak run: the real server (a child process, or one already running at --url) under a steady
// population of churning bots (a second child process) for a fixed time, its memory, handles, timers
// and descriptors read every few seconds. Returns everything measured; soak-report.ts judges it.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { readProcStats, type ProcStats } from '../bench/proc-stats.js';
import type { BotsMessage, DriverMessage } from './bots-process.js';
import type { ChurnCounters, PopulationOptions } from './churn-population.js';
import { startServerProcess, type ServerLogCounts, type ServerProcess } from './server-process.js';
import { readServer, type ServerReading } from './server-sampler.js';

export interface SoakOptions {
  readonly durationSec: number;
  readonly bots: number;
  /** A server already running; null: spawn server/main.ts. */
  readonly url: string | null;
  readonly sampleSec: number;
  /**
   * Seconds from the start left out of the drift comparison; null: the ramp + max(60 s, 10 % of the run)
   * (held seats, empty rooms and private matches take about a minute to reach their steady numbers).
   */
  readonly warmupSec: number | null;
  readonly churnPerSec: number;
  readonly rampPerSec: number;
  readonly behaviour: BotBehaviour;
  readonly seed: number;
}

export interface SoakSample {
  /** Seconds since the bots process was started. */
  readonly tSec: number;
  readonly server: ServerReading;
  /** Over the interval since the previous sample. */
  readonly serverCpuPercent: number;
  readonly botsCpuPercent: number | null;
  /** Inputs the server applied per second per connection (nominal: the tick rate, 30; held seats send none). */
  readonly inputsPerConnectionPerSec: number;
  /** The machine's 1-minute load average (runnable processes; above the core count, everything waits for CPU). */
  readonly loadAverage: number;
  readonly bots: Pick<ChurnCounters, 'bots' | 'connected' | 'seated' | 'joins' | 'leaves' | 'reconnects' | 'replaced' | 'failureCount'>;
}

export interface SoakRun {
  readonly options: SoakOptions;
  readonly startedAt: string;
  readonly spawnedServer: boolean;
  /** Server readings before the bots came and a few seconds after they left. */
  readonly baseline: ServerReading | null;
  readonly afterBotsLeft: ServerReading | null;
  readonly samples: readonly SoakSample[];
  /** Seconds from the start until every bot of the initial population had started (null: never). */
  readonly rampSec: number | null;
  readonly warmupSec: number;
  readonly elapsedSec: number;
  /** Ended early (Ctrl-C) instead of running for the whole duration. */
  readonly interrupted: boolean;
  readonly counters: ChurnCounters | null;
  readonly driverCpuPercent: number;
  readonly server: {
    /** Alive through the whole run and answering /healthz 200 at its end. */
    readonly survived: boolean;
    readonly failure: string | null;
    /** Exit code of the spawned server after SIGTERM (0: clean shutdown), null when not spawned or killed. */
    readonly exitCode: number | null;
    readonly logs: ServerLogCounts | null;
    readonly scrapeErrors: number;
  };
  /** Match recordings the spawned server wrote during the run. */
  readonly recordings: { readonly files: number; readonly bytes: number } | null;
}

const BOTS_PROCESS = fileURLToPath(new URL('./bots-process.ts', import.meta.url));
const BOTS_STOP_GRACE_MS = 20_000;
const SERVER_STOP_GRACE_MS = 15_000;
/** Pause after the bots left before the last reading: their sockets close, held seats stay for the grace. */
const AFTER_BOTS_PAUSE_MS = 3000;

/** Environment of a spawned soak server: recordings to a temporary folder, loopback exempt from per-address limits. */
export function soakServerEnv(bots: number, recordingsDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    RECORDINGS_DIR: recordingsDir,
    EXEMPT_ADDRESSES: env.EXEMPT_ADDRESSES ?? '127.0.0.1',
    MAX_CONNECTIONS: env.MAX_CONNECTIONS ?? String(Math.max(5000, bots * 4)),
    MAX_ROOMS: env.MAX_ROOMS ?? String(Math.max(200, bots)),
  };
}

export function defaultWarmupSec(durationSec: number, rampSec: number): number {
  return Math.min(durationSec / 2, rampSec + Math.max(60, durationSec * 0.1));
}

/** Runs the soak; `interrupt` (Ctrl-C in the CLI) ends the sampling early, and the run is torn down and reported as usual. */
export async function runSoak(options: SoakOptions, log: (line: string) => void, interrupt?: AbortSignal): Promise<SoakRun> {
  const startedAt = new Date().toISOString();
  const recordingsDir = options.url === null ? mkdtempSync(join(tmpdir(), 'soak-recordings-')) : null;
  let server: ServerProcess | null = null;
  let bots: ChildProcess | null = null;
  const driverCpu0 = process.cpuUsage();
  try {
    if (recordingsDir) {
      server = await startServerProcess(soakServerEnv(options.bots, recordingsDir));
      log(`soak: server started (pid ${server.pid}, ${server.url}), recordings in ${recordingsDir}`);
    }
    const url = server?.url ?? options.url!;
    const pid = server?.pid ?? null;
    const baseline = await readServer(url, pid);

    // The bots.
    const population: PopulationOptions = {
      url,
      bots: options.bots,
      rampPerSec: options.rampPerSec,
      churnPerSec: options.churnPerSec,
      behaviour: options.behaviour,
      seed: options.seed,
    };
    const t0 = performance.now();
    const elapsed = () => (performance.now() - t0) / 1000;
    bots = spawn(process.execPath, ['--import', 'tsx', BOTS_PROCESS, JSON.stringify(population)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const botsChild = bots;
    // Written by the bots process's messages and exit.
    const state = { counters: null as ChurnCounters | null, rampSec: null as number | null, botsExit: null as string | null };
    botsChild.on('message', (message: BotsMessage) => {
      state.counters = message.counters;
      if (message.type === 'ramped') state.rampSec = elapsed();
    });
    const botsExited = new Promise<void>((resolve) =>
      botsChild.once('exit', (code, signal) => {
        state.botsExit = `exited with ${signal ?? code}`;
        resolve();
      }),
    );

    // Sample on a fixed schedule until the time is up (or the server or the bots are gone).
    const samples: SoakSample[] = [];
    let scrapeErrors = 0;
    let failure: string | null = null;
    let previous = { at: elapsed(), server: baseline, bots: procStats(botsChild.pid) };
    for (let k = 1; k * options.sampleSec <= options.durationSec + 1e-9; k++) {
      await sleep(t0 + k * options.sampleSec * 1000 - performance.now(), interrupt);
      if (interrupt?.aborted) {
        log(`soak: interrupted at ${elapsed().toFixed(0)} s`);
        break;
      }
      if (server?.exited()) {
        failure = `the server process ${describeExit(server.exited()!)} during the run`;
        break;
      }
      if (state.botsExit) {
        failure = `the bots process ${state.botsExit} during the run`;
        break;
      }
      let reading: ServerReading;
      try {
        reading = await readServer(url, pid);
      } catch (err) {
        scrapeErrors++;
        log(`soak: reading /metrics failed: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const at = elapsed();
      const botsProc = procStats(botsChild.pid);
      const seconds = Math.max(0.001, at - previous.at);
      const c = state.counters;
      const sample: SoakSample = {
        tSec: at,
        server: reading,
        serverCpuPercent: ((reading.cpuSeconds - previous.server.cpuSeconds) / seconds) * 100,
        botsCpuPercent: botsProc && previous.bots ? ((botsProc.cpuSeconds - previous.bots.cpuSeconds) / seconds) * 100 : null,
        inputsPerConnectionPerSec: reading.connections > 0 ? (reading.inputsApplied - previous.server.inputsApplied) / seconds / reading.connections : 0,
        loadAverage: loadavg()[0]!,
        bots: {
          bots: c?.bots ?? 0,
          connected: c?.connected ?? 0,
          seated: c?.seated ?? 0,
          joins: c?.joins ?? 0,
          leaves: c?.leaves ?? 0,
          reconnects: c?.reconnects ?? 0,
          replaced: c?.replaced ?? 0,
          failureCount: c?.failureCount ?? 0,
        },
      };
      samples.push(sample);
      previous = { at, server: reading, bots: botsProc };
      log(progressLine(sample));
    }
    const elapsedSec = elapsed();

    // The bots leave; what is left in the server a moment later.
    if (!state.botsExit) botsChild.send({ type: 'stop' } satisfies DriverMessage);
    if (!(await within(botsExited, BOTS_STOP_GRACE_MS))) {
      log(`soak: the bots process did not stop within ${BOTS_STOP_GRACE_MS / 1000} s: killed`);
      botsChild.kill('SIGKILL');
      await botsExited;
    }
    bots = null;
    await sleep(AFTER_BOTS_PAUSE_MS);
    let afterBotsLeft: ServerReading | null = null;
    try {
      afterBotsLeft = await readServer(url, pid);
    } catch {
      scrapeErrors++;
    }
    if (!failure && server?.exited()) {
      failure = `the server process ${describeExit(server.exited()!)}${interrupt?.aborted ? ' (the interrupt reached it too)' : ''}`;
    }
    if (!failure && !(await healthy(url))) failure = 'the server did not answer /healthz with 200 at the end';

    let exitCode: number | null = null;
    if (server) {
      exitCode = await server.stop(SERVER_STOP_GRACE_MS);
      log(`soak: server stopped (exit code ${exitCode})`);
    }
    const driverCpu = process.cpuUsage(driverCpu0);
    return {
      options,
      startedAt,
      spawnedServer: server !== null,
      baseline,
      afterBotsLeft,
      samples,
      rampSec: state.rampSec,
      warmupSec: options.warmupSec ?? defaultWarmupSec(options.durationSec, state.rampSec ?? options.bots / options.rampPerSec),
      elapsedSec,
      interrupted: interrupt?.aborted ?? false,
      counters: state.counters,
      driverCpuPercent: ((driverCpu.user + driverCpu.system) / 1e6 / Math.max(0.001, elapsedSec)) * 100,
      server: { survived: failure === null, failure, exitCode, logs: server?.logs ?? null, scrapeErrors },
      recordings: recordingsDir ? recordingStats(recordingsDir) : null,
    };
  } finally {
    bots?.kill('SIGKILL');
    if (server && !server.exited()) await server.stop(SERVER_STOP_GRACE_MS);
    if (recordingsDir) rmSync(recordingsDir, { recursive: true, force: true });
  }
}

export function progressLine(s: SoakSample): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const b = s.bots;
  const r = s.server;
  return (
    `[${s.tSec.toFixed(0).padStart(5)}s] bots ${b.bots} (connected ${b.connected}, seated ${b.seated}) | ` +
    `joins ${b.joins} leaves ${b.leaves} reconnects ${b.reconnects} replaced ${b.replaced} failures ${b.failureCount} | ` +
    `RSS ${mb(r.rssBytes)} MB heap ${mb(r.heapUsedBytes)}/${mb(r.heapTotalBytes)} MB handles ${r.handles} timers ${r.timers}` +
    `${r.fds !== null ? ` fds ${r.fds}` : ''} | server CPU ${s.serverCpuPercent.toFixed(0)} %` +
    `${s.botsCpuPercent !== null ? ` bots CPU ${s.botsCpuPercent.toFixed(0)} %` : ''}`
  );
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })).status === 200;
  } catch {
    return false;
  }
}

function procStats(pid: number | undefined): ProcStats | null {
  if (pid === undefined) return null;
  try {
    return readProcStats(pid);
  } catch {
    return null; // not Linux, or gone
  }
}

function recordingStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const stat = statSync(join(dir, name));
    if (!stat.isFile()) continue;
    files++;
    bytes += stat.size;
  }
  return { files, bytes };
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** Whether `promise` settled within `ms` (the timer is cleared either way). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done);
  });
}
