// `npx tsx sim/bench/recording-bench.ts [--quick]`: what recording a match costs. A 30-minute arena
// match of 16 bots moving and firing (shared/game/arena/bot-brain.ts) runs in-process through the real Room and
// is recorded by the real RoomRecorder into a real file; then the file is read back, verified and seeked.
//
// Reported:
// - size per player-hour (file bytes / players / hours), with the share of each record type;
// - recorder CPU as a share of tick CPU: time in the recorder's hooks on the tick, its deferred encoding
//   (msgpack, CRC, file writes), against the time Room.step takes without the
//   recorder's hooks (simulation + per-client snapshot encoding for 16 clients; sends are no-ops);
// - seek time to random points (p50/p99/max), from wherever the previous seek left the replay, and the
//   worst case (the tick just before a keyframe, from another keyframe), plus load and verify times.
//
// Options: --quick (3-minute match), --minutes N, --players N, --seeks N, --out DIR, --keep (keep the file).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { arenaGame } from '../../shared/game/arena/index.js';
import { ReplaySimulator, readRecording, verifyRecording } from '../../shared/recording/index.js';
import { BotMatch, playScript, type MatchScript } from '../../server/recording/bot-match.js';
import { RoomRecorder, type RecorderTimings } from '../../server/recording/recorder.js';
import { RecordingService } from '../../server/recording/service.js';
import { RecordingStore } from '../../server/recording/store.js';
import { DEFAULT_CONFIG } from '../../server/config.js';
import { GameServer } from '../../server/game-server.js';
import { barChartSvg } from './svg-bar-chart.js';
import { botsCommand } from '../bots/bots-command.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    players: { type: 'string', default: '16' },
    seeks: { type: 'string', default: '200' },
    out: { type: 'string', default: 'bench-results' },
    keep: { type: 'boolean', default: false },
    live: { type: 'boolean' },
    'live-rooms': { type: 'string', default: '4' },
    'live-seconds': { type: 'string' },
  },
});
const LIVE = args.live ?? !args.quick;
const LIVE_ROOMS = Number(args['live-rooms']);
const LIVE_SECONDS = Number(args['live-seconds'] ?? (args.quick ? 10 : 30));
const MINUTES = Number(args.minutes ?? (args.quick ? 3 : 30));
const PLAYERS = Number(args.players);
const SEEKS = Number(args.seeks);
const TICK_RATE = arenaGame.tickRate;
const TICKS = Math.round(MINUTES * 60 * TICK_RATE);
const TARGETS = { bytesPerPlayerHour: 300 * 1024, cpuShare: 0.05, seekMs: 100 };

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The match: bots decide from snapshots; what they feed the room is captured to be played again. */
function generate(): MatchScript {
  const match = new BotMatch({ seed: 20261125, roomId: 'bench' });
  const script = match.captureScript();
  for (let i = 0; i < PLAYERS; i++) match.join(`bot${i + 1}`);
  for (let t = 0; t < TICKS; t++) {
    match.step();
    if ((t + 1) % 9000 === 0) process.stderr.write(`  played ${(t + 1) / TICK_RATE / 60} min\n`);
  }
  return script;
}

interface Run {
  readonly cpuMs: number;
  readonly stepMs: number;
  readonly timings: RecorderTimings;
  readonly file: string | null;
}

/** One run of the script through a fresh room, with or without the recorder; process CPU time measured. */
async function run(script: MatchScript, dir: string | null): Promise<Run> {
  const timings: RecorderTimings = { hookMs: 0, encodeMs: 0, records: 0 };
  let recorder: RoomRecorder | null = null;
  let store: RecordingStore | null = null;
  if (dir) {
    store = new RecordingStore({ dir, maxCount: 100, maxBytes: Number.MAX_SAFE_INTEGER });
    await store.init();
    recorder = new RoomRecorder('bench', {
      store,
      timings,
    });
  }
  let stepMs = 0;
  let last = performance.now();
  const cpu0 = process.cpuUsage();
  const room = await playScript(script, recorder ?? undefined, async () => {
    stepMs += performance.now() - last;
    // The server's event loop between ticks: the recorder's deferred work runs here.
    await new Promise((r) => setImmediate(r));
    last = performance.now();
  });
  room.close('disposed', 'bench over');
  await recorder?.done;
  const cpu = process.cpuUsage(cpu0);
  const file = recorder && store ? store.fileOf(recorder.recordingId!)!.file : null;
  return { cpuMs: (cpu.user + cpu.system) / 1000, stepMs, timings, file };
}

