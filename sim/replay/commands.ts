// The replay CLI's commands (sim/replay/cli.ts is the entry point): info, verify and export. Each takes
// parsed arguments and an output sink and returns the process exit code, so tests can run them in-process.
//
// Exit codes: 0 ok; 1 verification failed (the re-simulation diverges); 2 unusable input (usage error,
// unreadable file, not a recording, unsupported version, damaged record, unknown game); 3 consistent
// but truncated (the file was cut off: everything readable verified).

import { readFileSync } from 'node:fs';
import type { GameEvent } from '../../shared/codec/schema.js';
import type { AnyGame } from '../../shared/game/game-definition.js';
import {
  RecordingError,
  ReplayError,
  ReplaySimulator,
  readRecording,
  storedEventTest,
  tickEventsMismatch,
  ticksEventDigests,
  ticksEvents,
  verifyRecording,
  type Recording,
  type VerifyResult,
} from '../../shared/recording/index.js';
import { TOOL_GAMES } from '../games.js';
import { ProgressBar } from './progress.js';

export const EXIT_OK = 0;
export const EXIT_DIVERGED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_TRUNCATED = 3;

/** Games the tools can re-simulate, by GameDefinition.name (sim/games.ts). */
export const GAMES: Readonly<Record<string, AnyGame>> = Object.fromEntries(TOOL_GAMES.map((g) => [g.rules.name, g.rules]));

export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether progress bars should be drawn (stderr is a terminal, or --progress). */
  readonly progress: boolean;
  /** Terminal width for the progress bar. */
  readonly columns?: number;
}

export class UsageError extends Error {}

function eventName(game: string, event: GameEvent): string {
  const code = event[0];
  return (typeof code === 'number' && GAMES[game]?.eventNames?.[code]) || `event ${String(code)}`;
}

export function formatDuration(ticks: number, tickRate: number): string {
  const seconds = ticks / tickRate;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, '0')}`;
}

function kb(bytes: number): string {
  return bytes < 10 * 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(0)} KB`;
}

/** Reads and parses a recording file; a RecordingError or an I/O failure becomes a clear message. */
export async function load(file: string): Promise<Recording> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  try {
    return await readRecording(bytes);
  } catch (err) {
    if (err instanceof RecordingError) {
      const what = err.code === 'NOT_A_RECORDING' ? 'is not a recording' : err.code === 'UNSUPPORTED_VERSION' ? 'cannot be read' : 'is unreadable';
      throw new UsageError(`${file} ${what}: ${err.message}`);
    }
    throw err;
  }
}

function gameOf(recording: Recording): AnyGame {
  const game = GAMES[recording.header.game];
  if (!game) throw new UsageError(`the recording is of game "${recording.header.game}", which these tools do not know (known: ${Object.keys(GAMES).join(', ')})`);
  return game;
}

/** How the file ends: complete, truncated (where) or damaged (where and why). */
export function statusLine(recording: Recording): string {
  if (recording.error) {
    return `DAMAGED: ${recording.error.message}; readable up to tick ${recording.lastTick}`;
  }
  if (recording.truncatedAt !== null) {
    const cut = recording.truncatedAt < recording.byteLength
      ? `the file is cut off inside the record at byte ${recording.truncatedAt} (${recording.byteLength - recording.truncatedAt} bytes of it present)`
      : `the file ends after its last whole record (byte ${recording.byteLength}) without an end record`;
    return `TRUNCATED: ${cut}; readable up to tick ${recording.lastTick}`;
  }
  return 'complete';
}

/** Ticks that produced events (of any kind: each has an event digest). */
function ticksWithEvents(recording: Recording): number {
  let n = 0;
  for (const { record } of recording.entries) if (record.type === 'ticks') n += ticksEventDigests(record).length;
  return n;
}

