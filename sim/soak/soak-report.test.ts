// The soak verdict on made-up readings: drift is judged on window medians after the warm-up, a slow
// leak of memory or handles fails, noise and warm-up growth do not, and the report names each goal.

import { describe, expect, it } from 'vitest';
import type { ChurnCounters } from './churn-population.js';
import { compareWindows, judge, soakMarkdown, soakPlots } from './soak-report.js';
import type { ServerReading } from './server-sampler.js';
import type { SoakRun, SoakSample } from './soak-run.js';

const MB = 2 ** 20;

function reading(over: Partial<ServerReading> = {}): ServerReading {
  return {
    rssBytes: 150 * MB,
    heapUsedBytes: 40 * MB,
    heapTotalBytes: 60 * MB,
    externalBytes: 4 * MB,
    handles: 504,
    timers: 501,
    fds: 540,
    connections: 500,
    players: 520,
    rooms: 40,
    cpuSeconds: 0,
    inputsApplied: 0,
    eventLoopP99Ms: 12,
    tickP99Ms: 8,
    ...over,
  };
}

const counters: ChurnCounters = {
  bots: 500,
  connected: 500,
  seated: 500,
  started: 600,
  joins: 900,
  leaves: 300,
  reconnects: 250,
  replaced: 100,
  givenUp: 0,
  privateRoomsCreated: 20,
  codeJoins: 40,
  roomsClosed: 0,
  unexpectedDisconnects: 0,
  notices: {},
  failures: {},
  failureCount: 0,
  actions: 1000,
  decodeErrors: 0,
  protocolViolations: 0,
  inputsSent: 1e6,
};

/** 100 readings, one every 10 s; `at(i)` shapes reading i. */
function run(at: (i: number) => Partial<ServerReading>, over: Partial<SoakRun> = {}): SoakRun {
  const samples: SoakSample[] = Array.from({ length: 100 }, (_, i) => ({
    tSec: (i + 1) * 10,
    server: reading(at(i)),
    serverCpuPercent: 50,
    botsCpuPercent: 70,
    inputsPerConnectionPerSec: 30,
    loadAverage: 1.5,
    bots: { bots: 500, connected: 500, seated: 499, joins: 0, leaves: 0, reconnects: 0, replaced: 0, failureCount: 0 },
  }));
  return {
    options: { durationSec: 1000, bots: 500, url: null, sampleSec: 10, warmupSec: null, churnPerSec: 0.02, rampPerSec: 50, behaviour: 'fight', seed: 1 },
    startedAt: '2026-01-01T00:00:00.000Z',
    spawnedServer: true,
    baseline: reading({ handles: 4, timers: 1, connections: 0 }),
    afterBotsLeft: reading({ handles: 4, timers: 1, connections: 0 }),
    samples,
    rampSec: 10,
    warmupSec: 100,
    elapsedSec: 1000,
    interrupted: false,
    counters,
    driverCpuPercent: 1,
    server: { survived: true, failure: null, exitCode: 0, logs: { warn: 0, error: 0, messages: {} }, scrapeErrors: 0 },
    recordings: { files: 10, bytes: 1e6 },
    ...over,
  };
}

const goal = (report: ReturnType<typeof judge>, name: string) => report.goals.find((g) => g.goal.includes(name))!;

describe('soak verdict', () => {
  it('passes a flat run whose memory grew only during the warm-up, with a GC spike in a window', () => {
    const report = judge(
      run((i) => ({
        rssBytes: (i < 10 ? 100 + i * 5 : i === 95 ? 190 : 150) * MB, // warm-up growth, then flat with one spike
        handles: 504 + (i % 3), // reconnects in flight
      })),
    );
    expect(report.analysis.rss!.relative).toBe(0);
    expect(report.goals.filter((g) => !g.pass)).toEqual([]);
    expect(report.passed).toBe(true);
  });

  it('fails a slow memory leak and a slow handle leak, and says which', () => {
    const report = judge(run((i) => ({ rssBytes: (150 + i * 0.2) * MB, handles: 504 + Math.floor(i / 4) })));
    expect(report.analysis.rss!.relative).toBeGreaterThan(0.05);
    expect(goal(report, 'RSS drift').pass).toBe(false);
    expect(goal(report, 'active handles').pass).toBe(false);
    expect(goal(report, 'active timers').pass).toBe(true);
    expect(report.passed).toBe(false);
    expect(soakMarkdown(report)).toContain('**Verdict: FAIL**');
  });

  it('fails on decode errors, failed actions, a dead server, and a run without churn', () => {
    const bad = judge(
      run(() => ({}), {
        counters: { ...counters, decodeErrors: 1, failureCount: 30, failures: { 'hop: TIMEOUT': 30 }, reconnects: 0, notices: { RATE_LIMITED: 1 } },
        server: { survived: false, failure: 'the server process exited with code 1 during the run', exitCode: 1, logs: { warn: 0, error: 2, messages: {} }, scrapeErrors: 0 },
      }),
    );
    for (const name of ['decode errors', 'warnings to the bots', 'bot failures', 'server survived', 'churn happened', 'logged no errors', 'shut down cleanly']) {
      expect(goal(bad, name).pass, name).toBe(false);
    }
  });

  it('compares medians of the first and last 20 % after the warm-up', () => {
    const samples = run((i) => ({ rssBytes: i * MB })).samples;
    // After 100 s: readings 9..99 (91), windows of 18: medians of 9..26 and 82..99.
    expect(compareWindows(samples, 100, (s) => s.server.rssBytes / MB)).toMatchObject({ first: 18, last: 91, samplesPerWindow: 18 });
    expect(compareWindows(samples, 995, (s) => s.server.rssBytes)).toBeNull();
  });

  it('plots memory and counts as standalone SVG', () => {
    const [memory, handles] = soakPlots(judge(run(() => ({}))));
    for (const svg of [memory, handles]) expect(svg).toMatch(/^<svg[\s\S]*<polyline[\s\S]*<\/svg>\s*$/);
    expect(handles).toContain('active timers');
  });
});
