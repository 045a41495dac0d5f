// The peers benchmark: our server side by side with Colyseus 0.18, a bare `ws` floor and our own naive
// baseline (sim/bench/naive/), in one run, on one workload (sim/bench/peers/workload.ts). Each server runs
// pinned to core 0 and its load generator to core 1; at each step every server gets a fresh process, in
// interleaved runs (run 1 of every server, then run 2, ...), and each figure is the median over the runs
// whose load generator kept up.
// A load generator near a full core, or sending under 95 % of its inputs, measures itself, not the server:
// those runs are flagged and never reported as results.
// `node --import tsx sim/bench/peers-bench.ts [--quick] [--out DIR] [--steps 128,512] [--runs 3] [--servers ours,naive,colyseus,floor]`

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MIN_INPUT_RATIO, SATURATED_CPU_PERCENT, type LoadReport } from '../bots/load-results.js';
import { cpuPercent, PINNING, pinned, quantileMs, scrape, startServer, total } from './capacity-bench.js';
import { peerStats, startPeerServer, type PeerServer } from './peers/peer-process.js';
import { median, peersCharts, peersMarkdown, summarize, SERVERS, type PeerRun, type ServerName } from './peers/peers-report.js';
import type { PeerServerStats } from './peers/server-stats.js';
import { WORKLOAD, type PeerLoadReport } from './peers/workload.js';
import { readProcStats } from './proc-stats.js';
import { BOTS_NODE_FLAGS } from '../bots/bots-command.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
    steps: { type: 'string' },
    runs: { type: 'string' },
    servers: { type: 'string', default: SERVERS.join(',') },
  },
});
const quick = args.quick!;
const outDir = args.out!;
const steps = args.steps ? args.steps.split(',').map(Number) : quick ? [16] : [...WORKLOAD.steps];
const runs = Number(args.runs ?? (quick ? 1 : WORKLOAD.runs));
const servers = args.servers!.split(',') as ServerName[];
for (const s of servers) if (!SERVERS.includes(s)) throw new Error(`--servers: unknown server "${s}" (${SERVERS.join(', ')})`);
const settleSec = quick ? 1 : 5;
const measureSec = quick ? 2 : 10;
/** How often RSS and heap are read during the measured window (medians and the lowest heap are reported). */
const MEMORY_SAMPLE_MS = 1000;
/** The floor's message size when ours has not been measured at that step: our average snapshot, ~1,440 B/s / 30. */
const DEFAULT_FLOOR_MESSAGE_BYTES = 48;
/** How long after its end a load generator may take to exit before it is killed (a saturated one may be very late). */
const EXIT_GRACE_MS = 60_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Cumulative figures of a server process at one moment. */
interface ServerSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly clients: number;
  readonly tickP50Ms: number;
  readonly tickP99Ms: number;
}

/** A running server of any kind: how to sample it, how its load generator is started, how to stop it. */
interface BenchServer {
  readonly child: ChildProcess;
  sample(): Promise<ServerSample>;
  loadCommand(players: number, durationSec: number, jsonFile: string): string[];
  /** Inputs sent over inputs due, load generator CPU as it saw it, saturation as it judged it, from its JSON. */
  readLoad(jsonFile: string): { connected: number; inputRatio: number; selfSaturated: boolean } | null;
  cleanup(): void;
}

async function startOurs(naive: boolean, env: Record<string, string> = {}): Promise<BenchServer> {
  const recordingsDir = mkdtempSync(join(tmpdir(), 'peers-recordings-'));
  const server = await startServer(naive, recordingsDir, env);
  return {
    child: server.child,
    async sample() {
      const m = await scrape(server.port);
      const proc = readProcStats(server.child.pid!);
      const one = (name: string) => m.find((s) => s.name === name)?.value ?? 0;
      return {
        cpuSeconds: proc.cpuSeconds,
        rssBytes: proc.rssBytes,
        heapUsedBytes: one('nodejs_heap_size_used_bytes'),
        heapTotalBytes: one('nodejs_heap_size_total_bytes'),
        bytesSent: total(m, 'game_bytes_sent_total'),
        bytesReceived: total(m, 'game_bytes_received_total'),
        clients: one('game_connections'),
        tickP50Ms: quantileMs(m, 'game_tick_duration_recent_seconds', '0.5'),
        tickP99Ms: quantileMs(m, 'game_tick_duration_recent_seconds', '0.99'),
      };
    },
    loadCommand: (players, durationSec, jsonFile) => [
      'sim/bots/cli.ts', '--url', `http://127.0.0.1:${server.port}`,
      '--rooms', String(Math.ceil(players / WORKLOAD.playersPerRoom)), '--bots-per-room', String(Math.min(players, WORKLOAD.playersPerRoom)),
      '--ramp', String(WORKLOAD.rampPerSec), '--duration', String(durationSec), '--light', '--behaviour', 'steady',
      '--max-failure-rate', '1', '--json', jsonFile, ...(naive ? ['--naive'] : []),
    ],
    readLoad(jsonFile) {
      if (!existsSync(jsonFile)) return null;
      const r = JSON.parse(readFileSync(jsonFile, 'utf8')) as LoadReport;
      return { connected: r.connected, inputRatio: r.inputsDuePerSec > 0 ? r.inputsPerSec / r.inputsDuePerSec : 0, selfSaturated: r.generator.saturated };
    },
    cleanup: () => rmSync(recordingsDir, { recursive: true, force: true }),
  };
}

