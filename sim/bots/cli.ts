// `npm run bots -- --url http://host:3000 --rooms 20 --bots-per-room 16 --duration 60`
// Fills a server with bots that play through the same netcode client as the browser and prints what
// players would feel. The options, their checks and the exit codes are in bots-options.ts (--help): the
// run fails (1) when no bot connects, too many fail, a bot loses its server, or on any decode error or
// protocol violation; a bad command line is 2 and a server that cannot be reached 3, before any bot starts.
// With --workers N the bots spread over N processes (worker-pool.ts) and one merged summary is printed.

import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { EXIT, HELP, parseBotsArgs, type BotsRun } from './bots-options.js';
import type { LoadReport } from './load-results.js';
import { runLoad, type LoadOptions, type LoadProgress } from './load-run.js';
import { UsageError } from './option-values.js';
import { probeServer } from './server-probe.js';
import { progressLine, summaryTable, verdict } from './summary.js';
import { runWorkers } from './worker-pool.js';

/** Refusals that mean "too much from one address" (a load test from one machine meets them first). */
const PER_ADDRESS_REFUSALS = ['TOO_MANY_CONNECTIONS', 'QUOTA_EXCEEDED'];

async function main(argv: readonly string[]): Promise<number> {
  let run: BotsRun;
  try {
    const command = parseBotsArgs(argv, availableParallelism());
    if (command.help) {
      console.log(HELP);
      return EXIT.passed;
    }
    run = command;
    if (run.json !== null) checkWritable(run.json);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bots: ${err.message}`);
    return EXIT.usage;
  }
  const { load: options, workers } = run;
  for (const note of run.notes) process.stderr.write(`bots: ${note}\n`);
  const unreachable = await probeServer(options.url);
  if (unreachable !== null) {
    console.error(`bots: ${unreachable}`);
    return EXIT.unreachable;
  }
  process.stderr.write(`bots: ${JSON.stringify({ ...options, workers })}\n`);
  const onProgress = (p: LoadProgress) => process.stderr.write(progressLine(p) + '\n');
  const report = workers === 1 ? await runLoad(options, onProgress) : await runInWorkers(options, workers, onProgress);
  console.log(`\nLoad run against ${options.url}\n${summaryTable(report)}`);
  if (run.json !== null) writeFileSync(run.json, JSON.stringify(report, null, 2));
  const failed = verdict(report, run.maxFailureRate);
  if (failed) {
    console.error(`FAILED: ${failed}`);
    if (Object.keys(report.failures).some((reason) => PER_ADDRESS_REFUSALS.includes(reason))) {
      console.error(
        'The server limits connections and rooms per client address, and every bot comes from this one.\n' +
          'For a load test, start the server with EXEMPT_ADDRESSES=<this machine\'s address> (e.g. 127.0.0.1).',
      );
    }
    return EXIT.failed;
  }
  return EXIT.passed;
}

/** The results file must be writable before the run starts, not found unwritable after it. */
function checkWritable(file: string): void {
  const path = resolve(file);
  try {
    const existing = statSync(path, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw new UsageError(`--json ${file} is a directory`);
    accessSync(existing ? path : dirname(path), constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--json ${file}: cannot write there (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
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

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bots: unexpected error:', err);
    process.exit(EXIT.failed);
  },
);
