// The recorder on a real Room (bots, no network) and the recordings store: what gets written, how it
// replays, what happens when recording fails, and the index, listing and retention of the directory.

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { arenaGame, type ArenaWorld } from '../../shared/game/arena/index.js';
import type { AnyGame } from '../../shared/game/game-definition.js';
import { PRELUDE_BYTES, ReplaySimulator, concatBytes, encodePrelude, readRecording, verifyRecording } from '../../shared/recording/index.js';
import type { Logger, LogFields } from '../logger.js';
import { Room } from '../room.js';
import { BotMatch } from './bot-match.js';
import { RoomRecorder, type RoomRecorderOptions } from './recorder.js';
import { RecordingService } from './service.js';
import { RecordingStore } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'recorder-test-'));
  dirs.push(dir);
  return dir;
}

function memoryLog(): Logger & { lines: { level: string; msg: string; fields?: LogFields }[] } {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const log = {
    lines,
    debug: (msg: string, fields?: LogFields) => void lines.push({ level: 'debug', msg, fields }),
    info: (msg: string, fields?: LogFields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg: string, fields?: LogFields) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields?: LogFields) => void lines.push({ level: 'error', msg, fields }),
    child: () => log,
  };
  return log;
}

const nextTurn = () => new Promise((r) => setImmediate(r));

async function store(dir: string, maxCount = 100, maxBytes = 1e12): Promise<RecordingStore> {
  const s = new RecordingStore({ dir, maxCount, maxBytes });
  await s.init();
  return s;
}

/** Plays a bot match through a recorder: `script(tick, match)` may join and leave players between ticks. */
async function recordMatch(
  options: Partial<RoomRecorderOptions> & { store: RecordingStore },
  ticks: number,
  script: (tick: number, match: BotMatch) => void = () => {},
  roomId = 'r1',
) {
  const recorder = new RoomRecorder(roomId, { keyframeSeconds: 5, batchSeconds: 2, ...options });
  const match = new BotMatch({ observer: recorder, seed: 11, roomId });
  for (const name of ['ann', 'bob', 'cy', 'dee']) match.join(name);
  for (let t = 1; t <= ticks; t++) {
    match.step();
    script(t, match);
    await nextTurn();
  }
  return { recorder, match };
}

