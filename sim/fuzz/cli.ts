// `npm run fuzz -- --frames N [--seed S] [--transport websocket|polling|both]`
// Starts the game server as its own process and fuzzes it (see docs/FUZZING.md); prints a progress line
// every few seconds, then a summary and a verdict line. Exit code 1 on any failure, 2 on bad arguments.

import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { RawTransport } from '../../server/test-support/raw-socket.js';
import { parsePrometheus, type PromSamples } from '../bench/prometheus-text.js';
import { replaySession, runFuzz } from './fuzz-run.js';
import type { SessionTiming } from './fuzz-session.js';
import { formatCounts, formatFailure, formatSummary, formatVerdict, isPass } from './fuzz-stats.js';
import { spawnServer } from './server-process.js';

const HELP = `usage: npm run fuzz -- [options]
  --frames N              frames to send (default 100000)
  --seed S                seed of every choice the fuzzer makes (default: random, printed)
  --transport T           websocket | polling | both (default both)
  --connections N         fuzzing connections open at once, per transport (default 12)
  --max-frames N          most frames one connection sends before reconnecting (default 100)
  --session SEED          replay one connection's frames (a seed from a FAILURE line), telling every step;
                          needs --transport websocket or polling (and the run's --max-frames, if not default)`;

const TIMING: SessionTiming = { replyTimeoutMs: 5000, closeTimeoutMs: 5000, quietMs: 5 };
/** The server runs with short graces so the seats and rooms of closed fuzzing connections free up. */
const SERVER_ENV = { RECONNECT_GRACE_MS: '2000', EMPTY_ROOM_GRACE_MS: '2000' };
const PROGRESS_EVERY_MS = 5000;
/**
 * Long-polling players get a snapshot per GET round trip (snapshots are volatile): with the server busy
 * answering fuzz traffic and the machine loaded, 4-5 s gaps were measured, against under 1 s on WebSocket.
 */
const BOT_STALL_MS = 15_000;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

class UsageError extends Error {}

function transportsOf(value: string): RawTransport[] {
  if (value === 'both') return ['websocket', 'polling'];
  if (value === 'websocket' || value === 'polling') return [value];
  throw new UsageError(`--transport must be websocket, polling or both, got "${value}"`);
}

/** The server's own view of the run, from /metrics. */
async function serverView(port: number): Promise<string> {
  let samples: PromSamples;
  try {
    samples = parsePrometheus(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
  } catch (err) {
    return `server metrics unavailable: ${String(err)}`;
  }
  const by = (name: string, label: string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const s of samples) if (s.name === name) counts[s.labels[label] ?? '-'] = (counts[s.labels[label] ?? '-'] ?? 0) + s.value;
    return counts;
  };
  return [
    `server: packets rejected ${formatCounts(by('game_packets_rejected_total', 'none'))}; ` +
      `cut off for abuse: ${formatCounts(by('game_abuse_disconnects_total', 'reason'))}`,
    `server: inputs rejected: ${formatCounts(by('game_inputs_rejected_total', 'reason'))}; ` +
      `inputs applied ${formatCounts(by('game_inputs_applied_total', 'none'))}`,
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      frames: { type: 'string' },
      seed: { type: 'string' },
      transport: { type: 'string', default: 'both' },
      connections: { type: 'string' },
      'max-frames': { type: 'string' },
      session: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const transports = transportsOf(values.transport);
  const maxFramesPerConnection = positiveInt(values['max-frames'], 'max-frames', 100);
  const server = await spawnServer(SERVER_ENV);
  try {
    if (values.session !== undefined) {
      if (transports.length !== 1) throw new UsageError('--session needs --transport websocket or --transport polling');
      const sessionSeed = Number(values.session);
      if (!Number.isSafeInteger(sessionSeed)) throw new UsageError(`--session must be an integer seed, got "${values.session}"`);
      const stats = await replaySession({
        port: server.port,
        sessionSeed,
        transport: transports[0]!,
        maxFramesPerConnection,
        timing: TIMING,
        trace: (line) => console.log(line),
      });
      for (const problem of server.newProblems()) console.log(`FAILURE ${problem.kind}: ${problem.message}`);
      return stats.failureCount === 0 ? 0 : 1;
    }
    const frames = positiveInt(values.frames, 'frames', 100_000);
    const seed = values.seed === undefined ? randomInt(0, 2 ** 31) : Number(values.seed);
    if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got "${values.seed}"`);
    console.error(`fuzzing the server (pid ${server.pid}, port ${server.port}) with ${frames} frames, seed ${seed}, over ${transports.join(' and ')}`);
    const report = await runFuzz({
      target: server,
      frames,
      seed,
      transports,
      connectionsPerTransport: positiveInt(values.connections, 'connections', 12),
      maxFramesPerConnection,
      timing: TIMING,
      botStallMs: BOT_STALL_MS,
      progressEveryMs: PROGRESS_EVERY_MS,
      onProgress: (line) => console.error(line),
      onFailure: (failure) => console.error(formatFailure(failure)),
    });
    console.log(formatSummary(report));
    console.log(await serverView(server.port));
    console.log(formatVerdict(report));
    return isPass(report) ? 0 : 1;
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError ? `${err.message}\n${HELP}` : err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
