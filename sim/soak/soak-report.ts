// Judges a soak run against its goals and writes the report: soak.json (everything measured),
// soak.md (verdict, goals, churn, resources) and the plots soak-memory.svg and soak-handles.svg.
//
// Drift: after the warm-up, the median of the first 20 % of the samples is compared with the median of
// the last 20 % (medians, so a garbage collection caught mid-way does not decide the verdict).

import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { lineChartSvg, type Series } from '../bench/svg-plot.js';
import { percentiles } from '../bots/percentiles.js';
import { CHURN_MIX, PRIVATE_GUESTS, PRIVATE_MATCH_MS } from './churn-population.js';
import type { ServerReading } from './server-sampler.js';
import type { SoakRun, SoakSample } from './soak-run.js';

/** The goals of issue 12: RSS drift under 5 %, no growth in handles (nor timers, nor descriptors). */
export const GOALS = {
  maxRssDrift: 0.05,
  /** Growth allowed for a count (noise: connections in the middle of a reconnect): this share, at least minCountNoise. */
  countNoiseShare: 0.02,
  minCountNoise: 5,
  /** Failed bot actions and starts, as a share of all of them. */
  maxFailureRate: 0.01,
  /** Seated bots at every sample after the warm-up, as a share of the population asked for. */
  minSeatedShare: 0.95,
} as const;
/** Share of the measured samples in each compared window. */
const WINDOW_SHARE = 0.2;
/** The bots process is taken as saturated (its bots cannot keep the tick rate) above this share of a core. */
const SATURATED_CPU_PERCENT = 90;
const NOMINAL_INPUTS_PER_SEC = 30;

export interface Comparison {
  /** Medians of the first and last windows after the warm-up. */
  readonly first: number;
  readonly last: number;
  readonly change: number;
  readonly relative: number;
  readonly samplesPerWindow: number;
}

export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean;
}

export interface SoakAnalysis {
  readonly measuredSamples: number;
  readonly rss: Comparison | null;
  readonly heapUsed: Comparison | null;
  /** Lowest heap used in each window: what is left after a garbage collection, where a leak shows first. */
  readonly heapFloor: Comparison | null;
  readonly handles: Comparison | null;
  readonly timers: Comparison | null;
  readonly fds: Comparison | null;
  /** Means over the samples after the warm-up. */
  readonly meanServerCpuPercent: number | null;
  readonly meanBotsCpuPercent: number | null;
  readonly meanInputsPerConnectionPerSec: number | null;
  /** Median of the machine's 1-minute load average after the warm-up. */
  readonly loadAverage: number | null;
  /** Fewest bots seated at a sample after the warm-up. */
  readonly lowestSeated: number | null;
  /** Why the bots could not give the nominal load (their process or the machine short of CPU), or null when they could. */
  readonly loadShortfall: string | null;
}

export interface SoakReport extends SoakRun {
  readonly analysis: SoakAnalysis;
  readonly goals: readonly Goal[];
  readonly passed: boolean;
}

/**
 * Medians (or lowest values) of the first and last 20 % of the samples after the warm-up; null with
 * fewer than two such samples.
 */
export function compareWindows(
  samples: readonly SoakSample[],
  warmupSec: number,
  pick: (s: SoakSample) => number | null,
  aggregate: 'median' | 'lowest' = 'median',
): Comparison | null {
  const values = samples
    .filter((s) => s.tSec >= warmupSec)
    .map(pick)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  if (values.length < 2) return null;
  const n = Math.max(1, Math.floor(values.length * WINDOW_SHARE));
  const of = aggregate === 'median' ? median : (v: number[]) => Math.min(...v);
  const first = of(values.slice(0, n));
  const last = of(values.slice(-n));
  return { first, last, change: last - first, relative: first !== 0 ? (last - first) / first : 0, samplesPerWindow: n };
}

