// `npm run soak` end to end, short: the real server and the bots as separate processes, a small
// population churning for ~20 s. Asserts the report is complete and well formed, the churn really
// happened, nothing was decoded wrong and the server lived through it. The drift figures of so short a
// run on a shared machine are not asserted (warm-up dominates them), only that they were measured.
// Interrupted, the soak still tears everything down and writes its report.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { allProcs } from '../../server/test-support/process-tree.js';
import type { SoakReport } from './soak-report.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'soak-test-'));
  dirs.push(dir);
  return dir;
}

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Processes of the CLI's process group (the server and the bots it spawned) still running after it exited. */
  readonly leftBehind: number;
}

/**
 * Runs the CLI in its own process group to its end (bounded by `timeoutMs`: then the whole group is
 * killed); `onStderr` sees the output as it comes and may act on the process.
 */
function runCli(args: string[], timeoutMs: number, onStderr?: (all: string, pid: number) => void): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/soak/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = child.pid!;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    onStderr?.(stderr, pid);
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      const leftBehind = allProcs().filter((p) => p.pgrp === pid && p.state !== 'Z');
      for (const p of leftBehind) process.kill(p.pid, 'SIGKILL');
      resolve({ code, stdout, stderr, leftBehind: leftBehind.length });
    });
  });
}

it('soaks a spawned server with churning bots and writes a complete report', async () => {
  const out = outDir();
  // 0.35 minutes of play; the whole command took ~30 s here on a loaded machine (start-up and teardown included).
  const run = await runCli(['--minutes', '0.35', '--bots', '36', '--churn', '0.1', '--sample', '1', '--out', out], 150_000);
  // 0: every goal met, 1: a goal missed (RSS drift over 20 s is mostly warm-up); 2 would be a crash.
  expect([0, 1], run.stderr.slice(-3000)).toContain(run.code);
  expect(run.leftBehind).toBe(0);
  const report = JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as SoakReport;
  expect(report.passed).toBe(run.code === 0);
  expect(report.interrupted).toBe(false);
  expect(run.stdout).toContain(report.passed ? 'Soak: PASS' : 'Soak: FAIL');

  // The churn happened, through the server's real request paths.
  const c = report.counters!;
  expect(c.started).toBeGreaterThanOrEqual(36);
  expect(c.joins).toBeGreaterThan(36);
  expect(c.leaves).toBeGreaterThan(0);
  expect(c.reconnects).toBeGreaterThan(0);
  expect(c.replaced).toBeGreaterThan(0);
  expect(c.privateRoomsCreated).toBeGreaterThan(0);
  expect(c.codeJoins).toBeGreaterThan(0);
  expect(c.decodeErrors).toBe(0);
  expect(c.protocolViolations).toBe(0);
  expect(c.failures).toEqual({});
  expect(c.notices).toEqual({});

  // The server survived, logged no error, shut down cleanly, and recorded the matches.
  expect(report.server).toMatchObject({ survived: true, failure: null, exitCode: 0, scrapeErrors: 0 });
  expect(report.server.logs!.error).toBe(0);
  expect(report.recordings!.files).toBeGreaterThan(0);

  // Readings all along, each with every figure; the comparisons were made.
  expect(report.samples.length).toBeGreaterThanOrEqual(10);
  for (const s of report.samples) {
    for (const v of [s.server.rssBytes, s.server.heapUsedBytes, s.server.heapTotalBytes, s.server.handles, s.server.timers, s.server.fds]) {
      expect(Number.isFinite(v) && v! > 0).toBe(true);
    }
  }
  expect(report.samples.at(-1)!.bots.seated).toBeGreaterThan(30);
  for (const key of ['rss', 'heapUsed', 'handles', 'timers', 'fds'] as const) expect(report.analysis[key]).not.toBeNull();
  // Every socket closed once the bots left: the server is back to its idle handle count (give or take a few).
  expect(report.afterBotsLeft!.connections).toBe(0);
  expect(report.afterBotsLeft!.handles).toBeLessThan(report.baseline!.handles + 5);
  const goals = report.goals.map((g) => g.goal).join('\n');
  for (const goal of ['RSS drift', 'active handles', 'active timers', 'decode errors', 'server survived']) expect(goals).toContain(goal);

  const markdown = readFileSync(join(out, 'soak.md'), 'utf8');
  expect(markdown).toMatch(/\*\*Verdict: (PASS|FAIL)\*\*/);
  expect(markdown).toContain('![server memory over time](soak-memory.svg)');
  for (const svg of ['soak-memory.svg', 'soak-handles.svg']) {
    const text = readFileSync(join(out, svg), 'utf8');
    expect(text).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(text).toContain('<polyline');
  }

  // --report-only judges the saved JSON again and rewrites the same verdict.
  rmSync(join(out, 'soak.md'));
  const again = await runCli(['--report-only', '--out', out], 60_000);
  expect(again.code).toBe(run.code);
  expect(readFileSync(join(out, 'soak.md'), 'utf8')).toBe(markdown);
}, 180_000);

it('stops early on SIGINT, tears the server and the bots down and still writes its report', async () => {
  const out = outDir();
  let sent = false;
  // Interrupted once the bots are playing (the first reading that shows them seated).
  const run = await runCli(['--minutes', '10', '--bots', '10', '--sample', '1', '--out', out], 120_000, (stderr, pid) => {
    if (!sent && /seated [1-9]/.test(stderr)) {
      sent = true;
      process.kill(pid, 'SIGINT');
    }
  });
  expect(sent).toBe(true);
  expect(run.code, run.stderr.slice(-3000)).toBe(130);
  expect(run.leftBehind).toBe(0);
  const report = JSON.parse(readFileSync(join(out, 'soak.json'), 'utf8')) as SoakReport;
  expect(report.interrupted).toBe(true);
  expect(report.passed).toBe(false);
  expect(report.server.exitCode).toBe(0);
  expect(report.goals[0]!.goal).toBe('ran for the whole duration');
}, 150_000);

it('prints its usage with --help', async () => {
  const run = await runCli(['--help'], 60_000);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('--minutes M');
  expect(run.stdout).toContain('--url URL');
});