interface LiveResult {
  readonly rooms: number;
  readonly bots: number;
  readonly seconds: number;
  readonly ticks: number;
  readonly serverCpuMs: number;
  readonly tickCallbackMs: number;
  readonly recorderMs: number;
  readonly recorderHookMs: number;
  /** Per room-tick hook time, µs: median and 99th percentile (the sum also holds GC pauses that hit a hook). */
  readonly hookUs: { readonly p50: number; readonly p99: number };
  readonly shareOfTickCallback: number;
  readonly shareOfServerCpu: number;
  readonly verified: boolean;
}

/**
 * The real server (GameServer, socket.io, our parser) in this process, recording through the same
 * RecordingService the server builds from RECORDINGS_DIR (instrumented), with fight bots in a child
 * process (pinned to another core when possible). Over a window: the server's CPU (this process), the
 * scheduler's tick time (Room.step of every room, snapshot sends included), and the recorder's own time.
 */
async function live(dir: string): Promise<LiveResult> {
  const timings: RecorderTimings = { hookMs: 0, encodeMs: 0, records: 0, tickHookSamples: [] };
  const service = new RecordingService({ dir, maxCount: 10_000, maxBytes: Number.MAX_SAFE_INTEGER, timings });
  await service.start();
  const server = new GameServer({
    config: { ...DEFAULT_CONFIG, botFill: 0, port: 0, host: '127.0.0.1', logLevel: 'silent', recordingsDir: null, emptyRoomGraceMs: 1000, exemptAddresses: ['127.0.0.1'] },
    games: [arenaGame as never],
    observeRoom: (id) => service.observeRoom(id),
  });
  const port = await server.listen();
  const bots = LIVE_ROOMS * 16;
  const ramp = 50;
  const settle = 4;
  const pin = cpus().length >= 2 && existsSync('/usr/bin/taskset') ? ['taskset', '-c', '1'] : [];
  const command = [...pin, ...botsCommand(['--url', `http://127.0.0.1:${port}`,
    '--rooms', String(LIVE_ROOMS), '--bots-per-room', '16', '--ramp', String(ramp), '--duration', String(settle + LIVE_SECONDS + 2),
    '--behaviour', 'fight', '--light', '--max-failure-rate', '1'])];
  const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const tickSum = async () => {
    const metric = await server.metrics.tickDuration.get();
    const sum = metric.values.find((v) => v.metricName === 'game_tick_duration_seconds_sum')?.value ?? 0;
    const count = metric.values.find((v) => v.metricName === 'game_tick_duration_seconds_count')?.value ?? 0;
    return { sum: sum * 1000, count };
  };
  try {
    await new Promise((r) => setTimeout(r, (bots / ramp + settle) * 1000));
    const hook0 = timings.hookMs;
    const samples0 = timings.tickHookSamples!.length;
    const rec0 = timings.hookMs + timings.encodeMs;
    const tick0 = await tickSum();
    const cpu0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, LIVE_SECONDS * 1000));
    const cpu = process.cpuUsage(cpu0);
    const tick1 = await tickSum();
    const recorderMs = timings.hookMs + timings.encodeMs - rec0;
    const hookMs = timings.hookMs - hook0;
    const hooks = timings.tickHookSamples!.slice(samples0).sort((a, b) => a - b);
    const serverCpuMs = (cpu.user + cpu.system) / 1000;
    const tickCallbackMs = tick1.sum - tick0.sum;
    await exited;
    await server.shutdown('bench over');
    await service.close();
    // The recordings of the live rooms verify.
    let verified = true;
    for (const m of service.store.list(0, LIVE_ROOMS).matches) {
      const result = await verifyRecording(new Uint8Array(readFileSync(service.store.fileOf(m.id)!.file)), arenaGame);
      verified &&= result.ok && result.complete;
    }
    return {
      rooms: LIVE_ROOMS,
      bots,
      seconds: LIVE_SECONDS,
      ticks: tick1.count - tick0.count,
      serverCpuMs,
      tickCallbackMs,
      recorderMs,
      recorderHookMs: hookMs,
      hookUs: { p50: quantile(hooks, 0.5) * 1000, p99: quantile(hooks, 0.99) * 1000 },
      // The recorder's hooks run inside the tick callback: the tick's own CPU is the rest.
      shareOfTickCallback: recorderMs / (tickCallbackMs - hookMs),
      shareOfServerCpu: recorderMs / (serverCpuMs - recorderMs),
      verified,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await server.shutdown('bench over');
  }
}

