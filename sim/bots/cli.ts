// `npm run bots -- --url http://host:3000 --rooms 20 --bots-per-room 16 --duration 60`
// Fills a server with bots that play through the same netcode client as the browser and prints what
// players would feel. Exit code 1 when too many bots fail, or on any decode error or protocol violation.
// With --workers N the bots spread over N processes (worker-pool.ts) and one merged summary is printed.

import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { BotBehaviour } from './arena-brain.js';
import type { LoadReport } from './load-results.js';
import { runLoad, type LoadOptions, type LoadProgress } from './load-run.js';
import { progressLine, summaryTable, verdict } from './summary.js';
import { runWorkers } from './worker-pool.js';

const HELP = `usage: npm run bots -- [options]
  --url URL               server (default http://127.0.0.1:3000)
  --rooms N               rooms to create and fill (with --bots-per-room, default 16)
  --bots-per-room N
  --bots N                total bots placed by quick play (when --rooms is not given; default 16)
  --ramp N                bots started per second (default 50)
  --duration S            seconds to measure after the ramp (default 30)
  --behaviour B           idle | wander | fight (default fight)
  --latency MS            added one-way latency (default 0)
  --jitter MS             added jitter, +/- MS (default 0)
  --loss P                snapshot loss, a fraction (0.05) or a percentage (5%) (default 0)
  --light                 no prediction/interpolation (for very large counts): inputs, snapshot decode and acks only
  --workers N|auto        spread the bots over N processes (auto: one per core); one merged summary (default 1)
  --naive                 the server runs with --naive (JSON full state)
  --seed N                seed of the bots' behaviour (default 1)
  --max-failure-rate P    fraction of bots allowed to fail before exit 1 (default 0.01)
  --json FILE             write the machine-readable results there`;

/** Refusals that mean "too much from one address" (a load test from one machine meets them first). */
const PER_ADDRESS_REFUSALS = ['TOO_MANY_CONNECTIONS', 'QUOTA_EXCEEDED'];

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.endsWith('%') ? Number(value.slice(0, -1)) / 100 : value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      rooms: { type: 'string' },
      'bots-per-room': { type: 'string' },
      bots: { type: 'string' },
      ramp: { type: 'string' },
      duration: { type: 'string' },
      behaviour: { type: 'string', default: 'fight' },
      latency: { type: 'string' },
      jitter: { type: 'string' },
      loss: { type: 'string' },
      light: { type: 'boolean', default: false },
      naive: { type: 'boolean', default: false },
      seed: { type: 'string' },
      'max-failure-rate': { type: 'string' },
      json: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const behaviour = values.behaviour as BotBehaviour;
  if (!['idle', 'wander', 'fight'].includes(behaviour)) throw new Error(`--behaviour must be idle, wander or fight`);
  const loss = number(values.loss, 'loss', 0);
  if (loss > 1) throw new Error('--loss must be at most 1 (or 100%)');
  const options: LoadOptions = {
    url: values.url!,
    rooms: values.rooms !== undefined ? number(values.rooms, 'rooms', 1) : null,
    botsPerRoom: values['bots-per-room'] !== undefined ? number(values['bots-per-room'], 'bots-per-room', 16) : null,
    bots: values.bots !== undefined ? number(values.bots, 'bots', 16) : null,
    rampPerSec: Math.max(1, number(values.ramp, 'ramp', 50)),
    durationSec: number(values.duration, 'duration', 30),
    behaviour,
    latencyMs: number(values.latency, 'latency', 0),
    jitterMs: number(values.jitter, 'jitter', 0),
    loss,
    light: values.light!,
    naive: values.naive!,
    seed: number(values.seed, 'seed', 1),
  };
  const maxFailureRate = number(values['max-failure-rate'], 'max-failure-rate', 0.01);
  const workers = values.workers === 'auto' ? availableParallelism() : number(values.workers, 'workers', 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error('--workers must be a whole number >= 1, or auto');
  process.stderr.write(`bots: ${JSON.stringify({ ...options, workers })}\n`);
  const onProgress = (p: LoadProgress) => process.stderr.write(progressLine(p) + '\n');
  const report = workers === 1 ? await runLoad(options, onProgress) : await runInWorkers(options, workers, onProgress);
  console.log(`\nLoad run against ${options.url}\n${summaryTable(report)}`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
  const failed = verdict(report, maxFailureRate);
  if (failed) {
    console.error(`FAILED: ${failed}`);
    if (Object.keys(report.failures).some((reason) => PER_ADDRESS_REFUSALS.includes(reason))) {
      console.error(
        'The server limits connections and rooms per client address, and every bot comes from this one.\n' +
          'For a load test, start the server with EXEMPT_ADDRESSES=<this machine\'s address> (e.g. 127.0.0.1).',
      );
    }
    return 1;
  }
  return 0;
}

/** The run spread over worker processes; Ctrl-C (or SIGTERM) stops every one of them before exiting. */
async function runInWorkers(options: LoadOptions, workers: number, onProgress: (p: LoadProgress) => void): Promise<LoadReport> {
  const run = runWorkers(options, workers, onProgress);
  // Once stopping, the workers' (failed) results are not a run to summarize: wait for the exit.
  let stopping: Promise<never> | null = null;
  const stopOn = (signal: NodeJS.Signals, code: number) => () => {
    process.stderr.write(`${signal}: stopping the bots workers\n`);
    stopping ??= run.stop().then(() => process.exit(code));
  };
  const onInt = stopOn('SIGINT', 130);
  const onTerm = stopOn('SIGTERM', 143);
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  const report = await run.report;
  if (stopping) return stopping;
  process.off('SIGINT', onInt);
  process.off('SIGTERM', onTerm);
  return report;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(2);
  },
);
