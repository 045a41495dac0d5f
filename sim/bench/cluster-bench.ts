// `npm run bench -- --only cluster [--quick]` (or `npx tsx sim/bench/cluster-bench.ts [--quick] [--out DIR]`;
// `--report-only` rewrites cluster.md and the plots from a saved cluster.json):
// what the cluster costs against the single process, with real node processes (server/main.ts) and a real
// redis-server started here on a free port.
//
// 1. Joins: waves of clients quick-play at once (each first opens its lobby connection, untimed) through
//    1 node without Redis (the single process's in-memory directory), 1 node with Redis, and 3 nodes with
//    Redis (clients spread over the nodes, so most joins are redirected to the owning node and claim their
//    seat there). Latency is from the quick play request to the JoinInfo, redirect and claim included; the
//    rate is joins per second of wave. Each client closes right after joining (its seat is freed after
//    the reconnect grace), so the rooms fill and empty as in play and no snapshot load builds up.
// 2. Directory cost per join: Redis commands (INFO commandstats deltas, the background of heartbeats and
//    reapers measured in an idle window first and subtracted) and directory round trips by operation
//    (the nodes' game_directory_commands_total), against docs/SCALING.md's arithmetic.
// 3. CPU per player: the same number of light bots playing (sim/bots/cli.ts, as the capacity benchmark)
//    on 1 node without Redis, and on 2 nodes with Redis (rooms spread by placement); CPU seconds of the
//    node processes, and of Redis apart, per player per second. Runs alternate (single, cluster, cluster,
//    single, ...) so that drift in the machine's other load falls on both.
//
// Server side (nodes and Redis) is pinned to core 0 and the load generator (this process for joins, the
// bots process for CPU) to core 1 with taskset, when there are 2 cores: both modes get the same one core.
// A load generator near a full core, or whose event loop lags, measured itself: its figures are marked.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { NetClient, RequestError } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { startCluster, getJson, waitUntil } from '../../server/test-support/cluster-fixture.js';
import { startServerProcess } from '../../server/test-support/server-process.js';
import { percentiles, type Percentiles } from '../bots/percentiles.js';
import { parsePrometheus, type PromSamples } from './prometheus-text.js';
import { readProcStats } from './proc-stats.js';
import { barChartSvg } from './svg-bar-chart.js';
import { lineChartSvg } from './svg-plot.js';
import { botsCommand } from '../bots/bots-command.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
    /** Rewrite cluster.md and its plots from a saved cluster.json, without running anything. */
    'report-only': { type: 'boolean', default: false },
  },
});
const OUT = args.out!;
const SAVED = args['report-only'] ? (JSON.parse(readFileSync(join(OUT, 'cluster.json'), 'utf8')) as SavedResults) : null;
const QUICK = SAVED ? SAVED.quick : args.quick!;

/** Sizes of a full run (~3.5 min here) and of a quick one (the suite's pipeline test). */
const PLAN = QUICK
  ? { joinConfigs: ['cluster-1', 'cluster-3'] as const, waveSize: 20, waves: 1, warmupWaves: 1, idleSec: 1, ccu: 32, cpuOrder: ['single', 'cluster'] as const, rampPerSec: 50, settleSec: 1, measureSec: 3 }
  : {
      joinConfigs: ['single', 'cluster-1', 'cluster-3'] as const,
      waveSize: 50,
      waves: 8,
      warmupWaves: 2,
      idleSec: 6,
      ccu: 256,
      // ABBA twice over: a drift in the machine's other load, and the first (cold) run of each, fall on both modes.
      cpuOrder: ['single', 'cluster', 'cluster', 'single', 'single', 'cluster'] as const,
      rampPerSec: 100,
      settleSec: 5,
      measureSec: 12,
    };

/** As the capacity benchmark: quick rooms empty fast, every connection comes from this machine. */
const NODE_ENV = {
  LOG_LEVEL: 'info',
  EMPTY_ROOM_GRACE_MS: '1000',
  RECONNECT_GRACE_MS: '1000',
  MAX_ROOMS: '10000',
  MAX_CONNECTIONS: '20000',
  EXEMPT_ADDRESSES: '127.0.0.1',
};
const CLUSTER_NODES_FOR_CPU = 2;
const PINNING = cpus().length >= 2 && existsSync('/usr/bin/taskset');
/** A load generator using this share of a core (or more) is taken as saturated. */
const SATURATED_CPU_PERCENT = 90;
/** Event-loop delay p99 of the join client above which its latencies are its own queueing as much as the servers'. */
const SATURATED_LAG_MS = 50;
/** Sampling period of the join client's event-loop delay monitor; a sample is the period plus the delay. */
const LAG_RESOLUTION_MS = 5;
/** How long a bots process may take to exit on SIGTERM before it is killed. */
const BOTS_EXIT_GRACE_MS = 10_000;
/** Bots seated at 100/s take ~3 s here; a load that is not seated by then is marked as not meaningful. */
const SEATING_TIMEOUT_MS = 60_000;
/** Reports are coalesced for 500 ms: waiting this long after the rooms closed lets their last reports (and node load updates) land. */
const REPORT_SETTLE_MS = 1500;
/** Rooms close ~2 s after their last player left (reconnect grace, then empty-room grace); 30x that. */
const ROOMS_CLOSE_TIMEOUT_MS = 60_000;
/** "At most a few percent more per player" (the issue's claim), as a number. */
const FEW_PERCENT = 0.05;
/** docs/SCALING.md, "Cost": per join 2 to 3 round trips, 18 to 46 Redis commands, 60 to 180 µs of Redis CPU. */
const DOC = { roundTrips: [2, 3], commands: [18, 46], redisMicros: [60, 180] } as const;
/** Directory operations that are not a join's: heartbeats, reaper, registration, the metrics scrape's node list. */
const BACKGROUND_OPS = new Set(['loadScripts', 'register', 'renew', 'reap', 'deregister', 'nodes']);

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type JoinConfig = 'single' | 'cluster-1' | 'cluster-3';
type CpuMode = 'single' | 'cluster';

interface JoinResult {
  readonly config: JoinConfig;
  readonly nodes: number;
  readonly redis: boolean;
  readonly joins: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  /** Joins whose client was sent to another node (redirect and claim). */
  readonly redirected: number;
  /** Distinct rooms the joins landed in. */
  readonly rooms: number;
  readonly joinsPerSec: number;
  readonly latencyMs: Percentiles;
  /** Latency at every 5th percentile, for the plot. */
  readonly latencyCurve: readonly { readonly pct: number; readonly ms: number }[];
  /** Directory round trips per join by operation (all nodes; background operations included, listed apart). */
  readonly roundTripsPerJoin: Record<string, number>;
  /** Round trips per join of the join's own operations (BACKGROUND_OPS excluded). */
  readonly joinRoundTripsPerJoin: number;
  /** Redis commands per join, the script calls included (null without Redis). The background is subtracted from these three. */
  readonly redisCommandsPerJoin: number | null;
  readonly redisScriptCallsPerJoin: number | null;
  /** Redis CPU in scripts per join (commandstats usec of evalsha), µs. */
  readonly redisScriptMicrosPerJoin: number | null;
  /** Redis commands per second with no joins (heartbeats, reapers), all nodes together. */
  readonly backgroundCommandsPerSec: number | null;
  /** CPU of the node processes per join (lobby connection, placement, redirect, claim, leave, its share of a room's close), ms. */
  readonly nodeCpuMsPerJoin: number;
  readonly redisCpuMsPerJoin: number | null;
  readonly client: LoadGenerator;
}