async function startPeer(script: string, args: string[], loadScript: string): Promise<BenchServer> {
  const server: PeerServer = await startPeerServer(script, args);
  return {
    child: server.child,
    async sample() {
      const stats: PeerServerStats = await peerStats(server);
      const proc = readProcStats(server.child.pid!);
      return { cpuSeconds: proc.cpuSeconds, rssBytes: proc.rssBytes, ...stats };
    },
    loadCommand: (players, durationSec, jsonFile) => [
      loadScript, '--url', `http://127.0.0.1:${server.port}`, '--players', String(players), '--duration', String(durationSec), '--json', jsonFile,
    ],
    readLoad(jsonFile) {
      if (!existsSync(jsonFile)) return null;
      const r = JSON.parse(readFileSync(jsonFile, 'utf8')) as PeerLoadReport;
      const inputRatio = r.inputsDue > 0 ? r.inputsSent / r.inputsDue : 0;
      return { connected: r.connected, inputRatio, selfSaturated: r.cpuPercent >= SATURATED_CPU_PERCENT || inputRatio < MIN_INPUT_RATIO };
    },
    cleanup: () => {},
  };
}

function start(name: ServerName, floorMessageBytes: number): Promise<BenchServer> {
  switch (name) {
    case 'ours':
      return startOurs(false);
    case 'ours15':
      // The same server and bots with half the snapshots: the netcode report at 15/s shows what that does to the feel.
      return startOurs(false, { SNAPSHOT_RATE: '15' });
    case 'oursHalf':
      // Half the messages each way: the bots learn INPUTS_PER_MESSAGE from the join and send inputs in pairs.
      return startOurs(false, { SNAPSHOT_RATE: '15', INPUTS_PER_MESSAGE: '2' });
    case 'naive':
      return startOurs(true);
    case 'colyseus':
      return startPeer('sim/bench/peers/colyseus-server.ts', [], 'sim/bench/peers/colyseus-load.ts');
    case 'sioFloor':
      return startPeer('sim/bench/peers/sio-floor-server.ts', ['--message-bytes', String(floorMessageBytes)], 'sim/bench/peers/sio-floor-load.ts');
    case 'floor':
      return startPeer('sim/bench/peers/floor-server.ts', ['--message-bytes', String(floorMessageBytes)], 'sim/bench/peers/floor-load.ts');
  }
}

/** Waits (bounded) until the server counts `players` clients, or the deadline passes. */
async function waitForClients(server: BenchServer, players: number, deadlineMs: number): Promise<void> {
  const until = performance.now() + deadlineMs;
  while (performance.now() < until && (await server.sample()).clients < players) await sleep(250);
}