async function main(): Promise<void> {
  process.stderr.write(`recording bench: ${PLAYERS} bots, ${MINUTES} min at ${TICK_RATE} Hz (${TICKS} ticks)\n`);
  const dir = mkdtempSync(join(tmpdir(), 'recording-bench-'));
  try {
    const script = generate();
    // Alternate runs without (A) and with (B) the recorder, after one of each to warm the JIT up.
    const pairs = args.quick ? 2 : 5;
    await run(script, null);
    await run(script, join(dir, 'warm-up'));
    const without: Run[] = [];
    const withRec: Run[] = [];
    for (let i = 0; i < pairs; i++) {
      without.push(await run(script, null));
      withRec.push(await run(script, join(dir, `run${i}`)));
      process.stderr.write(`  pair ${i + 1}/${pairs}: ${without[i]!.cpuMs.toFixed(0)} ms CPU without the recorder, ${withRec[i]!.cpuMs.toFixed(0)} ms with\n`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const cpuWithout = median(without.map((r) => r.cpuMs));
    const cpuWith = median(withRec.map((r) => r.cpuMs));
    // Each pair ran back to back: its difference cancels slow drifts of the machine; the median pair is
    // the figure, the range shows how much a shared machine moves it.
    const pairShares = withRec.map((r, i) => (r.cpuMs - without[i]!.cpuMs) / without[i]!.cpuMs).sort((a, b) => a - b);
    // The instrumented figures come from the run with the median recorder time (not the best one).
    const recorderTime = (r: Run) => r.timings.hookMs + r.timings.encodeMs;
    const typical = [...withRec].sort((a, b) => recorderTime(a) - recorderTime(b))[Math.floor(withRec.length / 2)]!;
    const { timings } = typical;
    const tickMs = median(without.map((r) => r.stepMs));
    const file = typical.file!;
    const bytes = new Uint8Array(readFileSync(file));
    const playerHours = (PLAYERS * TICKS) / TICK_RATE / 3600;
    const bytesPerPlayerHour = bytes.length / playerHours;

    let t0 = performance.now();
    const recording = await readRecording(bytes);
    const loadMs = performance.now() - t0;
    const byType: Record<string, number> = {};
    for (const e of recording.entries) byType[e.record.type] = (byType[e.record.type] ?? 0) + e.size;

    t0 = performance.now();
    const verified = await verifyRecording(recording, arenaGame);
    const verifyMs = performance.now() - t0;
    if (!verified.ok || !verified.complete) throw new Error(`verify failed: ${JSON.stringify(verified)}`);

    t0 = performance.now();
    const sim = new ReplaySimulator(recording, arenaGame);
    const openMs = performance.now() - t0;
    let state = 12345;
    const rand = (n: number) => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) % n);
    const seeks: number[] = [];
    for (let i = 0; i < SEEKS; i++) {
      const target = rand(sim.endTick + 1);
      const s0 = performance.now();
      sim.seek(target);
      seeks.push(performance.now() - s0);
    }
    seeks.sort((a, b) => a - b);
    // Worst case: the tick before each keyframe, reached from a restored keyframe (a full interval).
    const worst: number[] = [];
    const kf = sim.keyframeTicks;
    for (let i = 1; i < kf.length; i++) {
      sim.seek(kf[i]! + 1); // somewhere else first, so the next seek restores a keyframe
      const s0 = performance.now();
      sim.seek(kf[i]! - 1);
      worst.push(performance.now() - s0);
    }
    worst.sort((a, b) => a - b);

    const recorderMs = timings.hookMs + timings.encodeMs;
    const liveResult = LIVE ? await live(join(dir, 'live')) : null;
    if (liveResult && !liveResult.verified) throw new Error('a live recording did not verify');
    const result = {
      players: PLAYERS,
      minutes: MINUTES,
      ticks: TICKS,
      fileBytes: bytes.length,
      bytesPerPlayerHour,
      kbPerPlayerHour: bytesPerPlayerHour / 1024,
      bytesByRecordType: byType,
      keyframes: kf.length,
      tickUsPerTick: (tickMs * 1000) / TICKS,
      recorderHookUsPerTick: (timings.hookMs * 1000) / TICKS,
      recorderDeferredUsPerTick: (timings.encodeMs * 1000) / TICKS,
      recorderCpuShare: median(pairShares),
      recorderCpuShareRange: [pairShares[0]!, pairShares[pairShares.length - 1]!],
      instrumentedShare: recorderMs / tickMs,
      cpuMsWithout: cpuWithout,
      cpuMsWith: cpuWith,
      loadMs,
      openMs,
      verifyMs,
      verifyTicksPerSecond: TICKS / (verifyMs / 1000),
      seekMs: { p50: quantile(seeks, 0.5), p99: quantile(seeks, 0.99), max: seeks[seeks.length - 1] ?? NaN, count: seeks.length },
      worstSeekMs: { p50: quantile(worst, 0.5), max: worst[worst.length - 1] ?? NaN, count: worst.length },
      live: liveResult,
      node: process.version,
      date: new Date().toISOString().slice(0, 10),
    };
    const pass = (ok: boolean) => (ok ? 'yes' : '**no**');
    const seekMax = Math.max(result.seekMs.max, result.worstSeekMs.max);
    const table = [
      '| measure | value | target | met |',
      '|---|---:|---:|:---:|',
      `| size per player-hour | ${result.kbPerPlayerHour.toFixed(1)} KB | ≤ 300 KB | ${pass(bytesPerPlayerHour <= TARGETS.bytesPerPlayerHour)} |`,
      `| recorder CPU / tick CPU (process CPU time with vs without the recorder: median of ${pairShares.length} back-to-back pairs, which ranged ${(result.recorderCpuShareRange[0] * 100).toFixed(1)} to ${(result.recorderCpuShareRange[1] * 100).toFixed(1)} %) | ${(result.recorderCpuShare * 100).toFixed(2)} % | ≤ 5 % | ${pass(result.recorderCpuShare <= TARGETS.cpuShare)} |`,
      `| recorder CPU / tick CPU (instrumented: recorder code / Room.step) | ${(result.instrumentedShare * 100).toFixed(2)} % | ≤ 5 % | ${pass(result.instrumentedShare <= TARGETS.cpuShare)} |`,
      ...(liveResult
        ? [
            `| recorder CPU / tick CPU, live server (${liveResult.rooms} rooms of 16 bots over socket.io; tick = the scheduler's callback) | ${(liveResult.shareOfTickCallback * 100).toFixed(2)} % | ≤ 5 % | ${pass(liveResult.shareOfTickCallback <= TARGETS.cpuShare)} |`,
          ]
        : []),
      `| seek to a random point: p50 / p99 / max | ${result.seekMs.p50.toFixed(1)} / ${result.seekMs.p99.toFixed(1)} / ${result.seekMs.max.toFixed(1)} ms | < 100 ms | ${pass(result.seekMs.max < TARGETS.seekMs)} |`,
      `| seek, worst case (a full keyframe interval): p50 / max | ${result.worstSeekMs.p50.toFixed(1)} / ${result.worstSeekMs.max.toFixed(1)} ms | < 100 ms | ${pass(seekMax < TARGETS.seekMs)} |`,
    ].join('\n');
    const share = (n: number) => `${((n / bytes.length) * 100).toFixed(1)} %`;
    const detail = [
      '| detail | value |',
      '|---|---:|',
      `| file | ${(bytes.length / 1024).toFixed(0)} KB for ${PLAYERS} players × ${MINUTES} min |`,
      `| ticks records (inputs, event digests, kills and match ends, checkpoints) | ${share(byType.ticks ?? 0)} |`,
      `| keyframes (${kf.length}, every ${recording.header.keyframeInterval / TICK_RATE} s) | ${share(byType.keyframe ?? 0)} |`,
      `| header, joins, leaves, end | ${share((byType.header ?? 0) + (byType.join ?? 0) + (byType.leave ?? 0) + (byType.end ?? 0))} |`,
      `| process CPU per tick without / with the recorder (median of ${without.length} runs each) | ${((cpuWithout * 1000) / TICKS).toFixed(1)} / ${((cpuWith * 1000) / TICKS).toFixed(1)} µs |`,
      `| Room.step wall time (tick CPU, no recorder) | ${result.tickUsPerTick.toFixed(1)} µs/tick |`,
      `| recorder on the tick (input packing, event digest, checkpoint digest, keyframe copy) | ${result.recorderHookUsPerTick.toFixed(2)} µs/tick |`,
      `| recorder after the tick (msgpack, CRC, file writes queued) | ${result.recorderDeferredUsPerTick.toFixed(2)} µs/tick |`,
      `| read the whole file (parse, inflate, validate) | ${loadMs.toFixed(0)} ms |`,
      `| open a simulator (build check) | ${openMs.toFixed(1)} ms |`,
      `| verify the whole match (re-simulate every tick) | ${(verifyMs / 1000).toFixed(2)} s (${Math.round(result.verifyTicksPerSecond)} ticks/s) |`,
      ...(liveResult
        ? [
            `| live: scheduler tick time / recorder time (on the tick + after) / server process CPU over ${liveResult.seconds} s, ${liveResult.ticks} ticks | ${liveResult.tickCallbackMs.toFixed(0)} / ${liveResult.recorderMs.toFixed(1)} (${liveResult.recorderHookMs.toFixed(1)} + ${(liveResult.recorderMs - liveResult.recorderHookMs).toFixed(1)}) / ${liveResult.serverCpuMs.toFixed(0)} ms |`,
            `| live: recorder CPU / whole server CPU (socket.io, parsing, GC included) | ${(liveResult.shareOfServerCpu * 100).toFixed(2)} % |`,
            `| live: recorder hook per room-tick, p50 / p99 (in-process above: ${result.recorderHookUsPerTick.toFixed(1)} µs mean) | ${liveResult.hookUs.p50.toFixed(1)} / ${liveResult.hookUs.p99.toFixed(1)} µs |`,
          ]
        : []),
    ].join('\n');
    const note =
      `Arena, ${PLAYERS} bots (fight behaviour: aim jitter on every tick, rifle whenever an enemy is in range), ` +
      `${MINUTES} min at ${TICK_RATE} Hz, latency wandering 1-7 ticks, 2% of inputs late. Recorded by the server's RoomRecorder ` +
      `(batches of 5 s, keyframes every ${recording.header.keyframeInterval / TICK_RATE} s, checkpoints every ${recording.header.checkpointInterval / TICK_RATE} s) to a real file. ` +
      'The match is played once by the bots, captured, then replayed into fresh rooms alternately without and with the recorder ' +
      '(so both do exactly the same simulation work, bots excluded); the first share is the difference in process CPU time (user + system, ' +
      'so GC and file I/O count; noisy on a shared machine: its range is shown), the second the recorder\'s own code timed inside ' +
      'the run with the median recorder time, against ' +
      'Room.step with sends that cost nothing (the strictest denominator). The live figure runs the real GameServer in this process, recording ' +
      `through the RecordingService it builds from RECORDINGS_DIR, with ${LIVE_ROOMS * 16} fight bots (sim/bots, light mode) in another process: ` +
      'the recorder\'s time against the scheduler\'s tick time (Room.step with real snapshot sends). The same hook costs 3-5x more per call ' +
      'in the live server than in the tight in-process loop (its data is no longer in cache after the socket work between ticks, and GC pauses ' +
      'that start inside a hook count in its sum), while the tick itself costs 5-8x more (the sends): both shares are reported as measured. ' +
      `Node ${process.version}, ${result.date}.`;
    process.stdout.write(`\n${table}\n\n${detail}\n\n${note}\n`);
    mkdirSync(args.out!, { recursive: true });
    writeFileSync(join(args.out!, 'recording.json'), JSON.stringify(result, null, 2));
    const headline =
      `**${result.kbPerPlayerHour.toFixed(0)} KB per player-hour; recorder CPU ${(result.instrumentedShare * 100).toFixed(1)} % of a bare Room.step` +
      (liveResult ? `, ${(liveResult.shareOfTickCallback * 100).toFixed(1)} % of the live server's tick` : '') +
      `; seek to any point of a ${MINUTES}-minute match in at most ${seekMax.toFixed(0)} ms.**`;
    writeFileSync(
      join(args.out!, 'recording-cpu.svg'),
      barChartSvg({
        title: `Recorder CPU as a share of tick CPU (target: at most 5 %)`,
        unit: '%',
        bars: [
          { label: 'target', value: TARGETS.cpuShare * 100 },
          { label: 'process CPU with vs without (median pair)', value: result.recorderCpuShare * 100 },
          { label: 'instrumented, bare Room.step', value: result.instrumentedShare * 100 },
          ...(liveResult ? [{ label: `live server, ${liveResult.rooms} rooms of 16 bots`, value: liveResult.shareOfTickCallback * 100 }] : []),
        ],
      }),
    );
    writeFileSync(
      join(args.out!, 'recording.md'),
      `# Recording benchmark\n\n\`npx tsx sim/bench/recording-bench.ts${args.quick ? ' --quick' : ''}\`\n\n${headline}\n\n${table}\n\n` +
        `![recorder CPU as a share of tick CPU, by measure](recording-cpu.svg)\n\n${detail}\n\n${note}\n`,
    );
    process.stderr.write(`wrote ${join(args.out!, 'recording.md')}, recording.json and recording-cpu.svg\n`);
    if (args.keep) process.stderr.write(`recording kept: ${file}\n`);
  } finally {
    if (!args.keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
