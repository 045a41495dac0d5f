// `npm run bench -- --quick` end to end: every benchmark runs and writes a well-formed report. The
// figures of a quick run on a shared test machine are not asserted, only that they are there.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// A quick run took 2 min idle and up to 2.7 min on a loaded 2-core machine before the cluster part, which adds
// 30-45 s (1.8-1.9 min in all here, at load averages 1 to 4; say 1.2 min for it when loaded): 3x 3.9 min before calling it hung.
// The peers part adds 25-40 s (37 s at load average 6.8): 3x 40 s more.
const BENCH_MS = 820_000;

it('runs every benchmark in quick mode and writes JSON, Markdown and SVG reports', async () => {
  const out = mkdtempSync(join(tmpdir(), 'bench-'));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'sim/bench/run.ts', '--quick', '--out', out], {
    timeout: BENCH_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  for (const name of ['codec', 'netcode', 'recording', 'capacity', 'cluster', 'peers']) {
    expect(existsSync(join(out, `${name}.md`)), `${name}.md`).toBe(true);
    expect(() => JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8')), `${name}.json`).not.toThrow();
  }
  const capacity = JSON.parse(readFileSync(join(out, 'capacity.json'), 'utf8')) as {
    results: { mode: string; ccu: number; connected: number; tickP99Ms: number; cpuPercent: number; bytesOutPerClientPerSec: number }[];
  };
  expect(new Set(capacity.results.map((r) => r.mode))).toEqual(new Set(['ours', 'naive']));
  for (const r of capacity.results) {
    expect(r.connected).toBeGreaterThan(0);
    expect(Number.isFinite(r.tickP99Ms) && Number.isFinite(r.cpuPercent)).toBe(true);
    expect(r.bytesOutPerClientPerSec).toBeGreaterThan(0);
  }
  for (const svg of ['capacity-tick.svg', 'capacity-bandwidth.svg', 'capacity-cpu.svg', 'netcode.svg', 'recording-cpu.svg', 'cluster-join-latency.svg', 'cluster-cpu.svg', 'peers-cpu.svg', 'peers-rss.svg']) {
    expect(readFileSync(join(out, svg), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  }
  const recording = JSON.parse(readFileSync(join(out, 'recording.json'), 'utf8')) as { kbPerPlayerHour: number; instrumentedShare: number; recorderCpuShareRange: number[] };
  expect(recording.kbPerPlayerHour).toBeGreaterThan(0);
  expect(recording.instrumentedShare).toBeGreaterThan(0);
  expect(recording.recorderCpuShareRange).toHaveLength(2);
  const cluster = JSON.parse(readFileSync(join(out, 'cluster.json'), 'utf8')) as {
    joins: { config: string; joins: number; latencyMs: { p99: number }; joinRoundTripsPerJoin: number; redisCommandsPerJoin: number | null }[];
    cpuRuns: { mode: string; players: number; nodeCpuMsPerPlayerSec: number }[];
  };
  expect(cluster.joins.map((j) => j.config)).toEqual(['cluster-1', 'cluster-3']);
  for (const j of cluster.joins) {
    expect(j.joins).toBeGreaterThan(0);
    expect(j.latencyMs.p99).toBeGreaterThan(0);
    // Every join places and redeems a seat through Redis: at least those two round trips and some commands.
    expect(j.joinRoundTripsPerJoin).toBeGreaterThanOrEqual(2);
    expect(j.redisCommandsPerJoin).toBeGreaterThan(0);
  }
  expect(new Set(cluster.cpuRuns.map((r) => r.mode))).toEqual(new Set(['single', 'cluster']));
  for (const r of cluster.cpuRuns) expect(r.players > 0 && r.nodeCpuMsPerPlayerSec > 0).toBe(true);
  // Every server of the peers part ran, each with its load generator's own CPU and inputs, and every step is
  // either a result (medians) or flagged as measuring a saturated load generator.
  const peers = JSON.parse(readFileSync(join(out, 'peers.json'), 'utf8')) as {
    loadAverageAtStart: number[];
    runs: { server: string; connected: number; cpuPercent: number; rssMb: number; heapUsedMb: number; heapUsedLowMb: number; heapCommittedMb: number; loadCpuPercent: number; inputRatio: number; saturated: boolean }[];
    summary: { server: string; players: number; cleanRuns: number; medians: Record<string, number> | null; saturatedRuns: unknown[] }[];
  };
  expect(peers.loadAverageAtStart).toHaveLength(3);
  expect(new Set(peers.runs.map((r) => r.server))).toEqual(new Set(['ours', 'ours15', 'oursHalf', 'naive', 'colyseus', 'sioFloor', 'floor']));
  for (const r of peers.runs) {
    expect(r.connected, r.server).toBeGreaterThan(0);
    expect(r.cpuPercent > 0 && r.rssMb > 0 && r.heapUsedMb > 0 && r.heapCommittedMb >= r.heapUsedMb, r.server).toBe(true);
    expect(r.heapUsedLowMb > 0 && r.heapUsedLowMb <= r.heapUsedMb, r.server).toBe(true);
    expect(r.loadCpuPercent > 0 && r.inputRatio > 0, r.server).toBe(true);
  }
  for (const s of peers.summary) expect(s.medians === null ? s.saturatedRuns.length > 0 : s.cleanRuns > 0).toBe(true);
  const index = readFileSync(join(out, 'README.md'), 'utf8');
  expect(index).toContain('capacity');
  expect(index).toContain('[cluster](cluster.md)');
  expect(index).toContain('[peers](peers.md)');
}, BENCH_MS + 30_000);
