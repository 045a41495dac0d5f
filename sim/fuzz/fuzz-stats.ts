// What a fuzz run counts and finds, and how it is printed: the progress line, the summary and the
// verdict.

import type { RawTransport } from '../../server/test-support/raw-socket.js';

export type FailureKind =
  /** The server process died (or threw an uncaught exception, in-process). */
  | 'crash'
  /** A request was answered with error code INTERNAL. */
  | 'internal'
  /** The server logged at level error. */
  | 'error-log'
  /** A reply, event or frame from the server that is not what the protocol says. */
  | 'bad-server-output'
  /** A request the server accepted got no answer while its connection stayed open. */
  | 'unanswered'
  /** A packet our parser rejects left its connection open. */
  | 'kept-open'
  /** The well-behaved bot saw a decode error, lost its connection or stopped receiving snapshots. */
  | 'bot'
  /** GET /healthz did not answer 200. */
  | 'health';

export interface FuzzFailure {
  readonly kind: FailureKind;
  readonly message: string;
  /** The fuzzing connection's session seed and transport (`npm run fuzz -- --session SEED --transport T` replays it). */
  readonly session?: { readonly seed: number; readonly transport: RawTransport };
  /** The frame that drew the failure: its label and bytes (hex) or text. */
  readonly frame?: { readonly index: number; readonly label: string; readonly wire: string };
}

type Counts = Record<string, number>;

export interface FuzzStats {
  /** Told each failure as it is recorded (long runs show them at once). */
  onFailure?: (failure: FuzzFailure) => void;
  frames: number;
  framesByTransport: Record<RawTransport, number>;
  framesByTier: Counts;
  framesByKind: Counts;
  /** Frames our parser rejects (so the server must close their connection). */
  framesRejected: number;
  sessions: number;
  /** Why each session ended. */
  sessionEnds: Counts;
  /** Answers to requests: "ok" or the error code. */
  replies: Counts;
  notices: Counts;
  connectErrors: Counts;
  /** Server events received, by name (snapshots included). */
  events: Counts;
  /** Total failures (only the first few are kept in `failures`). */
  failureCount: number;
  failures: FuzzFailure[];
}

export const KEPT_FAILURES = 20;

export function createStats(): FuzzStats {
  return {
    frames: 0,
    framesByTransport: { websocket: 0, polling: 0 },
    framesByTier: {},
    framesByKind: {},
    framesRejected: 0,
    sessions: 0,
    sessionEnds: {},
    replies: {},
    notices: {},
    connectErrors: {},
    events: {},
    failureCount: 0,
    failures: [],
  };
}

export function count(counts: Counts, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function recordFailure(stats: FuzzStats, failure: FuzzFailure): void {
  stats.failureCount++;
  if (stats.failures.length < KEPT_FAILURES) stats.failures.push(failure);
  stats.onFailure?.(failure);
}

/** A failure as report lines: what happened, the connection and frame, the frame's bytes. */
export function formatFailure(failure: FuzzFailure): string {
  const { session, frame } = failure;
  const where = session ? ` [session ${session.seed} over ${session.transport}${frame ? `, frame ${frame.index}: ${frame.label}` : ''}]` : '';
  return `FAILURE ${failure.kind}: ${failure.message}${where}${frame ? `\n  wire: ${frame.wire}` : ''}`;
}

/** "a 3, b 2" largest first, at most `limit` entries. */
export function formatCounts(counts: Counts, limit = 12): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const shown = entries.slice(0, limit).map(([key, n]) => `${key} ${n.toLocaleString('en-US')}`);
  if (entries.length > limit) shown.push(`+${entries.length - limit} more`);
  return shown.length === 0 ? '-' : shown.join(', ');
}

export interface BotSummary {
  readonly transport: RawTransport;
  readonly snapshots: number;
  readonly decodeErrors: number;
  readonly connected: boolean;
  /** Longest time between two snapshots. */
  readonly longestGapMs: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly transports: readonly RawTransport[];
  readonly targetFrames: number;
  readonly elapsedMs: number;
  readonly stats: FuzzStats;
  readonly bots: readonly BotSummary[];
  readonly healthChecks: number;
}

const n = (value: number): string => value.toLocaleString('en-US');

export function formatProgress(stats: FuzzStats, targetFrames: number, elapsedMs: number, bots: readonly BotSummary[]): string {
  const rate = stats.frames / Math.max(0.001, elapsedMs / 1000);
  const internal = stats.replies.INTERNAL ?? 0;
  const botText = bots.map((b) => `${b.transport} ${n(b.snapshots)} snapshots/${b.decodeErrors} decode errors`).join(', ');
  return (
    `fuzz ${n(stats.frames)}/${n(targetFrames)} frames (${Math.round((100 * stats.frames) / Math.max(1, targetFrames))}%) ` +
    `${n(Math.round(rate))}/s, ${n(stats.sessions)} connections, INTERNAL ${internal}, failures ${stats.failureCount}; bots: ${botText}`
  );
}

export function isPass(report: FuzzReport): boolean {
  return report.stats.failureCount === 0 && report.stats.frames >= report.targetFrames;
}

export function formatSummary(report: FuzzReport): string {
  const { stats } = report;
  const seconds = report.elapsedMs / 1000;
  const lines = [
    `seed ${report.seed}, transports ${report.transports.join('+')}, ${seconds.toFixed(1)} s`,
    `frames: ${n(stats.frames)} (${n(Math.round(stats.frames / Math.max(0.001, seconds)))}/s); ` +
      `by transport: ${formatCounts(stats.framesByTransport)}; rejected by the parser: ${n(stats.framesRejected)}`,
    `frames by mutation: ${formatCounts(stats.framesByTier)}`,
    `frames by event: ${formatCounts(stats.framesByKind, 16)}`,
    `connections: ${n(stats.sessions)}; ended by: ${formatCounts(stats.sessionEnds)}`,
    `replies: ${formatCounts(stats.replies, 20)}`,
    `notices: ${formatCounts(stats.notices)}; connect errors: ${formatCounts(stats.connectErrors)}`,
    `server events: ${formatCounts(stats.events)}`,
    `bots: ${report.bots
      .map((b) => `${b.transport}: ${n(b.snapshots)} snapshots (longest gap ${n(Math.round(b.longestGapMs))} ms), ${b.decodeErrors} decode errors, ${b.connected ? 'connected' : 'DISCONNECTED'}`)
      .join('; ')}`,
    `health checks: ${report.healthChecks}`,
  ];
  for (const failure of stats.failures) lines.push(formatFailure(failure));
  if (stats.failureCount > stats.failures.length) lines.push(`... and ${stats.failureCount - stats.failures.length} more failures`);
  return lines.join('\n');
}

export function formatVerdict(report: FuzzReport): string {
  const { stats } = report;
  const internal = stats.replies.INTERNAL ?? 0;
  const crashes = stats.failures.filter((f) => f.kind === 'crash').length;
  const decodeErrors = report.bots.reduce((sum, b) => sum + b.decodeErrors, 0);
  const figures =
    `${n(stats.frames)} frames, ${crashes} crashes, ${internal} INTERNAL replies, ${decodeErrors} bot decode errors, ` +
    `${stats.failureCount} failures (seed ${report.seed})`;
  if (isPass(report)) return `FUZZ PASS: ${figures}`;
  const short = stats.frames < report.targetFrames ? `, stopped short of ${n(report.targetFrames)} frames` : '';
  return `FUZZ FAIL: ${figures}${short}`;
}