interface LoadGenerator {
  readonly cpuPercent: number;
  readonly eventLoopP99Ms: number | null;
  readonly saturated: boolean;
}

interface CpuRun {
  readonly mode: CpuMode;
  readonly nodes: number;
  readonly ccu: number;
  /** Seated players (game_players summed over the nodes), mean of the window's start and end. */
  readonly players: number;
  readonly playersPerNode: readonly number[];
  readonly seconds: number;
  /** Idle (before the bots), % of one core. */
  readonly idleNodeCpuPercent: number;
  readonly idleRedisCpuPercent: number | null;
  readonly nodeCpuPercent: number;
  readonly redisCpuPercent: number | null;
  /** CPU ms of all node processes per player per second (1 = 0.1 % of a core per player). */
  readonly nodeCpuMsPerPlayerSec: number;
  /** The same less the idle CPU (what the players add to the nodes' fixed cost). */
  readonly nodeCpuMsPerPlayerSecAboveIdle: number;
  readonly redisCpuMsPerPlayerSec: number | null;
  /**
   * Node CPU per input applied (a player-tick when the bots keep up): per unit of work done, should a loaded
   * node drop ticks or a starved bots process send fewer inputs.
   */
  readonly nodeCpuMicrosPerInput: number;
  readonly inputsPerPlayerSec: number;
  readonly ticksDropped: number;
  readonly tickP99Ms: number;
  readonly bots: LoadGenerator;
}

// ---- processes ----

interface Deployment {
  readonly nodes: readonly { readonly url: string; readonly pid: number }[];
  readonly redis: { readonly url: string; readonly pid: number } | null;
  stop(): Promise<void>;
}

/** Pins a running process (every thread) to one core; no-op without taskset or a second core. */
function pin(pid: number, core: number): void {
  if (PINNING) execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}

/** `nodeCount` nodes of server/main.ts sharing a fresh redis-server, or one node without Redis; pinned to core 0. */
async function deploy(nodeCount: number, withRedis: boolean): Promise<Deployment> {
  let deployment: Deployment;
  if (withRedis) {
    const cluster = await startCluster({ nodes: nodeCount, env: NODE_ENV });
    deployment = {
      nodes: cluster.nodes.map((n) => ({ url: n.url, pid: n.pid })),
      redis: { url: cluster.redis.url, pid: cluster.redis.pid! },
      stop: () => cluster.stop(),
    };
    try {
      await waitUntil(
        async () => (await getJson<{ nodes: unknown[] }>(`${cluster.nodes[0]!.url}/api/nodes`)).nodes.length === nodeCount,
        30_000,
        `${nodeCount} nodes in the directory`,
        250,
      );
    } catch (err) {
      await deployment.stop();
      throw err;
    }
  } else {
    const recordings = mkdtempSync(join(tmpdir(), 'cluster-bench-recordings-'));
    const removeRecordings = () => rmSync(recordings, { recursive: true, force: true });
    process.once('exit', removeRecordings);
    const server = await startServerProcess({ env: { ...NODE_ENV, RECORDINGS_DIR: recordings } });
    deployment = {
      nodes: [{ url: server.url, pid: server.pid }],
      redis: null,
      async stop() {
        await server.stop(5000);
        removeRecordings();
        process.off('exit', removeRecordings);
      },
    };
  }
  try {
    for (const node of deployment.nodes) pin(node.pid, 0);
    if (deployment.redis) pin(deployment.redis.pid, 0);
  } catch (err) {
    await deployment.stop();
    throw err;
  }
  return deployment;
}

async function scrape(url: string): Promise<PromSamples> {
  return parsePrometheus(await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text());
}

function sum(samples: PromSamples, name: string): number {
  return samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
}

/** Sums over the nodes of what the measuring windows need from /metrics. */
interface NodeCounters {
  readonly playersPerNode: readonly number[];
  readonly inputs: number;
  readonly ticksDropped: number;
  readonly tickP99Ms: number;
}

async function nodeCounters(deployment: Deployment): Promise<NodeCounters> {
  const samples = await Promise.all(deployment.nodes.map((n) => scrape(n.url)));
  return {
    playersPerNode: samples.map((s) => sum(s, 'game_players')),
    inputs: samples.reduce((n, s) => n + sum(s, 'game_inputs_applied_total'), 0),
    ticksDropped: samples.reduce((n, s) => n + sum(s, 'game_ticks_dropped_total'), 0),
    tickP99Ms: Math.max(
      ...samples.map((s) => (s.find((x) => x.name === 'game_tick_duration_recent_seconds' && x.labels.quantile === '0.99')?.value ?? 0) * 1000),
    ),
  };
}

/**
 * Waits until no node has a room (the previous load's seats freed after the reconnect grace, rooms closed
 * after theirs). Asks /healthz, which reads no directory (a /metrics scrape reads the node list from Redis).
 */
async function roomsClosed(deployment: Deployment): Promise<void> {
  const open = async () => (await Promise.all(deployment.nodes.map((n) => getJson<{ rooms: number }>(`${n.url}/healthz`)))).reduce((a, h) => a + h.rooms, 0);
  await waitUntil(async () => (await open()) === 0, ROOMS_CLOSE_TIMEOUT_MS, 'the rooms to close', 250);
}

/** Directory round trips by operation, summed over the nodes. */
async function directoryCommands(deployment: Deployment): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const node of deployment.nodes) {
    for (const s of await scrape(node.url)) {
      if (s.name === 'game_directory_commands_total' && s.labels.op) counts[s.labels.op] = (counts[s.labels.op] ?? 0) + s.value;
    }
  }
  return counts;
}

function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((n, pid) => n + readProcStats(pid).cpuSeconds, 0);
}

interface CommandStats {
  /** Every command Redis executed (script calls and the commands inside them), but our own INFO. */
  readonly commands: number;
  readonly scriptCalls: number;
  readonly scriptMicros: number;
}

