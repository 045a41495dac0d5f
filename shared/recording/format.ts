// The recording format, version 4 (the spec is docs/RECORDING-FORMAT.md): constants, record types and
// the validation of decoded records. Isomorphic (no Node or DOM APIs). Versions 2 and 3 are read too:
// their headers have no rules version (all were made with rules version 1), and version 2 files differ in
// their scores (kills, deaths and score of the arena, the one game of that time), which read as named columns.
//
//   file    = prelude frame*
//   prelude = magic (8 bytes: 89 47 52 45 43 0D 0A 1A, "\x89GREC\r\n\x1A") + u32 LE format version
//   frame   = u32 LE bodyLength + u32 LE CRC-32(body) + body
//   body    = u8 encoding (0: msgpack, 1: deflate-raw of msgpack) + payload
//   payload = one record: a msgpack map with a string `type`

import type { PlayerScore, ScoreColumn } from '../game/game-definition.js';
import { ticksEventDigests, ticksEvents, type EventsDecodeError } from './events-codec.js';

export const RECORDING_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x47, 0x52, 0x45, 0x43, 0x0d, 0x0a, 0x1a);
/** The version this code writes. */
export const RECORDING_FORMAT_VERSION = 4;
/** The versions it reads (see the top of this file for what versions 2 and 3 lack). */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [2, 3, 4];
/** The first format version whose header names the game's rules version; earlier files were all made with rules version 1. */
export const RULES_VERSION_SINCE_FORMAT = 4;
/** The score columns of a version 2 recording: the arena's, the only game recorded then. */
export const V2_SCORE_COLUMNS: readonly ScoreColumn[] = [
  { key: 'score', label: 'Score' },
  { key: 'kills', label: 'Kills' },
  { key: 'deaths', label: 'Deaths' },
];
export const PRELUDE_BYTES = 12;
export const FRAME_HEADER_BYTES = 8;
/** A frame body larger than this is taken as a corrupted length field, not a real record. */
export const MAX_FRAME_BODY_BYTES = 64 * 1024 * 1024;

export const ENCODING_MSGPACK = 0;
export const ENCODING_DEFLATE_RAW = 1;

/** File name extension of recordings. */
export const RECORDING_EXTENSION = '.rec';

export type RecordType = 'header' | 'join' | 'leave' | 'ticks' | 'keyframe' | 'end';

export interface HeaderRecord {
  readonly type: 'header';
  /** GameDefinition.name of the game that was played. */
  readonly game: string;
  /**
   * GameDefinition.rulesVersion of the game that was played (1 for files of format versions 2 and 3): a
   * replay simulates with the rules of this version.
   */
  readonly rulesVersion: number;
  /** Wire protocol version of the server that recorded (shared/protocol.ts PROTOCOL_VERSION). */
  readonly protocol: number;
  readonly roomId: string;
  readonly seed: number;
  readonly tickRate: number;
  readonly snapshotRate: number;
  /** The room's rewind cap: renderTick was clamped to [tick - lagCompensationTicks, tick]. */
  readonly lagCompensationTicks: number;
  /** Map name (null when the game has no named maps). */
  readonly map: string | null;
  /** Wall-clock start, ms since the epoch (for listings only; never used by the simulation). */
  readonly startTime: number;
  /**
   * Tick of the world when recording began. 0: the fresh world of game.createWorld(seed). Above 0 (a
   * recording of a later match of the room): the next record is a keyframe of that tick, the world to start from.
   */
  readonly startTick: number;
  /** Which match of the room this is, from 1 (a game with matchEndEvent: one recording per match; else 1). */
  readonly match: number;
  /** game.hash(game.createWorld(seed)): a different game build (rules, map) is detected before replay. */
  readonly initialHash: number;
  /** Players seated at startTick, in seat order (the keyframe's seats; empty when startTick is 0). */
  readonly players: readonly { readonly playerId: number; readonly name: string }[];
  /** Ticks between keyframes and between hash checkpoints (informational; records carry their ticks). */
  readonly keyframeInterval: number;
  readonly checkpointInterval: number;
  /**
   * Codes of the events stored in full in ticks records (the game's schema.reliableEvents when it was
   * recorded); null: all events. Verification takes them from here, not from the replaying build.
   */
  readonly storedEvents: readonly number[] | null;
  /** The game's scoreColumns when it was recorded: how to read the end record's scores. */
  readonly scoreColumns: readonly ScoreColumn[];
}