export function analyse(run: SoakRun): SoakAnalysis {
  const measured = run.samples.filter((s) => s.tSec >= run.warmupSec);
  const cpu = mean(measured.map((s) => s.serverCpuPercent));
  const botsCpu = mean(measured.flatMap((s) => (s.botsCpuPercent === null ? [] : [s.botsCpuPercent])));
  const inputs = mean(measured.map((s) => s.inputsPerConnectionPerSec));
  let loadShortfall: string | null = null;
  if (botsCpu !== null && botsCpu >= SATURATED_CPU_PERCENT) {
    loadShortfall = `the bots process was saturated (${botsCpu.toFixed(0)} % of a core on average)`;
  }
  if (inputs !== null && inputs < NOMINAL_INPUTS_PER_SEC * 0.9) {
    const low = `the server applied ${inputs.toFixed(1)} inputs per second per connection (nominal ${NOMINAL_INPUTS_PER_SEC})`;
    loadShortfall = loadShortfall ? `${loadShortfall}, and ${low}` : low;
  }
  const load = measured.length ? median(measured.map((s) => s.loadAverage)) : null;
  if (loadShortfall && load !== null && load > cpus().length) {
    loadShortfall += ` while the machine's load average was ${load.toFixed(1)} on ${cpus().length} cores (other processes took CPU)`;
  }
  return {
    measuredSamples: measured.length,
    rss: compareWindows(run.samples, run.warmupSec, (s) => s.server.rssBytes),
    heapUsed: compareWindows(run.samples, run.warmupSec, (s) => s.server.heapUsedBytes),
    heapFloor: compareWindows(run.samples, run.warmupSec, (s) => s.server.heapUsedBytes, 'lowest'),
    handles: compareWindows(run.samples, run.warmupSec, (s) => s.server.handles),
    timers: compareWindows(run.samples, run.warmupSec, (s) => s.server.timers),
    fds: compareWindows(run.samples, run.warmupSec, (s) => s.server.fds),
    meanServerCpuPercent: cpu,
    meanBotsCpuPercent: botsCpu,
    meanInputsPerConnectionPerSec: inputs,
    loadAverage: load,
    lowestSeated: measured.length ? Math.min(...measured.map((s) => s.bots.seated)) : null,
    loadShortfall,
  };
}

export function judge(run: SoakRun): SoakReport {
  const analysis = analyse(run);
  const goals: Goal[] = [];
  const c = run.counters;
  const notEnough = 'fewer than two samples after the warm-up';
  if (run.interrupted) {
    goals.push({ goal: 'ran for the whole duration', measured: `interrupted after ${(run.elapsedSec / 60).toFixed(1)} minutes`, pass: false });
  }
  goals.push(
    analysis.rss
      ? {
          goal: `RSS drift under ${pct(GOALS.maxRssDrift)}`,
          measured: `${signedPct(analysis.rss.relative)} (${mb(analysis.rss.first)} → ${mb(analysis.rss.last)} MB)`,
          pass: analysis.rss.relative < GOALS.maxRssDrift,
        }
      : { goal: `RSS drift under ${pct(GOALS.maxRssDrift)}`, measured: notEnough, pass: false },
  );
  const countGoal = (what: string, comparison: Comparison | null, optional: boolean) => {
    if (!comparison) {
      if (!optional) goals.push({ goal: `no growth in ${what}`, measured: notEnough, pass: false });
      return;
    }
    const allowed = Math.max(GOALS.minCountNoise, Math.ceil(comparison.first * GOALS.countNoiseShare));
    goals.push({
      goal: `no growth in ${what} (noise allowed: +${allowed})`,
      measured: `${fmt(comparison.first)} → ${fmt(comparison.last)} (${comparison.change >= 0 ? '+' : ''}${fmt(comparison.change)})`,
      pass: comparison.change <= allowed,
    });
  };
  countGoal('active handles', analysis.handles, false);
  countGoal('active timers', analysis.timers, false);
  countGoal('open file descriptors', analysis.fds, true);
  const actions = (c?.actions ?? 0) + (c?.started ?? 0);
  goals.push(
    {
      goal: 'churn happened (joins, leaves, reconnects, replacements)',
      measured: c ? `${c.joins} joins, ${c.leaves} leaves, ${c.reconnects} reconnects, ${c.replaced} replaced` : 'no report from the bots',
      pass: c !== null && c.joins > 0 && c.leaves > 0 && c.reconnects > 0 && c.replaced > 0,
    },
    {
      goal: `steady load: bots seated ≥ ${pct(GOALS.minSeatedShare)} of ${run.options.bots} after the warm-up`,
      measured: analysis.lowestSeated !== null ? `lowest ${analysis.lowestSeated}` : notEnough,
      pass: analysis.lowestSeated !== null && analysis.lowestSeated >= run.options.bots * GOALS.minSeatedShare,
    },
    {
      goal: 'zero warnings to the bots (rate limits, bad input)',
      measured: c ? noticeSummary(c.notices) : 'unknown',
      pass: c !== null && Object.keys(c.notices).length === 0,
    },
    { goal: 'zero snapshot decode errors', measured: String(c?.decodeErrors ?? 'unknown'), pass: c !== null && c.decodeErrors === 0 },
    {
      goal: 'zero protocol violations (ticks, input acks)',
      measured: String(c?.protocolViolations ?? 'unknown'),
      pass: c !== null && c.protocolViolations === 0,
    },
    {
      goal: `bot failures at most ${pct(GOALS.maxFailureRate)} of starts and churn actions`,
      measured: c ? `${c.failureCount} of ${actions}` : 'unknown',
      pass: c !== null && c.failureCount <= actions * GOALS.maxFailureRate,
    },
    {
      goal: 'server survived (process alive, /healthz 200 at the end)',
      measured: run.server.failure ?? 'yes',
      pass: run.server.survived,
    },
  );
  if (run.spawnedServer) {
    const logs = run.server.logs;
    goals.push(
      { goal: 'server logged no errors', measured: String(logs?.error ?? 'unknown'), pass: logs !== null && logs.error === 0 },
      { goal: 'server shut down cleanly on SIGTERM (exit code 0)', measured: String(run.server.exitCode), pass: run.server.exitCode === 0 },
    );
  }
  return { ...run, analysis, goals, passed: goals.every((g) => g.pass) };
}

