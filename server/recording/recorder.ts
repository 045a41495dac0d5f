// Records one room, as its RoomObserver.
//
// On the tick (inside Room.step) the recorder only does what needs the tick's data while it is fresh:
// it packs the inputs just applied into the current batch's bytes (a few changed integers per seat, no
// allocation), digests the tick's events and packs those stored in full (the game's reliable events:
// kills, match ends), takes a state digest every two seconds and a serialized copy of the world at keyframe
// ticks. Everything else happens after the tick (setImmediate):
// msgpack, CRC and the file write (RecordingFileWriter, asynchronous I/O).
//
// Why the inputs are packed on the tick rather than later: deferring it meant holding 5 s of applied-input
// objects (150 ticks x 16 seats), which then survive young-generation GCs, get promoted, and are read back
// from cold memory: measured 3-5x the CPU of packing them while they are hot (bench-results/recording.md).
//
// One recording per match: when the game says where matches end (GameDefinition.matchEndEvent), the
// tick that emits that event ends the current file (end record, reason 'match_end', the final scores of
// that tick) and the next file starts at once from that tick, with a keyframe of the world (a game without
// it is recorded as one match per room).
//
// A recorder never throws into the room: a failure abandons the recording (logged; the file then reads
// as truncated) and the match goes on. Finalized when the room closes: end record, file closed, store
// updated (a match nobody played leaves no recording).

import type { GameEvent } from '../../shared/codec/schema.js';
import type { AnyGame, PlayerScore } from '../../shared/game/game-definition.js';
import { PROTOCOL_VERSION } from '../../shared/protocol.js';
import {
  EventDigestsEncoder,
  EventsEncoder,
  InputsEncoder,
  type InputPacker,
  stateDigest,
  storedEventTest,
  type EndRecord,
  type HeaderRecord,
  type RecordingRecord,
  rulesVersionOf,
} from '../../shared/recording/index.js';
import type { Logger } from '../logger.js';
import type { AppliedInput, Room, RoomObserver } from '../room.js';
import { RecordingFileWriter, type SyncDeflate } from './file-writer.js';
import { MatchParticipants } from './match-participants.js';
import type { RecordingStore } from './store.js';

export interface RecorderTimings {
  /** ms spent inside the room's hooks (on the tick). */
  hookMs: number;
  /** ms spent after the tick: msgpack, compression, CRC, handing frames to the file writer. */
  encodeMs: number;
  /** Records handed to the writer. */
  records: number;
  /** When given, the duration (ms) of every onTick hook is appended (to see pauses apart from the median). */
  tickHookSamples?: number[];
}

export interface RoomRecorderOptions {
  readonly store: RecordingStore;
  readonly log?: Logger;
  /** Seconds between keyframes (default 20). */
  readonly keyframeSeconds?: number;
  /** Seconds between state-digest checkpoints (default 2). */
  readonly checkpointSeconds?: number;
  /** Longest batch of ticks in one record, in seconds (default 5): at most this much is lost in a crash. */
  readonly batchSeconds?: number;
  /** Compress keyframes with this (default: none, every record plain; see file-writer.ts). */
  readonly deflate?: SyncDeflate;
  /** Wall clock for the header and end record (default Date.now). */
  readonly now?: () => number;
  /** Where deferred work runs (default setImmediate). */
  readonly defer?: (fn: () => void) => void;
  /** Accumulates CPU time measurements when given (benchmarks). */
  readonly timings?: RecorderTimings;
}

type Pending =
  | { readonly kind: 'header'; readonly header: Omit<HeaderRecord, 'initialHash'>; readonly game: AnyGame }
  | { readonly kind: 'record'; readonly record: RecordingRecord }
  | {
      readonly kind: 'end';
      /** null: the file ends without an end record. */
      readonly record: EndRecord | null;
      /** The last tick the file holds, and whether anybody played in it (else it is discarded). */
      readonly lastTick: number;
      readonly played: boolean;
      /** The room's last recording: done resolves once every file is closed. */
      readonly last: boolean;
    };

