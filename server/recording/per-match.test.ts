// One recording per match: a room that runs matches back to back (a game with matchEndEvent) leaves one
// file per match, each re-simulating on its own from its start keyframe, with its own players and scores;
// the match number is in its header and in /api/matches' listing.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GameEvent } from '../../shared/codec/schema.js';
import { ARENA_SCHEMA, EVT_MATCH_END, arenaGame, type ArenaWorld } from '../../shared/game/arena/index.js';
import type { AnyGame, GameDefinition, PlayerScore } from '../../shared/game/game-definition.js';
import { ReplaySimulator, encodeRecording, readRecording, stateDigest, verifyRecording } from '../../shared/recording/index.js';
import { Room, type PlayerLink } from '../room.js';
import { RoomRecorder } from './recorder.js';
import { RecordingStore } from './store.js';

// ---- a test game: each player's input (0 or 1) adds to its points; a match lasts MATCH ticks, and the
// step that ends it announces the standings and resets the points at once (as the arena does).

const MATCH = 60;
const EVT_END = 9;
interface CounterPlayer { id: number; name: string; points: number }
interface CounterWorld { matchLeft: number; matchNumber: number; players: CounterPlayer[] }

const counterGame: GameDefinition<CounterWorld, number> = {
  name: 'counter',
  title: 'Counter',
  schema: { kinds: [], reliableEvents: [EVT_END] },
  maxPlayers: 8,
  tickRate: 30,
  lagCompensationTicks: 0,
  createWorld: () => ({ matchLeft: MATCH, matchNumber: 1, players: [] }),
  addPlayer: (w, id, name) => void w.players.push({ id, name, points: 0 }),
  removePlayer: (w, id) => void (w.players = w.players.filter((p) => p.id !== id)),
  parseInput: (raw) => (raw === 0 || raw === 1 ? raw : null),
  encodeInput: (input) => input,
  idleInput: () => 0,
  applyInput: (w, id, input) => {
    const p = w.players.find((q) => q.id === id);
    if (p) p.points += input;
  },
  step: (w) => {
    if (--w.matchLeft > 0) return [];
    const event: GameEvent = [EVT_END, w.matchNumber, ...counterScores(w).flatMap((s) => [s.playerId, s.values.points!])];
    for (const p of w.players) p.points = 0;
    w.matchNumber++;
    w.matchLeft = MATCH;
    return [event];
  },
  view: () => [],
  focusOf: () => null,
  scoreColumns: [{ key: 'points', label: 'Points' }],
  scores: counterScores,
  matchEndEvent: EVT_END,
  matchEndScores: (w, event) => {
    const scores: PlayerScore[] = [];
    for (let i = 2; i + 1 < event.length; i += 2) {
      const id = event[i] as number;
      scores.push({ playerId: id, name: w.players.find((p) => p.id === id)!.name, values: { points: event[i + 1] as number } });
    }
    return scores;
  },
  hash: (w) => stateDigest(w),
  serialize: (w) => structuredClone(w),
  deserialize: (data) => structuredClone(data as CounterWorld),
};

function counterScores(w: CounterWorld): PlayerScore[] {
  return [...w.players].sort((a, b) => b.points - a.points || a.id - b.id).map((p) => ({ playerId: p.id, name: p.name, values: { points: p.points } }));
}

// ---- helpers

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function newStore(): Promise<RecordingStore> {
  const dir = mkdtempSync(join(tmpdir(), 'per-match-test-'));
  dirs.push(dir);
  const store = new RecordingStore({ dir, maxCount: 100, maxBytes: 1e12 });
  await store.init();
  return store;
}

const silentLink: PlayerLink = { sendSnapshot() {}, sendChat() {}, sendNotice() {}, sendRoomClosed() {} };
const nextTurn = () => new Promise((r) => setImmediate(r));

function newRoom(game: AnyGame, recorder: RoomRecorder, botFill = 0): Room {
  return new Room({
    id: 'pm1',
    code: null,
    game,
    seed: 5,
    tickRate: game.tickRate,
    snapshotRate: game.tickRate,
    maxPlayers: 8,
    lagCompensationTicks: game.lagCompensationTicks,
    reconnectGraceMs: 1e12,
    emptyRoomGraceMs: 1e12,
    interestRadius: 1e9,
    botFill,
    observer: recorder,
  });
}

