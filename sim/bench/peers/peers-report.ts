// The peers benchmark's report: medians per server and step over the runs whose load generator kept up,
// ratios against Colyseus and the floor, a Markdown table and SVG bar charts.

import { cpus } from 'node:os';
import { barChartSvg } from '../svg-bar-chart.js';
import type { WORKLOAD } from './workload.js';

export const SERVERS = ['ours', 'ours15', 'oursHalf', 'naive', 'colyseus', 'sioFloor', 'floor'] as const;
export type ServerName = (typeof SERVERS)[number];

const LABELS: Record<ServerName, string> = {
  ours: 'ours (npm start)',
  ours15: 'ours, SNAPSHOT_RATE=15 (an option: half the snapshots)',
  oursHalf: 'ours, SNAPSHOT_RATE=15 INPUTS_PER_MESSAGE=2 (options: half the messages both ways)',
  naive: 'naive baseline on our server (full JSON state)',
  colyseus: 'Colyseus 0.18 (schema, setFixedTimestep)',
  sioFloor: 'bare socket.io floor (our parser, no state)',
  floor: 'bare ws floor (no state)',
};

/** One measurement: one server process at one step in one run. */
export interface PeerRun {
  readonly server: ServerName;
  readonly players: number;
  readonly run: number;
  readonly connected: number;
  readonly cpuPercent: number;
  readonly rssMb: number;
  /** Medians of the samples taken through the measured window (RSS, heap used, heap committed)... */
  readonly heapUsedMb: number;
  /** ...and the lowest heap used: read just after a collection, the nearest to what is live. */
  readonly heapUsedLowMb: number;
  readonly heapCommittedMb: number;
  readonly tickP50Ms: number;
  readonly tickP99Ms: number;
  readonly bytesOutPerClientPerSec: number;
  readonly bytesInPerClientPerSec: number;
  readonly loadCpuPercent: number;
  readonly inputRatio: number;
  /** The load generator could not keep up (or left no report): this run measures it, not the server. */
  readonly saturated: boolean;
  readonly floorMessageBytes?: number;
}

const FIGURES = ['cpuPercent', 'rssMb', 'heapUsedMb', 'heapUsedLowMb', 'heapCommittedMb', 'tickP50Ms', 'tickP99Ms', 'bytesOutPerClientPerSec', 'bytesInPerClientPerSec', 'loadCpuPercent', 'inputRatio'] as const;
type Figure = (typeof FIGURES)[number];

/** A server at a step: medians over its clean runs, or null figures when every run was saturated. */
export interface PeerSummary {
  readonly server: ServerName;
  readonly players: number;
  readonly runs: number;
  readonly cleanRuns: number;
  /** Medians over the clean runs; null when there is none (the step is not a result). */
  readonly medians: Readonly<Record<Figure, number>> | null;
  /** Load generator CPU and input ratio of the saturated runs, to say why. */
  readonly saturatedRuns: readonly { readonly loadCpuPercent: number; readonly inputRatio: number }[];
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(runs: readonly PeerRun[]): PeerSummary[] {
  const out: PeerSummary[] = [];
  const steps = [...new Set(runs.map((r) => r.players))].sort((a, b) => a - b);
  for (const players of steps) {
    for (const server of SERVERS) {
      const all = runs.filter((r) => r.server === server && r.players === players);
      if (all.length === 0) continue;
      const clean = all.filter((r) => !r.saturated);
      const medians = clean.length
        ? (Object.fromEntries(FIGURES.map((f) => [f, median(clean.map((r) => r[f]))])) as Record<Figure, number>)
        : null;
      out.push({
        server,
        players,
        runs: all.length,
        cleanRuns: clean.length,
        medians,
        saturatedRuns: all.filter((r) => r.saturated).map((r) => ({ loadCpuPercent: r.loadCpuPercent, inputRatio: r.inputRatio })),
      });
    }
  }
  return out;
}

export interface PeersReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly quick: boolean;
  readonly pinned: boolean;
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd: readonly number[];
  readonly workload: typeof WORKLOAD;
  readonly settleSec: number;
  readonly measureSec: number;
  readonly summary: readonly PeerSummary[];
}

