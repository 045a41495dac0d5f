// Helpers for the recording tests (not used by the recorder or the tools): a match simulated directly on
// the arena game and recorded the way the server's RoomRecorder records a Room (same step order, same
// record layout), and a rewriter that changes inputs in a recording and re-encodes it into a file that
// is valid (every CRC right) but wrong.

import type { GameEvent } from '../codec/schema.js';
import { botInput } from '../game/arena/test-support.js';
import { arenaGame, type ArenaInput, type ArenaWorld } from '../game/arena/index.js';
import { createPrng } from '../game/prng.js';
import { stateDigest } from './digest.js';
import { EventDigestsEncoder, EventsEncoder, ticksEvents } from './events-codec.js';
import type { RecordingRecord } from './format.js';
import { InputsDecoder, newSeat, type SeatState } from './input-codec.js';
import { InputsEncoder, type InputPacker } from './input-encoder.js';
import type { Recording } from './reader.js';
import { rulesVersionOf } from './rules-version.js';
import { ReplaySimulator } from './simulator.js';
import { storedEventTest } from './verify.js';
import { encodeRecording } from './writer.js';

export interface SimulatedMatchOptions {
  readonly seed?: number;
  readonly ticks: number;
  /** Players seated before tick 1, in join order. */
  readonly players: readonly string[];
  /** Joins after tick `tick` was stepped. */
  readonly joins?: readonly { readonly tick: number; readonly name: string }[];
  /** Leaves after tick `tick` was stepped. */
  readonly leaves?: readonly { readonly tick: number; readonly playerId: number }[];
  readonly keyframeEvery?: number;
  readonly checkpointEvery?: number;
  readonly batch?: number;
  /** Ticks on which a player sends nothing (the idle input applies, renderTick = tick), by default every 7th. */
  readonly idle?: (tick: number, playerId: number) => boolean;
}

/** Records a bot match played directly on the arena game (no Room): the records, in file order. */
export function simulateRecording(options: SimulatedMatchOptions): RecordingRecord[] {
  const game = arenaGame;
  const seed = options.seed ?? 7;
  const keyframeEvery = options.keyframeEvery ?? 90;
  const checkpointEvery = options.checkpointEvery ?? 30;
  const batch = options.batch ?? 40;
  const idle = options.idle ?? ((tick, id) => (tick + id) % 7 === 0);
  const world: ArenaWorld = game.createWorld(seed);
  const rng = createPrng(seed ^ 0x5eed);
  const records: RecordingRecord[] = [
    {
      type: 'header',
      game: game.name,
      rulesVersion: rulesVersionOf(game),
      protocol: 1,
      roomId: 'test-room',
      seed,
      tickRate: game.tickRate,
      snapshotRate: game.tickRate,
      lagCompensationTicks: game.lagCompensationTicks,
      map: 'arena-1',
      startTime: Date.UTC(2026, 0, 1),
      startTick: 0,
      match: 1,
      initialHash: game.hash(game.createWorld(seed)),
      players: [],
      keyframeInterval: keyframeEvery,
      checkpointInterval: checkpointEvery,
      storedEvents: game.schema.reliableEvents ?? null,
      scoreColumns: game.scoreColumns,
    },
  ];
  const seated: number[] = [];
  const last = new Map<number, ArenaInput>();
  const participants: { playerId: number; name: string; joinTick: number; leaveTick: number | null }[] = [];
  let nextId = 0;
  const inputs = new InputsEncoder(game.packInput as InputPacker);
  const events = new EventsEncoder();
  const eventDigests = new EventDigestsEncoder();
  const stored = storedEventTest({ storedEvents: game.schema.reliableEvents ?? null });
  let from = 0;
  let count = 0;
  let checkpoints: [number, number][] = [];
  const close = () => {
    if (count === 0) return;
    records.push({ type: 'ticks', from, count, inputs: inputs.finish(), events: events.finish(), eventDigests: eventDigests.finish(), checkpoints });
    inputs.reset();
    count = 0;
    checkpoints = [];
  };
  const join = (tick: number, name: string) => {
    close();
    const playerId = ++nextId;
    game.addPlayer(world, playerId, name);
    seated.push(playerId);
    inputs.seat(playerId, name);
    participants.push({ playerId, name, joinTick: tick, leaveTick: null });
    records.push({ type: 'join', tick, playerId, name });
  };
  const leave = (tick: number, playerId: number) => {
    close();
    const index = seated.indexOf(playerId);
    if (index < 0) throw new Error(`player ${playerId} is not seated`);
    seated.splice(index, 1);
    inputs.unseat(playerId);
    last.delete(playerId);
    game.removePlayer(world, playerId);
    const p = participants.find((q) => q.playerId === playerId && q.leaveTick === null);
    if (p) p.leaveTick = tick;
    records.push({ type: 'leave', tick, playerId });
  };
  for (const name of options.players) join(0, name);
  for (let tick = 1; tick <= options.ticks; tick++) {
    if (count === 0) {
      from = tick;
      events.reset(tick);
      eventDigests.reset(tick);
    }
    // As Room.step: one input per seat in seat order (idle input when nothing was sent), then the step.
    const applied = seated.map((playerId) => {
      if (idle(tick, playerId)) {
        const payload = game.idleInput(last.get(playerId) ?? null);
        return { playerId, renderTick: tick, payload };
      }
      const payload = botInput(world, playerId, rng);
      last.set(playerId, payload);
      return { playerId, renderTick: Math.max(tick - game.lagCompensationTicks, tick - 1 - ((tick >> 4) % 4)), payload };
    });
    for (const a of applied) game.applyInput(world, a.playerId, a.payload, { tick, renderTick: a.renderTick });
    const tickEvents = game.step(world, tick);
    inputs.encodeTick(tick, applied);
    if (tickEvents.length > 0) {
      eventDigests.add(tick, stateDigest(tickEvents));
      events.encodeTick(tick, tickEvents, stored);
    }
    count++;
    if (tick % keyframeEvery === 0) {
      close();
      records.push({ type: 'keyframe', tick, hash: game.hash(world), state: game.serialize(world), seats: inputs.keyframeSeats() });
    } else {
      if (tick % checkpointEvery === 0) checkpoints.push([tick, stateDigest(game.serialize(world))]);
      if (count >= batch) close();
    }
    for (const j of options.joins ?? []) if (j.tick === tick) join(tick, j.name);
    for (const l of options.leaves ?? []) if (l.tick === tick) leave(tick, l.playerId);
  }
  close();
  records.push({
    type: 'end',
    tick: options.ticks,
    endTime: Date.UTC(2026, 0, 1) + Math.round((options.ticks / game.tickRate) * 1000),
    reason: 'disposed',
    hash: game.hash(world),
    scores: game.scores(world),
    players: participants,
  });
  return records;
}