describe('RoomRecorder', () => {
  it('records a bot match that re-simulates bit for bit, joins and leaves included', async () => {
    const s = await store(tempDir());
    const { recorder, match } = await recordMatch({ store: s }, 900, (t, m) => {
      if (t === 200) m.leave(2);
      if (t === 260) m.join('eve');
      if (t === 261) m.join('fay');
      if (t === 500) m.leave(m.playerIds[0]!);
    });
    match.room.close('disposed', 'test over');
    await recorder.done;
    const summary = s.get(recorder.recordingId!)!;
    expect(summary).toMatchObject({ roomId: 'r1', game: 'arena', map: 'arena-1', ticks: 900, durationSec: 30, live: false, complete: true, endReason: 'disposed' });
    expect(summary.players.map((p) => p.name)).toEqual(['ann', 'bob', 'cy', 'dee', 'eve', 'fay']);
    // Everyone who played has a line: those who left keep the one they left with.
    expect(summary.scores?.map((s) => s.name).sort()).toEqual(['ann', 'bob', 'cy', 'dee', 'eve', 'fay']);
    expect(recorder.recordingId).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z-r1$/);

    const bytes = new Uint8Array(readFileSync(s.fileOf(recorder.recordingId!)!.file));
    expect(summary.size).toBe(bytes.length);
    const recording = await readRecording(bytes);
    expect(recording.complete).toBe(true);
    expect(recording.header).toMatchObject({ seed: 11, tickRate: 30, keyframeInterval: 150, checkpointInterval: 60, startTick: 0 });
    expect(recording.end?.hash).toBe(match.room.worldHash());
    const result = await verifyRecording(recording, arenaGame);
    expect(result).toMatchObject({ ok: true, complete: true, lastTick: 900, keyframesChecked: 6 });

    // Seeking lands on the room's own state: the end, and a tick in the middle compared with a straight replay.
    const sim = new ReplaySimulator(recording, arenaGame);
    sim.seek(900);
    expect(sim.hash()).toBe(match.room.worldHash());
    const straight = new ReplaySimulator(recording, arenaGame);
    for (let t = 0; t < 437; t++) straight.step();
    sim.seek(437);
    expect(sim.hash()).toBe(straight.hash());
  });

  it('never throws into the room: a failing recorder is abandoned, the match goes on', async () => {
    const s = await store(tempDir());
    const log = memoryLog();
    let calls = 0;
    const { recorder, match } = await recordMatch(
      {
        store: s,
        log,
        deflate: () => {
          if (++calls === 2) throw new Error('disk on fire'); // the second keyframe
          return new Uint8Array(1 << 20); // never smaller: stored uncompressed
        },
      },
      300,
    );
    expect(match.room.tick).toBe(300);
    match.room.close('disposed', 'test over');
    await recorder.done;
    expect(log.lines.some((l) => l.level === 'error' && l.msg === 'recording abandoned' && String(l.fields?.err).includes('disk on fire'))).toBe(true);
    const summary = s.get(recorder.recordingId!)!;
    expect(summary.complete).toBe(false);
    expect(summary.live).toBe(false);
    // What was written before the failure is a readable, truncated recording.
    const recording = await readRecording(new Uint8Array(readFileSync(s.fileOf(recorder.recordingId!)!.file)));
    expect(recording.complete).toBe(false);
    expect((await verifyRecording(recording, arenaGame)).ok).toBe(true);
  });

  it('ends a recording without an end record when a tick failed part-way (the file reads as cut off)', async () => {
    const s = await store(tempDir());
    const log = memoryLog();
    const recorder = new RoomRecorder('broken', { store: s, log, batchSeconds: 1 });
    const faulty = { ...arenaGame, step: (world: ArenaWorld, tick: number) => {
      if (tick === 75) throw new Error('bug in the rules');
      return arenaGame.step(world, tick);
    } } as unknown as AnyGame;
    const room = new Room({
      id: 'broken', code: null, game: faulty, seed: 4, tickRate: 30, snapshotRate: 30, maxPlayers: 4, lagCompensationTicks: 8,
      reconnectGraceMs: 1000, emptyRoomGraceMs: 1000, interestRadius: 1e9, observer: recorder,
    });
    room.join('ann', { sendSnapshot() {}, sendChat() {}, sendNotice() {}, sendRoomClosed() {} });
    for (let t = 1; t <= 75; t++) {
      try {
        room.step();
      } catch {
        room.close('disposed', 'the room hit an internal error'); // as GameServer does
      }
      await nextTurn();
    }
    await recorder.done;
    expect(log.lines.some((l) => l.level === 'warn' && l.msg.includes('failed tick'))).toBe(true);
    expect(s.get(recorder.recordingId!)).toMatchObject({ complete: false, live: false, ticks: 74 });
    const result = await verifyRecording(new Uint8Array(readFileSync(s.fileOf(recorder.recordingId!)!.file)), arenaGame);
    expect(result).toMatchObject({ ok: true, truncated: true, lastTick: 74 });
  });

  it('refuses to record a room that existed before it (its start could not be replayed)', async () => {
    const s = await store(tempDir());
    const log = memoryLog();
    const recorder = new RoomRecorder('late', { store: s, log });
    const match = new BotMatch({ seed: 1 });
    match.join('ann');
    for (let t = 0; t < 5; t++) match.step();
    recorder.onTick(match.room, 6, [], []);
    await recorder.done;
    expect(log.lines.some((l) => l.msg === 'recording abandoned' && String(l.fields?.err).includes('rooms are recorded from creation'))).toBe(true);
    expect(s.size).toBe(0);
  });

  it('leaves no recording of a room nobody joined', async () => {
    const dir = tempDir();
    const s = await store(dir);
    const recorder = new RoomRecorder('empty', { store: s });
    const match = new BotMatch({ observer: recorder, seed: 3, roomId: 'empty' });
    for (let t = 0; t < 40; t++) {
      match.step();
      await nextTurn();
    }
    match.room.close('disposed', 'empty');
    await recorder.done;
    expect(s.size).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lists a recording as live while it is written, with its progress', async () => {
    const s = await store(tempDir());
    const recorder = new RoomRecorder('live', { store: s, batchSeconds: 1 });
    const match = new BotMatch({ observer: recorder, seed: 5, roomId: 'live' });
    match.join('ann');
    for (let t = 0; t < 100; t++) {
      match.step();
      await nextTurn();
    }
    const live = s.list().matches[0]!;
    expect(live).toMatchObject({ roomId: 'live', live: true, complete: false, scores: null, endTime: null });
    expect(live.ticks).toBeGreaterThanOrEqual(90);
    expect(live.players).toEqual([{ playerId: 1, name: 'ann' }]);
    match.room.close('shutdown', 'bye');
    await recorder.done;
    expect(s.get(recorder.recordingId!)).toMatchObject({ live: false, complete: true, endReason: 'shutdown', ticks: 100 });
  });
});