function ratio(a: PeerSummary | undefined, b: PeerSummary | undefined, f: Figure): string {
  if (!a?.medians || !b?.medians || b.medians[f] <= 0) return 'n/a';
  return `${(a.medians[f] / b.medians[f]).toFixed(2)}x`;
}

export function peersMarkdown(report: PeersReport): string {
  const fmt = (n: number, digits = 0) => n.toFixed(digits);
  const rows = report.summary.map((s) => {
    const head = `| ${LABELS[s.server]} | ${s.players} | ${s.cleanRuns}/${s.runs} |`;
    if (!s.medians) {
      const why = s.saturatedRuns.map((r) => `${fmt(r.loadCpuPercent)} % CPU, ${fmt(r.inputRatio * 100)} % of inputs`).join('; ');
      return `${head} **not a result: load generator saturated** (${why}) ||||||||||`;
    }
    const m = s.medians;
    return `${head} ${fmt(m.cpuPercent)} | ${fmt(m.rssMb)} | ${fmt(m.heapUsedMb)} | ${fmt(m.heapUsedLowMb)} | ${fmt(m.heapCommittedMb)} | ${fmt(m.tickP50Ms, 2)} | ${fmt(m.tickP99Ms, 2)} | ${Math.round(m.bytesOutPerClientPerSec)} | ${Math.round(m.bytesInPerClientPerSec)} | ${fmt(m.loadCpuPercent)} % / ${fmt(m.inputRatio * 100)} % |`;
  });
  const steps = [...new Set(report.summary.map((s) => s.players))];
  const find = (server: ServerName, players: number) => report.summary.find((s) => s.server === server && s.players === players);
  const ratios = steps.flatMap((players) => {
    const pairs = [
      ['ours', 'colyseus'], ['ours', 'sioFloor'], ['ours', 'floor'], ['ours', 'naive'],
      ['ours15', 'colyseus'], ['ours15', 'floor'], ['oursHalf', 'colyseus'], ['oursHalf', 'floor'], ['sioFloor', 'floor'],
    ] as const;
    return pairs
      .filter(([mine, peer]) => find(mine, players) && find(peer, players))
      .map(([mine, peer]) => {
        const ours = find(mine, players);
        const other = find(peer, players);
        return `| ${players} | ${mine} / ${peer} | ${ratio(ours, other, 'cpuPercent')} | ${ratio(ours, other, 'rssMb')} | ${ratio(ours, other, 'heapUsedMb')} | ${ratio(ours, other, 'tickP99Ms')} | ${ratio(ours, other, 'bytesOutPerClientPerSec')} |`;
      });
  });
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Peers benchmark: ours against Colyseus 0.18, a bare ws floor and our naive mode',
    '',
    `**Made by \`npm run bench${report.quick ? ' -- --quick' : ''}\` (peers part) from ${report.startedAt} to ${report.finishedAt}; ` +
      `load average (1 / 5 / 15 min) ${load(report.loadAverageAtStart)} at the start, ${load(report.loadAverageAtEnd)} at the end.**` +
      (report.quick ? ' A quick run: its figures only prove the pipeline works.' : ''),
    '',
    `Workload (sim/bench/peers/workload.ts): rooms of ${report.workload.playersPerRoom} players moving continuously, ` +
      `${report.workload.inputsPerSec} inputs/s in and ${report.workload.snapshotsPerSec} snapshots/s out per player, ` +
      `${report.workload.rampPerSec} players joining per second. Every player changes direction and aim every ` +
      `${report.workload.inputsPerTurn} inputs (once a second), by the same rule for every server: our bots ` +
      '(`npm run bots -- --light --behaviour steady`) and the peers\' load generators play the same bot brain. ' +
      `Server ${report.pinned ? 'pinned to core 0 and load generator to core 1 (taskset)' : 'and load generator unpinned (taskset or a second core missing)'}, ` +
      `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}. ` +
      `Each server gets a fresh process per step and run; ${report.settleSec} s settle after all players joined, then ${report.measureSec} s measured. ` +
      'Figures are medians over the runs whose load generator kept up ("clean runs").',
    '',
    '| server | players | clean runs | CPU % of a core | RSS MB | heap used MB | heap used, lowest MB | heap committed MB | tick p50 ms | tick p99 ms | B/s out per client | B/s in per client | load generator CPU / inputs sent |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Ratios of the medians (below 1: ours costs less):',
    '',
    '| players | | CPU | RSS | heap used | tick p99 | bytes out per client |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...ratios,
    '',
    ...heapPerPlayer(report.summary),
    'How each figure is taken: CPU from /proc of the server process over the measured window; RSS (/proc) and heap ' +
      '(from the process itself: ours /metrics, peers process.memoryUsage() on their /bench-stats port) read every ' +
      'second through the window, medians reported, and the lowest heap used (read just after a collection: the ' +
      'nearest to live data). Tick: the work of ' +
      'one 1/30 s tick over every room (ours: the scheduler tick from /metrics; Colyseus: each room\'s fixed step plus ' +
      'its patch broadcast, summed per tick period; floor: its send loop). Bytes: ours counts socket.io packet bytes ' +
      '(/metrics), the peers count TCP bytes of their connections (WebSocket framing included). The floor sends each ' +
      'player one binary message per tick of the size of our average snapshot at that step in this run ' +
      '(our bytes out per client / 30). A load generator at 90 % or more of its core, or sending under 95 % of its ' +
      'inputs, makes its run "saturated": it is left out, and a step with no clean run is not a result.',
    '',
    '![server CPU per step](peers-cpu.svg)',
    '![server RSS per step](peers-rss.svg)',
    '',
  ].join('\n');
}

