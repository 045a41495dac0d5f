// The capacity benchmark: how many players fit on one core, and what they cost in bandwidth, for our
// server and for the naive baseline (sim/bench/naive/: full JSON state to the whole room every tick), side
// by side in one run. The server runs pinned to core 0 and the bots to core 1 (taskset, when there are 2+
// cores).
// For each CCU step a fresh bots process fills rooms of 16 light bots (inputs at 30 Hz, snapshots
// decoded and acked), then the server's /metrics and /proc figures are sampled over a window.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadReport } from '../bots/load-run.js';
import { parsePrometheus, sampleValue, type PromSamples } from './prometheus-text.js';
import { readProcStats, type ProcStats } from './proc-stats.js';
import { REPO_ROOT } from '../../game-client/scripts/client-build.js';
import { BUNDLE_NAME, ensureServerBuilt, SERVER_DIST, type ServerBuildOptions } from '../../game-client/scripts/server-build.js';
import { botsCommand } from '../bots/bots-command.js';

export interface CapacityOptions {
  readonly modes: readonly ('ours' | 'naive')[];
  readonly steps: readonly number[];
  readonly settleSec: number;
  readonly measureSec: number;
  readonly rampPerSec: number;
  readonly outDir: string;
  readonly log: (line: string) => void;
}

export interface StepResult {
  readonly mode: 'ours' | 'naive';
  readonly ccu: number;
  readonly connected: number;
  readonly failed: number;
  readonly tickP50Ms: number;
  readonly tickP99Ms: number;
  readonly tickMaxMs: number;
  readonly latenessP99Ms: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  readonly heapMb: number;
  readonly eventLoopP99Ms: number;
  readonly bytesOutPerClientPerSec: number;
  readonly bytesInPerClientPerSec: number;
  readonly rttP99Ms: number;
  readonly decodeErrors: number;
}

const TICK_BUDGET_MS = 1000 / 30;
export const PINNING = cpus().length >= 2 && existsSync('/usr/bin/taskset');
/** How long after its measuring window a bots process may take to exit before it is killed. */
const BOTS_EXIT_GRACE_MS = 60_000;

export function pinned(core: number, command: string[]): string[] {
  return PINNING ? ['taskset', '-c', String(core), ...command] : command;
}

/** The naive baseline's entry, bundled by the same helper as ours into a folder of its own. */
export const NAIVE_SERVER_BUILD: Required<ServerBuildOptions> = {
  entry: join(REPO_ROOT, 'sim', 'bench', 'naive', 'naive-server.ts'),
  outDir: join(REPO_ROOT, 'dist', 'naive-server'),
};

/**
 * Starts our server (or the naive baseline's, sim/bench/naive/naive-server.ts) as `npm start` runs ours:
 * the compiled bundle, built first when stale, with plain node. Resolves with its port once it logs "listening".
 */