export class RoomRecorder implements RoomObserver {
  private started = false;
  private closing = false;
  private failed = false;
  private keyframeEvery = 0;
  private checkpointEvery = 0;
  private batchMax = 0;
  // The batch being captured.
  private batchFrom = 0;
  private batchCount = 0;
  private readonly events = new EventsEncoder();
  private readonly eventDigests = new EventDigestsEncoder();
  /** Which events are stored in full (the others only count in their tick's digest). */
  private stored!: (event: GameEvent) => boolean;
  private batchCheckpoints: [number, number][] = [];
  /** Made when the recording starts, with the game's input packer. */
  private inputs!: InputsEncoder;
  /** Who plays in the current match. */
  private participants = new MatchParticipants();
  /** The current match's number within the room (from 1). */
  private match = 1;
  /** GameDefinition.matchEndEvent: the event code that ends a match (undefined: one match per room). */
  private matchEndEvent: number | undefined;
  private lastTick = 0;
  // Records waiting for the deferred writer.
  private readonly queue: Pending[] = [];
  private scheduled = false;
  private writer: RecordingFileWriter | null = null;
  private id: string | null = null;
  /** Files of earlier matches being closed. */
  private readonly completions: Promise<void>[] = [];
  private resolveDone!: () => void;
  /** Resolves when the recording is finalized (or abandoned). */
  readonly done: Promise<void> = new Promise((r) => (this.resolveDone = r));

  constructor(
    readonly roomId: string,
    private readonly options: RoomRecorderOptions,
  ) {}

  get recordingId(): string | null {
    return this.id;
  }
  get isClosing(): boolean {
    return this.closing;
  }

  // ---- RoomObserver: on the tick ----

  onPlayerJoined(room: Room, tick: number, playerId: number, name: string): void {
    // Seated before the hook: the first join of a fresh room sees one player at tick 0.
    this.hook(room, tick === 0 && room.playerCount === 1, () => {
      this.closeBatch();
      this.inputs.seat(playerId, name);
      this.participants.join(playerId, name, tick);
      this.push({ type: 'join', tick, playerId, name });
    });
  }

  onPlayerLeft(room: Room, tick: number, playerId: number): void {
    this.hook(room, false, () => {
      this.closeBatch();
      this.inputs.unseat(playerId);
      // The line the player leaves with (found when the room tells before taking the player out of the world).
      const score = room.scores().find((s) => s.playerId === playerId) ?? null;
      this.participants.leave(playerId, tick, score);
      this.push({ type: 'leave', tick, playerId });
    });
  }

  onTick(room: Room, tick: number, applied: readonly AppliedInput[], events: readonly GameEvent[]): void {
    if (this.failed || this.closing) return;
    const timings = this.options.timings;
    const t0 = timings ? performance.now() : 0;
    // The hook of every tick: the same as hook(), without allocating a closure.
    try {
      if (!this.started) this.start(room, tick === 1 && applied.length === 0);
      if (!this.failed) {
        this.capture(room, tick, applied, events);
        if (this.matchEndEvent !== undefined) {
          for (const event of events) {
            if (event[0] === this.matchEndEvent) {
              this.nextMatch(room, tick, event);
              break;
            }
          }
        }
      }
    } catch (err) {
      this.fail(err as Error);
    }
    if (timings) {
      const ms = performance.now() - t0;
      timings.hookMs += ms;
      timings.tickHookSamples?.push(ms);
    }
  }

  /** What a tick records: its inputs, its events' digest and stored events, a state digest every 2 s, a keyframe every 20 s. */
  private capture(room: Room, tick: number, applied: readonly AppliedInput[], events: readonly GameEvent[]): void {
    if (this.batchCount === 0) {
      this.batchFrom = tick;
      this.events.reset(tick);
      this.eventDigests.reset(tick);
    }
    this.inputs.encodeTick(tick, applied);
    this.batchCount++;
    this.lastTick = tick;
    if (events.length > 0) {
      this.eventDigests.add(tick, stateDigest(events));
      this.events.encodeTick(tick, events, this.stored);
    }
    if (tick % this.keyframeEvery === 0) {
      this.closeBatch();
      this.push({ type: 'keyframe', tick, hash: room.worldHash(), state: room.serializeWorld(), seats: this.inputs.keyframeSeats() });
    } else {
      if (tick % this.checkpointEvery === 0) this.batchCheckpoints.push([tick, stateDigest(room.serializeWorld())]);
      if (this.batchCount >= this.batchMax) {
        this.closeBatch();
        this.schedule();
      }
    }
  }

