// Netcode benchmark: how the client netcode holds up across a grid of added latency x snapshot loss.
//
//   npx tsx sim/bench/netcode-bench.ts            (15 s per cell)
//   npx tsx sim/bench/netcode-bench.ts --quick    (3 s per cell)
//   options: --seconds N  --parallel N (cells run at once, default 3)  --out DIR (default bench-results)
//            --snapshot-rate N (snapshots per second, dividing the tick rate; default 30: the report of another
//            rate is netcode-<N>hz.md, to compare the feel of a lower rate with the default's)
//            --inputs-per-message N (INPUTS_PER_MESSAGE, 1-4; default 1: a report with N > 1 adds -inputs<N>)
//
// A real GameServer runs in this process on an ephemeral port. Each cell gets its own private room with
// a predicted mover (random-walk inputs) behind a NetworkConditions layer with the cell's round trip
// (half each way), jitter of 10% of the round trip each way, and the cell's snapshot loss, plus two
// walking bots on a clean link for the mover to watch. After a settling second the mover's session is
// measured: corrections (per minute, mean size, share of predicted ticks), the server's idle ticks
// (the queue of our inputs ran dry: reproduced by the client, not mispredictions), RTT, interpolation
// delay, how far back its shots would be judged (lag compensation), and how smoothly it drew the others.
// Results: bench-results/netcode.json, netcode.md (table) and netcode.svg (plots).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reconciliation } from '../../shared/client/client-session.js';
import { arenaGame, MAX_SPEED, type PlayerMotion } from '../../shared/game/arena/index.js';
import { LIMITS } from '../../shared/protocol.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../../server/config.js';
import { GameServer } from '../../server/game-server.js';
import { createLogger } from '../../server/logger.js';
import { closePlayer, connectPlayer, FrameLoop, JumpMeter, randomWalk, type ArenaPlayer } from './netcode-harness.js';
import { chartGridSvg, type LineChart } from './svg-plot.js';

const LATENCIES_MS = [0, 50, 100, 200];
const LOSSES = [0, 0.02, 0.05];

interface Args {
  readonly quick: boolean;
  readonly seconds: number;
  readonly parallel: number;
  readonly out: string;
  /** Snapshots per second (SNAPSHOT_RATE); the default's report is netcode.md, another rate's netcode-<rate>hz.md. */
  readonly snapshotRate: number;
  /** Inputs per message (INPUTS_PER_MESSAGE); a report with more than 1 is named with -inputs<N>. */
  readonly inputsPerMessage: number;
}

function parseArgs(argv: readonly string[]): Args {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  return {
    quick,
    seconds: Number(value('--seconds') ?? (quick ? 3 : 15)),
    parallel: Math.max(1, Number(value('--parallel') ?? 3)),
    out: resolve(root, value('--out') ?? 'bench-results'),
    snapshotRate: Number(value('--snapshot-rate') ?? DEFAULT_CONFIG.snapshotRate),
    inputsPerMessage: Number(value('--inputs-per-message') ?? DEFAULT_CONFIG.inputsPerMessage),
  };
}

export interface CellResult {
  readonly rttMs: number;
  readonly loss: number;
  readonly jitterMs: number;
  readonly seconds: number;
  readonly predictedTicks: number;
  readonly corrections: number;
  readonly correctionsPerMin: number;
  /** Mean correction size, world units (1 unit = 1/4 px); 0 without corrections. */
  readonly meanErrorUnits: number;
  readonly correctionRate: number;
  readonly idleTicksPerMin: number;
  readonly measuredRttMs: number;
  readonly interpolationDelayMs: number;
  readonly snapshotJitterMs: number;
  readonly measuredLoss: number;
  /** Mean ticks between an input's render tick and the tick the server applied it on (the rewind). */
  readonly meanRewindTicks: number;
  /** Share of inputs whose rewind exceeds the server's cap (their shots are judged at the cap). */
  readonly beyondCap: number;
  readonly lagCompensationTicks: number;
  readonly meanQueueDepth: number;
  /** Largest per-frame move of a remote player, in steps (one step = a tick at full speed). */
  readonly worstRemoteMoveSteps: number;
  /** Remote-player moves measured for it (0: no other player was in view). */
  readonly remoteMoveSamples: number;
  readonly extrapolatedFramesPct: number;
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
}