/** A player took a seat after tick `tick` was stepped (so it first plays on tick + 1). */
export interface JoinRecord {
  readonly type: 'join';
  readonly tick: number;
  readonly playerId: number;
  readonly name: string;
}

/** A player's seat was freed after tick `tick` was stepped. */
export interface LeaveRecord {
  readonly type: 'leave';
  readonly tick: number;
  readonly playerId: number;
}

/**
 * Ticks from..from+count-1: the inputs applied (packed, see input-codec.ts), a digest of every tick's
 * events, the events of the kinds stored in full, and state checkpoints.
 */
export interface TicksRecord {
  readonly type: 'ticks';
  readonly from: number;
  readonly count: number;
  readonly inputs: Uint8Array;
  /**
   * The stored events of these ticks, packed (see events-codec.ts; decode with ticksEvents(record)): those
   * whose code is in header.storedEvents (all events when that is null).
   */
  readonly events: Uint8Array;
  /** stateDigest of every tick's events (all kinds), for ticks that produced any (ticksEventDigests(record)). */
  readonly eventDigests: Uint8Array;
  /** [tick, stateDigest(game.serialize(world)) after that tick], ascending (see digest.ts). */
  readonly checkpoints: readonly (readonly [number, number])[];
}

/** A seat as a keyframe records it: who, and the input baseline the next tick's deltas apply to. */
export type KeyframeSeat = readonly [playerId: number, name: string, payload: unknown, renderOffset: number];

/** The whole world after tick `tick` was stepped (before that tick's joins and leaves). */
export interface KeyframeRecord {
  readonly type: 'keyframe';
  readonly tick: number;
  readonly hash: number;
  /** game.serialize(world). */
  readonly state: unknown;
  /** Seat order with each seat's input applied on `tick` (the delta baseline of tick + 1). */
  readonly seats: readonly KeyframeSeat[];
}

export interface ParticipantSummary {
  readonly playerId: number;
  readonly name: string;
  readonly joinTick: number;
  /** null: still seated when the recording ended. */
  readonly leaveTick: number | null;
}

/** The last record of a finished recording. */
export interface EndRecord {
  readonly type: 'end';
  /** Last tick stepped. */
  readonly tick: number;
  readonly endTime: number;
  /** Why the room closed ('shutdown', 'disposed', ...). */
  readonly reason: string;
  /** game.hash(world) after the last tick and the last leaves. */
  readonly hash: number;
  /** game.scores(world) at the end, best first (values by header.scoreColumns key). */
  readonly scores: readonly PlayerScore[];
  /** Everyone who played, in join order. */
  readonly players: readonly ParticipantSummary[];
}

export type RecordingRecord = HeaderRecord | JoinRecord | LeaveRecord | TicksRecord | KeyframeRecord | EndRecord;

/** Error codes of a recording that cannot be read (entirely, or beyond some offset). */
export type RecordingErrorCode =
  | 'NOT_A_RECORDING'
  | 'UNSUPPORTED_VERSION'
  | 'TRUNCATED'
  | 'BAD_LENGTH'
  | 'BAD_CHECKSUM'
  | 'BAD_ENCODING'
  | 'BAD_COMPRESSION'
  | 'BAD_MSGPACK'
  | 'BAD_RECORD'
  | 'OUT_OF_ORDER'
  | 'TRAILING_DATA';

