// `npm run bench [-- --quick] [--out DIR] [--only codec,netcode,recording,capacity,cluster,peers]`
// Runs every benchmark, each writing its JSON, Markdown and SVG into the results folder, then an index
// (bench-results/README.md) with the headline figures. --quick shortens every benchmark (used by the
// test suite to prove the pipeline works end to end; its figures are not meant to be quoted).

import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { headlineCcu, runCapacity, type StepResult } from './capacity-bench.js';
import { lineChartSvg } from './svg-plot.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results' },
    only: { type: 'string' },
    steps: { type: 'string' },
    modes: { type: 'string', default: 'ours,naive' },
    /** Rewrite capacity.md and its plots from a saved capacity.json, without running anything. */
    'report-only': { type: 'boolean', default: false },
  },
});
const outDir = args.out!;
const quick = args.quick!;
const only = args.only ? new Set(args.only.split(',')) : null;
const wanted = (name: string) => only === null || only.has(name);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs a benchmark script in a child process (so each starts from a clean heap). */
function runScript(script: string, extra: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    log(`== ${script} ${extra.join(' ')}`);
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} exited with ${code}`))));
  });
}

function capacityMarkdown(all: readonly StepResult[], pinned: boolean): string {
  // A step whose bots process never finished its ramp (its report is missing) measured a half-built load.
  const results = all.filter((r) => r.connected > 0);
  const aborted = all.filter((r) => r.connected === 0);
  const rows = results.map(
    (r) =>
      `| ${r.mode} | ${r.ccu} | ${r.connected} | ${r.tickP50Ms.toFixed(2)} | ${r.tickP99Ms.toFixed(2)} | ${r.tickMaxMs.toFixed(2)} | ${r.latenessP99Ms.toFixed(1)} | ${r.cpuPercent.toFixed(0)} | ${r.rssMb.toFixed(0)} | ${r.heapMb.toFixed(0)} | ${r.eventLoopP99Ms.toFixed(1)} | ${Math.round(r.bytesOutPerClientPerSec)} | ${Math.round(r.bytesInPerClientPerSec)} |`,
  );
  const ours = headlineCcu(results, 'ours');
  const naive = headlineCcu(results, 'naive');
  const ratios = results
    .filter((r) => r.mode === 'ours')
    .map((o) => ({ o, n: results.find((r) => r.mode === 'naive' && r.ccu === o.ccu) }))
    .filter((x): x is { o: StepResult; n: StepResult } => x.n !== undefined)
    .map(
      ({ o, n }) =>
        `| ${o.ccu} | ${(o.cpuPercent / Math.max(0.1, n.cpuPercent)).toFixed(2)}x | ${(o.tickP99Ms / Math.max(0.001, n.tickP99Ms)).toFixed(2)}x | ${(o.bytesOutPerClientPerSec / Math.max(1, n.bytesOutPerClientPerSec)).toFixed(3)}x |`,
    );
  return [
    '# Capacity benchmark',
    '',
    '`npm run bench` (capacity part). Rooms of 16 light bots (wandering, inputs at 30 Hz, snapshots decoded and acknowledged), ' +
      `server ${pinned ? 'pinned to core 0 and bots to core 1 with taskset' : 'and bots unpinned (taskset or a second core missing)'}, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `**Headline**: largest CCU with tick p99 under 25 % of the 33.3 ms budget: ours **${ours ?? 'none'}**, naive **${naive ?? 'none'}** (of the steps run).`,
    '',
    '| server | CCU | connected | tick p50 ms | tick p99 ms | tick max ms | lateness p99 ms | CPU % | RSS MB | heap MB | event loop p99 ms | B/s out per client | B/s in per client |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Ours against naive at the same CCU:',
    '',
    '| CCU | CPU ratio | tick p99 ratio | bytes out ratio |',
    '|---:|---:|---:|---:|',
    ...ratios,
    '',
    ...(aborted.length
      ? [
          `Not shown: ${aborted.map((r) => `${r.mode} at ${r.ccu} CCU`).join(', ')}: the bots process (one core) could not ` +
            'finish ramping up that many clients, so the step measured nothing meaningful.',
          '',
        ]
      : []),
    'Read the high steps with care: one bots process on one core cannot send 30 inputs/s for every client beyond ' +
      'about 500 bots (see "B/s in per client" fall), so from there both servers get less input than nominal.',
    '',
    '![tick time p99 against CCU](capacity-tick.svg)',
    '![bytes per client per second against CCU](capacity-bandwidth.svg)',
    '![CPU against CCU](capacity-cpu.svg)',
    '',
  ].join('\n');
}

