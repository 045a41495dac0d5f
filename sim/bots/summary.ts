// The human summary of a load run: a table of what players would feel, and the pass/fail verdict.

import type { LoadReport } from './load-results.js';
import type { LoadProgress } from './load-run.js';

/** One line a second: where the bots stand now, and rates over the last second. */
export function progressLine(p: LoadProgress): string {
  const rtt = p.rttMeanMs === null ? '-' : `${p.rttMeanMs.toFixed(0)} ms`;
  return (
    `[${p.elapsedSec.toFixed(0).padStart(4)}s] started ${p.started} connected ${p.connected} failed ${p.failed}` +
    ` disconnected ${p.disconnected} | snapshots in ${Math.round(p.snapshotsPerSec)}/s` +
    ` | input-ack rtt mean ${rtt} | bots CPU ${p.cpuPercent.toFixed(0)} %`
  );
}

export function summaryTable(r: LoadReport): string {
  // The figures are measured on the bots playing at the end: with none there is nothing to show.
  const measured = (text: string) => (r.connected > 0 ? text : '-');
  const rows: [string, string][] = [
    ['bots playing at the end / requested', `${r.connected} / ${r.requested}`],
    ['failed to connect or join', `${r.failed}${byReason(r.failures)}`],
    ['lost their server (not back by the end)', `${r.lost}${byReason(r.losses)}`],
    ['input-ack RTT p50 / p95 / p99', measured(`${ms(r.rttMs.p50)} / ${ms(r.rttMs.p95)} / ${ms(r.rttMs.p99)}`)],
    ['snapshot interval p50 / p99, jitter (sd)', measured(`${ms(r.snapshotIntervalMs.p50)} / ${ms(r.snapshotIntervalMs.p99)}, ${ms(r.snapshotJitterMs)}`)],
    ['corrections per minute (mean per bot)', measured(r.correctionsPerMin.toFixed(1))],
    ['correction rate (of predicted ticks)', measured(`${(r.correctionRate * 100).toFixed(2)} %`)],
    ['bytes in per bot per second', measured(Math.round(r.bytesInPerSec).toLocaleString('en-US'))],
    ['bytes out per bot per second', measured(Math.round(r.bytesOutPerSec).toLocaleString('en-US'))],
    ['decode errors', String(r.decodeErrors)],
    ['protocol violations (ticks, acks)', String(r.protocolViolations)],
    ['disconnects', String(r.disconnects)],
    ['inputs sent per bot per second', measured(`${r.inputsPerSec.toFixed(1)} of ${r.inputsDuePerSec.toFixed(1)}`)],
    ['snapshots received per bot per second', measured(r.snapshotsPerSec.toFixed(1))],
    [`bots processes (${r.generator.processes}): CPU of a core`, r.generator.parts.map((g) => (g.cpuPercent === null ? 'none' : `${g.cpuPercent.toFixed(0)} %`)).join(', ')],
    ['measured for', `${r.durationSec.toFixed(1)} s`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
  return r.generator.warning === null ? table : `  WARNING: ${r.generator.warning}\n${table}`;
}

/**
 * Why the run failed, or null when it passed. --max-failure-rate tolerates bots that could not connect
 * or join, never a run where none did, nor bots that joined and lost their server.
 */
export function verdict(r: LoadReport, maxFailureRate: number): string | null {
  const problems: string[] = [];
  const failureRate = r.requested ? r.failed / r.requested : 0;
  if (r.requested > 0 && r.failed === r.requested) problems.push(`none of the ${r.requested} bots could connect and join${byReason(r.failures)}`);
  else if (failureRate > maxFailureRate) problems.push(`${r.failed} of ${r.requested} bots failed (limit ${(maxFailureRate * 100).toFixed(1)} %)`);
  if (r.lost > 0) problems.push(`${r.lost} of ${r.requested} bots lost their server during the run and were not back by the end${byReason(r.losses)}`);
  if (r.decodeErrors > 0) problems.push(`${r.decodeErrors} snapshot decode errors`);
  if (r.protocolViolations > 0) problems.push(`${r.protocolViolations} protocol violations (non-monotonic ticks or bad acks)`);
  return problems.length > 0 ? problems.join('; ') : null;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** " (reason: n, ...)", or nothing when there is no reason to give. */
function byReason(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length > 0 ? ` (${entries.map(([k, n]) => `${k}: ${n}`).join(', ')})` : '';
}