export class RecordingError extends Error {
  constructor(
    readonly code: RecordingErrorCode,
    /** Byte offset of the frame (or prelude field) at fault. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${code} at byte ${offset}: ${reason}`);
    this.name = 'RecordingError';
  }
}

// ---- record validation ----

class ShapeError extends Error {}

function own(map: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function int(map: Record<string, unknown>, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const v = own(map, key);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new ShapeError(`${key} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

function u32(map: Record<string, unknown>, key: string): number {
  return int(map, key, 0, 0xffffffff);
}

function str(map: Record<string, unknown>, key: string, maxLength = 1024): string {
  const v = own(map, key);
  if (typeof v !== 'string' || v.length > maxLength) throw new ShapeError(`${key} must be a string of at most ${maxLength} characters`);
  return v;
}

function arr(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${what} must be an array`);
  return value;
}

function playerList(value: unknown, what: string): { playerId: number; name: string }[] {
  return arr(value, what).map((p, i) => {
    if (!isMap(p)) throw new ShapeError(`${what}[${i}] must be a map`);
    return { playerId: int(p, 'playerId'), name: str(p, 'name') };
  });
}

function storedEventCodes(value: unknown): number[] | null {
  if (value === null) return null;
  return arr(value, 'storedEvents').map((code, i) => {
    if (typeof code !== 'number' || !Number.isSafeInteger(code)) throw new ShapeError(`storedEvents[${i}] must be an integer event code`);
    return code;
  });
}

function validateTicks(m: Record<string, unknown>): TicksRecord {
  const from = int(m, 'from', 1);
  const count = int(m, 'count', 1, 1_000_000);
  const last = from + count - 1;
  const inputs = own(m, 'inputs');
  if (!(inputs instanceof Uint8Array)) throw new ShapeError('inputs must be bytes (msgpack bin)');
  const events = own(m, 'events');
  if (!(events instanceof Uint8Array)) throw new ShapeError('events must be bytes (msgpack bin)');
  let stored: readonly (readonly [number, unknown])[];
  try {
    stored = ticksEvents({ from, count, events });
  } catch (err) {
    throw new ShapeError(`events: ${(err as Error).message} (byte ${(err as EventsDecodeError).position ?? 0} of the events)`);
  }
  const eventDigests = own(m, 'eventDigests');
  if (!(eventDigests instanceof Uint8Array)) throw new ShapeError('eventDigests must be bytes (msgpack bin)');
  let digests: readonly (readonly [number, number])[];
  try {
    digests = ticksEventDigests({ from, count, eventDigests });
  } catch (err) {
    throw new ShapeError(`eventDigests: ${(err as Error).message} (byte ${(err as EventsDecodeError).position ?? 0} of the event digests)`);
  }
  // A tick with stored events produced events: it has a digest (both lists ascending).
  let d = 0;
  for (const [tick] of stored) {
    while (d < digests.length && digests[d]![0] < tick) d++;
    if (d === digests.length || digests[d]![0] !== tick) throw new ShapeError(`events are stored for tick ${tick}, which has no event digest`);
  }
  let prev = from - 1;
  const checkpoints = arr(own(m, 'checkpoints'), 'checkpoints').map((entry, i) => {
    const pair = arr(entry, `checkpoints[${i}]`);
    const [tick, hash] = pair;
    if (
      pair.length !== 2 ||
      typeof tick !== 'number' || !Number.isSafeInteger(tick) || tick <= prev || tick > last ||
      typeof hash !== 'number' || !Number.isInteger(hash) || hash < 0 || hash > 0xffffffff
    ) {
      throw new ShapeError(`checkpoints[${i}] must be [tick, u32 hash] with ticks ascending within ${from}..${last}`);
    }
    prev = tick;
    return [tick, hash] as const;
  });
  return { type: 'ticks', from, count, inputs, events, eventDigests, checkpoints };
}

function validateKeyframe(m: Record<string, unknown>): KeyframeRecord {
  if (!Object.hasOwn(m, 'state')) throw new ShapeError('state is missing');
  const seats = arr(own(m, 'seats'), 'seats').map((s, i) => {
    const seat = arr(s, `seats[${i}]`);
    const [playerId, name, payload, offset] = seat;
    if (
      seat.length !== 4 ||
      typeof playerId !== 'number' || !Number.isSafeInteger(playerId) || playerId < 0 ||
      typeof name !== 'string' ||
      typeof offset !== 'number' || !Number.isSafeInteger(offset)
    ) {
      throw new ShapeError(`seats[${i}] must be [playerId, name, payload, renderOffset]`);
    }
    return [playerId, name, payload, offset] as const;
  });
  return { type: 'keyframe', tick: int(m, 'tick'), hash: u32(m, 'hash'), state: own(m, 'state'), seats };
}

/** A score line: version 3's {playerId, name, values}, or version 2's {playerId, name, kills, deaths, score}. */
function scoreLine(s: unknown, i: number): PlayerScore {
  if (!isMap(s)) throw new ShapeError(`scores[${i}] must be a map`);
  const raw = own(s, 'values');
  const fromV2 = raw === undefined;
  const source = fromV2 ? s : raw;
  if (!isMap(source)) throw new ShapeError(`scores[${i}].values must be a map`);
  const keys = fromV2 ? V2_SCORE_COLUMNS.map((c) => c.key) : Object.keys(source);
  if (keys.length > 32) throw new ShapeError(`scores[${i}] has more than 32 values`);
  const values: Record<string, number> = {};
  for (const key of keys) {
    if (key.length > 64) throw new ShapeError(`scores[${i}] has a key longer than 64 characters`);
    values[key] = int(source, key, -Number.MAX_SAFE_INTEGER);
  }
  return { playerId: int(s, 'playerId'), name: str(s, 'name'), values };
}

function scoreColumns(value: unknown): ScoreColumn[] {
  // Absent in version 2 files.
  if (value === undefined) return [...V2_SCORE_COLUMNS];
  const columns = arr(value, 'scoreColumns');
  if (columns.length > 32) throw new ShapeError('scoreColumns has more than 32 columns');
  return columns.map((c, i) => {
    if (!isMap(c)) throw new ShapeError(`scoreColumns[${i}] must be a map`);
    return { key: str(c, 'key', 64), label: str(c, 'label', 64) };
  });
}

function validateEnd(m: Record<string, unknown>): EndRecord {
  const scores = arr(own(m, 'scores'), 'scores').map(scoreLine);
  const players = arr(own(m, 'players'), 'players').map((p, i) => {
    if (!isMap(p)) throw new ShapeError(`players[${i}] must be a map`);
    const leave = own(p, 'leaveTick');
    return {
      playerId: int(p, 'playerId'),
      name: str(p, 'name'),
      joinTick: int(p, 'joinTick'),
      leaveTick: leave === null ? null : int(p, 'leaveTick'),
    };
  });
  return {
    type: 'end',
    tick: int(m, 'tick'),
    endTime: int(m, 'endTime'),
    reason: str(m, 'reason', 64),
    hash: u32(m, 'hash'),
    scores,
    players,
  };
}

/**
 * Checks a decoded record's shape; throws a message naming the bad field. `formatVersion` is the file's
 * (from its prelude): what a header must hold depends on it.
 */
export function validateRecord(value: unknown, formatVersion: number): RecordingRecord {
  if (!isMap(value)) throw new ShapeError('a record must be a msgpack map');
  const type = own(value, 'type');
  try {
    switch (type) {
      case 'header': {
        const map = own(value, 'map');
        if (map !== null && typeof map !== 'string') throw new ShapeError('map must be a string or nil');
        return {
          type,
          game: str(value, 'game', 64),
          // Files of the versions before it were all made with rules version 1.
          rulesVersion: formatVersion >= RULES_VERSION_SINCE_FORMAT ? int(value, 'rulesVersion', 1) : 1,
          protocol: int(value, 'protocol'),
          roomId: str(value, 'roomId', 64),
          seed: int(value, 'seed', -Number.MAX_SAFE_INTEGER),
          tickRate: int(value, 'tickRate', 1, 1000),
          snapshotRate: int(value, 'snapshotRate', 1, 1000),
          lagCompensationTicks: int(value, 'lagCompensationTicks'),
          map: map as string | null,
          startTime: int(value, 'startTime'),
          startTick: int(value, 'startTick'),
          // Absent in version 2 files (and early version 3 ones): one recording per room.
          match: own(value, 'match') === undefined ? 1 : int(value, 'match', 1),
          initialHash: u32(value, 'initialHash'),
          players: playerList(own(value, 'players'), 'players'),
          keyframeInterval: int(value, 'keyframeInterval', 1),
          checkpointInterval: int(value, 'checkpointInterval', 1),
          storedEvents: storedEventCodes(own(value, 'storedEvents')),
          scoreColumns: scoreColumns(own(value, 'scoreColumns')),
        };
      }
      case 'join':
        return { type, tick: int(value, 'tick'), playerId: int(value, 'playerId'), name: str(value, 'name') };
      case 'leave':
        return { type, tick: int(value, 'tick'), playerId: int(value, 'playerId') };
      case 'ticks':
        return validateTicks(value);
      case 'keyframe':
        return validateKeyframe(value);
      case 'end':
        return validateEnd(value);
      default:
        throw new ShapeError(`unknown record type ${JSON.stringify(type)}`);
    }
  } catch (err) {
    if (err instanceof ShapeError) throw new ShapeError(`${typeof type === 'string' ? `${type} record: ` : ''}${err.message}`);
    throw err;
  }
}

export { ShapeError as RecordShapeError };
