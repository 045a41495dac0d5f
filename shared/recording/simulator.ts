// Re-simulation of a recording: the world is rebuilt from the header's seed (or, for a recording that
// starts after tick 0, from its first keyframe; or a keyframe when seeking), and joins,
// leaves and each tick's inputs are applied exactly as Room.step applied them: inputs in seat order
// (seat order = join order), then game.step. Seeking restores the nearest keyframe at or before the
// target and steps forward from there. The rules are those of the recording's rules version
// (rules-version.ts): the game itself, or the older rules it still provides.

import type { EntityView, GameEvent } from '../codec/schema.js';
import type { GameDefinition } from '../game/game-definition.js';
import type { EndRecord, JoinRecord, KeyframeRecord, LeaveRecord, TicksRecord } from './format.js';
import { ticksEventDigests, ticksEvents } from './events-codec.js';
import { InputDecodeError, InputsDecoder, newSeat, sameAsWritten, type SeatState } from './input-codec.js';
import type { RecordEntry, Recording } from './reader.js';
import { rulesOfVersion, simulatedRulesVersions } from './rules-version.js';
import { stepTick } from '../game/step-tick.js';

export type ReplayErrorCode =
  | 'WRONG_GAME'
  | 'BUILD_MISMATCH'
  | 'BAD_INPUTS'
  | 'BAD_KEYFRAME'
  | 'SEAT_MISMATCH'
  | 'SIMULATION_FAILED';