export async function startServer(naive: boolean, recordingsDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const build: ServerBuildOptions = naive ? NAIVE_SERVER_BUILD : {};
  await ensureServerBuilt(build);
  const bundle = join(build.outDir ?? SERVER_DIST, BUNDLE_NAME);
  const [cmd, ...args] = pinned(0, [process.execPath, '--enable-source-maps', bundle]);
  const child = spawn(cmd!, args, {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', EMPTY_ROOM_GRACE_MS: '1000', MAX_ROOMS: '10000', RECONNECT_GRACE_MS: '1000',
      // Every bot connects from this machine: lift the per-address limits for the load test.
      EXEMPT_ADDRESSES: '127.0.0.1', MAX_CONNECTIONS: '20000',
      // Only the load's players: no server-hosted bots filling rooms.
      BOT_FILL: '0',
      // Recording on, as with npm start, but into a folder of the bench's own (not the repository's data/).
      RECORDINGS_DIR: recordingsDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"listening"')) return;
      clearTimeout(timer);
      resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

export async function scrape(port: number): Promise<PromSamples> {
  return parsePrometheus(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
}

async function runStep(
  mode: 'ours' | 'naive',
  server: { child: ChildProcess; port: number },
  ccu: number,
  options: CapacityOptions,
): Promise<StepResult> {
  const rooms = Math.max(1, Math.ceil(ccu / 16));
  const perRoom = Math.ceil(ccu / rooms);
  const jsonFile = join(options.outDir, `tmp-bots-${mode}-${ccu}.json`);
  const rampSec = ccu / options.rampPerSec;
  const duration = options.settleSec + options.measureSec + 1;
  const [cmd, ...args] = pinned(1, botsCommand([
    '--url', `http://127.0.0.1:${server.port}`, '--rooms', String(rooms), '--bots-per-room', String(perRoom),
    '--ramp', String(options.rampPerSec), '--duration', String(duration), '--light', '--behaviour', 'wander',
    '--max-failure-rate', '1', '--json', jsonFile, ...(mode === 'naive' ? ['--naive'] : []),
  ]));
  const bots = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => bots.once('exit', () => resolve()));
  // Ramp, settle, then measure over a window.
  await sleep((rampSec + options.settleSec) * 1000);
  const before = await scrape(server.port);
  const procBefore = readProcStats(server.child.pid!);
  const t0 = performance.now();
  await sleep(options.measureSec * 1000);
  const after = await scrape(server.port);
  const procAfter = readProcStats(server.child.pid!);
  const seconds = (performance.now() - t0) / 1000;
  // A bots process that cannot keep up (its one core saturated) may never reach its own end: past a
  // deadline it is killed, and the step counts as failed (no report).
  const deadline = sleep(BOTS_EXIT_GRACE_MS).then(() => 'late' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), deadline])) === 'late') {
    options.log(`  the bots process did not finish within ${BOTS_EXIT_GRACE_MS / 1000} s of its end: killed`);
    bots.kill('SIGKILL');
    await exited;
    rmSync(jsonFile, { force: true });
  }
  const report = existsSync(jsonFile) ? (JSON.parse(readFileSync(jsonFile, 'utf8')) as LoadReport) : null;
  const clients = Math.max(1, sampleValue(after, 'game_connections') ?? ccu);
  const bytesOut = (total(after, 'game_bytes_sent_total') - total(before, 'game_bytes_sent_total')) / seconds / clients;
  const bytesIn = (total(after, 'game_bytes_received_total') - total(before, 'game_bytes_received_total')) / seconds / clients;
  return {
    mode,
    ccu,
    connected: report?.connected ?? 0,
    failed: report?.failed ?? ccu,
    tickP50Ms: quantileMs(after, 'game_tick_duration_recent_seconds', '0.5'),
    tickP99Ms: quantileMs(after, 'game_tick_duration_recent_seconds', '0.99'),
    tickMaxMs: quantileMs(after, 'game_tick_duration_recent_seconds', '1'),
    latenessP99Ms: quantileMs(after, 'game_tick_lateness_recent_seconds', '0.99'),
    cpuPercent: cpuPercent(procBefore, procAfter, seconds),
    rssMb: procAfter.rssBytes / 2 ** 20,
    heapMb: (sampleValue(after, 'nodejs_heap_size_used_bytes') ?? 0) / 2 ** 20,
    eventLoopP99Ms: (sampleValue(after, 'nodejs_eventloop_lag_p99_seconds') ?? 0) * 1000,
    bytesOutPerClientPerSec: bytesOut,
    bytesInPerClientPerSec: bytesIn,
    rttP99Ms: report?.rttMs.p99 ?? 0,
    decodeErrors: report?.decodeErrors ?? 0,
  };
}

export async function runCapacity(options: CapacityOptions): Promise<{ results: StepResult[]; pinned: boolean }> {
  mkdirSync(options.outDir, { recursive: true });
  const results: StepResult[] = [];
  for (const mode of options.modes) {
    const recordingsDir = mkdtempSync(join(tmpdir(), 'capacity-recordings-'));
    const server = await startServer(mode === 'naive', recordingsDir);
    try {
      for (const ccu of options.steps) {
        options.log(`capacity: ${mode} server, ${ccu} CCU ...`);
        const step = await runStep(mode, server, ccu, options);
        results.push(step);
        options.log(
          `  ${mode} ${ccu} CCU: connected ${step.connected}, tick p99 ${step.tickP99Ms.toFixed(2)} ms, ` +
            `CPU ${step.cpuPercent.toFixed(0)} %, ${Math.round(step.bytesOutPerClientPerSec)} B/s per client out`,
        );
        // Past the tick budget (or most bots failing) more load tells nothing new.
        if (step.tickP99Ms > TICK_BUDGET_MS || step.connected < ccu * 0.5) break;
        await sleep(1500); // let the rooms of the previous step empty out
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((r) => server.child.once('exit', r));
      rmSync(recordingsDir, { recursive: true, force: true });
    }
  }
  return { results, pinned: PINNING };
}

/** The largest CCU whose tick p99 stays under 25% of the tick budget (null when none did). */
export function headlineCcu(results: readonly StepResult[], mode: 'ours' | 'naive'): number | null {
  const ok = results.filter((r) => r.mode === mode && r.tickP99Ms < TICK_BUDGET_MS * 0.25 && r.connected >= r.ccu * 0.99);
  return ok.length ? Math.max(...ok.map((r) => r.ccu)) : null;
}

export function total(samples: PromSamples, name: string): number {
  return samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}

export function quantileMs(samples: PromSamples, name: string, quantile: string): number {
  const s = samples.find((x) => x.name === name && x.labels.quantile === quantile);
  return s && Number.isFinite(s.value) ? s.value * 1000 : 0;
}

export function cpuPercent(before: ProcStats, after: ProcStats, seconds: number): number {
  return ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
