// The human summary of a load run: a table of what players would feel, and the pass/fail verdict.

import type { LoadReport } from './load-results.js';
import type { LoadProgress } from './load-run.js';

export function progressLine(p: LoadProgress): string {
  return (
    `[${p.elapsedSec.toFixed(0).padStart(4)}s] started ${p.started} connected ${p.connected} failed ${p.failed}` +
    ` | snapshots in ${Math.round(p.snapshotsPerSec)}/s | input-ack rtt p99 ${p.rttP99Ms.toFixed(0)} ms` +
    ` | bots CPU ${p.cpuPercent.toFixed(0)} %`
  );
}

export function summaryTable(r: LoadReport): string {
  const rows: [string, string][] = [
    ['bots connected / requested', `${r.connected} / ${r.requested}`],
    ['failed to connect or join', `${r.failed}${Object.keys(r.failures).length ? ` (${Object.entries(r.failures).map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`],
    ['input-ack RTT p50 / p95 / p99', `${ms(r.rttMs.p50)} / ${ms(r.rttMs.p95)} / ${ms(r.rttMs.p99)}`],
    ['snapshot interval p50 / p99, jitter (sd)', `${ms(r.snapshotIntervalMs.p50)} / ${ms(r.snapshotIntervalMs.p99)}, ${ms(r.snapshotJitterMs)}`],
    ['corrections per minute (mean per bot)', r.correctionsPerMin.toFixed(1)],
    ['correction rate (of predicted ticks)', `${(r.correctionRate * 100).toFixed(2)} %`],
    ['bytes in per bot per second', Math.round(r.bytesInPerSec).toLocaleString('en-US')],
    ['bytes out per bot per second', Math.round(r.bytesOutPerSec).toLocaleString('en-US')],
    ['decode errors', String(r.decodeErrors)],
    ['protocol violations (ticks, acks)', String(r.protocolViolations)],
    ['disconnects', String(r.disconnects)],
    ['inputs sent per bot per second', `${r.inputsPerSec.toFixed(1)} of ${r.inputsDuePerSec.toFixed(1)}`],
    ['snapshots received per bot per second', r.snapshotsPerSec.toFixed(1)],
    [`bots processes (${r.generator.processes}): CPU of a core`, r.generator.parts.map((g) => (g.cpuPercent === null ? 'none' : `${g.cpuPercent.toFixed(0)} %`)).join(', ')],
    ['measured for', `${r.durationSec.toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  return r.generator.warning === null ? table : `  WARNING: ${r.generator.warning}\n${table}`;
}

/** Why the run failed, or null when it passed. */
export function verdict(r: LoadReport, maxFailureRate: number): string | null {
  const failureRate = r.requested ? r.failed / r.requested : 0;
  if (failureRate > maxFailureRate) return `${r.failed} of ${r.requested} bots failed (limit ${(maxFailureRate * 100).toFixed(1)} %)`;
  if (r.decodeErrors > 0) return `${r.decodeErrors} snapshot decode errors`;
  if (r.protocolViolations > 0) return `${r.protocolViolations} protocol violations (non-monotonic ticks or bad acks)`;
  return null;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