async function commandStats(redis: Redis): Promise<CommandStats> {
  let commands = 0;
  let scriptCalls = 0;
  let scriptMicros = 0;
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (!match || match[1] === 'info') continue;
    commands += Number(match[2]);
    if (match[1] === 'evalsha' || match[1] === 'eval') {
      scriptCalls += Number(match[2]);
      scriptMicros += Number(match[3]);
    }
  }
  return { commands, scriptCalls, scriptMicros };
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

// ---- 1 and 2: joins ----

interface WaveOutcome {
  readonly latenciesMs: number[];
  readonly roomIds: string[];
  readonly redirected: number;
  readonly failures: string[];
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** The client's event-loop delay p99 during the wave (beyond the sampling period), ms. */
  readonly lagP99Ms: number;
}

/** `size` clients open their lobby connection (spread over `urls`), then all quick-play at once; all close after. */
async function joinWave(urls: readonly string[], size: number, first: number): Promise<WaveOutcome> {
  const clients = Array.from(
    { length: size },
    (_, i) => new NetClient({ url: urls[(first + i) % urls.length]!, games: [arenaGame], name: `j${first + i}`, reconnection: false }),
  );
  const failures: string[] = [];
  try {
    const connected = await Promise.allSettled(clients.map((c) => c.connect(15_000)));
    const ready = clients.filter((_, i) => {
      const r = connected[i]!;
      if (r.status === 'rejected') failures.push(`connect: ${reasonOf(r.reason)}`);
      return r.status === 'fulfilled';
    });
    const latenciesMs: number[] = [];
    const roomIds: string[] = [];
    let redirected = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // A monitor of its own per wave: a monitor disabled and enabled again counts the pause as one long delay.
    const monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    monitor.enable();
    await Promise.all(
      ready.map(async (client) => {
        let moved = false;
        const off = client.on('moved', () => (moved = true));
        const start = performance.now();
        try {
          const joined = await client.quickPlay();
          latenciesMs.push(performance.now() - start);
          roomIds.push(joined.roomId);
          if (moved) redirected++;
        } catch (err) {
          failures.push(reasonOf(err));
        } finally {
          off();
        }
      }),
    );
    monitor.disable();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const lagP99Ms = monitor.count > 0 ? Math.max(0, monitor.percentile(99) / 1e6 - LAG_RESOLUTION_MS) : 0;
    return { latenciesMs, roomIds, redirected, failures, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, lagP99Ms };
  } finally {
    for (const c of clients) c.close();
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof RequestError) return err.code;
  return (err instanceof Error ? err.message : String(err)).split(':')[0]!.slice(0, 60);
}

async function runJoins(config: JoinConfig): Promise<JoinResult> {
  const nodeCount = config === 'cluster-3' ? 3 : 1;
  const withRedis = config !== 'single';
  log(`cluster: joins through ${nodeCount} node${nodeCount > 1 ? 's' : ''} ${withRedis ? 'with Redis' : 'without Redis'} ...`);
  const deployment = await deploy(nodeCount, withRedis);
  const redis = deployment.redis ? new Redis(deployment.redis.url) : null;
  try {
    const urls = deployment.nodes.map((n) => n.url);
    // Warm-up (JIT of servers and client), not counted; its rooms close before the idle window.
    for (let w = 0; w < PLAN.warmupWaves; w++) await joinWave(urls, PLAN.waveSize, w * PLAN.waveSize);
    await roomsClosed(deployment);
    await sleep(REPORT_SETTLE_MS);

    // Background: Redis commands and CPU per second in an idle window (heartbeats, reapers), subtracted from the join window's.
    const nodePids = deployment.nodes.map((n) => n.pid);
    const redisPids = deployment.redis ? [deployment.redis.pid] : [];
    const idleStats0 = redis ? await commandStats(redis) : null;
    const idle0 = { nodes: cpuSeconds(nodePids), redis: cpuSeconds(redisPids), t: performance.now() };
    await sleep(PLAN.idleSec * 1000);
    const idleStats1 = redis ? await commandStats(redis) : null;
    const idleSeconds = (performance.now() - idle0.t) / 1000;
    const idleNodeCpuPerSec = (cpuSeconds(nodePids) - idle0.nodes) / idleSeconds;
    const idleRedisCpuPerSec = (cpuSeconds(redisPids) - idle0.redis) / idleSeconds;
    const rate = (pick: (s: CommandStats) => number) => (idleStats0 && idleStats1 ? (pick(idleStats1) - pick(idleStats0)) / idleSeconds : 0);
    const background = { commands: rate((s) => s.commands), scriptCalls: rate((s) => s.scriptCalls), scriptMicros: rate((s) => s.scriptMicros) };

    const ops0 = await directoryCommands(deployment);
    const stats0 = redis ? await commandStats(redis) : null;
    const nodeCpu0 = cpuSeconds(nodePids);
    const redisCpu0 = cpuSeconds(redisPids);
    const t0 = performance.now();
    let lagP99 = 0;
    const latencies: number[] = [];
    const rooms = new Set<string>();
    const failures: Record<string, number> = {};
    let redirected = 0;
    let busySeconds = 0;
    let clientCpuSeconds = 0;
    for (let w = 0; w < PLAN.waves; w++) {
      const wave = await joinWave(urls, PLAN.waveSize, (PLAN.warmupWaves + w) * PLAN.waveSize);
      lagP99 = Math.max(lagP99, wave.lagP99Ms);
      latencies.push(...wave.latenciesMs);
      for (const id of wave.roomIds) rooms.add(id);
      for (const f of wave.failures) failures[f] = (failures[f] ?? 0) + 1;
      redirected += wave.redirected;
      busySeconds += wave.seconds;
      clientCpuSeconds += wave.cpuSeconds;
      log(`  wave ${w + 1}/${PLAN.waves}: ${wave.latenciesMs.length} joins in ${(wave.seconds * 1000).toFixed(0)} ms, p50 ${percentiles(wave.latenciesMs).p50.toFixed(1)} ms`);
    }
    // The joins' whole lifecycle is counted: the seats freed, the rooms closed and their last reports sent.
    await roomsClosed(deployment);
    await sleep(REPORT_SETTLE_MS);
    const stats1 = redis ? await commandStats(redis) : null;
    const seconds = (performance.now() - t0) / 1000;
    // Less what the processes spend idle (timers, heartbeats) over as long a time (/proc counts 10 ms steps: never below 0).
    const nodeCpu = Math.max(0, cpuSeconds(nodePids) - nodeCpu0 - idleNodeCpuPerSec * seconds);
    const redisCpu = Math.max(0, cpuSeconds(redisPids) - redisCpu0 - idleRedisCpuPerSec * seconds);
    const ops = diff(await directoryCommands(deployment), ops0);

    const joins = latencies.length;
    const per = (n: number) => (joins > 0 ? n / joins : 0);
    const sorted = [...latencies].sort((a, b) => a - b);
    const clientCpuPercent = busySeconds > 0 ? (clientCpuSeconds / busySeconds) * 100 : 0;
    const result: JoinResult = {
      config,
      nodes: nodeCount,
      redis: withRedis,
      joins,
      failed: Object.values(failures).reduce((a, b) => a + b, 0),
      failures,
      redirected,
      rooms: rooms.size,
      joinsPerSec: busySeconds > 0 ? joins / busySeconds : 0,
      latencyMs: percentiles(latencies),
      latencyCurve: Array.from({ length: 21 }, (_, i) => ({
        pct: i * 5,
        ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((i / 20) * sorted.length))]! : 0,
      })),
      roundTripsPerJoin: Object.fromEntries(Object.entries(ops).map(([op, n]) => [op, per(n)])),
      joinRoundTripsPerJoin: per(Object.entries(ops).reduce((n, [op, v]) => (BACKGROUND_OPS.has(op) ? n : n + v), 0)),
      // Each less the background rate over the window's length.
      redisCommandsPerJoin: stats0 && stats1 ? per(stats1.commands - stats0.commands - background.commands * seconds) : null,
      redisScriptCallsPerJoin: stats0 && stats1 ? per(stats1.scriptCalls - stats0.scriptCalls - background.scriptCalls * seconds) : null,
      redisScriptMicrosPerJoin: stats0 && stats1 ? per(stats1.scriptMicros - stats0.scriptMicros - background.scriptMicros * seconds) : null,
      backgroundCommandsPerSec: redis ? background.commands : null,
      nodeCpuMsPerJoin: per(nodeCpu * 1000),
      redisCpuMsPerJoin: deployment.redis ? per(redisCpu * 1000) : null,
      client: {
        cpuPercent: clientCpuPercent,
        eventLoopP99Ms: lagP99,
        saturated: clientCpuPercent >= SATURATED_CPU_PERCENT || lagP99 >= SATURATED_LAG_MS,
      },
    };
    log(
      `  ${config}: ${joins} joins (${result.failed} failed), ${result.joinsPerSec.toFixed(0)} joins/s, p50 ${result.latencyMs.p50.toFixed(1)} ms, ` +
        `p99 ${result.latencyMs.p99.toFixed(1)} ms, ${result.joinRoundTripsPerJoin.toFixed(2)} round trips/join` +
        (result.redisCommandsPerJoin !== null ? `, ${result.redisCommandsPerJoin.toFixed(1)} Redis commands/join` : '') +
        `, client CPU ${clientCpuPercent.toFixed(0)} %${result.client.saturated ? ' (SATURATED)' : ''}`,
    );
    return result;
  } finally {
    redis?.disconnect();
    await deployment.stop();
  }
}