  /**
   * The match ended on `tick`: its file ends with that tick (scores as the match-end event left them, before
   * the next match resets anything), and the next match's file starts from a keyframe of the same tick.
   */
  private nextMatch(room: Room, tick: number, event: GameEvent): void {
    this.closeBatch();
    const game = room.game;
    const state = room.serializeWorld();
    const hash = room.worldHash();
    const seatedScores = game.matchEndScores ? game.matchEndScores(game.deserialize(state), event) : room.scores();
    this.queueEnd(room, 'match_end', hash, seatedScores, false);
    const seats = this.inputs.keyframeSeats();
    const players = seats.map(([playerId, name]) => ({ playerId, name }));
    this.match++;
    this.participants = new MatchParticipants(players, tick);
    this.queueHeader(room, tick, players);
    this.push({ type: 'keyframe', tick, hash, state, seats });
  }

  onClosed(room: Room, reason: string): void {
    this.hook(room, room.tick === 0 && room.playerCount === 0, () => this.finalize(room, reason));
  }

  /** Ends the recording now (graceful shutdown of a room that was not closed). */
  finalize(room: Room, reason: string): void {
    if (this.closing || this.failed) return;
    this.closing = true;
    this.closeBatch();
    if (room.tick !== this.lastTick) {
      // Tick room.tick failed part-way (the game threw, and the room is closed for it): the world is the
      // state of no recorded tick, so there is no true end hash. The file ends without an end record and
      // reads as cut off after the last good tick.
      this.options.log?.warn('recording ends without an end record: the room closed after a failed tick', { room: this.roomId, tick: room.tick });
      this.queue.push({ kind: 'end', record: null, lastTick: this.lastTick, played: this.participants.count > 0, last: true });
    } else {
      this.queueEnd(room, reason, room.worldHash(), room.scores(), true);
    }
    this.schedule();
  }

  /** The end record of the current match: `seatedScores` are the seated players' lines, best first. */
  private queueEnd(room: Room, reason: string, hash: number, seatedScores: readonly PlayerScore[], last: boolean): void {
    const record: EndRecord = {
      type: 'end',
      tick: this.lastTick,
      endTime: this.now(),
      reason,
      hash,
      scores: this.participants.finalScores(seatedScores, room.game.scoreColumns),
      players: this.participants.summary(),
    };
    this.queue.push({ kind: 'end', record, lastTick: this.lastTick, played: this.participants.count > 0, last });
  }

  // ---- capture helpers ----

  /** Runs a hook's work: starts the recording on the first one, never lets an error reach the room. */
  private hook(room: Room, fresh: boolean, work: () => void): void {
    if (this.failed || this.closing) return;
    const timings = this.options.timings;
    const t0 = timings ? performance.now() : 0;
    try {
      if (!this.started) this.start(room, fresh);
      if (!this.failed) work();
    } catch (err) {
      this.fail(err as Error);
    }
    if (timings) timings.hookMs += performance.now() - t0;
  }

  /** On the first hook: `fresh` says whether the room is as it was created (nothing unrecorded happened). */
  private start(room: Room, fresh: boolean): void {
    this.started = true;
    const { tickRate } = room.settings;
    const o = this.options;
    this.keyframeEvery = Math.max(1, Math.round((o.keyframeSeconds ?? 20) * tickRate));
    this.checkpointEvery = Math.max(1, Math.round((o.checkpointSeconds ?? 2) * tickRate));
    this.batchMax = Math.max(1, Math.round((o.batchSeconds ?? 5) * tickRate));
    // What the header says is stored is what is stored (queueHeader writes the same list): the test verify applies.
    this.stored = storedEventTest({ storedEvents: room.game.schema.reliableEvents ?? null });
    this.inputs = new InputsEncoder(room.game.packInput as InputPacker | undefined);
    this.matchEndEvent = room.game.matchEndEvent;
    if (!fresh) {
      // The room existed before its recorder: its start cannot be rebuilt from the seed.
      throw new Error(`recorder attached to room ${room.id} at tick ${room.tick} with ${room.playerCount} players; rooms are recorded from creation`);
    }
    this.queueHeader(room, 0, []);
  }

