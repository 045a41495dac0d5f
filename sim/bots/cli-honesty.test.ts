// `npm run bots` tells the truth in every case a new user meets: nothing listening (connection refused,
// at once, exit 3), a URL without a scheme, a server killed -9 mid-run (exit 1, the summary counts the
// bots that lost it, also with --workers), bad numbers and misspelled options (exit 2, a message naming
// the option, a did-you-mean), and a progress line whose rates come from counters, true after hours.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/test-support/free-port.js';
import { startServerProcess } from '../../server/test-support/server-process.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { startBotsCli } from './bots-cli-process.js';
import { EXIT, parseBotsArgs, type BotsRun } from './bots-options.js';
import { closestNames } from './did-you-mean.js';
import { failedPart, mergeParts, type LoadReport } from './load-results.js';
import { Reservoir } from './percentiles.js';
import { mergeRates, progressRates, readCounters, type ProgressCounters } from './progress-rates.js';
import { verdict } from './summary.js';

// A CLI that stops at its checks ends 0.6-1 s after the spawn here (tsx start-up), a short run with
// --workers 2 in 4-12 s: every process is killed past a deadline 5x that, so no test can hang.
const SHORT_DEADLINE_MS = 15_000;
const RUN_DEADLINE_MS = 90_000;

/** A loopback URL nobody listens on. */
async function deadUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

describe('no server', () => {
  it('says "connection refused", naming the URL, and exits 3 before starting any bot (also with --workers)', async () => {
    const url = await deadUrl();
    const runs = [startBotsCli(['--url', url, '--bots', '2'], SHORT_DEADLINE_MS), startBotsCli(['--url', url, '--bots', '2', '--workers', '2'], SHORT_DEADLINE_MS)];
    for (const { code, stderr, elapsedMs } of await Promise.all(runs.map((r) => r.done))) {
      expect(code, stderr).toBe(EXIT.unreachable);
      expect(stderr).toContain(`connection refused: nothing listens at ${url}`);
      expect(stderr).not.toContain('started'); // no progress line: no bot was started
      // Well under the bots' own 15 s connection timeout (about a second measured; loose on a loaded machine).
      expect(elapsedMs).toBeLessThan(SHORT_DEADLINE_MS);
    }
  });

  it('a URL without a scheme gets http://, says so in one line, and is what it then connects to', async () => {
    const hostPort = (await deadUrl()).slice('http://'.length);
    const { code, stderr } = await startBotsCli(['--url', hostPort], SHORT_DEADLINE_MS).done;
    expect(code, stderr).toBe(EXIT.unreachable);
    expect(stderr.split('\n').filter((line) => line.includes('no scheme'))).toEqual([`bots: --url ${hostPort} has no scheme: using http://${hostPort}`]);
    expect(stderr).toContain(`connection refused: nothing listens at http://${hostPort}`);
  });
});