function capacityPlots(all: readonly StepResult[]): void {
  const results = all.filter((r) => r.connected > 0);
  const series = (mode: 'ours' | 'naive', pick: (r: StepResult) => number) => ({
    name: mode === 'ours' ? 'ours (acked deltas)' : 'naive (full JSON state)',
    points: results.filter((r) => r.mode === mode).map((r) => ({ x: r.ccu, y: pick(r) })),
  });
  const plot = (file: string, title: string, yLabel: string, pick: (r: StepResult) => number) =>
    writeFileSync(
      join(outDir, file),
      lineChartSvg({ title, xLabel: 'concurrent players (CCU)', yLabel, series: [series('ours', pick), series('naive', pick)] }),
    );
  plot('capacity-tick.svg', 'Tick time p99 against CCU (budget 33.3 ms)', 'tick p99 (ms)', (r) => r.tickP99Ms);
  plot('capacity-bandwidth.svg', 'Bytes sent per client per second', 'B/s per client', (r) => r.bytesOutPerClientPerSec);
  plot('capacity-cpu.svg', 'Server CPU (one core = 100 %)', 'CPU %', (r) => r.cpuPercent);
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  if (args['report-only']) {
    const saved = JSON.parse(readFileSync(join(outDir, 'capacity.json'), 'utf8')) as { pinned: boolean; results: StepResult[] };
    writeFileSync(join(outDir, 'capacity.md'), capacityMarkdown(saved.results, saved.pinned));
    capacityPlots(saved.results);
    log(`bench: rewrote ${join(outDir, 'capacity.md')} and its plots from capacity.json`);
    return;
  }
  const quickFlag = quick ? ['--quick'] : [];
  if (wanted('codec')) await runScript('sim/bench/codec-bench.ts', ['--out', outDir, ...(quick ? ['--ticks', '150'] : [])]);
  if (wanted('netcode') && existsSync('sim/bench/netcode-bench.ts')) await runScript('sim/bench/netcode-bench.ts', ['--out', outDir, ...quickFlag]);
  if (wanted('recording') && existsSync('sim/bench/recording-bench.ts')) await runScript('sim/bench/recording-bench.ts', ['--out', outDir, ...quickFlag]);
  if (wanted('capacity')) {
    const { results, pinned } = await runCapacity({
      modes: args.modes!.split(',') as ('ours' | 'naive')[],
      steps: args.steps ? args.steps.split(',').map(Number) : quick ? [16, 32] : [100, 250, 500, 1000, 2000],
      settleSec: quick ? 1 : 3,
      measureSec: quick ? 2 : 10,
      rampPerSec: quick ? 50 : 100,
      outDir,
      log,
    });
    for (const f of readdirSync(outDir)) if (f.startsWith('tmp-bots-')) rmSync(join(outDir, f));
    writeFileSync(join(outDir, 'capacity.json'), JSON.stringify({ pinned, results }, null, 2));
    writeFileSync(join(outDir, 'capacity.md'), capacityMarkdown(results, pinned));
    capacityPlots(results);
  }
  // The cluster against the single process: joins through 1 and 3 nodes, Redis cost per join, CPU per player.
  if (wanted('cluster')) await runScript('sim/bench/cluster-bench.ts', ['--out', outDir, ...quickFlag]);
  // Side by side with the real peers: Colyseus 0.18, a bare ws floor, and our naive mode (--steps applies here too).
  if (wanted('peers')) await runScript('sim/bench/peers-bench.ts', ['--out', outDir, ...quickFlag, ...(args.steps ? ['--steps', args.steps] : [])]);
  const reports = ['capacity', 'cluster', 'peers', 'codec', 'netcode', 'recording', 'soak'].filter((n) => existsSync(join(outDir, `${n}.md`)));
  const index = [
    '# Benchmark results',
    '',
    `Made by \`npm run bench${quick ? ' -- --quick' : ''}\` on ${new Date().toISOString()}.`,
    '',
    ...reports.map((n) => `- [${n}](${n}.md): ${firstHeadline(join(outDir, `${n}.md`))}`),
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'README.md'), index);
  log(`bench: wrote ${join(outDir, 'README.md')} (${reports.join(', ')})`);
}

/** The first bold line or table row of a report, as a one-line teaser for the index. */
function firstHeadline(file: string): string {
  const text = readFileSync(file, 'utf8');
  return text.split('\n').find((l) => l.startsWith('**')) ?? text.split('\n').find((l) => l.startsWith('# '))?.slice(2) ?? '';
}

main().catch((err: unknown) => {
  log(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