  /** The header of the current match's file: from tick 0 (the seed's world) or from a keyframe of `startTick`. */
  private queueHeader(room: Room, startTick: number, players: HeaderRecord['players']): void {
    const { tickRate, snapshotRate, lagCompensationTicks } = room.settings;
    this.queue.push({
      kind: 'header',
      game: room.game,
      header: {
        type: 'header',
        game: room.game.name,
        rulesVersion: rulesVersionOf(room.game),
        protocol: PROTOCOL_VERSION,
        roomId: room.id,
        seed: room.seed,
        tickRate,
        snapshotRate,
        lagCompensationTicks,
        map: room.game.mapName ?? null,
        startTime: this.now(),
        startTick,
        match: this.match,
        players,
        keyframeInterval: this.keyframeEvery,
        checkpointInterval: this.checkpointEvery,
        storedEvents: room.game.schema.reliableEvents ?? null,
        scoreColumns: room.game.scoreColumns,
      },
    });
  }

  private push(record: RecordingRecord): void {
    this.queue.push({ kind: 'record', record });
    this.schedule();
  }

  private closeBatch(): void {
    if (this.batchCount === 0) return;
    this.queue.push({
      kind: 'record',
      record: {
        type: 'ticks',
        from: this.batchFrom,
        count: this.batchCount,
        inputs: this.inputs.finish(),
        events: this.events.finish(),
        eventDigests: this.eventDigests.finish(),
        checkpoints: this.batchCheckpoints,
      },
    });
    this.inputs.reset();
    this.batchCount = 0;
    this.batchCheckpoints = [];
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private schedule(): void {
    if (this.scheduled || this.failed) return;
    this.scheduled = true;
    (this.options.defer ?? setImmediate)(() => {
      this.scheduled = false;
      this.process();
    });
  }

  // ---- after the tick ----

  private process(): void {
    const timings = this.options.timings;
    const t0 = timings ? performance.now() : 0;
    try {
      while (this.queue.length > 0 && !this.failed) {
        const item = this.queue.shift()!;
        let record: RecordingRecord;
        if (item.kind === 'header') {
          record = { ...item.header, initialHash: item.game.hash(item.game.createWorld(item.header.seed)) };
          const { id, file } = this.options.store.begin(record);
          this.id = id;
          this.writer = new RecordingFileWriter(file, this.options.deflate);
          this.options.log?.debug('recording started', { room: this.roomId, id });
        } else if (item.kind === 'end') {
          if (item.record) this.writer!.append(item.record);
          const closing = this.complete(this.writer!, this.id!, item);
          if (item.last) void Promise.all([...this.completions, closing]).then(() => this.resolveDone());
          else this.completions.push(closing);
          continue;
        } else {
          record = item.record;
        }
        this.writer!.append(record);
        if (timings) timings.records++;
      }
      if (this.id && !this.closing) {
        this.options.store.progress(this.id, this.lastTick, this.participants.summary(), this.writer?.bytesWritten ?? 0);
      }
    } catch (err) {
      this.fail(err as Error);
    }
    if (timings) timings.encodeMs += performance.now() - t0;
  }

  /** Closes one match's file and files it in the store (or discards it when nobody played). */
  private async complete(writer: RecordingFileWriter, id: string, end: Extract<Pending, { kind: 'end' }>): Promise<void> {
    await writer.close();
    if (writer.failed) {
      this.options.log?.error('recording write failed', { room: this.roomId, id, err: writer.failed.message });
      await this.options.store.finish(id, null, writer.bytesWritten);
    } else if (!end.played) {
      await this.options.store.discard(id);
      this.options.log?.debug('recording discarded: nobody played', { room: this.roomId, id });
    } else {
      await this.options.store.finish(id, end.record, writer.bytesWritten, end.lastTick);
      this.options.log?.info('recording finished', { room: this.roomId, id, bytes: writer.bytesWritten, ticks: end.lastTick, complete: end.record !== null });
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.queue.length = 0;
    this.options.log?.error('recording abandoned', { room: this.roomId, id: this.id, err: err.message });
    void (async () => {
      if (this.writer && this.id) {
        await this.writer.close();
        await this.options.store.finish(this.id, null, this.writer.bytesWritten);
      }
      await Promise.all(this.completions);
      this.resolveDone();
    })();
  }
}