describe('against a real server', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts.close();
  });

  it('plays with a URL without a scheme and --behavior (the American spelling) and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bots-honesty-'));
    try {
      const file = join(dir, 'bots.json');
      const hostPort = `127.0.0.1:${ts.port}`;
      const args = ['--url', hostPort, '--bots', '2', '--duration', '1', '--light', '--behavior', 'wander', '--json', file];
      const { code, stderr } = await startBotsCli(args, RUN_DEADLINE_MS).done;
      expect(code, stderr).toBe(EXIT.passed);
      expect(stderr).toContain(`using http://${hostPort}`);
      const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
      expect(report.options.url).toBe(`http://${hostPort}`);
      expect(report.options.behaviour).toBe('wander');
      expect(report).toMatchObject({ requested: 2, connected: 2, failed: 0, lost: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a server killed -9 mid-run', () => {
  it('exits 1 and the summary counts the bots that lost their server, in one process and with --workers 2', async () => {
    const server = await startServerProcess({ env: { RECORDINGS_DIR: 'off' } });
    const dir = mkdtempSync(join(tmpdir(), 'bots-honesty-'));
    const single = join(dir, 'single.json');
    const pooled = join(dir, 'pooled.json');
    // 20 s of measurement: both runs are still measuring when the server dies, however slowly they start.
    const common = ['--url', server.url, '--duration', '20', '--light', '--behaviour', 'idle'];
    const runs = [
      startBotsCli([...common, '--bots', '3', '--json', single], RUN_DEADLINE_MS),
      startBotsCli([...common, '--bots', '4', '--workers', '2', '--json', pooled], RUN_DEADLINE_MS),
    ];
    try {
      await Promise.all([runs[0]!.waitForLine(/connected 3 failed 0/), runs[1]!.waitForLine(/connected 4 failed 0/)]);
      const killed = await server.killGroup();
      expect(killed.signal).toBe('SIGKILL');
      const [one, two] = await Promise.all(runs.map((r) => r.done));
      for (const [run, bots, file] of [[one!, 3, single], [two!, 4, pooled]] as const) {
        expect(run.code, run.stderr).toBe(EXIT.failed);
        expect(run.stderr).toMatch(/connected 0 failed 0 disconnected \d/); // the progress line saw it
        expect(run.stderr).toContain(`FAILED: ${bots} of ${bots} bots lost their server during the run`);
        expect(run.stdout).toMatch(new RegExp(`lost their server \\(not back by the end\\) +${bots} \\(disconnected: ${bots}\\)`));
        expect(run.stdout).toMatch(new RegExp(`bots playing at the end / requested +0 / ${bots}`));
        const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
        expect(report).toMatchObject({ requested: bots, connected: 0, failed: 0, lost: bots, losses: { disconnected: bots } });
      }
    } finally {
      for (const run of runs) run.kill();
      await server.killGroup();
      rmSync(dir, { recursive: true, force: true });
    }
  }, RUN_DEADLINE_MS + 30_000);
});

describe('bad command lines exit 2 with a message naming the option, and run nothing', () => {
  it('bad numbers, and a misspelled option with a did-you-mean', async () => {
    const url = await deadUrl(); // a run that got past the checks would exit 3 here, not 2
    const cases: [string[], string][] = [
      [['--rooms', '1', '--bots-per-room', '0'], '--bots-per-room must be a whole number from 1 to 1,000, got "0"'],
      [['--rooms', '1.5'], '--rooms must be a whole number from 1 to 10,000, got "1.5"'],
      [['--duration', '-5'], '--duration must be a number of seconds above 0, at most 2,000,000, got "-5"'],
      [['--ramp', 'NaN'], '--ramp must be a number of bots per second above 0, at most 10,000, got "NaN"'],
      [['--durration', '5'], 'unknown option --durration: did you mean --duration? (--help lists every option)'],
    ];
    const runs = cases.map(([args]) => startBotsCli(['--url', url, ...args], SHORT_DEADLINE_MS));
    const results = await Promise.all(runs.map((r) => r.done));
    results.forEach(({ code, stderr }, i) => {
      expect(code, stderr).toBe(EXIT.usage);
      expect(stderr).toBe(`bots: ${cases[i]![1]}`);
    });
  });

  it('--help lists every exit code', async () => {
    const { code, stdout } = await startBotsCli(['--help'], SHORT_DEADLINE_MS).done;
    expect(code).toBe(EXIT.passed);
    expect(stdout).toContain('Exit codes:');
    for (const exit of Object.values(EXIT)) expect(stdout).toMatch(new RegExp(`^  ${exit}  `, 'm'));
    expect(stdout).toContain('--behavior works too');
  });
});

describe('parseBotsArgs', () => {
  const parse = (...args: string[]) => parseBotsArgs(args, 2) as BotsRun;
  const refusal = (...args: string[]) => {
    try {
      parseBotsArgs(args, 2);
    } catch (err) {
      return (err as Error).message;
    }
    return 'accepted';
  };

  it('checks every numeric option: whole numbers where a count is meant, ranges, plain decimals only', () => {
    const refused: [string[], RegExp][] = [
      [['--bots', '0'], /^--bots must be a whole number from 1 to 100,000/],
      [['--bots', '100001'], /^--bots must be/],
      [['--bots', '2.0'], /^--bots must be a whole number/],
      [['--rooms', '0'], /^--rooms must be/],
      [['--rooms', '2000', '--bots-per-room', '100'], /200,000 bots: at most 100,000/],
      [['--ramp', '0'], /^--ramp must be a number of bots per second above 0/],
      [['--ramp', 'Infinity'], /^--ramp must be/],
      [['--duration', '0'], /^--duration must be a number of seconds above 0/],
      [['--duration', '1e3'], /^--duration must be/],
      [['--duration', '3000000'], /at most 2,000,000/],
      [['--duration='], /^--duration must be/],
      [['--latency', '-1'], /^--latency must be a number of ms from 0 to 10,000, got "-1"/],
      [['--jitter', '0x10'], /^--jitter must be/],
      [['--loss', '1.5'], /^--loss must be a fraction from 0 to 1/],
      [['--loss', '-5%'], /^--loss must be/],
      [['--max-failure-rate', '2'], /^--max-failure-rate must be a fraction/],
      [['--seed', '-1'], /^--seed must be a whole number from 0 to 4,294,967,295/],
      [['--seed', '1.5'], /^--seed must be/],
      [['--workers', '0'], /^--workers must be a whole number from 1 to 256, or auto, got "0"/],
      [['--workers', 'all'], /^--workers must be/],
      [['--behaviour', 'run'], /^--behaviour for arena must be one of fight, wander, steady, idle, got "run"/],
      [['--game', 'chess'], /^--game must be one of arena, blobs, got "chess"/],
    ];
    for (const [args, message] of refused) expect(refusal(...args), args.join(' ')).toMatch(message);
    const accepted = parse('--rooms', '3', '--bots-per-room', '8', '--ramp', '0.5', '--duration', '1.5', '--loss', '5%', '--seed', '0', '--workers', 'auto');
    expect(accepted.load).toMatchObject({ rooms: 3, botsPerRoom: 8, rampPerSec: 0.5, durationSec: 1.5, loss: 0.05, seed: 0 });
    expect(accepted.workers).toBe(2);
  });

  it('refuses what it cannot take as given: missing values, stray arguments, options that contradict', () => {
    expect(refusal('--url')).toBe('--url needs a value (see --help)');
    expect(refusal('--url', '--bots', '2')).toBe('--url needs a value (see --help)');
    expect(refusal('--light=yes')).toBe('--light takes no value, got "yes"');
    expect(refusal('16')).toMatch(/^unexpected argument "16".*npm run bots -- --rooms 2/);
    expect(refusal('--bots', '4', '--rooms', '2')).toMatch(/cannot go together/);
    expect(refusal('--bots-per-room', '4')).toMatch(/^--bots-per-room needs --rooms/);
    expect(refusal('--url', '3000')).toMatch(/is a port, not a URL/);
    expect(refusal('--url', 'ws://127.0.0.1:3000')).toMatch(/^--url must start with http:\/\/ or https:\/\//);
    expect(refusal('--json', '')).toBe('--json needs a file name');
  });

  it('--behavior is --behaviour; an unknown option gets the nearest names', () => {
    expect(parse('--behavior', 'idle').load.behaviour).toBe('idle');
    expect(parse('--behavior=wander').load.behaviour).toBe('wander');
    expect(refusal('--behaviuor', 'idle')).toBe('unknown option --behaviuor: did you mean --behaviour? (--help lists every option)');
    expect(refusal('--bot', '3')).toMatch(/did you mean --bots\?/);
    expect(refusal('-rooms', '3')).toMatch(/^unknown option -rooms: did you mean --rooms\?/);
    expect(refusal('--max-fail', '1')).toMatch(/did you mean --max-failure-rate\?/);
    expect(refusal('--frobnicate')).toBe('unknown option --frobnicate (--help lists every option)');
    expect(closestNames('worker', ['workers', 'bots', 'rooms'])).toEqual(['workers']);
    expect(closestNames('latncy', ['latency', 'jitter'])).toEqual(['latency']);
    expect(closestNames('x', ['url', 'json'])).toEqual([]);
  });

  it('a URL without a scheme gets http:// and a note; one with a scheme is taken as it is', () => {
    expect(parse('--url', 'localhost:3000')).toMatchObject({ load: { url: 'http://localhost:3000' }, notes: ['--url localhost:3000 has no scheme: using http://localhost:3000'] });
    expect(parse('--url', 'https://play.example.com/node/3001/')).toMatchObject({ load: { url: 'https://play.example.com/node/3001/' }, notes: [] });
  });
});

describe('verdict', () => {
  const options = parseBotsArgs([], 1) as BotsRun;
  const report = (parts: Parameters<typeof mergeParts>[1]): LoadReport => mergeParts(options.load, parts);
  const playing = { ...failedPart(0, 'none'), requested: 2, connected: 2, failed: 0, cpuPercent: 10 };

  it('fails a run where a bot lost its server, whatever --max-failure-rate allows', () => {
    const lostOne = report([playing, { ...playing, connected: 1, lost: 1, losses: { disconnected: 1 } }]);
    expect(lostOne.lost).toBe(1);
    expect(verdict(lostOne, 1)).toBe('1 of 4 bots lost their server during the run and were not back by the end (disconnected: 1)');
    expect(verdict(report([playing, playing]), 0.01)).toBeNull();
  });

  it('fails a run where no bot connected, whatever --max-failure-rate allows', () => {
    expect(verdict(report([failedPart(3, 'TIMEOUT')]), 1)).toBe('none of the 3 bots could connect and join (TIMEOUT: 3)');
    expect(verdict(report([playing, failedPart(1, 'SERVER_FULL')]), 0.5)).toBeNull();
  });
});

describe('progress rates', () => {
  it('come from counters: true for hours, where a bounded sample store freezes', () => {
    // 8 bots for 3 simulated hours: 30 snapshots and 30 timed acks a second each, RTT 20 ms; after
    // 2 hours the server slows down: 10 snapshots a second and 80 ms. Each bot keeps its RTTs in the
    // same 5,000-sample Reservoir the real bots use (full after under 3 minutes).
    const bots = Array.from({ length: 8 }, () => ({ snapshotsReceived: 0, rtt: new Reservoir(5000) }));
    const HOURS = 3;
    const cpu = (sec: number): NodeJS.CpuUsage => ({ user: sec * 150_000, system: sec * 50_000 }); // 20 % of a core
    let last: ProgressCounters = readCounters(bots, 0, cpu(0));
    let checked = 0;
    for (let sec = 1; sec <= HOURS * 3600; sec++) {
      const slow = sec > 2 * 3600;
      for (const bot of bots) {
        const perSec = slow ? 10 : 30;
        bot.snapshotsReceived += perSec;
        for (let i = 0; i < perSec; i++) bot.rtt.add(slow ? 80 : 20);
      }
      const now = readCounters(bots, sec * 1000, cpu(sec));
      const rates = progressRates(last, now);
      last = now;
      // Every second's line is exact (checked all through: the loop is cheap).
      expect(rates.snapshotsPerSec).toBe(8 * (slow ? 10 : 30));
      expect(rates.rttsPerSec).toBe(8 * (slow ? 10 : 30));
      expect(rates.rttMeanMs).toBeCloseTo(slow ? 80 : 20, 6);
      expect(rates.cpuPercent).toBeCloseTo(20, 6);
      checked++;
    }
    expect(checked).toBe(HOURS * 3600);
    // The stores themselves still mostly hold the first two hours: a figure read from them would say ~20 ms.
    const stored = bots.flatMap((b) => b.rtt.samples);
    expect(stored.filter((v) => v === 80).length / stored.length).toBeLessThan(0.5);
    expect(bots[0]!.rtt.count).toBe(2 * 3600 * 30 + 3600 * 10);
  });

  it('of several processes: sums, the mean round trip weighted by acks, the busiest CPU', () => {
    const merged = mergeRates([
      { snapshotsPerSec: 300, rttsPerSec: 300, rttMeanMs: 10, cpuPercent: 40 },
      { snapshotsPerSec: 100, rttsPerSec: 100, rttMeanMs: 50, cpuPercent: 70 },
      { snapshotsPerSec: 0, rttsPerSec: 0, rttMeanMs: null, cpuPercent: 5 },
    ]);
    expect(merged).toEqual({ snapshotsPerSec: 400, rttsPerSec: 400, rttMeanMs: 20, cpuPercent: 70 });
    expect(mergeRates([{ snapshotsPerSec: 0, rttsPerSec: 0, rttMeanMs: null, cpuPercent: 1 }]).rttMeanMs).toBeNull();
  });
});
