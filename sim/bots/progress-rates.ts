// The rates of the progress line, from counters that only grow (totals since the start of the run): the
// difference between two readings over the time between them. Never from a bounded sample store: once
// full, its contents barely change, and a rate or "recent" figure read from it freezes (after 5,000
// samples, under three minutes at 30 a second).

/** Totals read once a second from every bot of a process, and the process's CPU time. */
export interface ProgressCounters {
  /** When they were read (performance.now(), ms). */
  readonly atMs: number;
  readonly snapshots: number;
  /** Input acks timed, and the sum of their round trips (ms). */
  readonly rtts: number;
  readonly rttSumMs: number;
  /** This process's CPU time (user + system), µs. */
  readonly cpuMicros: number;
}

/** What a bot counts (Bot and NaiveBot both do). */
export interface CountingBot {
  readonly snapshotsReceived: number;
  readonly rtt: { readonly count: number; readonly sum: number };
}

export interface ProgressRates {
  readonly snapshotsPerSec: number;
  /** Input acks timed per second, the weight of the mean below when processes are merged. */
  readonly rttsPerSec: number;
  /** Mean input-ack round trip over the interval (ms); null when no ack was timed in it. */
  readonly rttMeanMs: number | null;
  /** This process's CPU over the interval, as a percentage of one core. */
  readonly cpuPercent: number;
}

export function readCounters(bots: readonly CountingBot[], atMs: number, cpu: NodeJS.CpuUsage): ProgressCounters {
  let snapshots = 0;
  let rtts = 0;
  let rttSumMs = 0;
  for (const bot of bots) {
    snapshots += bot.snapshotsReceived;
    rtts += bot.rtt.count;
    rttSumMs += bot.rtt.sum;
  }
  return { atMs, snapshots, rtts, rttSumMs, cpuMicros: cpu.user + cpu.system };
}

export function progressRates(from: ProgressCounters, to: ProgressCounters): ProgressRates {
  const seconds = (to.atMs - from.atMs) / 1000;
  if (seconds <= 0) return { snapshotsPerSec: 0, rttsPerSec: 0, rttMeanMs: null, cpuPercent: 0 };
  const rtts = to.rtts - from.rtts;
  return {
    snapshotsPerSec: (to.snapshots - from.snapshots) / seconds,
    rttsPerSec: rtts / seconds,
    rttMeanMs: rtts > 0 ? (to.rttSumMs - from.rttSumMs) / rtts : null,
    cpuPercent: cpuPercent(from.cpuMicros, to.cpuMicros, to.atMs - from.atMs),
  };
}

/** CPU time between two readings (µs) over the wall time between them (ms), as a percentage of one core. */
export function cpuPercent(fromMicros: number, toMicros: number, wallMs: number): number {
  return wallMs > 0 ? ((toMicros - fromMicros) / 1000 / wallMs) * 100 : 0;
}

/** The rates of several processes together: sums, the mean round trip weighted by acks, the busiest process's CPU. */
export function mergeRates(all: readonly ProgressRates[]): ProgressRates {
  const sum = (f: (r: ProgressRates) => number) => all.reduce((n, r) => n + f(r), 0);
  const rttsPerSec = sum((r) => r.rttsPerSec);
  return {
    snapshotsPerSec: sum((r) => r.snapshotsPerSec),
    rttsPerSec,
    rttMeanMs: rttsPerSec > 0 ? sum((r) => (r.rttMeanMs ?? 0) * r.rttsPerSec) / rttsPerSec : null,
    cpuPercent: all.length > 0 ? Math.max(...all.map((r) => r.cpuPercent)) : 0,
  };
}
