// `npm run bots -- --workers N` against a real server: the bots spread over worker processes, one
// merged summary counts every bot of every worker with percentiles pooled from their samples, a worker
// killed with -9 is reported as failed bots (the run still ends), and SIGINT stops every worker.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allProcs, isRunning } from '../../server/test-support/process-tree.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { startBotsCli, type BotsCliRun } from './bots-cli-process.js';
import type { LoadReport } from './load-results.js';
import { planSlots, type LoadOptions } from './load-run.js';
import { partitionSlots } from './worker-pool.js';

// A CLI run here takes 4-12 s (tsx start-up of the parent and two workers, ramp, measurement): the
// bound is 5x that.
const RUN_TIMEOUT_MS = 60_000;

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

/** The bots CLI against the test server, as a real process (killed with its workers if it outlives RUN_TIMEOUT_MS). */
function startCli(args: readonly string[]): BotsCliRun {
  return startBotsCli(['--url', ts.url, ...args], RUN_TIMEOUT_MS);
}

/** The worker processes of the CLI (node children: tsx may run an esbuild service beside them). */
function childrenOf(pid: number): number[] {
  return allProcs()
    .filter((p) => p.ppid === pid && p.state !== 'Z' && p.comm === 'node')
    .map((p) => p.pid);
}

function jsonFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'bots-workers-')), 'bots.json');
}

describe('partitionSlots', () => {
  const options = { rooms: 3, botsPerRoom: 4, bots: null } as unknown as LoadOptions;

  it('keeps each room in one worker and deals rooms in turn', () => {
    const shares = partitionSlots(planSlots(options), 2);
    expect(shares.map((s) => s.map((slot) => slot.room))).toEqual([
      [0, 0, 0, 0, 2, 2, 2, 2],
      [1, 1, 1, 1],
    ]);
    // Every bot exactly once, its leader first in its room.
    expect(shares.flat().map((s) => s.index).sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    expect(shares[1]![0]!.leader).toBe(true);
  });

  it('never makes more workers than rooms or quick-play bots', () => {
    expect(partitionSlots(planSlots(options), 8)).toHaveLength(3);
    const quick = partitionSlots(planSlots({ rooms: null, botsPerRoom: null, bots: 5 } as unknown as LoadOptions), 2);
    expect(quick.map((s) => s.map((slot) => slot.index))).toEqual([
      [0, 2, 4],
      [1, 3],
    ]);
  });
});

describe('npm run bots -- --workers 2', () => {
  it('one summary counts every bot of both workers, percentiles pooled from their samples', async () => {
    const file = jsonFile();
    const run = startCli(['--workers', '2', '--bots', '6', '--duration', '2', '--light', '--behaviour', 'wander', '--json', file]);
    const { code, stdout, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('input-ack RTT');
    expect(stdout).toContain('bots processes (2)');
    expect(stderr).toMatch(/connected 6 failed 0/); // merged progress lines
    const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
    expect(report.requested).toBe(6);
    expect(report.connected).toBe(6);
    expect(report.failed).toBe(0);
    expect(report.decodeErrors).toBe(0);
    expect(report.protocolViolations).toBe(0);
    const parts = report.generator.parts;
    expect(report.generator.processes).toBe(2);
    expect(parts.map((p) => p.connected)).toEqual([3, 3]);
    // Pooled from both workers' samples: every sample counted, the extremes those of the samples.
    for (const key of ['rttMs', 'snapshotIntervalMs'] as const) {
      expect(parts[0]![key].count).toBeGreaterThan(0);
      expect(parts[1]![key].count).toBeGreaterThan(0);
      expect(report[key].count).toBe(parts[0]![key].count + parts[1]![key].count);
      expect(report[key].max).toBe(Math.max(parts[0]![key].max, parts[1]![key].max));
      expect(report[key].p50).toBeGreaterThanOrEqual(Math.min(parts[0]![key].p50, parts[1]![key].p50));
      expect(report[key].p50).toBeLessThanOrEqual(Math.max(parts[0]![key].p50, parts[1]![key].p50));
    }
    expect(report.inputsPerSec).toBeGreaterThan(0);
    expect(report.inputsDuePerSec).toBeCloseTo(30, 6);
  });

  it('a worker killed with -9 counts as failed bots, and the run still ends with the other worker', async () => {
    const file = jsonFile();
    // The kill comes 1-2 s after the bots connect (progress lines are a second apart): the 10 s the
    // workers measure leave a wide margin before the killed one could have finished.
    const run = startCli(['--workers', '2', '--bots', '4', '--duration', '10', '--light', '--behaviour', 'idle', '--json', file]);
    await run.waitForLine(/connected 4 failed 0/);
    const workers = childrenOf(run.pid);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    const { code, stderr } = await run.done;
    expect(code).toBe(1); // 2 of 4 bots failed: above the default failure rate
    expect(stderr).toContain('FAILED: 2 of 4 bots failed');
    const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
    expect(report.requested).toBe(4);
    expect(report.connected).toBe(2);
    expect(report.failed).toBe(2);
    expect(report.failures).toEqual({ 'bots worker exited (SIGKILL)': 2 });
    expect(report.generator.parts.map((p) => p.connected).sort()).toEqual([0, 2]);
    expect(report.generator.parts.filter((p) => p.cpuPercent === null)).toHaveLength(1);
  });

  it('SIGINT stops every worker', async () => {
    const run = startCli(['--workers', '2', '--bots', '4', '--duration', '60', '--light', '--behaviour', 'idle']);
    await run.waitForLine(/connected 4/);
    const workers = childrenOf(run.pid);
    expect(workers).toHaveLength(2);
    process.kill(run.pid, 'SIGINT');
    const { code } = await run.done;
    expect(code).toBe(130);
    expect(workers.filter(isRunning)).toEqual([]);
  });
});