/** Every recording of the store, oldest first, read whole. */
async function recordingsOf(store: RecordingStore) {
  const { matches } = store.list(0, 100);
  return Promise.all(
    [...matches].reverse().map(async (summary) => ({ summary, recording: await readRecording(new Uint8Array(readFileSync(store.fileOf(summary.id)!.file))) })),
  );
}

describe('one recording per match', () => {
  it('cuts a room into its matches: each verifies from its start keyframe, with its own players and scores', async () => {
    const store = await newStore();
    const recorder = new RoomRecorder('pm1', { store, keyframeSeconds: 1, batchSeconds: 1 });
    const room = newRoom(counterGame as AnyGame, recorder);
    const ann = room.join('ann', silentLink);
    let annSeat = ann;
    let bob: ReturnType<Room['join']> | null = null;
    let cy: ReturnType<Room['join']> | null = null;
    let seq = 0;
    for (let t = 1; t <= 130; t++) {
      // ann presses on every tick she is seated, bob on even ticks, cy on every third.
      if (room.seat(annSeat.playerId)) room.queueInput(annSeat, ++seq, t, 1);
      if (bob && t % 2 === 0) room.queueInput(bob, ++seq, t, 1);
      if (cy && t % 3 === 0) room.queueInput(cy, ++seq, t, 1);
      room.step();
      if (t === 30) bob = room.join('bob', silentLink);
      if (t === 70) room.leave(annSeat.playerId);
      if (t === 80) annSeat = room.join('ann', silentLink); // back, with a new seat
      if (t === 100) cy = room.join('cy', silentLink);
      await nextTurn();
    }
    room.close('disposed', 'test over');
    await recorder.done;

    const all = await recordingsOf(store);
    expect(all.map((r) => r.summary.match)).toEqual([1, 2, 3]);
    expect(store.list().matches.map((m) => m.match)).toEqual([3, 2, 1]); // newest first
    expect(all.map((r) => r.recording.header.startTick)).toEqual([0, 60, 120]);
    expect(all.map((r) => r.summary.endReason)).toEqual(['match_end', 'match_end', 'disposed']);
    expect(all.map((r) => r.summary.ticks)).toEqual([60, 60, 10]);
    for (const { recording } of all) {
      const result = await verifyRecording(recording, counterGame);
      expect(result, JSON.stringify(result.error ?? result.divergence)).toMatchObject({ ok: true, complete: true });
    }

    const [first, second, third] = all.map((r) => r.summary);
    // Match 1: ann pressed on ticks 1..60 (60), bob on the even ticks 32..60 (15): taken before the reset.
    expect(first!.players.map((p) => p.name)).toEqual(['ann', 'bob']);
    expect(first!.scores!.map((s) => [s.name, s.values.points])).toEqual([['ann', 60], ['bob', 15]]);
    // Match 2: ann left on 70 and came back on 80: listed once; cy came on 100.
    expect(second!.players.map((p) => p.name)).toEqual(['ann', 'bob', 'cy']);
    expect(second!.scores!.map((s) => [s.name, s.values.points])).toEqual([['ann', 40], ['bob', 30], ['cy', 7]]);
    // Match 3 starts with everyone seated: they are the header's players.
    expect(all[2]!.recording.header.players.map((p) => p.name)).toEqual(['bob', 'ann', 'cy']);
    expect(third!.players.map((p) => p.name)).toEqual(['bob', 'ann', 'cy']);
    expect(third!.scores!.map((s) => [s.name, s.values.points])).toEqual([['ann', 10], ['bob', 5], ['cy', 3]]);

    // A replay of a later match seeks within it and lands on the room's state at its end.
    const sim = new ReplaySimulator(all[2]!.recording, counterGame);
    expect(sim.tick).toBe(120);
    expect(sim.seats.map((s) => s.name)).toEqual(['bob', 'ann', 'cy']);
    sim.seek(130);
    expect(sim.hash()).toBe(room.worldHash());
    sim.seek(125);
    expect(sim.tick).toBe(125);

    // Without its start keyframe, a later match's file is refused where the keyframe should be.
    const records = all[1]!.recording.entries.map((e) => e.record).filter((r) => r.type !== 'keyframe' || r.tick !== 60);
    const cut = await readRecording(await encodeRecording(records));
    expect(cut.error?.code).toBe('OUT_OF_ORDER');
    expect(cut.error?.message).toMatch(/starting at tick 60 must continue with a keyframe of that tick/);
  });

  it('a room closed after everyone left lists the scores they had', async () => {
    const store = await newStore();
    const recorder = new RoomRecorder('pm1', { store });
    const room = newRoom(counterGame as AnyGame, recorder);
    const ann = room.join('ann', silentLink);
    const bob = room.join('bob', silentLink);
    let seq = 0;
    for (let t = 1; t <= 40; t++) {
      room.queueInput(ann, ++seq, t, 1);
      if (t <= 10) room.queueInput(bob, ++seq, t, 1);
      room.step();
      await nextTurn();
    }
    room.leave(bob.playerId);
    room.leave(ann.playerId);
    for (let t = 41; t <= 45; t++) room.step(); // empty, until disposed
    room.close('disposed', 'room closed after being empty');
    await recorder.done;
    const [match] = store.list().matches;
    expect(match).toMatchObject({ endReason: 'disposed', match: 1, complete: true });
    expect(match!.scores!.map((s) => [s.name, s.values.points])).toEqual([['ann', 40], ['bob', 10]]);
  });

  it('the arena with short matches and server-hosted bots: each match verifies, its scores are those the match end announced', async () => {
    // The arena's rules with 150-tick matches (the clock is cut short after every step; replays use the same rules).
    const arena = arenaGame as unknown as GameDefinition<ArenaWorld, unknown>;
    const shortArena: GameDefinition<ArenaWorld, unknown> = {
      ...arena,
      createWorld: (seed) => ({ ...arena.createWorld(seed), phaseTicksLeft: 150 }),
      step: (world, tick) => {
        const events = arena.step(world, tick);
        world.phaseTicksLeft = Math.min(world.phaseTicksLeft, world.intermission ? 30 : 150);
        return events;
      },
    };
    expect(ARENA_SCHEMA.reliableEvents).toContain(EVT_MATCH_END);
    const store = await newStore();
    const recorder = new RoomRecorder('pm1', { store, keyframeSeconds: 2 });
    const room = newRoom(shortArena as AnyGame, recorder, 4);
    room.join('ann', silentLink);
    const ends: GameEvent[] = [];
    for (let t = 1; t <= 350; t++) {
      room.step();
      await nextTurn();
    }
    room.close('shutdown', 'test over');
    await recorder.done;

    const all = await recordingsOf(store);
    expect(all.map((r) => [r.recording.header.startTick, r.summary.ticks, r.summary.endReason])).toEqual([
      [0, 150, 'match_end'],
      [150, 180, 'match_end'], // the 30-tick break, then the second match
      [330, 20, 'shutdown'],
    ]);
    for (const { recording } of all) {
      const result = await verifyRecording(recording, shortArena);
      expect(result, JSON.stringify(result.error ?? result.divergence)).toMatchObject({ ok: true, complete: true });
      // The scores of a match end are its EVT_MATCH_END standings (recorded in full), not the reset world's.
      const sim = new ReplaySimulator(recording, shortArena);
      for (let step = sim.step(); step; step = sim.step()) ends.push(...step.events.filter((e) => e[0] === EVT_MATCH_END));
    }
    expect(ends).toHaveLength(2);
    // Kills happened, so scores that were reset before being taken would show.
    expect(all.slice(0, 2).some((r) => r.summary.scores!.some((s) => s.values.kills! > 0))).toBe(true);
    for (let i = 0; i < 2; i++) {
      const event = ends[i]!;
      const announced: [number, number, number, number][] = [];
      for (let j = 3; j < event.length; j += 4) announced.push(event.slice(j, j + 4) as [number, number, number, number]);
      const scores = all[i]!.summary.scores!;
      expect(scores.map((s) => [s.playerId, s.values.kills, s.values.deaths, s.values.score])).toEqual(announced);
      expect(scores).toHaveLength(4); // ann and three bots (BOT_FILL 4: seats in all)
    }
  });
});
