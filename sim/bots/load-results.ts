// What one bots process measured (a LoadPart: sums and bounded samples, so parts merge exactly), and the
// report of a whole run merged from the parts of every bots process: totals summed, percentiles from the
// pooled samples, and whether a bots process was saturated (then the figures measure the bots, not the server).

import type { LoadOptions } from './load-run.js';
import { pooledPercentiles, pooledStddev, type Percentiles, type WeightedSample } from './percentiles.js';

/** A bots process is saturated from this share of one core (user + system time over wall time)... */
export const SATURATED_CPU_PERCENT = 90;
/** ...or when its bots sent fewer than this fraction of the inputs they should have. */
export const MIN_INPUT_RATIO = 0.95;

export interface LoadPart {
  /** Bots this process was given, playing at the end (connected and seated), and failed to connect or join. */
  readonly requested: number;
  readonly connected: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  /** Bots that joined but were not playing at the end (their server gone, or their seat), by why. */
  readonly lost: number;
  readonly losses: Record<string, number>;
  readonly decodeErrors: number;
  readonly disconnects: number;
  readonly protocolViolations: number;
  /** Input-ack round trips and times between snapshot arrivals, in ms. */
  readonly rtt: WeightedSample;
  readonly snapshotIntervals: WeightedSample;
  /** Bots that predict (full bots), and the sums over them of their correction rate and corrections per minute. */
  readonly predicting: number;
  readonly correctionRateSum: number;
  readonly correctionsPerMinSum: number;
  /** Over the measured window, summed over the bots connected at its end. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly inputsSent: number;
  readonly snapshots: number;
  /** Inputs those bots should have sent over the window (their input rate times its length). */
  readonly inputsDue: number;
  readonly durationSec: number;
  /** This process's CPU time over the window, as a percentage of one core; null when it never reported. */
  readonly cpuPercent: number | null;
}

/** One bots process: how busy it was, and its own figures (the run's are pooled from every process's samples). */
export interface GeneratorPart {
  readonly bots: number;
  readonly connected: number;
  readonly rttMs: Percentiles;
  readonly snapshotIntervalMs: Percentiles;
  readonly cpuPercent: number | null;
  /** Inputs sent over inputs due (1 when no bot was connected). */
  readonly inputRatio: number;
  readonly saturated: boolean;
}

/** The bots processes themselves: a saturated one cannot load the server as asked. */
export interface GeneratorReport {
  readonly processes: number;
  readonly saturated: boolean;
  /** Why, in words, when saturated. */
  readonly warning: string | null;
  readonly parts: readonly GeneratorPart[];
}

export interface LoadReport {
  readonly options: LoadOptions;
  readonly requested: number;
  /** Bots playing at the end: connected and seated. */
  readonly connected: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  /** Bots that joined, then lost their server or seat and were not back by the end. */
  readonly lost: number;
  readonly losses: Record<string, number>;
  readonly decodeErrors: number;
  readonly disconnects: number;
  readonly protocolViolations: number;
  readonly rttMs: Percentiles;
  /** Standard deviation of the time between snapshot arrivals. */
  readonly snapshotJitterMs: number;
  readonly snapshotIntervalMs: Percentiles;
  /** Mean over predicting bots of the fraction of predicted ticks that needed a correction. */
  readonly correctionRate: number;
  readonly correctionsPerMin: number;
  /** Per bot. */
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  /** Inputs sent per connected bot per second, and what they should have sent. */
  readonly inputsPerSec: number;
  readonly inputsDuePerSec: number;
  /** Snapshots received per connected bot per second (the server's snapshot rate when it keeps up). */
  readonly snapshotsPerSec: number;
  readonly durationSec: number;
  readonly generator: GeneratorReport;
}

/** The part of a bots process that ended without results: all its bots count as failed, for `reason`. */
export function failedPart(requested: number, reason: string): LoadPart {
  return {
    requested,
    connected: 0,
    failed: requested,
    failures: requested > 0 ? { [reason]: requested } : {},
    lost: 0,
    losses: {},
    decodeErrors: 0,
    disconnects: 0,
    protocolViolations: 0,
    rtt: { values: [], weight: 1 },
    snapshotIntervals: { values: [], weight: 1 },
    predicting: 0,
    correctionRateSum: 0,
    correctionsPerMinSum: 0,
    bytesIn: 0,
    bytesOut: 0,
    inputsSent: 0,
    snapshots: 0,
    inputsDue: 0,
    durationSec: 0,
    cpuPercent: null,
  };
}

