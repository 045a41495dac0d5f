// How many light bots one bots process drives: for each bot count, a fresh compiled server pinned to core 0
// (as the capacity bench starts it) and one `npm run bots -- --light --behaviour wander` process pinned to
// core 1, rooms of 16; the count passes when that process sends >= 95 % of its inputs with its CPU under
// 90 % of a core (load-results.ts: not saturated). Not part of `npm run bench` or `npm test`: a probe.
// `node --import tsx sim/bench/bots-capacity.ts --counts 256,512,768,1024 [--duration 20] [--ramp 100]`

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { LoadReport } from '../bots/load-results.js';
import { pinned, startServer } from './capacity-bench.js';
import { botsCommand } from '../bots/bots-command.js';

const BOTS_PER_ROOM = 16;
/** The bots process runs for its ramp and duration; past this much more it is killed (a saturated one may never end). */
const EXIT_GRACE_MS = 60_000;

interface StepResult {
  readonly bots: number;
  readonly report: LoadReport | null;
}

async function runStep(count: number, durationSec: number, rampPerSec: number, dir: string): Promise<StepResult> {
  const server = await startServer(false, join(dir, 'recordings'));
  const json = join(dir, `bots-${count}.json`);
  try {
    const [cmd, ...args] = pinned(1, botsCommand([
      '--url', `http://127.0.0.1:${server.port}`,
      '--rooms', String(Math.ceil(count / BOTS_PER_ROOM)), '--bots-per-room', String(BOTS_PER_ROOM),
      '--light', '--behaviour', 'wander', '--ramp', String(rampPerSec), '--duration', String(durationSec),
      '--max-failure-rate', '1', '--json', json,
    ]));
    const bots = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    // Its progress lines, every few seconds, as ours.
    let lines = 0;
    createInterface({ input: bots.stderr! }).on('line', (line) => {
      if (line.startsWith('[') && lines++ % 5 === 0) process.stderr.write(`  ${count} bots ${line}\n`);
    });
    const deadline = setTimeout(() => bots.kill('SIGKILL'), (count / rampPerSec + durationSec) * 1000 + EXIT_GRACE_MS);
    await new Promise((resolve) => bots.once('exit', resolve));
    clearTimeout(deadline);
    let report: LoadReport | null = null;
    try {
      report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    } catch {
      report = null;
    }
    return { bots: count, report };
  } finally {
    server.child.kill('SIGKILL');
  }
}

/**
 * CPU per message the bots handled (an input sent or a snapshot received), in us: what a bot costs whatever
 * the server and the machine let it do (on a busy machine neither keeps the full rate).
 */
function microsPerMessage(r: LoadReport, cpuPercent: number): number {
  const messagesPerSec = r.connected * (r.inputsPerSec + r.snapshotsPerSec);
  return messagesPerSec > 0 ? (cpuPercent / 100) * 1e6 / messagesPerSec : NaN;
}

function row(step: StepResult): string {
  const r = step.report;
  if (r === null) return `| ${step.bots} | - | - | - | - | - | no report (killed past its deadline) |`;
  const part = r.generator.parts[0];
  const cpuPercent = part?.cpuPercent ?? null;
  const cpu = cpuPercent === null ? '-' : `${cpuPercent.toFixed(0)} %`;
  const perMessage = cpuPercent === null ? '-' : microsPerMessage(r, cpuPercent).toFixed(1);
  const ratio = part === undefined ? '-' : `${(part.inputRatio * 100).toFixed(1)} %`;
  return (
    `| ${step.bots} | ${r.connected} | ${cpu} | ${ratio} | ${r.snapshotsPerSec.toFixed(1)} | ${perMessage} | ` +
    `${r.generator.saturated ? 'saturated' : 'keeps up'} |`
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { counts: { type: 'string', default: '256,512,768,1024' }, duration: { type: 'string', default: '20' }, ramp: { type: 'string', default: '100' } },
  });
  const counts = values.counts.split(',').map(Number);
  const durationSec = Number(values.duration);
  const rampPerSec = Number(values.ramp);
  if (!counts.every((n) => Number.isInteger(n) && n > 0) || !(durationSec > 0) || !(rampPerSec > 0)) {
    throw new Error('--counts: whole numbers above 0, comma separated; --duration and --ramp above 0');
  }
  const dir = mkdtempSync(join(tmpdir(), 'bots-capacity-'));
  const results: StepResult[] = [];
  try {
    for (const count of counts) {
      process.stderr.write(`${count} bots: starting a server and one bots process\n`);
      const step = await runStep(count, durationSec, rampPerSec, dir);
      results.push(step);
      process.stderr.write(`${row(step)}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| bots | playing | bots process CPU | inputs sent | snapshots/s per bot | CPU us per message | verdict |');
  console.log('|---:|---:|---:|---:|---:|---:|---|');
  for (const step of results) console.log(row(step));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
