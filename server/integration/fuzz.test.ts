// The structure-aware fuzzer (sim/fuzz) against a real server, for a bounded number of frames over real
// WebSocket and long-polling connections: no crash, no INTERNAL reply, no error logged, every answer
// well-formed, every packet the parser rejects gets its connection closed, and well-behaved bots in
// the same server decode every snapshot and keep receiving them. `npm run fuzz` runs the same for longer.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { runFuzz, type FuzzTarget } from '../../sim/fuzz/fuzz-run.js';
import type { FuzzFailure } from '../../sim/fuzz/fuzz-stats.js';
import { formatSummary } from '../../sim/fuzz/fuzz-stats.js';
import { createLogger, type Logger } from '../logger.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const FRAMES = 6000;
const SEED = 20261125;

let ts: TestServer;
const problems: FuzzFailure[] = [];
const onUncaught = (err: unknown) => problems.push({ kind: 'crash', message: `uncaught: ${String(err)}` });

/** Logs as the test server would (silent unless TEST_LOG_LEVEL), and keeps every error line as a failure. */
function errorRecordingLogger(base: Logger, fields: Record<string, unknown> = {}): Logger {
  return {
    debug: (msg, f) => base.debug(msg, f),
    info: (msg, f) => base.info(msg, f),
    warn: (msg, f) => base.warn(msg, f),
    error: (msg, f) => {
      problems.push({ kind: 'error-log', message: `${msg} ${JSON.stringify({ ...fields, ...f })}`.slice(0, 500) });
      base.error(msg, f);
    },
    child: (more) => errorRecordingLogger(base.child(more), { ...fields, ...more }),
  };
}

beforeAll(async () => {
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  const base = createLogger((process.env.TEST_LOG_LEVEL as 'debug' | undefined) ?? 'silent');
  // Short graces so seats and rooms of closed fuzzing connections free up during the run.
  ts = await startTestServer({ reconnectGraceMs: 2000, emptyRoomGraceMs: 2000 }, { logger: errorRecordingLogger(base) });
});

afterAll(async () => {
  await ts.close();
  process.off('uncaughtException', onUncaught);
  process.off('unhandledRejection', onUncaught);
});

it(`survives ${FRAMES} mutated frames over WebSocket and long-polling`, async () => {
  const target: FuzzTarget = { port: ts.port, newProblems: () => problems.splice(0) };
  const report = await runFuzz({
    target,
    frames: FRAMES,
    seed: SEED,
    transports: ['websocket', 'polling'],
    connectionsPerTransport: 6,
    maxFramesPerConnection: 40,
    timing: { replyTimeoutMs: 5000, closeTimeoutMs: 5000, quietMs: 5 },
    botStallMs: 15_000, // as npm run fuzz: long-polling gaps of 4-5 s were measured on a loaded machine
    progressEveryMs: 60_000,
  });
  const summary = formatSummary(report);
  expect(report.stats.failures, summary).toEqual([]);
  expect(report.stats.frames).toBeGreaterThanOrEqual(FRAMES);
  expect(report.stats.framesByTransport.websocket).toBeGreaterThan(FRAMES / 4);
  expect(report.stats.framesByTransport.polling).toBeGreaterThan(FRAMES / 4);
  // The mutations reach the handlers, not only the parser: requests are answered, some of them ok.
  expect(report.stats.replies.ok ?? 0).toBeGreaterThan(0);
  expect(report.stats.replies.BAD_REQUEST ?? 0).toBeGreaterThan(0);
  expect(report.stats.framesRejected).toBeGreaterThan(0);
  for (const bot of report.bots) {
    expect(bot.decodeErrors).toBe(0);
    expect(bot.snapshots).toBeGreaterThan(0);
  }
}, 60_000);