describe('RecordingService', () => {
  it('finalizes the recordings of rooms still open when it closes (graceful shutdown)', async () => {
    const dir = tempDir();
    const service = new RecordingService({ dir, maxCount: 10, maxBytes: 1e12 });
    await service.start();
    const match = new BotMatch({ observer: service.observeRoom('open'), seed: 9, roomId: 'open' });
    match.join('ann');
    match.join('bob');
    for (let t = 0; t < 60; t++) {
      match.step();
      await nextTurn();
    }
    expect(service.active).toBe(1);
    await service.close();
    expect(service.active).toBe(0);
    const [summary] = service.store.list().matches;
    expect(summary).toMatchObject({ complete: true, live: false, endReason: 'shutdown', ticks: 60 });
    // A new store on the same directory indexes it from the file alone.
    const reopened = await store(dir);
    expect(reopened.get(summary!.id)).toEqual(summary);
  });
});

describe('RecordingStore', () => {
  async function makeRecordings(dir: string, n: number): Promise<string[]> {
    const s = await store(dir);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      let now = Date.UTC(2026, 4, 1, 12, 0, i);
      const { recorder, match } = await recordMatch({ store: s, now: () => now++ }, 60, () => {}, `room${i}`);
      match.room.close('disposed', 'over');
      await recorder.done;
      ids.push(recorder.recordingId!);
    }
    return ids;
  }

  it('indexes a directory at start-up: finished recordings, crashed ones, and skips strangers', async () => {
    const dir = tempDir();
    const ids = await makeRecordings(dir, 3);
    // A crash: the newest recording loses its end and part of a record.
    const crashed = join(dir, `${ids[2]}.rec`);
    const bytes = readFileSync(crashed);
    writeFileSync(crashed, bytes.subarray(0, bytes.length - 30));
    writeFileSync(join(dir, '2026-05-01T12-00-09.000Z-junk.rec'), 'not a recording');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const log = memoryLog();
    const s = new RecordingStore({ dir, maxCount: 100, maxBytes: 1e12, log });
    await s.init();
    const { total, matches } = s.list();
    expect(total).toBe(3);
    expect(matches.map((m) => m.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(matches[0]).toMatchObject({ complete: false, live: false, scores: null, players: [{ playerId: 1, name: 'ann' }, { playerId: 2, name: 'bob' }, { playerId: 3, name: 'cy' }, { playerId: 4, name: 'dee' }] });
    expect(matches[0]!.ticks).toBe(60);
    expect(matches[1]).toMatchObject({ complete: true, ticks: 60, endReason: 'disposed' });
    expect(log.lines.some((l) => l.level === 'warn' && String(l.fields?.file).includes('junk'))).toBe(true);
    // Pages.
    expect(s.list(1, 1).matches.map((m) => m.id)).toEqual([ids[1]]);
  });

  it('keeps at most maxCount recordings and maxBytes bytes, deleting the oldest', async () => {
    const dir = tempDir();
    const ids = await makeRecordings(dir, 4);
    // A recording this build cannot read (another format version) is not listed, but counts and goes first.
    const old = '2020-01-01T00-00-00.000Z-old-room.rec';
    const newest = readFileSync(join(dir, `${ids[3]}.rec`));
    writeFileSync(join(dir, old), concatBytes([encodePrelude(1), newest.subarray(PRELUDE_BYTES)]));
    const byCount = new RecordingStore({ dir, maxCount: 2, maxBytes: 1e12 });
    await byCount.init();
    expect(byCount.list().matches.map((m) => m.id)).toEqual([ids[3], ids[2]]);
    expect(readdirSync(dir).sort()).toEqual([`${ids[2]}.rec`, `${ids[3]}.rec`]);
    const size = byCount.get(ids[3]!)!.size;
    const byBytes = new RecordingStore({ dir, maxCount: 100, maxBytes: size + 1 });
    await byBytes.init();
    expect(byBytes.list().matches.map((m) => m.id)).toEqual([ids[3]]);
  });
});