/** One seat's applied input on a tick, as a rewriter sees and may change it. */
export interface AppliedView {
  readonly playerId: number;
  payload: unknown;
  renderTick: number;
}

/**
 * Re-encodes a recording's records with some inputs changed: `change(tick, applied)` may edit the
 * applied inputs of any tick in place. Keyframes keep their recorded state and hash (so a change shows
 * up as a divergence) but restate the changed stream's seat baselines, so the file stays decodable.
 */
export function rewriteInputs(recording: Recording, change: (tick: number, applied: AppliedView[]) => void): RecordingRecord[] {
  const out: RecordingRecord[] = [];
  let readSeats: SeatState[] = [];
  const encoder = new InputsEncoder();
  for (const { record } of recording.entries) {
    switch (record.type) {
      case 'join':
        readSeats.push(newSeat(record.playerId, record.name));
        encoder.seat(record.playerId, record.name);
        out.push(record);
        break;
      case 'leave':
        readSeats = readSeats.filter((s) => s.playerId !== record.playerId);
        encoder.unseat(record.playerId);
        out.push(record);
        break;
      case 'keyframe':
        readSeats = record.seats.map(([id, name, payload, offset]) => newSeat(id, name, payload, offset));
        out.push({ ...record, seats: encoder.keyframeSeats() });
        break;
      case 'ticks': {
        const decoder = new InputsDecoder(record.inputs);
        encoder.reset();
        for (let tick = record.from; tick < record.from + record.count; tick++) {
          decoder.decodeTick(readSeats);
          const applied: AppliedView[] = readSeats.map((s) => ({ playerId: s.playerId, payload: s.payload, renderTick: tick - s.offset }));
          change(tick, applied);
          encoder.encodeTick(tick, applied);
        }
        out.push({ ...record, inputs: encoder.finish() });
        break;
      }
      default:
        out.push(record);
    }
  }
  return out;
}

/** Every tick's events as a straight re-simulation of the recording produces them (ticks with none omitted). */
export function replayedEvents(recording: Recording): Map<number, readonly GameEvent[]> {
  const sim = new ReplaySimulator(recording, arenaGame);
  const out = new Map<number, readonly GameEvent[]>();
  for (let step = sim.step(); step; step = sim.step()) if (step.events.length > 0) out.set(step.tick, step.events);
  return out;
}

/** The events of one tick that the recording stores in full (kills, match ends). */
export function recordedEventsAt(recording: Recording, tick: number): readonly (readonly (number | string)[])[] {
  for (const { record } of recording.entries) {
    if (record.type !== 'ticks' || tick < record.from || tick >= record.from + record.count) continue;
    return ticksEvents(record).find(([t]) => t === tick)?.[1] ?? [];
  }
  return [];
}

export { encodeRecording };