/** The events stored in full (the game's reliable events: kills, match ends), by type. */
function eventCounts(recording: Recording): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { record } of recording.entries) {
    if (record.type !== 'ticks') continue;
    for (const [, events] of ticksEvents(record)) {
      for (const e of events) {
        const name = eventName(recording.header.game, e);
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  }
  return counts;
}

interface PlayerRow {
  playerId: number;
  name: string;
  joinTick: number;
  leaveTick: number | null;
}

function players(recording: Recording): PlayerRow[] {
  const rows: PlayerRow[] = recording.header.players.map((p) => ({ ...p, joinTick: recording.header.startTick, leaveTick: null }));
  for (const { record } of recording.entries) {
    if (record.type === 'join') rows.push({ playerId: record.playerId, name: record.name, joinTick: record.tick, leaveTick: null });
    if (record.type === 'leave') {
      const row = [...rows].reverse().find((r) => r.playerId === record.playerId && r.leaveTick === null);
      if (row) row.leaveTick = record.tick;
    }
  }
  return rows;
}

export async function info(file: string, options: { json: boolean }, io: Output): Promise<number> {
  const recording = await load(file);
  const h = recording.header;
  const ticks = recording.lastTick - h.startTick;
  const counts = eventCounts(recording);
  const keyframes = recording.entries.filter((e) => e.record.type === 'keyframe').length;
  const checkpoints = recording.entries.reduce((n, e) => n + (e.record.type === 'ticks' ? e.record.checkpoints.length : 0), 0);
  const rows = players(recording);
  const scores = recording.end?.scores ?? null;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          file,
          bytes: recording.byteLength,
          version: recording.version,
          header: h,
          ticks,
          durationSec: ticks / h.tickRate,
          status: recording.error ? 'damaged' : recording.truncatedAt !== null ? 'truncated' : 'complete',
          truncatedAt: recording.truncatedAt,
          error: recording.error ? { code: recording.error.code, offset: recording.error.offset, message: recording.error.message } : null,
          records: recording.entries.length,
          keyframes,
          checkpoints,
          players: rows,
          ticksWithEvents: ticksWithEvents(recording),
          storedEvents: Object.fromEntries(counts),
          end: recording.end,
        },
        null,
        2,
      ) + '\n',
    );
    return EXIT_OK;
  }
  const lines = [
    `recording  ${file} (${kb(recording.byteLength)}, format version ${recording.version})`,
    `game       ${h.game} (rules version ${h.rulesVersion}, protocol ${h.protocol})${h.map ? `, map ${h.map}` : ''}`,
    `room       ${h.roomId}, match ${h.match}, seed ${h.seed}${h.startTick > 0 ? `, recorded from tick ${h.startTick} (a keyframe)` : ''}`,
    `started    ${new Date(h.startTime).toISOString()}` +
      (recording.end ? `, ended ${new Date(recording.end.endTime).toISOString()} (${recording.end.reason})` : ''),
    `duration   ${formatDuration(ticks, h.tickRate)} (${ticks} ticks at ${h.tickRate} Hz, snapshots at ${h.snapshotRate} Hz)`,
    `status     ${statusLine(recording)}`,
    `records    ${recording.entries.length}: ${keyframes} keyframes (every ${formatDuration(h.keyframeInterval, h.tickRate)}), ${checkpoints} checkpoints`,
    `players    ${rows.length}`,
  ];
  for (const p of rows) {
    const score = scores?.find((s) => s.playerId === p.playerId && p.leaveTick === null);
    lines.push(
      `  #${String(p.playerId).padEnd(3)} ${p.name.padEnd(16)} joined tick ${String(p.joinTick).padEnd(6)}` +
        (p.leaveTick !== null ? ` left tick ${p.leaveTick}` : '') +
        (score ? `  ${h.scoreColumns.map((c) => `${c.label.toLowerCase()} ${score.values[c.key] ?? 0}`).join(', ')}` : ''),
    );
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  lines.push(`events     ${ticksWithEvents(recording)} ticks produced events; stored in full: ${total > 0 ? [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ') : 'none'}`);
  io.out(lines.join('\n') + '\n');
  return EXIT_OK;
}