export function writeSoakReport(report: SoakReport, outDir: string): string[] {
  const files = ['soak.json', 'soak.md', 'soak-memory.svg', 'soak-handles.svg'];
  writeFileSync(join(outDir, 'soak.json'), JSON.stringify(report, null, 2));
  writeFileSync(join(outDir, 'soak.md'), soakMarkdown(report));
  const [memory, handles] = soakPlots(report);
  writeFileSync(join(outDir, 'soak-memory.svg'), memory);
  writeFileSync(join(outDir, 'soak-handles.svg'), handles);
  return files.map((f) => join(outDir, f));
}

export function soakPlots(report: SoakReport): [string, string] {
  const minutes = (s: SoakSample) => s.tSec / 60;
  const line = (label: string, pick: (s: SoakSample) => number | null, dashed = false): Series => ({
    label,
    dashed,
    points: report.samples.flatMap((s) => {
      const y = pick(s);
      return y !== null && Number.isFinite(y) ? [{ x: minutes(s), y }] : [];
    }),
  });
  const warmup = (top: number): Series => ({
    label: 'end of warm-up',
    color: '#9aa5b1',
    dashed: true,
    points: [
      { x: report.warmupSec / 60, y: 0 },
      { x: report.warmupSec / 60, y: top },
    ],
  });
  const memorySeries = [
    line('RSS', (s) => s.server.rssBytes / 2 ** 20),
    line('heap total', (s) => s.server.heapTotalBytes / 2 ** 20),
    line('heap used', (s) => s.server.heapUsedBytes / 2 ** 20),
  ];
  const countSeries = [
    line('active handles', (s) => s.server.handles),
    line('active timers', (s) => s.server.timers),
    line('open descriptors', (s) => s.server.fds),
    line('bots seated', (s) => s.bots.seated, true),
  ];
  const top = (series: Series[]) => Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const title = `${report.options.bots} bots with churn`;
  const memory = lineChartSvg({
    title: `Server memory, ${title}`,
    xLabel: 'minutes',
    yLabel: 'MB',
    width: 760,
    height: 360,
    series: [...memorySeries, warmup(top(memorySeries))],
  });
  const handles = lineChartSvg({
    title: `Server handles, timers and descriptors, ${title}`,
    xLabel: 'minutes',
    yLabel: 'count',
    width: 760,
    height: 360,
    series: [...countSeries, warmup(top(countSeries))],
  });
  return [memory, handles];
}

