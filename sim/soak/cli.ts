// `npm run soak -- --minutes M [--bots N] [--url URL] [--out DIR]`
// Runs the server under a steady population of churning bots for M minutes, reads its memory, handles,
// timers and descriptors every few seconds, and writes soak.json, soak.md and soak-*.svg. Exit code 1
// when a goal is missed (RSS drift, handle growth, decode errors, failures, server died), 2 on error,
// 130 when interrupted (Ctrl-C: the run stops early and the report is still written).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { judge, writeSoakReport, GOALS } from './soak-report.js';
import { runSoak, type SoakOptions, type SoakRun } from './soak-run.js';

const HELP = `usage: npm run soak -- --minutes M [options]
  --minutes M        how long the bots play, decimals allowed (default 30)
  --bots N           population size (default 500)
  --url URL          soak a server already running there, started with EXEMPT_ADDRESSES=127.0.0.1
                     (default: spawn server/main.ts with recordings in a temporary folder and
                     127.0.0.1 exempt from per-address limits)
  --out DIR          where soak.json, soak.md and soak-*.svg go (default bench-results)
  --churn P          share of the bots that churn each second (default 0.02 = 2 %): leave and
                     quick-play again, drop the connection and rejoin, quit and be replaced, or
                     open a private room that others join by code for a 30 s match
  --ramp N           bots started per second (default 50)
  --sample S         seconds between readings of the server (default: the run / 150, 1 to 5)
  --warmup S         seconds left out of the drift comparison (default: the ramp + max(60 s,
                     10 % of the run), at most half the run)
  --behaviour B      idle | wander | fight (default fight)
  --seed N           seed of the bots' choices (default 1)
  --report-only      judge DIR/soak.json again and rewrite soak.md and the plots, without running

Goals: RSS drift under ${GOALS.maxRssDrift * 100} % (median of the first 20 % of the samples after the warm-up
against the last 20 %), no growth in active handles, timers or descriptors (beyond noise), zero decode
errors, protocol violations and warnings to the bots, bot failures at most ${GOALS.maxFailureRate * 100} %, the server
alive to the end. Exit code 0: every goal met, 1: a goal missed, 2: the soak itself failed, 130:
interrupted (Ctrl-C stops early and still writes the report).`;

function number(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number of at least ${min}, got "${value}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      bots: { type: 'string' },
      url: { type: 'string' },
      out: { type: 'string', default: 'bench-results' },
      churn: { type: 'string' },
      ramp: { type: 'string' },
      sample: { type: 'string' },
      warmup: { type: 'string' },
      behaviour: { type: 'string', default: 'fight' },
      seed: { type: 'string' },
      'report-only': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values['report-only']) {
    const saved = JSON.parse(readFileSync(join(values.out!, 'soak.json'), 'utf8')) as SoakRun;
    const report = judge(saved);
    console.log(`Soak (from ${join(values.out!, 'soak.json')}): ${report.passed ? 'PASS' : 'FAIL'}; wrote ${writeSoakReport(report, values.out!).join(', ')}`);
    return report.passed ? 0 : 1;
  }
  const behaviour = values.behaviour as BotBehaviour;
  if (!['idle', 'wander', 'fight'].includes(behaviour)) throw new Error('--behaviour must be idle, wander or fight');
  const durationSec = number(values.minutes, 'minutes', 30, 0.05) * 60;
  const options: SoakOptions = {
    durationSec,
    bots: Math.round(number(values.bots, 'bots', 500, 1)),
    url: values.url ?? null,
    sampleSec: number(values.sample, 'sample', Math.min(5, Math.max(1, durationSec / 150)), 0.2),
    warmupSec: values.warmup !== undefined ? number(values.warmup, 'warmup', 0) : null,
    churnPerSec: number(values.churn, 'churn', 0.02),
    rampPerSec: number(values.ramp, 'ramp', 50, 1),
    behaviour,
    seed: number(values.seed, 'seed', 1),
  };
  if (options.churnPerSec > 1) throw new Error('--churn is a share of the bots per second, at most 1');
  const log = (line: string) => process.stderr.write(`${line}\n`);
  mkdirSync(values.out!, { recursive: true });
  log(`soak: ${JSON.stringify(options)}`);
  // Ctrl-C or SIGTERM: stop early, tear the run down and still write the report (marked interrupted).
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => interrupt.abort());
  const report = judge(await runSoak(options, log, interrupt.signal));
  const files = writeSoakReport(report, values.out!);
  console.log(`\nSoak: ${report.passed ? 'PASS' : 'FAIL'}`);
  for (const g of report.goals) console.log(`  ${g.pass ? 'pass' : 'FAIL'}  ${g.goal}: ${g.measured}`);
  if (report.analysis.loadShortfall) console.log(`  note: the bots could not give the nominal load: ${report.analysis.loadShortfall}`);
  console.log(`wrote ${files.join(', ')}`);
  return report.interrupted ? 130 : report.passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`soak failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(2);
  },
);