/** The recording cannot be replayed from some point on; `offset` is the byte offset of the record at fault. */
export class ReplayError extends Error {
  constructor(
    readonly code: ReplayErrorCode,
    readonly tick: number,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${code} at tick ${tick} (record at byte ${offset}): ${reason}`);
    this.name = 'ReplayError';
  }
}

/** One step of the replay: a simulated tick, or a record passed between ticks. */
export type ReplayStep =
  | {
      readonly kind: 'tick';
      readonly tick: number;
      /** What the re-simulation produced. */
      readonly events: readonly GameEvent[];
      /** The events of this tick the recording stores in full (the kinds of the game's schema.reliableEvents). */
      readonly recordedEvents: readonly GameEvent[];
      /** The recorded digest of all this tick's events (stateDigest); null: the tick produced none. */
      readonly recordedEventsDigest: number | null;
      /** The recorded state hash after this tick, when the recording has a checkpoint here. */
      readonly checkpoint: number | null;
      readonly offset: number;
    }
  | { readonly kind: 'join'; readonly record: JoinRecord; readonly offset: number }
  | { readonly kind: 'leave'; readonly record: LeaveRecord; readonly offset: number }
  | { readonly kind: 'keyframe'; readonly record: KeyframeRecord; readonly offset: number }
  | { readonly kind: 'end'; readonly record: EndRecord; readonly offset: number };

export interface ReplaySeat {
  readonly playerId: number;
  readonly name: string;
}

interface TicksCursor {
  readonly entry: RecordEntry;
  readonly record: TicksRecord;
  readonly inputs: InputsDecoder;
  /** Next tick to simulate from this record. */
  tick: number;
  eventIndex: number;
  digestIndex: number;
  checkpointIndex: number;
}

const NO_EVENTS: readonly GameEvent[] = Object.freeze([]);

export class ReplaySimulator<World = unknown, Input = unknown> {
  readonly startTick: number;
  /** The last tick the recording covers. */
  readonly endTick: number;
  /** Ticks of the keyframes, ascending. */
  readonly keyframeTicks: readonly number[];
  private readonly keyframes: { tick: number; index: number }[] = [];
  private worldState!: World;
  private seatList: SeatState[] = [];
  private currentTick = 0;
  /** Index of the next entry to process. */
  private cursor = 1;
  private ticks: TicksCursor | null = null;
  /** The definition that simulates the recording: `game`, or its older rules of the recording's rules version. */
  readonly rules: GameDefinition<World, Input>;

  constructor(
    readonly recording: Recording,
    readonly game: GameDefinition<World, Input>,
  ) {
    const header = recording.header;
    if (header.game !== game.name) {
      throw new ReplayError('WRONG_GAME', header.startTick, recording.entries[0]!.offset, `the recording is of game "${header.game}", not "${game.name}"`);
    }
    const rules = rulesOfVersion(game, header.rulesVersion);
    if (rules === null) {
      throw new ReplayError(
        'BUILD_MISMATCH',
        header.startTick,
        recording.entries[0]!.offset,
        `recorded with ${game.name} rules version ${header.rulesVersion}; this build simulates versions [${simulatedRulesVersions(game).join(', ')}]`,
      );
    }
    this.rules = rules;
    if (header.tickRate !== rules.tickRate) {
      throw new ReplayError('BUILD_MISMATCH', header.startTick, recording.entries[0]!.offset, `recorded at ${header.tickRate} Hz; this build of "${game.name}" steps at ${rules.tickRate} Hz`);
    }
    const initial = rules.hash(rules.createWorld(header.seed));
    if (initial !== header.initialHash) {
      throw new ReplayError(
        'BUILD_MISMATCH',
        header.startTick,
        recording.entries[0]!.offset,
        `the initial world of seed ${header.seed} hashes to ${hex(initial)} in this build but ${hex(header.initialHash)} in the recording: it was made by a different version of the game rules or map`,
      );
    }
    recording.entries.forEach((e, index) => {
      if (e.record.type === 'keyframe') this.keyframes.push({ tick: e.record.tick, index });
    });
    this.keyframeTicks = this.keyframes.map((k) => k.tick);
    this.startTick = header.startTick;
    this.endTick = recording.lastTick;
    this.reset();
  }

  /** The last tick simulated: the world is as it was right after that tick's step. */
  get tick(): number {
    return this.currentTick;
  }
  get world(): World {
    return this.worldState;
  }
  get seats(): readonly ReplaySeat[] {
    return this.seatList.map((s) => ({ playerId: s.playerId, name: s.name }));
  }
  get atEnd(): boolean {
    return this.cursor >= this.recording.entries.length && this.ticks === null;
  }

  view(): EntityView[] {
    return this.rules.view(this.worldState);
  }
  hash(): number {
    return this.rules.hash(this.worldState);
  }

  /** Back to the start of the recording: the seed's fresh world, or the keyframe of a later start tick. */
  reset(): void {
    const header = this.recording.header;
    if (header.startTick > 0) {
      this.restoreStartKeyframe();
      return;
    }
    this.worldState = this.rules.createWorld(header.seed);
    this.seatList = [];
    this.currentTick = header.startTick;
    this.cursor = 1;
    this.ticks = null;
    for (const p of header.players) {
      this.rules.addPlayer(this.worldState, p.playerId, p.name);
      this.seatList.push(newSeat(p.playerId, p.name));
    }
  }

  /**
   * Puts the replay at `target` (clamped to [startTick, endTick]): restores the nearest keyframe at or
   * before it, unless stepping on from where the replay already is is shorter, then steps forward.
   * Returns the tick reached.
   */
  seek(target: number): number {
    const goal = Math.max(this.startTick, Math.min(this.endTick, Math.floor(target)));
    let best: { tick: number; index: number } | null = null;
    for (const k of this.keyframes) {
      if (k.tick > goal) break;
      best = k;
    }
    const from = best ? best.tick : this.startTick;
    if (!(this.currentTick <= goal && this.currentTick >= from)) {
      if (best) this.restoreKeyframe(best.index);
      else this.reset();
    }
    while (this.currentTick < goal) {
      if (!this.step()) break;
    }
    return this.currentTick;
  }

  /** Simulates the next tick (first applying the joins and leaves recorded before it); null at the end. */
  step(): Extract<ReplayStep, { kind: 'tick' }> | null {
    for (;;) {
      const next = this.next();
      if (next === null) return null;
      if (next.kind === 'tick') return next;
      if (next.kind === 'end') return null;
    }
  }

  /** Advances by one record-level step: a join, leave, keyframe or end record passed, or one tick simulated. */
  next(): ReplayStep | null {
    if (this.ticks) return this.simulateTick(this.ticks);
    const entries = this.recording.entries;
    if (this.cursor >= entries.length) return null;
    const entry = entries[this.cursor++]!;
    const record = entry.record;
    switch (record.type) {
      case 'join': {
        if (this.seatList.some((s) => s.playerId === record.playerId)) {
          throw new ReplayError('SEAT_MISMATCH', record.tick, entry.offset, `player ${record.playerId} joins but is already seated`);
        }
        this.guard(record.tick, entry.offset, () => this.rules.addPlayer(this.worldState, record.playerId, record.name));
        this.seatList.push(newSeat(record.playerId, record.name));
        return { kind: 'join', record, offset: entry.offset };
      }
      case 'leave': {
        const index = this.seatList.findIndex((s) => s.playerId === record.playerId);
        if (index < 0) throw new ReplayError('SEAT_MISMATCH', record.tick, entry.offset, `player ${record.playerId} leaves but is not seated`);
        this.seatList.splice(index, 1);
        this.guard(record.tick, entry.offset, () => this.rules.removePlayer(this.worldState, record.playerId));
        return { kind: 'leave', record, offset: entry.offset };
      }
      case 'keyframe':
        return { kind: 'keyframe', record, offset: entry.offset };
      case 'end':
        return { kind: 'end', record, offset: entry.offset };
      case 'ticks':
        this.ticks = { entry, record, inputs: this.inputsOf(entry, record), tick: record.from, eventIndex: 0, digestIndex: 0, checkpointIndex: 0 };
        return this.simulateTick(this.ticks);
      case 'header':
        throw new ReplayError('SIMULATION_FAILED', this.currentTick, entry.offset, 'unexpected second header');
    }
  }

  /** The seat baselines from a keyframe's point of view (for comparing a keyframe with the replay). */
  seatsMatch(record: KeyframeRecord): string | null {
    if (record.seats.length !== this.seatList.length) {
      return `keyframe lists ${record.seats.length} seats, the replay has ${this.seatList.length}`;
    }
    for (let i = 0; i < record.seats.length; i++) {
      const [playerId, , payload, offset] = record.seats[i]!;
      const seat = this.seatList[i]!;
      if (seat.playerId !== playerId) return `keyframe seat ${i} is player ${playerId}, the replay's is player ${seat.playerId}`;
      if (seat.offset !== offset) return `keyframe seat ${i} (player ${playerId}) has render offset ${offset}, the replay ${seat.offset}`;
      // Seeking restores this payload as the baseline of the next tick's deltas: it must be the replay's.
      if (!sameAsWritten(seat.payload, payload)) {
        return `keyframe seat ${i} (player ${playerId}) has input ${JSON.stringify(payload)}, the replay ${JSON.stringify(seat.payload)}`;
      }
    }
    return null;
  }

  private inputsOf(entry: RecordEntry, record: TicksRecord): InputsDecoder {
    try {
      return new InputsDecoder(record.inputs);
    } catch (err) {
      if (err instanceof InputDecodeError) throw new ReplayError('BAD_INPUTS', record.from, entry.offset, err.message);
      throw err;
    }
  }

  /** A recording of a later match starts from the keyframe right after its header, seating header.players. */
  private restoreStartKeyframe(): void {
    const header = this.recording.header;
    const first = this.recording.entries[1];
    if (!first || first.record.type !== 'keyframe' || first.record.tick !== header.startTick) {
      const offset = first?.offset ?? this.recording.entries[0]!.offset;
      throw new ReplayError('BAD_KEYFRAME', header.startTick, offset, `the recording starts at tick ${header.startTick} without a keyframe of that tick to start from`);
    }
    const seats = first.record.seats;
    const same = seats.length === header.players.length && seats.every(([playerId, name], i) => header.players[i]!.playerId === playerId && header.players[i]!.name === name);
    if (!same) {
      throw new ReplayError('SEAT_MISMATCH', header.startTick, first.offset, `the header's players ${JSON.stringify(header.players)} are not the start keyframe's seats`);
    }
    this.restoreKeyframe(1);
  }

  private restoreKeyframe(index: number): void {
    const entry = this.recording.entries[index]!;
    const record = entry.record as KeyframeRecord;
    let world: World;
    try {
      world = this.rules.deserialize(record.state);
    } catch (err) {
      throw new ReplayError('BAD_KEYFRAME', record.tick, entry.offset, `the keyframe's state does not deserialize: ${(err as Error).message}`);
    }
    const hash = this.rules.hash(world);
    if (hash !== record.hash) {
      throw new ReplayError('BAD_KEYFRAME', record.tick, entry.offset, `the keyframe's state hashes to ${hex(hash)}, but it says ${hex(record.hash)}`);
    }
    this.worldState = world;
    this.seatList = record.seats.map(([playerId, name, payload, offset]) => newSeat(playerId, name, payload, offset));
    this.currentTick = record.tick;
    this.cursor = index + 1;
    this.ticks = null;
  }

  private simulateTick(c: TicksCursor): Extract<ReplayStep, { kind: 'tick' }> {
    const tick = c.tick;
    const offset = c.entry.offset;
    try {
      c.inputs.decodeTick(this.seatList);
    } catch (err) {
      if (err instanceof InputDecodeError) {
        throw new ReplayError('BAD_INPUTS', tick, offset, `inputs of tick ${tick} are malformed (byte ${err.position} of the record's inputs): ${err.message}`);
      }
      throw err;
    }
    const world = this.worldState;
    const inputs = this.seatList.map((seat) => ({ playerId: seat.playerId, payload: seat.payload as Input, renderTick: tick - seat.offset }));
    const events = this.guard(tick, offset, () => stepTick(this.rules, world, tick, inputs));
    this.currentTick = tick;
    let recordedEvents = NO_EVENTS;
    const ev = ticksEvents(c.record)[c.eventIndex];
    if (ev && ev[0] === tick) {
      recordedEvents = ev[1];
      c.eventIndex++;
    }
    let recordedEventsDigest: number | null = null;
    const digest = ticksEventDigests(c.record)[c.digestIndex];
    if (digest && digest[0] === tick) {
      recordedEventsDigest = digest[1];
      c.digestIndex++;
    }
    let checkpoint: number | null = null;
    const cp = c.record.checkpoints[c.checkpointIndex];
    if (cp && cp[0] === tick) {
      checkpoint = cp[1];
      c.checkpointIndex++;
    }
    c.tick++;
    if (c.tick > c.record.from + c.record.count - 1) {
      if (!c.inputs.done) {
        throw new ReplayError('BAD_INPUTS', tick, offset, `${c.inputs.remaining} unread bytes of inputs after the record's last tick`);
      }
      this.ticks = null;
    }
    return { kind: 'tick', tick, events, recordedEvents, recordedEventsDigest, checkpoint, offset };
  }

  private guard<T>(tick: number, offset: number, run: () => T): T {
    try {
      return run();
    } catch (err) {
      if (err instanceof ReplayError) throw err;
      throw new ReplayError('SIMULATION_FAILED', tick, offset, `the game threw while replaying: ${(err as Error).message}`);
    }
  }
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
}