export function soakMarkdown(r: SoakReport): string {
  const o = r.options;
  const a = r.analysis;
  const c = r.counters;
  const minutes = o.durationSec / 60;
  const measured = r.samples.filter((s) => s.tSec >= r.warmupSec);
  const window = (pick: (x: ServerReading) => number | null) => {
    const comparison = compareWindows(r.samples, r.warmupSec, (s) => pick(s.server));
    return comparison ? [fmtMaybe(comparison.first), fmtMaybe(comparison.last)] : ['', ''];
  };
  const resourceRow = (name: string, pick: (x: ServerReading) => number | null, scale = 1) => {
    const scaled = (x: ServerReading) => {
      const v = pick(x);
      return v === null ? null : v / scale;
    };
    const [first, last] = window(scaled);
    return `| ${name} | ${r.baseline ? fmtMaybe(scaled(r.baseline)) : ''} | ${first} | ${last} | ${r.afterBotsLeft ? fmtMaybe(scaled(r.afterBotsLeft)) : ''} |`;
  };
  const failures = Object.entries(c?.failures ?? {}).sort((x, y) => y[1] - x[1]);
  const logLines = Object.entries(r.server.logs?.messages ?? {}).sort((x, y) => y[1] - x[1]).slice(0, 10);
  const tickP99 = median(measured.map((s) => s.server.tickP99Ms).filter(Number.isFinite));
  const loopP99 = median(measured.map((s) => s.server.eventLoopP99Ms).filter(Number.isFinite));
  return [
    '# Soak test',
    '',
    `\`npm run soak -- --minutes ${+minutes.toFixed(2)} --bots ${o.bots}\`${o.url ? ` against ${o.url}` : ''}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}.`,
    '',
    `**Verdict: ${r.passed ? 'PASS' : 'FAIL'}**: RSS drift ${a.rss ? signedPct(a.rss.relative) : 'n/a'} (goal under ${pct(GOALS.maxRssDrift)}), ` +
      `heap used after GC ${a.heapFloor ? `${mb(a.heapFloor.first)} → ${mb(a.heapFloor.last)} MB` : 'n/a'}, ` +
      `active handles ${a.handles ? `${fmt(a.handles.first)} → ${fmt(a.handles.last)}` : 'n/a'}, ` +
      `timers ${a.timers ? `${fmt(a.timers.first)} → ${fmt(a.timers.last)}` : 'n/a'}, ` +
      `${c?.decodeErrors ?? '?'} decode errors, ${c?.failureCount ?? '?'} bot failures, over ${(r.elapsedSec / 60).toFixed(1)} minutes.` +
      (minutes < 30 || o.bots < 500 ? ' (The goal of issue 12 is 30 minutes at 500 bots: a shorter or smaller run only indicates.)' : ''),
    '',
    'Setup: ' +
      (r.spawnedServer
        ? 'the server (`server/main.ts`, default settings, recordings on, to a temporary folder) spawned as its own process; '
        : `the server already running at ${o.url}; `) +
      `${o.bots} light bots (\`${o.behaviour}\`: inputs at 30 Hz, snapshots decoded and acknowledged) in a second process, ` +
      `started at ${o.rampPerSec}/s. Every second ${pct(o.churnPerSec)} of the bots churn: ` +
      `${pct(CHURN_MIX.hop)} leave their room and quick-play again, ${pct(CHURN_MIX.reconnect)} drop their connection and take ` +
      `their seat back with the reconnect token, ${pct(CHURN_MIX.replace)} quit for good and are replaced by a new bot, ` +
      `${pct(CHURN_MIX.private)} open a private room that ${PRIVATE_GUESTS} others join by its code, play there for ` +
      `${PRIVATE_MATCH_MS / 1000} s and all go back to quick play. The server is read every ` +
      `${o.sampleSec} s (its /metrics${r.spawnedServer ? ' and /proc' : ''}); the first ${r.warmupSec.toFixed(0)} s are warm-up ` +
      `(ramp${r.rampSec !== null ? ` done at ${r.rampSec.toFixed(0)} s` : ' not finished'}), then the median of the first 20 % ` +
      `of the samples is compared with the median of the last 20 % (${a.rss?.samplesPerWindow ?? 0} samples each).`,
    '',
    '| goal | measured | result |',
    '|---|---|---|',
    ...r.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.pass ? 'pass' : '**FAIL**'} |`),
    '',
    '## Server resources',
    '',
    '| | idle, before the bots | first 20 % after warm-up (median) | last 20 % (median) | 3 s after the bots left |',
    '|---|---:|---:|---:|---:|',
    resourceRow('RSS MB', (x) => x.rssBytes, 2 ** 20),
    resourceRow('heap used MB', (x) => x.heapUsedBytes, 2 ** 20),
    `| heap used after GC (lowest of the window) MB | | ${a.heapFloor ? fmt(a.heapFloor.first / 2 ** 20) : ''} | ${a.heapFloor ? fmt(a.heapFloor.last / 2 ** 20) : ''} | |`,
    resourceRow('heap total MB', (x) => x.heapTotalBytes, 2 ** 20),
    resourceRow('external MB', (x) => x.externalBytes, 2 ** 20),
    resourceRow('active handles', (x) => x.handles),
    resourceRow('active timers', (x) => x.timers),
    resourceRow('open descriptors', (x) => x.fds),
    resourceRow('connections', (x) => x.connections),
    resourceRow('players (seats, held ones included)', (x) => x.players),
    resourceRow('rooms', (x) => x.rooms),
    '',
    `Load after the warm-up: server CPU ${fmtMaybe(a.meanServerCpuPercent)} % of a core (mean), tick p99 ${fmtMaybe(tickP99)} ms and ` +
      `event loop lag p99 ${fmtMaybe(loopP99)} ms (medians of the samples), ${fmtMaybe(a.meanInputsPerConnectionPerSec)} inputs applied per ` +
      `second per connection (nominal ${NOMINAL_INPUTS_PER_SEC}). Bots process CPU ${fmtMaybe(a.meanBotsCpuPercent)} % of a core (mean), ` +
      `soak driver ${r.driverCpuPercent.toFixed(1)} %. Machine load average (1 min, median) ${fmtMaybe(a.loadAverage)} on ${cpus().length} cores.` +
      (a.loadShortfall ? ` **The bots could not give the nominal load**: ${a.loadShortfall}.` : ''),
    '',
    '## Churn',
    '',
    '| | count |',
    '|---|---:|',
    ...(c
      ? [
          ['bots started (initial and replacements)', c.started],
          ['room joins (quick play, private rooms, by code)', c.joins],
          ['room leaves', c.leaves],
          ['reconnects (connection dropped, seat taken back with the token)', c.reconnects],
          ['bots that quit for good (replaced)', c.replaced],
          ['bots given up after a failure (replaced)', c.givenUp],
          ['private rooms created', c.privateRoomsCreated],
          ['joins by code', c.codeJoins],
          ['rooms closed under a bot', c.roomsClosed],
          ['unexpected disconnects', c.unexpectedDisconnects],
          ['warnings (notices) from the server', noticeSummary(c.notices)],
          ['failed actions', c.failureCount],
        ].map(([k, v]) => `| ${k} | ${v} |`)
      : ['| no report from the bots process | |']),
    '',
    ...(failures.length ? ['Failures: ' + failures.map(([k, n]) => `${k} (${n})`).join(', ') + '.', ''] : []),
    ...(r.spawnedServer
      ? [
          `Server log: ${r.server.logs?.warn ?? 0} warnings, ${r.server.logs?.error ?? 0} errors` +
            (logLines.length ? `: ${logLines.map(([k, n]) => `${k} (${n})`).join(', ')}` : '') +
            `. Recordings written: ${r.recordings?.files ?? 0} files, ${((r.recordings?.bytes ?? 0) / 2 ** 20).toFixed(1)} MB.`,
          '',
        ]
      : []),
    '![server memory over time](soak-memory.svg)',
    '![server handles, timers and descriptors over time](soak-handles.svg)',
    '',
  ].join('\n');
}

function median(values: readonly number[]): number {
  return values.length ? percentiles(values).p50 : NaN;
}

function mean(values: readonly number[]): number | null {
  const known = values.filter(Number.isFinite);
  return known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
}

function noticeSummary(notices: Readonly<Record<string, number>>): string {
  const entries = Object.entries(notices);
  return entries.length ? entries.map(([code, n]) => `${code} ${n}`).join(', ') : '0';
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
function pct(share: number): string {
  return `${+(share * 100).toFixed(2)} %`;
}
function signedPct(share: number): string {
  return `${share >= 0 ? '+' : ''}${(share * 100).toFixed(2)} %`;
}
function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
function fmtMaybe(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : fmt(v);
}