function describeVerify(result: VerifyResult, recording: Recording): { text: string; code: number } {
  const h = recording.header;
  const span = `${result.ticksSimulated} ticks (${formatDuration(result.ticksSimulated, h.tickRate)})`;
  const checked = `${result.keyframesChecked} keyframes, ${result.checkpointsChecked} checkpoints and the events of ${result.eventsChecked} ticks`;
  if (result.divergence) {
    const d = result.divergence;
    const window =
      d.kind === 'events'
        ? `the state last matched at tick ${d.lastMatchingTick}`
        : `the state matched at tick ${d.lastMatchingTick}, so it diverged between ticks ${d.lastMatchingTick + 1} and ${d.tick}`;
    return {
      code: EXIT_DIVERGED,
      text:
        `FAILED: the re-simulation diverges at tick ${d.tick} (${d.kind}; record at byte ${d.offset}): ${d.message}\n` +
        `  recorded:     ${d.expected}\n  re-simulated: ${d.actual}\n  ${window}\n`,
    };
  }
  if (result.error) {
    const where = result.error.tick !== null ? ` at tick ${result.error.tick}` : '';
    return {
      code: EXIT_BAD_INPUT,
      text: `FAILED: cannot verify beyond tick ${result.lastTick}${where}: ${result.error.message}\n  (${checked} matched before that)\n`,
    };
  }
  if (result.truncated) {
    return {
      code: EXIT_TRUNCATED,
      text: `OK up to tick ${result.lastTick}: re-simulated ${span}; ${checked} match.\n  ${statusLine(recording)}\n`,
    };
  }
  return {
    code: EXIT_OK,
    text: `OK: re-simulated ${span}; ${checked} match, and the final state hash.\n`,
  };
}

export async function verify(file: string, options: { json: boolean; quiet: boolean }, io: Output): Promise<number> {
  const recording = await load(file);
  const game = gameOf(recording);
  const bar = io.progress && !options.quiet ? new ProgressBar((s) => io.err(s), 'verify', io.columns) : null;
  let result: VerifyResult;
  try {
    result = await verifyRecording(recording, game, { onProgress: bar ? (done, total) => bar.update(done, total) : undefined, progressEvery: 300 });
  } finally {
    bar?.finish();
  }
  const { text, code } = describeVerify(result, recording);
  if (options.json) io.out(JSON.stringify({ file, exitCode: code, ...result }, null, 2) + '\n');
  else io.out(text);
  return code;
}

