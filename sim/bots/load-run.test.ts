// A small load run against a real server: bots connect, play, check what they receive, and report
// figures in sane ranges; the CLI writes its JSON and exits 0.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { TOOL_GAMES } from '../games.js';
import { runLoad } from './load-run.js';

let ts: TestServer;
beforeAll(async () => {
  // Both games of sim/games.ts, the arena first (the default of a request that names none).
  ts = await startTestServer({}, { games: TOOL_GAMES.map((g) => g.rules) });
});
afterAll(async () => {
  await ts.close();
});

it('fills rooms with predicting bots that play and report sane figures', async () => {
  const report = await runLoad({
    url: ts.url,
    rooms: 2,
    botsPerRoom: 6,
    bots: null,
    rampPerSec: 40,
    durationSec: 3,
    game: 'arena',
    behaviour: 'fight',
    latencyMs: 20,
    jitterMs: 5,
    loss: 0.02,
    light: false,
    naive: false,
    seed: 7,
  });
  expect(report.connected).toBe(12);
  expect(report.failed).toBe(0);
  expect(report.decodeErrors).toBe(0);
  expect(report.protocolViolations).toBe(0);
  expect(report.rttMs.count).toBeGreaterThan(100);
  expect(report.rttMs.p50).toBeGreaterThan(40); // at least the injected 2 x 20 ms
  expect(report.rttMs.p50).toBeLessThan(1000);
  expect(report.snapshotIntervalMs.p50).toBeGreaterThan(20);
  expect(report.snapshotIntervalMs.p50).toBeLessThan(60);
  expect(report.bytesInPerSec).toBeGreaterThan(300);
  expect(report.bytesOutPerSec).toBeGreaterThan(300);
  expect(report.correctionRate).toBeGreaterThanOrEqual(0);
  expect(report.correctionRate).toBeLessThan(0.2);
  // Both rooms were used, six players each.
  const rooms = [...ts.server.rooms.all()].map((r) => r.playerCount);
  expect(rooms.sort()).toEqual([6, 6]);
});

it('plays every game of the tools (--game) with its own bot brain, with zero decode errors', async () => {
  for (const { rules } of TOOL_GAMES) {
    const report = await runLoad({
      url: ts.url, rooms: 1, botsPerRoom: 4, bots: null, rampPerSec: 40, durationSec: 2, game: rules.name,
      behaviour: rules.botBehaviours![0]!, latencyMs: 0, jitterMs: 0, loss: 0, light: true, naive: false, seed: 3,
    });
    expect(report.connected, rules.name).toBe(4);
    expect(report.decodeErrors, rules.name).toBe(0);
    expect(report.protocolViolations, rules.name).toBe(0);
    expect(report.snapshotsPerSec, rules.name).toBeGreaterThan(20);
    expect(report.inputsPerSec, rules.name).toBeGreaterThan(20);
  }
});

it('runs from the command line and writes the JSON results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bots-'));
  const file = join(dir, 'bots.json');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'sim/bots/cli.ts', '--url', ts.url, '--bots', '6', '--duration', '2', '--light', '--behaviour', 'wander', '--json', file],
    { timeout: 60_000 },
  );
  expect(stdout).toContain('input-ack RTT');
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of ['connected', 'failed', 'decodeErrors', 'disconnects', 'rttMs', 'snapshotJitterMs', 'correctionRate', 'bytesInPerSec', 'bytesOutPerSec', 'options']) {
    expect(json).toHaveProperty(key);
  }
  expect(json.connected).toBe(6);
  expect(json.decodeErrors).toBe(0);
  expect((json.rttMs as Record<string, number>).p99).toBeGreaterThan(0);
});