// ---- 3: CPU per player ----

/**
 * One measured run on a running deployment: an idle window (no rooms), then PLAN.ccu light bots (one bots
 * process, as capacity-bench.ts starts it, pinned to core 1) until every one is seated, a settling time,
 * and the measuring window; the bots are stopped after it.
 */
async function runCpu(mode: CpuMode, deployment: Deployment): Promise<CpuRun> {
  log(`cluster: CPU per player, ${mode === 'cluster' ? `${deployment.nodes.length} nodes with Redis` : '1 node without Redis'}, ${PLAN.ccu} bots ...`);
  const nodePids = deployment.nodes.map((n) => n.pid);
  const redisPids = deployment.redis ? [deployment.redis.pid] : [];
  // The previous run's rooms close (and their recordings are finalized) before the idle window.
  await roomsClosed(deployment);
  const idle0 = { nodes: cpuSeconds(nodePids), redis: cpuSeconds(redisPids), t: performance.now() };
  await sleep(PLAN.idleSec * 1000);
  const idleSeconds = (performance.now() - idle0.t) / 1000;
  const idleNodeCpuPercent = ((cpuSeconds(nodePids) - idle0.nodes) / idleSeconds) * 100;
  const idleRedisCpuPercent = deployment.redis ? ((cpuSeconds(redisPids) - idle0.redis) / idleSeconds) * 100 : null;

  const rooms = Math.max(1, Math.ceil(PLAN.ccu / 16));
  const command = botsCommand([
    '--url', deployment.nodes[0]!.url, '--rooms', String(rooms), '--bots-per-room', String(Math.ceil(PLAN.ccu / rooms)),
    '--ramp', String(PLAN.rampPerSec), '--duration', '600', '--light', '--behaviour', 'wander', '--max-failure-rate', '1',
  ]);
  const [cmd, ...cmdArgs] = PINNING ? ['taskset', '-c', '1', ...command] : command;
  const bots = spawn(cmd!, cmdArgs, { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((resolve) => bots.once('exit', () => resolve()));
  const killBots = () => bots.kill('SIGKILL');
  process.once('exit', killBots);
  try {
    const seatedBy = performance.now() + SEATING_TIMEOUT_MS;
    while (performance.now() < seatedBy && bots.exitCode === null) {
      if ((await nodeCounters(deployment)).playersPerNode.reduce((a, b) => a + b, 0) >= PLAN.ccu) break;
      await sleep(250);
    }
    await sleep(PLAN.settleSec * 1000);
    const c0 = await nodeCounters(deployment);
    const before = { nodes: cpuSeconds(nodePids), redis: cpuSeconds(redisPids), bots: cpuSeconds([bots.pid!]), t: performance.now() };
    await sleep(PLAN.measureSec * 1000);
    const after = { nodes: cpuSeconds(nodePids), redis: cpuSeconds(redisPids), bots: cpuSeconds([bots.pid!]), t: performance.now() };
    const c1 = await nodeCounters(deployment);
    const seconds = (after.t - before.t) / 1000;
    const playersPerNode = c0.playersPerNode.map((p, i) => (p + c1.playersPerNode[i]!) / 2);
    const players = playersPerNode.reduce((a, b) => a + b, 0);
    const botsCpuPercent = ((after.bots - before.bots) / seconds) * 100;
    const nodeCpu = after.nodes - before.nodes;
    const redisCpu = after.redis - before.redis;
    const perPlayerSec = (cpu: number) => (players > 0 ? (cpu * 1000) / players / seconds : 0);
    const inputs = c1.inputs - c0.inputs;
    const run: CpuRun = {
      mode,
      nodes: deployment.nodes.length,
      ccu: PLAN.ccu,
      players,
      playersPerNode,
      seconds,
      idleNodeCpuPercent,
      idleRedisCpuPercent,
      nodeCpuPercent: (nodeCpu / seconds) * 100,
      redisCpuPercent: deployment.redis ? (redisCpu / seconds) * 100 : null,
      nodeCpuMsPerPlayerSec: perPlayerSec(nodeCpu),
      nodeCpuMsPerPlayerSecAboveIdle: perPlayerSec(nodeCpu - (idleNodeCpuPercent / 100) * seconds),
      redisCpuMsPerPlayerSec: deployment.redis ? perPlayerSec(redisCpu) : null,
      nodeCpuMicrosPerInput: inputs > 0 ? (nodeCpu * 1e6) / inputs : 0,
      inputsPerPlayerSec: players > 0 ? inputs / players / seconds : 0,
      ticksDropped: c1.ticksDropped - c0.ticksDropped,
      tickP99Ms: c1.tickP99Ms,
      bots: {
        cpuPercent: botsCpuPercent,
        eventLoopP99Ms: null,
        // As in capacity-bench.ts: a bots process that could not seat its whole load measured a half-built one.
        saturated: botsCpuPercent >= SATURATED_CPU_PERCENT || players < PLAN.ccu * 0.99,
      },
    };
    log(
      `  ${mode}: ${players.toFixed(0)} players (${playersPerNode.map((p) => p.toFixed(0)).join(' + ')}), nodes ${run.nodeCpuPercent.toFixed(1)} % ` +
        `(idle ${idleNodeCpuPercent.toFixed(1)} %), ${run.nodeCpuMsPerPlayerSec.toFixed(3)} ms per player-second, ${run.nodeCpuMicrosPerInput.toFixed(1)} µs per input` +
        (run.redisCpuPercent !== null ? `, Redis ${run.redisCpuPercent.toFixed(2)} %` : '') +
        `, tick p99 ${run.tickP99Ms.toFixed(1)} ms, bots ${botsCpuPercent.toFixed(0)} %${run.bots.saturated ? ' (SATURATED)' : ''}`,
    );
    return run;
  } finally {
    bots.kill('SIGTERM');
    const late = await Promise.race([exited.then(() => false), sleep(BOTS_EXIT_GRACE_MS).then(() => true)]);
    if (late) {
      bots.kill('SIGKILL');
      await exited;
    }
    process.off('exit', killBots);
  }
}

/** Both deployments run side by side (the idle one costs little), so that runs can alternate without restarts. */
async function runCpuComparison(): Promise<CpuRun[]> {
  const single = await deploy(1, false);
  try {
    const cluster = await deploy(CLUSTER_NODES_FOR_CPU, true);
    try {
      const runs: CpuRun[] = [];
      for (const mode of PLAN.cpuOrder) runs.push(await runCpu(mode, mode === 'single' ? single : cluster));
      return runs;
    } finally {
      await cluster.stop();
    }
  } finally {
    await single.stop();
  }
}

interface ModeCost {
  /** CPU ms of the node processes per player-second. */
  readonly msPerPlayerSec: number;
  /** The same less the nodes' idle CPU. */
  readonly aboveIdleMsPerPlayerSec: number;
  readonly microsPerInput: number;
  /** Idle node CPU, % of a core (all the mode's nodes). */
  readonly idleCpuPercent: number;
}

interface CpuSummary {
  /** Means over the meaningful runs of each mode, weighted by player-seconds. */
  readonly single: ModeCost;
  readonly cluster: ModeCost;
  readonly clusterRedisMsPerPlayerSec: number;
  /** Cluster nodes / single process; with Redis added; above idle; per input applied. */
  readonly ratioNodes: number;
  readonly ratioWithRedis: number;
  readonly ratioAboveIdle: number;
  readonly ratioPerInput: number;
  /** Largest relative difference between two runs of the same mode: the measurement's own noise (null: one run per mode). */
  readonly noise: number | null;
  readonly meaningfulRuns: number;
}

function summarizeCpu(runs: readonly CpuRun[]): CpuSummary | null {
  const ok = runs.filter((r) => !r.bots.saturated && r.players > 0);
  const weighted = (mode: CpuMode, pick: (r: CpuRun) => number | null) => {
    const rs = ok.filter((r) => r.mode === mode);
    const playerSeconds = rs.reduce((n, r) => n + r.players * r.seconds, 0);
    return playerSeconds > 0 ? rs.reduce((n, r) => n + (pick(r) ?? 0) * r.players * r.seconds, 0) / playerSeconds : NaN;
  };
  const cost = (mode: CpuMode): ModeCost => ({
    msPerPlayerSec: weighted(mode, (r) => r.nodeCpuMsPerPlayerSec),
    aboveIdleMsPerPlayerSec: weighted(mode, (r) => r.nodeCpuMsPerPlayerSecAboveIdle),
    microsPerInput: weighted(mode, (r) => r.nodeCpuMicrosPerInput),
    idleCpuPercent: weighted(mode, (r) => r.idleNodeCpuPercent),
  });
  const single = cost('single');
  const cluster = cost('cluster');
  if (!Number.isFinite(single.msPerPlayerSec) || !Number.isFinite(cluster.msPerPlayerSec)) return null;
  const redis = weighted('cluster', (r) => r.redisCpuMsPerPlayerSec);
  const spread = (mode: CpuMode) => {
    const values = ok.filter((r) => r.mode === mode).map((r) => r.nodeCpuMsPerPlayerSec);
    return values.length < 2 ? null : (Math.max(...values) - Math.min(...values)) / Math.min(...values);
  };
  const spreads = [spread('single'), spread('cluster')].filter((x): x is number => x !== null);
  return {
    single,
    cluster,
    clusterRedisMsPerPlayerSec: redis,
    ratioNodes: cluster.msPerPlayerSec / single.msPerPlayerSec,
    ratioWithRedis: (cluster.msPerPlayerSec + redis) / single.msPerPlayerSec,
    ratioAboveIdle: cluster.aboveIdleMsPerPlayerSec / single.aboveIdleMsPerPlayerSec,
    ratioPerInput: cluster.microsPerInput / single.microsPerInput,
    noise: spreads.length ? Math.max(...spreads) : null,
    meaningfulRuns: ok.length,
  };
}

// ---- report ----

interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly redis: string;
  readonly date: string;
  readonly loadAverageAtStart: readonly number[];
  readonly pinned: boolean;
  /** Run time of the whole benchmark. */
  wallSeconds: number;
}

function redisVersion(): string {
  try {
    return /v=(\S+)/.exec(execFileSync('/usr/bin/redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

const CONFIG_LABEL: Record<JoinConfig, string> = {
  single: '1 node, no Redis (in-memory directory)',
  'cluster-1': '1 node + Redis',
  'cluster-3': '3 nodes + Redis, clients spread',
};
/** Legends of the plots (the tables' labels do not fit side by side). */
const CONFIG_LEGEND: Record<JoinConfig, string> = { single: '1 node, no Redis', 'cluster-1': '1 node + Redis', 'cluster-3': '3 nodes + Redis' };
const f = (n: number | null, digits = 1) => (n === null || !Number.isFinite(n) ? 'n/a' : n.toFixed(digits));
const pct = (ratio: number) => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)} %`;

function headline(joins: readonly JoinResult[], cpu: CpuSummary | null): string {
  const one = joins.find((j) => j.config === 'cluster-1');
  const three = joins.find((j) => j.config === 'cluster-3');
  const parts: string[] = [];
  if (one && three) {
    parts.push(
      `joins ${one.joinsPerSec.toFixed(0)}/s through 1 node and ${three.joinsPerSec.toFixed(0)}/s through 3 nodes (p99 ${one.latencyMs.p99.toFixed(0)} / ${three.latencyMs.p99.toFixed(0)} ms)` +
        (one.client.saturated || three.client.saturated ? ' (load generator saturated: see below)' : ''),
      `${f(three.redisCommandsPerJoin)} Redis commands and ${three.joinRoundTripsPerJoin.toFixed(1)} round trips per join`,
    );
  }
  parts.push(
    cpu
      ? `cluster CPU per player ${cpu.ratioNodes.toFixed(2)}x the single process's at ${PLAN.ccu} CCU (${pct(cpu.ratioNodes)}; ` +
        `${pct(cpu.ratioWithRedis)} with Redis; ${pct(cpu.ratioAboveIdle)} above the nodes' idle CPU)`
      : 'CPU per player: no meaningful run',
  );
  return `**${parts.join('; ')}.**`;
}

function joinSection(joins: readonly JoinResult[]): string[] {
  const rows = joins.map(
    (j) =>
      `| ${CONFIG_LABEL[j.config]} | ${j.joins} | ${j.failed} | ${((j.redirected / Math.max(1, j.joins)) * 100).toFixed(0)} % | ${j.rooms} | ` +
      `**${j.joinsPerSec.toFixed(0)}** | ${j.latencyMs.p50.toFixed(1)} | ${j.latencyMs.p95.toFixed(1)} | **${j.latencyMs.p99.toFixed(1)}** | ${j.latencyMs.max.toFixed(1)} | ` +
      `${j.nodeCpuMsPerJoin.toFixed(2)} | ${f(j.redisCpuMsPerJoin, 2)} | ${j.client.cpuPercent.toFixed(0)} % / ${f(j.client.eventLoopP99Ms)} ms | ${j.client.saturated ? '**saturated: not meaningful**' : 'ok'} |`,
  );
  const one = joins.find((j) => j.config === 'cluster-1');
  const three = joins.find((j) => j.config === 'cluster-3');
  const single = joins.find((j) => j.config === 'single');
  const ratio = (a: number, b: number) => (a / Math.max(1e-9, b)).toFixed(2);
  return [
    '## Joins: throughput and latency',
    '',
    `Waves of ${PLAN.waveSize} clients, ${PLAN.waves} per configuration after ${PLAN.warmupWaves} uncounted warm-up wave(s): each client opens its lobby connection ` +
      '(untimed, to the nodes in turn), then all quick-play at once. Latency: quick play request to JoinInfo, redirect to the owning node and seat claim included. ' +
      'Joins per second: joins over the waves\' duration (first request to last JoinInfo). Each client leaves right after joining. ' +
      'The window ends once every room has closed again: node CPU per join covers the lobby connection, placement, redirect, claim, the leave and a share of the room\'s close; ' +
      'Redis CPU per join is its process CPU; both less the processes\' idle CPU (measured just before) over as long a time.',
    '',
    '| configuration | joins | failed | redirected | rooms | joins/s | p50 ms | p95 ms | p99 ms | max ms | node CPU ms/join | Redis CPU ms/join | load generator CPU / worst wave\'s event-loop delay p99 | result |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
    ...(one && three
      ? [
          `3 nodes against 1 (both with Redis): ${ratio(three.joinsPerSec, one.joinsPerSec)}x the joins per second, p50 ${ratio(three.latencyMs.p50, one.latencyMs.p50)}x, ` +
            `p99 ${ratio(three.latencyMs.p99, one.latencyMs.p99)}x, node CPU per join ${ratio(three.nodeCpuMsPerJoin, one.nodeCpuMsPerJoin)}x ` +
            `(${((three.redirected / Math.max(1, three.joins)) * 100).toFixed(0)} % of its joins open a second connection, to the owning node, and claim there).` +
            (single ? ` 1 node with Redis against 1 without: ${ratio(one.joinsPerSec, single.joinsPerSec)}x the joins per second, p50 ${ratio(one.latencyMs.p50, single.latencyMs.p50)}x.` : ''),
          '',
        ]
      : []),
  ];
}

function directorySection(joins: readonly JoinResult[]): string[] {
  const opNames = [...new Set(joins.flatMap((j) => Object.keys(j.roundTripsPerJoin)))].sort(
    (a, b) => Number(BACKGROUND_OPS.has(a)) - Number(BACKGROUND_OPS.has(b)) || a.localeCompare(b),
  );
  const rows = joins.map(
    (j) =>
      `| ${CONFIG_LABEL[j.config]}${j.redis ? '' : ': calls in memory, not round trips'} | ${opNames.map((op) => (j.roundTripsPerJoin[op] ?? 0).toFixed(3)).join(' | ')} | ` +
      `**${j.joinRoundTripsPerJoin.toFixed(2)}** | **${f(j.redisCommandsPerJoin)}** | ${f(j.redisScriptCallsPerJoin, 2)} | ${f(j.redisScriptMicrosPerJoin, 0)} | ${f(j.backgroundCommandsPerSec)} |`,
  );
  const inRange = (v: number | null, [lo, hi]: readonly [number, number]) =>
    v === null ? 'n/a' : `${v.toFixed(lo < 10 ? 2 : 0)} (${v >= lo && v <= hi ? 'within' : v < lo ? 'below' : 'above'} ${lo}-${hi})`;
  const checks = joins
    .filter((j) => j.redis)
    .map(
      (j) =>
        `| ${CONFIG_LABEL[j.config]} | ${inRange(j.joinRoundTripsPerJoin, DOC.roundTrips)} | ${inRange(j.redisCommandsPerJoin, DOC.commands)} | ${inRange(j.redisScriptMicrosPerJoin, DOC.redisMicros)} |`,
    );
  return [
    '## Directory cost per join',
    '',
    'Round trips: the nodes\' `game_directory_commands_total` over the join window (from the first wave until every room has closed again, every node summed), per join; heartbeat, reaper and ' +
      'node-list operations (`renew`, `reap`, `nodes`: the metrics scrape reads the node list) are not a join\'s and are left out of the join total. ' +
      'Redis commands: `INFO commandstats` over the same window (the script calls and the commands inside them), less the background rate measured ' +
      `in an idle window of ${PLAN.idleSec} s just before (no rooms: heartbeats and reapers only); script calls and Redis µs (commandstats time of the script calls; ` +
      'on a loaded core it counts time a script was preempted too) likewise.',
    '',
    `| configuration | ${opNames.join(' | ')} | join round trips | Redis commands | script calls | Redis µs | background commands/s |`,
    `|---|${opNames.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
    ...rows,
    '',
    'Against docs/SCALING.md ("Cost": per join 2 to 3 round trips, 18 to 46 commands, 60 to 180 µs of Redis CPU):',
    '',
    '| configuration | round trips per join | Redis commands per join | Redis µs per join |',
    '|---|---:|---:|---:|',
    ...checks,
    '',
    'The documented range counts a whole report per join at most; reports are coalesced per node every 500 ms, so joins into the same room share ' +
      'one; the leave that frees the seat and the room\'s close are reported too (all are in the `report` column).',
    '',
  ];
}

function cpuSection(runs: readonly CpuRun[], cpu: CpuSummary | null): string[] {
  const rows = runs.map(
    (r, i) =>
      `| ${i + 1} | ${r.mode === 'cluster' ? `${r.nodes} nodes + Redis` : '1 node, no Redis'} | ${r.players.toFixed(0)} (${r.playersPerNode.map((p) => p.toFixed(0)).join(' + ')}) | ` +
      `${r.idleNodeCpuPercent.toFixed(1)} | ${r.nodeCpuPercent.toFixed(1)} | **${r.nodeCpuMsPerPlayerSec.toFixed(3)}** | ${r.nodeCpuMsPerPlayerSecAboveIdle.toFixed(3)} | ` +
      `${r.nodeCpuMicrosPerInput.toFixed(1)} | ${r.inputsPerPlayerSec.toFixed(1)} | ${r.ticksDropped} | ${r.tickP99Ms.toFixed(1)} | ${f(r.redisCpuPercent, 2)} | ` +
      `${r.bots.cpuPercent.toFixed(0)} % | ${r.bots.saturated ? '**saturated: not meaningful**' : 'ok'} |`,
  );
  const lines = [
    '## CPU per player: cluster against single process',
    '',
    `${PLAN.ccu} light bots (rooms of 16, wandering, inputs at 30 Hz, snapshots decoded and acknowledged: the capacity benchmark's load, one bots process), ` +
      `on 1 node without Redis, and on ${CLUSTER_NODES_FOR_CPU} nodes with Redis (the bots' lobby on the first node, each room placed by the directory, players redirected to it). ` +
      `Both deployments are started once and stay up; runs alternate (${PLAN.cpuOrder.join(', ')}), each with an idle window of ${PLAN.idleSec} s (no rooms), ` +
      `the bots seated, ${PLAN.settleSec} s of settling and ${PLAN.measureSec} s measured. CPU ms per player-second: CPU time of every node process over players x seconds ` +
      '(1 ms per player-second = 0.1 % of a core per player); "above idle": less the nodes\' idle CPU; µs per input: node CPU per input applied ' +
      '(about one per player per tick: the same unit of work in both modes, should a loaded node drop ticks or the bots send fewer inputs).',
    '',
    '| run | mode | players (per node) | idle node CPU % | node CPU % | ms per player-s | above idle | µs per input | inputs per player-s | ticks dropped | tick p99 ms | Redis CPU % | bots CPU | result |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
    '',
  ];
  if (!cpu) return [...lines, 'No run was meaningful (every load generator saturated): the claim could not be checked.', ''];
  const r = (v: number) => `**${v.toFixed(3)}x** (${pct(v)})`;
  const withinNoise = (ratio: number) => cpu.noise !== null && Math.abs(ratio - 1) <= cpu.noise;
  const judge = (ratio: number) =>
    ratio <= 1 + FEW_PERCENT
      ? 'within a few percent'
      : withinNoise(ratio)
        ? `more than ${FEW_PERCENT * 100} %, but within this run's noise (${((cpu.noise ?? 0) * 100).toFixed(0)} %)`
        : 'more than a few percent';
  const claim =
    `**The claim (at most a few percent more per player, taken as ${FEW_PERCENT * 100} %)**: counted whole, the cluster's nodes cost ${pct(cpu.ratioNodes)} ` +
    `per player at ${PLAN.ccu} CCU (${pct(cpu.ratioWithRedis)} with Redis): ${judge(cpu.ratioWithRedis)}. What a player adds (above the nodes' idle CPU): ` +
    `${pct(cpu.ratioAboveIdle)}: ${judge(cpu.ratioAboveIdle)}.`;
  return [
    ...lines,
    `Means over the ${cpu.meaningfulRuns} meaningful runs (weighted by player-seconds):`,
    '',
    '| | single process | cluster | cluster / single |',
    '|---|---:|---:|---:|',
    `| node CPU ms per player-second | ${cpu.single.msPerPlayerSec.toFixed(3)} | ${cpu.cluster.msPerPlayerSec.toFixed(3)} | ${r(cpu.ratioNodes)} |`,
    `| nodes + Redis, ms per player-second | ${cpu.single.msPerPlayerSec.toFixed(3)} | ${(cpu.cluster.msPerPlayerSec + cpu.clusterRedisMsPerPlayerSec).toFixed(3)} | ${r(cpu.ratioWithRedis)} |`,
    `| above idle, ms per player-second | ${cpu.single.aboveIdleMsPerPlayerSec.toFixed(3)} | ${cpu.cluster.aboveIdleMsPerPlayerSec.toFixed(3)} | ${r(cpu.ratioAboveIdle)} |`,
    `| node CPU µs per input applied | ${cpu.single.microsPerInput.toFixed(1)} | ${cpu.cluster.microsPerInput.toFixed(1)} | ${r(cpu.ratioPerInput)} |`,
    `| idle node CPU, % of a core | ${cpu.single.idleCpuPercent.toFixed(2)} | ${cpu.cluster.idleCpuPercent.toFixed(2)} | ${(cpu.cluster.idleCpuPercent / Math.max(1e-9, cpu.single.idleCpuPercent)).toFixed(2)}x |`,
    '',
    `${claim} Of the difference, the second node's fixed cost (its idle CPU: timers, event-loop and metrics sampling, heartbeats, reaper) is ` +
      `${(((cpu.cluster.idleCpuPercent - cpu.single.idleCpuPercent) / 100) * 1000 / PLAN.ccu).toFixed(3)} ms per player-second at ${PLAN.ccu} players, ` +
      `a fixed cost per node that weighs less per player the fuller the nodes are; per input applied the cluster costs ${pct(cpu.ratioPerInput)}. ` +
      (cpu.noise !== null
        ? `Runs of one mode differ by up to ${(cpu.noise * 100).toFixed(0)} % here: differences smaller than that are not resolved by this run.`
        : 'One run per mode: this run cannot tell its own noise.'),
    '',
  ];
}

function markdown(machine: Machine, joins: readonly JoinResult[], runs: readonly CpuRun[], cpu: CpuSummary | null): string {
  const one = joins.find((j) => j.config === 'cluster-1');
  const three = joins.find((j) => j.config === 'cluster-3');
  const command = `npm run bench -- --only cluster${QUICK ? ' --quick' : ''}`;
  return [
    '# Cluster benchmark',
    '',
    `\`${command}\` (sim/bench/cluster-bench.ts): real node processes (server/main.ts) and a real redis-server ${machine.redis} started on a free port; ` +
      `${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.date}, ${machine.wallSeconds.toFixed(0)} s. ` +
      `Load average at start ${machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' / ')}: other work shares this machine, the figures are noisy. ` +
      (machine.pinned
        ? 'Nodes and Redis pinned to core 0, the load generator (join clients, bots) to core 1 with taskset: the server side has one core in every configuration.'
        : 'Nothing pinned (taskset or a second core missing).'),
    '',
    headline(joins, cpu),
    '',
    ...joinSection(joins),
    ...directorySection(joins),
    ...cpuSection(runs, cpu),
    '## What this 2-core machine can and cannot show',
    '',
    `- Every node, Redis and the load generator share ${machine.cpus} cores${machine.pinned ? ' (the whole server side on one of them)' : ''}, with other people's work besides. ` +
      'More nodes add no CPU here, so **no throughput scaling can be shown**: 3 nodes place players no faster than 1 ' +
      (one && three ? `(${three.joinsPerSec.toFixed(0)} against ${one.joinsPerSec.toFixed(0)} joins/s), ` : '') +
      'and the difference is what a redirect costs (a second connection and the claim) on the same core. Nor can it show the 1,000-node arithmetic of docs/SCALING.md; ' +
      'only its per-join figures, measured above.',
    '- What it can show: the **cost** of the cluster per join (round trips, Redis commands and CPU, node CPU, a redirect\'s latency) and per player ' +
      '(CPU of the nodes and of Redis at the same CCU), and its fixed **overhead** per node' +
      (cpu ? ` (${((cpu.cluster.idleCpuPercent - cpu.single.idleCpuPercent) / Math.max(1, CLUSTER_NODES_FOR_CPU - 1)).toFixed(1)} % of a core per extra idle node here)` : '') +
      ': what decides whether N machines give N times the players.',
    '- Join throughput here is the nodes\', not Redis\'s: Redis spent ' +
      (three && three.redisScriptMicrosPerJoin !== null ? `${three.redisScriptMicrosPerJoin.toFixed(0)} µs in scripts per join (3 nodes)` : 'little CPU per join') +
      `, against ${three ? three.nodeCpuMsPerJoin.toFixed(1) : 'several'} ms of node CPU (socket.io connections, the redirect): one Redis core places far more joins than these nodes can.`,
    `- A result whose load generator used ${SATURATED_CPU_PERCENT} % of a core or more (for joins also: whose event loop lagged ${SATURATED_LAG_MS} ms or more at p99 in a wave; ` +
      'for bots: that did not seat every bot) measured the load generator as much as the servers, and is marked **not meaningful** above.',
    '',
    '![join latency distribution](cluster-join-latency.svg)',
    '![CPU per player, cluster against single process](cluster-cpu.svg)',
    '',
  ].join('\n');
}

function latencySvg(joins: readonly JoinResult[]): string {
  return lineChartSvg({
    title: 'Quick play to JoinInfo (redirect and claim included)',
    xLabel: 'percentile',
    yLabel: 'join latency (ms)',
    width: 640,
    height: 380,
    xMin: 0,
    xMax: 100,
    series: joins.map((j) => ({ label: CONFIG_LEGEND[j.config], points: j.latencyCurve.map((p) => ({ x: p.pct, y: p.ms })) })),
  });
}

function cpuSvg(cpu: CpuSummary | null, runs: readonly CpuRun[]): string {
  const bars = cpu
    ? [
        { label: 'single process (1 node, no Redis)', value: cpu.single.msPerPlayerSec * 1000 },
        { label: `cluster: ${CLUSTER_NODES_FOR_CPU} nodes`, value: cpu.cluster.msPerPlayerSec * 1000 },
        { label: `cluster: ${CLUSTER_NODES_FOR_CPU} nodes + Redis`, value: (cpu.cluster.msPerPlayerSec + cpu.clusterRedisMsPerPlayerSec) * 1000 },
        { label: 'single process, above idle', value: cpu.single.aboveIdleMsPerPlayerSec * 1000 },
        { label: `cluster: ${CLUSTER_NODES_FOR_CPU} nodes, above idle`, value: cpu.cluster.aboveIdleMsPerPlayerSec * 1000 },
      ]
    : runs.map((r, i) => ({ label: `run ${i + 1} ${r.mode} (not meaningful)`, value: r.nodeCpuMsPerPlayerSec * 1000 }));
  return barChartSvg({ title: `Server CPU per player at ${PLAN.ccu} CCU`, unit: 'µs/player-s', bars });
}

/** What cluster.json holds. */
interface SavedResults {
  readonly machine: Machine;
  readonly quick: boolean;
  readonly joins: JoinResult[];
  readonly cpuRuns: CpuRun[];
  readonly cpu: CpuSummary | null;
}

function writeReport(results: SavedResults): void {
  writeFileSync(join(OUT, 'cluster.md'), markdown(results.machine, results.joins, results.cpuRuns, results.cpu));
  writeFileSync(join(OUT, 'cluster-join-latency.svg'), latencySvg(results.joins));
  writeFileSync(join(OUT, 'cluster-cpu.svg'), cpuSvg(results.cpu, results.cpuRuns));
}

async function main(): Promise<void> {
  if (SAVED) {
    writeReport(SAVED);
    log(`cluster: rewrote ${join(OUT, 'cluster.md')} and its plots from cluster.json`);
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const started = performance.now();
  const machine: Machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown CPU',
    node: process.version,
    redis: redisVersion(),
    date: new Date().toISOString().slice(0, 10),
    loadAverageAtStart: loadavg(),
    pinned: PINNING,
    wallSeconds: 0,
  };
  pin(process.pid, 1); // the join clients run here
  const joins: JoinResult[] = [];
  for (const config of PLAN.joinConfigs) joins.push(await runJoins(config));
  const runs = await runCpuComparison();
  const cpu = summarizeCpu(runs);
  machine.wallSeconds = (performance.now() - started) / 1000;
  const results: SavedResults = { machine, quick: QUICK, joins, cpuRuns: runs, cpu };
  writeFileSync(join(OUT, 'cluster.json'), `${JSON.stringify({ ...results, plan: PLAN }, null, 2)}\n`);
  writeReport(results);
  log(`cluster: wrote ${join(OUT, 'cluster.md')} in ${machine.wallSeconds.toFixed(0)} s`);
}

// Ctrl-C, or a timeout's SIGTERM: leave through process.exit, so that the exit hooks of whatever was started
// (server-process.ts, redis-server.ts, the bots above) kill it; the nodes run in process groups of their own.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`cluster bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