async function runCell(url: string, rttMs: number, loss: number, seconds: number, seed: number): Promise<CellResult> {
  const jitterMs = rttMs * 0.1;
  const mover = await connectPlayer(url, {
    name: `m${rttMs}-${loss * 100}`,
    conditions: { latencyMs: rttMs / 2, jitterMs, snapshotLoss: loss, seed },
    brain: randomWalk(seed, { changeEveryMs: 400 }),
  });
  const players: ArenaPlayer[] = [mover];
  const loop = new FrameLoop(16);
  try {
    const join = await mover.net.createRoom(true);
    for (let i = 0; i < 2; i++) {
      const bot = await connectPlayer(url, { name: `b${i}`, brain: randomWalk(seed * 10 + i, { changeEveryMs: 600, alwaysMove: true }) });
      players.push(bot);
      await bot.net.joinRoom({ code: join.code! });
    }
    for (const p of players) loop.add(p);

    // Measurement state (the window opens after a settling second).
    let measuring = false;
    let errorSum = 0;
    let corrections = 0;
    let queueSum = 0;
    let queueN = 0;
    let rewindSum = 0;
    let rewindN = 0;
    let beyond = 0;
    let frames = 0;
    let delaySum = 0;
    const renderTickOf = new Map<number, number>();
    const jumps = new JumpMeter(() => join.playerId, MAX_SPEED);
    mover.session.on('input', (i) => renderTickOf.set(i.seq, i.renderTick));
    let lastAcked = 0;
    mover.net.on('snapshot', (s) => {
      if (s.lastInputSeq > lastAcked) {
        const rt = renderTickOf.get(s.lastInputSeq);
        if (measuring && rt !== undefined) {
          const rewind = s.lastInputTick - rt;
          rewindSum += rewind;
          rewindN++;
          if (rewind > join.lagCompensationTicks) beyond++;
        }
        for (const seq of renderTickOf.keys()) if (seq <= s.lastInputSeq) renderTickOf.delete(seq);
        lastAcked = s.lastInputSeq;
      }
      if (measuring) {
        queueSum += s.inputQueueDepth;
        queueN++;
      }
    });
    mover.session.on('reconcile', (r: Reconciliation<PlayerMotion>) => {
      if (measuring && r.corrected) {
        corrections++;
        errorSum += r.error;
      }
    });
    mover.onFrame = (frame) => {
      if (!measuring) return;
      frames++;
      delaySum += mover.session.stats.interpolationDelayMs;
      jumps.observe(frame);
    };

    loop.start();
    await sleep(1000 + rttMs);
    const before = { ...mover.session.stats };
    const startedAt = performance.now();
    measuring = true;
    await sleep(seconds * 1000);
    measuring = false;
    const elapsedMin = (performance.now() - startedAt) / 60_000;
    const s = mover.session.stats;
    const predictedTicks = s.predictedTicks - before.predictedTicks;
    return {
      rttMs,
      loss,
      jitterMs,
      seconds,
      predictedTicks,
      corrections,
      correctionsPerMin: corrections / elapsedMin,
      meanErrorUnits: corrections === 0 ? 0 : errorSum / corrections,
      correctionRate: predictedTicks === 0 ? 0 : corrections / predictedTicks,
      idleTicksPerMin: (s.idleTicks - before.idleTicks) / elapsedMin,
      measuredRttMs: s.rttMs,
      interpolationDelayMs: frames === 0 ? 0 : delaySum / frames,
      snapshotJitterMs: s.snapshotJitterMs,
      measuredLoss: s.snapshotLoss,
      meanRewindTicks: rewindN === 0 ? 0 : rewindSum / rewindN,
      beyondCap: rewindN === 0 ? 0 : beyond / rewindN,
      lagCompensationTicks: join.lagCompensationTicks,
      meanQueueDepth: queueN === 0 ? 0 : queueSum / queueN,
      worstRemoteMoveSteps: jumps.worst,
      remoteMoveSamples: jumps.samples,
      extrapolatedFramesPct: frames === 0 ? 0 : (100 * (s.extrapolatedFrames - before.extrapolatedFrames)) / frames,
      bytesInPerSec: s.bytesInPerSec,
      bytesOutPerSec: s.bytesOutPerSec,
    };
  } finally {
    loop.stop();
    for (const p of players) closePlayer(p);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const pct = (v: number, digits = 1) => `${(100 * v).toFixed(digits)}%`;

function markdown(results: readonly CellResult[], args: Args, started: Date, wallSeconds: number): string {
  const rows = results.map(
    (r) =>
      `| ${r.rttMs} | ${pct(r.loss, 0)} | ${r.correctionsPerMin.toFixed(2)} | ${r.meanErrorUnits.toFixed(1)} | ${pct(r.correctionRate, 2)} | ` +
      `${r.predictedTicks} | ${r.idleTicksPerMin.toFixed(1)} | ${r.measuredRttMs.toFixed(0)} | ${r.interpolationDelayMs.toFixed(0)} | ` +
      `${r.snapshotJitterMs.toFixed(1)} | ${pct(r.measuredLoss)} | ${r.meanRewindTicks.toFixed(1)} | ${pct(r.beyondCap, 0)} | ` +
      `${r.meanQueueDepth.toFixed(2)} | ${r.remoteMoveSamples === 0 ? 'n/a' : r.worstRemoteMoveSteps.toFixed(2)} | ${r.extrapolatedFramesPct.toFixed(1)}% |`,
  );
  return `# Netcode benchmark

\`npx tsx sim/bench/netcode-bench.ts${args.quick ? ' --quick' : ''}${args.snapshotRate === DEFAULT_CONFIG.snapshotRate ? '' : ` --snapshot-rate ${args.snapshotRate}`}${args.inputsPerMessage === 1 ? '' : ` --inputs-per-message ${args.inputsPerMessage}`}\` (${args.snapshotRate} snapshots/s, ${args.inputsPerMessage === 1 ? 'one input per message' : `${args.inputsPerMessage} inputs per message`})

| added RTT (ms) | snapshot loss | corrections/min | mean error (units) | correction rate | predicted ticks | server idle ticks/min | measured RTT (ms) | interp delay (ms) | snapshot jitter (ms) | measured loss | rewind (ticks) | beyond cap | input queue | worst remote move (steps) | extrapolated frames |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

One predicted mover per cell (random walk, 30 inputs/s) behind a NetworkConditions layer: the added round
trip split evenly each way, jitter of 10% of the round trip each way (uniform, order kept), the given share
of snapshots dropped; two walking bots on a clean link to watch. ${args.seconds} s measured per cell after a
settling second, ${args.parallel} cells at a time, server and clients in one Node process
(${process.version}, ${started.toISOString().slice(0, 10)}, ${wallSeconds.toFixed(0)} s in all).

- **corrections**: snapshots whose authoritative state differed from what the client had predicted for the
  acknowledged input (after reproducing the server's idle ticks); **mean error** is their size in world
  units (4 units = 1 px); **correction rate** is per predicted tick.
- **server idle ticks**: ticks on which the server had none of the mover's inputs queued and applied the idle
  input. The client reproduces them (they are not mispredictions) but each shifts the prediction by a tick,
  smoothed on screen; the input pacer keeps the queue (**input queue**: mean depth after each tick) short.
- **measured loss** includes snapshots the server itself skipped (volatile emits on a busy transport).
- **rewind**: server tick an input was applied on minus the render tick it carried; lag compensation judges
  hitscan shots that far back, up to the cap (${results[0]?.lagCompensationTicks ?? 8} ticks); **beyond cap**: inputs
  whose shots are judged at the cap instead of at what the player saw.
- **worst remote move**: the largest distance a remote player moved between two frames, in steps (one step =
  what a player at full speed covers in one tick of render time); 1.00 means nothing ever jumped.

![corrections, correction size, idle ticks, interpolation delay, rewind and remote smoothness vs latency](netcode.svg)
`;
}

function charts(results: readonly CellResult[]): LineChart[] {
  const byLoss = (metric: (r: CellResult) => number, include: (r: CellResult) => boolean = () => true) =>
    LOSSES.map((loss) => ({
      label: `${pct(loss, 0)} loss`,
      points: results.filter((r) => r.loss === loss && include(r)).map((r) => ({ x: r.rttMs, y: metric(r) })),
    }));
  const base = { xLabel: 'added round trip (ms)', xTicks: LATENCIES_MS, width: 420, height: 300 };
  const cap = results[0]?.lagCompensationTicks ?? 8;
  return [
    { ...base, title: 'Prediction corrections per minute', yLabel: 'corrections / min', series: byLoss((r) => r.correctionsPerMin) },
    { ...base, title: 'Mean correction size', yLabel: 'world units (4 = 1 px)', series: byLoss((r) => r.meanErrorUnits) },
    { ...base, title: 'Server idle ticks per minute', yLabel: 'idle ticks / min (reproduced)', series: byLoss((r) => r.idleTicksPerMin) },
    { ...base, title: 'Interpolation delay', yLabel: 'ms', series: byLoss((r) => r.interpolationDelayMs) },
    {
      ...base,
      title: 'Shot rewind (lag compensation)',
      yLabel: 'ticks judged in the past',
      series: [
        ...byLoss((r) => r.meanRewindTicks),
        { label: `cap (${cap} ticks)`, color: '#7b8794', dashed: true, points: LATENCIES_MS.map((x) => ({ x, y: cap })) },
      ],
    },
    {
      ...base,
      title: 'Worst remote-player move per frame',
      yLabel: 'steps (1 = full speed)',
      yMax: 1.2,
      series: byLoss((r) => r.worstRemoteMoveSteps, (r) => r.remoteMoveSamples > 0),
    },
  ];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  // Every simulated player connects from this machine: lift the per-address limits.
  const { snapshotRate, inputsPerMessage } = args;
  if (!Number.isInteger(snapshotRate) || snapshotRate < 1 || DEFAULT_CONFIG.tickRate % snapshotRate !== 0) {
    throw new Error(`--snapshot-rate must divide the tick rate (${DEFAULT_CONFIG.tickRate})`);
  }
  if (!Number.isInteger(inputsPerMessage) || inputsPerMessage < 1 || inputsPerMessage > LIMITS.maxInputsPerMessage) {
    throw new Error(`--inputs-per-message must be an integer from 1 to ${LIMITS.maxInputsPerMessage}`);
  }
  const config: ServerConfig = { ...DEFAULT_CONFIG, botFill: 0, snapshotRate, inputsPerMessage, port: 0, host: '127.0.0.1', logLevel: 'silent', maxRooms: 1000, exemptAddresses: ['127.0.0.1'] };
  const server = new GameServer({ config, games: [arenaGame], logger: createLogger('silent') });
  const port = await server.listen();
  const url = `http://127.0.0.1:${port}`;
  const cells = LATENCIES_MS.flatMap((rtt) => LOSSES.map((loss) => ({ rtt, loss })));
  console.log(
    `netcode bench: ${cells.length} cells (${LATENCIES_MS.join('/')} ms RTT x ${LOSSES.map((l) => pct(l, 0)).join('/')} loss), ` +
      `${args.seconds} s each, ${args.parallel} at a time, ${snapshotRate} snapshots/s, ${inputsPerMessage} input(s) per message, server on :${port}`,
  );
  const results: CellResult[] = [];
  try {
    for (let i = 0; i < cells.length; i += args.parallel) {
      const batch = cells.slice(i, i + args.parallel);
      console.log(`  running ${batch.map((c) => `${c.rtt} ms/${pct(c.loss, 0)}`).join(', ')} ...`);
      const done = await Promise.all(batch.map((c, k) => runCell(url, c.rtt, c.loss, args.seconds, 1 + i + k)));
      for (const r of done) {
        results.push(r);
        console.log(
          `    ${String(r.rttMs).padStart(3)} ms RTT ${pct(r.loss, 0).padStart(3)} loss: ${r.corrections} corrections ` +
            `(${r.correctionsPerMin.toFixed(2)}/min, mean ${r.meanErrorUnits.toFixed(1)} u, ${pct(r.correctionRate, 2)} of ${r.predictedTicks} ticks), ` +
            `idle ${r.idleTicksPerMin.toFixed(1)}/min, rtt ${r.measuredRttMs.toFixed(0)} ms, delay ${r.interpolationDelayMs.toFixed(0)} ms, ` +
            `rewind ${r.meanRewindTicks.toFixed(1)} t (${pct(r.beyondCap, 0)} beyond cap), remote move <= ${r.worstRemoteMoveSteps.toFixed(2)} steps`,
        );
      }
    }
  } finally {
    await server.shutdown('bench over');
  }
  results.sort((a, b) => a.rttMs - b.rttMs || a.loss - b.loss);
  const wallSeconds = (performance.now() - t0) / 1000;
  mkdirSync(args.out, { recursive: true });
  const meta = { node: process.version, date: started.toISOString(), secondsPerCell: args.seconds, parallel: args.parallel, quick: args.quick, snapshotRate, inputsPerMessage };
  const name = `netcode${snapshotRate === DEFAULT_CONFIG.snapshotRate ? '' : `-${snapshotRate}hz`}${inputsPerMessage === 1 ? '' : `-inputs${inputsPerMessage}`}`;
  writeFileSync(join(args.out, `${name}.json`), `${JSON.stringify({ meta, results }, null, 2)}\n`);
  writeFileSync(join(args.out, `${name}.md`), markdown(results, args, started, wallSeconds));
  writeFileSync(
    join(args.out, `${name}.svg`),
    chartGridSvg(
      charts(results),
      3,
      `Client netcode vs added latency (jitter 10% of RTT each way), ${snapshotRate} snapshots/s, ${inputsPerMessage} input(s) per message, ${args.seconds} s per cell`,
    ),
  );
  console.log(`wrote ${join(args.out, `${name}.md`)}, ${name}.json, ${name}.svg (${wallSeconds.toFixed(0)} s)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