/** Parses `--ticks 100,end` and `--at 1:30,90s` into ticks. */
export function parseTicks(ticks: string | undefined, at: string | undefined, recording: Recording): number[] {
  const h = recording.header;
  const out: number[] = [];
  for (const item of (ticks ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    if (item === 'end') out.push(recording.lastTick);
    else if (item === 'start') out.push(h.startTick);
    else if (/^\d+$/.test(item)) out.push(Number(item));
    else throw new UsageError(`--ticks: "${item}" is not a tick number (or start, end)`);
  }
  for (const item of (at ?? '').split(',').map((s) => s.trim()).filter((s) => s.length > 0)) {
    if (item === 'end' || item === 'start') {
      out.push(item === 'end' ? recording.lastTick : h.startTick);
      continue;
    }
    const m = /^(?:(\d+):)?(\d+(?:\.\d+)?)s?$/.exec(item);
    if (!m) throw new UsageError(`--at: "${item}" is not a time (e.g. 90, 90s, 1:30, 1:30.5)`);
    out.push(h.startTick + Math.round((Number(m[1] ?? 0) * 60 + Number(m[2])) * h.tickRate));
  }
  for (const t of out) {
    if (t < h.startTick || t > recording.lastTick) {
      throw new UsageError(`tick ${t} is outside the recording (ticks ${h.startTick}..${recording.lastTick})`);
    }
  }
  return out;
}

export async function exportJson(
  file: string,
  options: { format: string | undefined; ticks?: string; at?: string },
  io: Output,
): Promise<number> {
  if (options.format !== 'json') throw new UsageError(`export: --format json is required (the only format)${options.format ? `, got "${options.format}"` : ''}`);
  const recording = await load(file);
  const h = recording.header;
  const base = {
    file,
    header: h,
    status: recording.error ? 'damaged' : recording.truncatedAt !== null ? 'truncated' : 'complete',
    truncatedAt: recording.truncatedAt,
    error: recording.error ? { code: recording.error.code, offset: recording.error.offset, message: recording.error.message } : null,
  };
  const game = gameOf(recording);
  if (options.ticks === undefined && options.at === undefined) {
    // Every event of every tick: the recording stores only a digest of most of them (and kills, match
    // ends in full), so they are re-simulated.
    const events: { tick: number; type: string; event: GameEvent }[] = [];
    const membership: { tick: number; type: 'join' | 'leave'; playerId: number; name?: string }[] = [];
    const bar = io.progress ? new ProgressBar((s) => io.err(s), 'export', io.columns) : null;
    const total = recording.lastTick - h.startTick;
    const stored = storedEventTest(h);
    let diverged: { tick: number; message: string } | null = null;
    try {
      const sim = new ReplaySimulator(recording, game);
      for (let step = sim.next(); step; step = sim.next()) {
        if (step.kind === 'tick') {
          // Events the recording does not vouch for are not listed: the export stops at a divergence.
          const mismatch = tickEventsMismatch(step, stored);
          if (mismatch) {
            diverged = { tick: step.tick, message: `tick ${step.tick}: ${mismatch.what}; run verify for details` };
            break;
          }
          for (const event of step.events) events.push({ tick: step.tick, type: eventName(h.game, event), event });
          if (step.tick % 300 === 0) bar?.update(step.tick - h.startTick, total);
        } else if (step.kind === 'join') {
          membership.push({ tick: step.record.tick, type: 'join', playerId: step.record.playerId, name: step.record.name });
        } else if (step.kind === 'leave') {
          membership.push({ tick: step.record.tick, type: 'leave', playerId: step.record.playerId });
        }
      }
    } catch (err) {
      if (err instanceof ReplayError) throw new UsageError(`cannot re-simulate the recording to list its events: ${err.message}`);
      throw err;
    } finally {
      bar?.finish();
    }
    io.out(JSON.stringify({ ...base, lastTick: recording.lastTick, players: membership, events, end: recording.end, diverged }, null, 2) + '\n');
    if (diverged) {
      io.err(`export: the re-simulation diverges at ${diverged.message}; events are listed up to the tick before\n`);
      return EXIT_DIVERGED;
    }
    return EXIT_OK;
  }
  const ticks = parseTicks(options.ticks, options.at, recording);
  const bar = io.progress && ticks.length > 1 ? new ProgressBar((s) => io.err(s), 'export', io.columns) : null;
  const states = [];
  try {
    const sim = new ReplaySimulator(recording, game);
    for (let i = 0; i < ticks.length; i++) {
      const reached = sim.seek(ticks[i]!);
      states.push({ tick: reached, seconds: (reached - h.startTick) / h.tickRate, hash: sim.hash(), seats: sim.seats, state: sim.rules.serialize(sim.world) });
      bar?.update(i + 1, ticks.length);
    }
  } catch (err) {
    if (err instanceof ReplayError) throw new UsageError(`cannot replay to the requested ticks: ${err.message}`);
    throw err;
  } finally {
    bar?.finish();
  }
  io.out(JSON.stringify({ ...base, states }, null, 2) + '\n');
  return EXIT_OK;
}