async function measure(name: ServerName, players: number, run: number, floorMessageBytes: number): Promise<PeerRun> {
  const server = await start(name, floorMessageBytes);
  const jsonFile = join(outDir, `tmp-peers-${name}-${players}-${run}.json`);
  try {
    const rampSec = players / WORKLOAD.rampPerSec;
    // Every load generator, ours and the peers', runs with the bots' node flags: the same young generation for all.
    const [cmd, ...rest] = pinned(1, [process.execPath, ...BOTS_NODE_FLAGS, '--import', 'tsx', ...server.loadCommand(players, settleSec + measureSec + 1, jsonFile)]);
    const load = spawn(cmd!, rest, { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<void>((r) => load.once('exit', () => r()));
    await waitForClients(server, players, (rampSec * 3 + 20) * 1000);
    await sleep(settleSec * 1000);
    const before = await server.sample();
    const loadBefore = readProcStats(load.pid!);
    const t0 = performance.now();
    // Memory is sampled through the window: one reading lands anywhere between two collections.
    const samples: ServerSample[] = [];
    for (let left = measureSec * 1000; left > 0; left = measureSec * 1000 - (performance.now() - t0)) {
      await sleep(Math.min(MEMORY_SAMPLE_MS, left));
      samples.push(await server.sample());
    }
    const after = samples.at(-1) ?? (await server.sample());
    const loadAfter = readProcStats(load.pid!);
    const seconds = (performance.now() - t0) / 1000;
    const mb = (f: (s: ServerSample) => number) => samples.map((s) => f(s) / 2 ** 20);
    const late = setTimeout(() => {
      log(`  the ${name} load generator did not finish within ${EXIT_GRACE_MS / 1000} s of its end: killed`);
      load.kill('SIGKILL');
    }, EXIT_GRACE_MS);
    await exited;
    clearTimeout(late);
    const loadReport = server.readLoad(jsonFile);
    const loadCpu = cpuPercent(loadBefore, loadAfter, seconds);
    const clients = Math.max(1, after.clients);
    const saturated = loadReport === null || loadReport.selfSaturated || loadCpu >= SATURATED_CPU_PERCENT || loadReport.inputRatio < MIN_INPUT_RATIO;
    return {
      server: name,
      players,
      run,
      connected: loadReport?.connected ?? 0,
      cpuPercent: cpuPercent(before, after, seconds),
      rssMb: median(mb((s) => s.rssBytes)),
      heapUsedMb: median(mb((s) => s.heapUsedBytes)),
      heapUsedLowMb: Math.min(...mb((s) => s.heapUsedBytes)),
      heapCommittedMb: median(mb((s) => s.heapTotalBytes)),
      tickP50Ms: after.tickP50Ms,
      tickP99Ms: after.tickP99Ms,
      bytesOutPerClientPerSec: (after.bytesSent - before.bytesSent) / seconds / clients,
      bytesInPerClientPerSec: (after.bytesReceived - before.bytesReceived) / seconds / clients,
      loadCpuPercent: loadCpu,
      inputRatio: loadReport?.inputRatio ?? 0,
      saturated,
      ...(name === 'floor' || name === 'sioFloor' ? { floorMessageBytes } : {}),
    };
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((r) => (server.child.exitCode !== null ? r(null) : server.child.once('exit', r)));
    server.cleanup();
    rmSync(jsonFile, { force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const load = loadavg();
  const startedAt = new Date().toISOString();
  const results: PeerRun[] = [];
  for (const players of steps) {
    for (let run = 1; run <= runs; run++) {
      for (const name of servers) {
        // The floor moves messages the size of our average snapshot at this step, as measured in this run.
        const ours = results.filter((r) => r.server === 'ours' && r.players === players && !r.saturated).map((r) => r.bytesOutPerClientPerSec);
        const floorBytes = ours.length ? Math.max(1, Math.round(median(ours) / WORKLOAD.snapshotsPerSec)) : DEFAULT_FLOOR_MESSAGE_BYTES;
        log(`peers: ${name}, ${players} players, run ${run}/${runs} ...`);
        const r = await measure(name, players, run, floorBytes);
        results.push(r);
        log(
          `  ${name} ${players}: CPU ${r.cpuPercent.toFixed(0)} %, RSS ${r.rssMb.toFixed(0)} MB, tick p99 ${r.tickP99Ms.toFixed(2)} ms, ` +
            `${Math.round(r.bytesOutPerClientPerSec)} B/s per client, load generator ${r.loadCpuPercent.toFixed(0)} % CPU, ` +
            `${(r.inputRatio * 100).toFixed(0)} % of inputs${r.saturated ? ' SATURATED: not a result' : ''}`,
        );
      }
    }
  }
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    pinned: PINNING,
    loadAverageAtStart: load,
    loadAverageAtEnd: loadavg(),
    workload: WORKLOAD,
    settleSec,
    measureSec,
    runs: results,
    summary: summarize(results),
  };
  writeFileSync(join(outDir, 'peers.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(outDir, 'peers.md'), peersMarkdown(report));
  for (const [file, svg] of peersCharts(report.summary)) writeFileSync(join(outDir, file), svg);
  log(`peers: wrote ${join(outDir, 'peers.md')}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

main().catch((err: unknown) => {
  log(`peers bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