/**
 * Heap per added player, per server between its smallest and its largest step with a result (a server whose
 * load generator saturated at the top step is still compared over the steps it has), from the lowest heap
 * used (the medians carry the young generation's fill level, which says little about players).
 */
function heapPerPlayer(summary: readonly PeerSummary[]): string[] {
  const rows = SERVERS.flatMap((server) => {
    const results = summary.filter((s) => s.server === server && s.medians !== null).sort((a, b) => a.players - b.players);
    if (results.length < 2) return [];
    const [low, high] = [results[0]!, results.at(-1)!];
    const kb = ((high.medians!.heapUsedLowMb - low.medians!.heapUsedLowMb) * 1024) / (high.players - low.players);
    return [`| ${LABELS[server]} | ${low.players} to ${high.players} | ${kb.toFixed(0)} |`];
  });
  if (rows.length === 0) return [];
  return ['Heap per added player (lowest heap used), from each server\'s smallest to its largest step with a result:', '', '| server | players | KB per player |', '|---|---|---:|', ...rows, ''];
}

/** The bar charts: CPU and RSS of every server at every step with a result. */
export function peersCharts(summary: readonly PeerSummary[]): [string, string][] {
  const results = summary.filter((s) => s.medians !== null);
  const bars = (pick: (m: Readonly<Record<Figure, number>>) => number) =>
    results.map((s) => ({ label: `${LABELS[s.server]}, ${s.players}`, value: pick(s.medians!) }));
  return [
    ['peers-cpu.svg', barChartSvg({ title: 'Server CPU (% of one core), medians', unit: '%', bars: bars((m) => m.cpuPercent) })],
    ['peers-rss.svg', barChartSvg({ title: 'Server RSS (MB), medians', unit: 'MB', bars: bars((m) => m.rssMb) })],
  ];
}