export function generatorPart(part: LoadPart): GeneratorPart {
  const inputRatio = part.inputsDue > 0 ? part.inputsSent / part.inputsDue : 1;
  const cpuSaturated = part.cpuPercent !== null && part.cpuPercent >= SATURATED_CPU_PERCENT;
  return {
    bots: part.requested,
    connected: part.connected,
    rttMs: pooledPercentiles([part.rtt]),
    snapshotIntervalMs: pooledPercentiles([part.snapshotIntervals]),
    cpuPercent: part.cpuPercent,
    inputRatio,
    saturated: part.connected > 0 && (cpuSaturated || inputRatio < MIN_INPUT_RATIO),
  };
}

/** One report from the parts of every bots process. */
export function mergeParts(options: LoadOptions, parts: readonly LoadPart[]): LoadReport {
  const sum = (f: (p: LoadPart) => number) => parts.reduce((n, p) => n + f(p), 0);
  const measured = parts.filter((p) => p.connected > 0);
  // Per-bot rates are over bot-seconds, so processes whose windows differ slightly weigh right.
  const botSeconds = measured.reduce((n, p) => n + p.connected * p.durationSec, 0);
  const perBotSecond = (f: (p: LoadPart) => number) => (botSeconds > 0 ? sum(f) / botSeconds : 0);
  const predicting = sum((p) => p.predicting);
  const generatorParts = parts.map(generatorPart);
  const saturated = generatorParts.filter((g) => g.saturated);
  return {
    options,
    requested: sum((p) => p.requested),
    connected: sum((p) => p.connected),
    failed: sum((p) => p.failed),
    failures: countsByReason(parts.map((p) => p.failures)),
    lost: sum((p) => p.lost),
    losses: countsByReason(parts.map((p) => p.losses)),
    decodeErrors: sum((p) => p.decodeErrors),
    disconnects: sum((p) => p.disconnects),
    protocolViolations: sum((p) => p.protocolViolations),
    rttMs: pooledPercentiles(parts.map((p) => p.rtt)),
    snapshotJitterMs: pooledStddev(parts.map((p) => p.snapshotIntervals)),
    snapshotIntervalMs: pooledPercentiles(parts.map((p) => p.snapshotIntervals)),
    correctionRate: predicting > 0 ? sum((p) => p.correctionRateSum) / predicting : 0,
    correctionsPerMin: predicting > 0 ? sum((p) => p.correctionsPerMinSum) / predicting : 0,
    bytesInPerSec: perBotSecond((p) => p.bytesIn),
    bytesOutPerSec: perBotSecond((p) => p.bytesOut),
    inputsPerSec: perBotSecond((p) => p.inputsSent),
    inputsDuePerSec: perBotSecond((p) => p.inputsDue),
    snapshotsPerSec: perBotSecond((p) => p.snapshots),
    durationSec: measured.length > 0 ? Math.max(...measured.map((p) => p.durationSec)) : 0,
    generator: {
      processes: parts.length,
      saturated: saturated.length > 0,
      warning: saturated.length > 0 ? saturationWarning(generatorParts) : null,
      parts: generatorParts,
    },
  };
}

/** Counts by reason of several parts, added up. */
function countsByReason(all: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of all) for (const [reason, n] of Object.entries(counts)) total[reason] = (total[reason] ?? 0) + n;
  return total;
}

function saturationWarning(parts: readonly GeneratorPart[]): string {
  const saturated = parts.filter((g) => g.saturated);
  const details = saturated
    .map((g) => `${g.cpuPercent === null ? '?' : g.cpuPercent.toFixed(0)} % CPU, ${(g.inputRatio * 100).toFixed(0)} % of inputs sent`)
    .join('; ');
  const which = parts.length === 1 ? 'the bots process was' : `${saturated.length} of ${parts.length} bots processes were`;
  return (
    `${which} saturated (${details}): these figures measure the bots, not the server. ` +
    'Run fewer bots per process (--workers N) or give the bots more CPU.'
  );
}
