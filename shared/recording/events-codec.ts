// The packed encoding of the game events of a batch of ticks (the `events` bytes of a ticks record: the
// kinds the header's storedEvents lists), and of the per-tick digests of all events (`eventDigests`).
// Events are tuples of numbers and strings ([code, ...payload] by convention), mostly small integers:
// integers are zigzag varints (1 byte up to +-31, 3 bytes for a position), other values are tagged.
//
//   events = per tick that produced stored events, ascending:
//     varint tickGap                 tick - previous such tick (the first: tick - (from - 1))
//     varint count                   events on this tick, in the order the game produced them
//     per event: varint length, then per value a tagged varint t:
//       t even   an integer (|value| <= 2^50): t / 2 is zigzag(value)
//       t = 1    a float64 follows (8 bytes, little-endian): other numbers, and -0
//       t = 3    a string follows: varint byteLength, then UTF-8

import type { GameEvent } from '../codec/schema.js';
import { ByteReader, ByteWriter } from './bytes.js';

/** Integers beyond this magnitude are written as float64 (their zigzag doubled must stay a safe integer). */
const MAX_INT_MAGNITUDE = 2 ** 50;
const TAG_FLOAT = 1;
const TAG_STRING = 3;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // ignoreBOM: keep a leading U+FEFF (it is data)
const floatBytes = new DataView(new ArrayBuffer(8));

function isSmallInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_INT_MAGNITUDE && !Object.is(v, -0);
}

/** A stream of entries for ascending ticks, each entry starting with its tick's gap from the previous one. */
class TickGapStream {
  protected readonly out = new ByteWriter(512);
  private lastTick = 0;

  /** Starts a record whose first tick is `from`. */
  reset(from: number): void {
    this.out.reset();
    this.lastTick = from - 1;
  }

  /** Starts the entry of `tick` (ascending). */
  protected beginTick(tick: number): void {
    this.out.varint(tick - this.lastTick);
    this.lastTick = tick;
  }

  finish(): Uint8Array {
    return this.out.finish();
  }
}

export class EventsEncoder extends TickGapStream {
  /**
   * Appends the events of `tick` that `keep` accepts (all when it is omitted); a tick with none to keep
   * writes nothing. Ticks ascending.
   */
  encodeTick(tick: number, events: readonly GameEvent[], keep?: (event: GameEvent) => boolean): void {
    let kept = events.length;
    if (keep) {
      kept = 0;
      for (const event of events) if (keep(event)) kept++;
    }
    if (kept === 0) return;
    const out = this.out;
    this.beginTick(tick);
    out.varint(kept);
    for (const event of events) {
      if (keep && kept < events.length && !keep(event)) continue;
      out.varint(event.length);
      for (let i = 0; i < event.length; i++) {
        const v: unknown = event[i];
        if (typeof v === 'number' && (v | 0) === v && (v !== 0 || 1 / v > 0)) {
          // The common case, an int32 (not -0): its tag without the general checks.
          out.varint(v >= 0 ? v * 4 : -v * 4 - 2);
        } else if (isSmallInt(v)) {
          out.varint((v >= 0 ? v * 2 : -v * 2 - 1) * 2);
        } else if (typeof v === 'number') {
          out.byte(TAG_FLOAT);
          floatBytes.setFloat64(0, v, true);
          for (let b = 0; b < 8; b++) out.byte(floatBytes.getUint8(b));
        } else if (typeof v === 'string') {
          const bytes = utf8Encoder.encode(v);
          out.byte(TAG_STRING);
          out.varint(bytes.length);
          out.bytes(bytes);
        } else {
          throw new TypeError(`event ${JSON.stringify(event)}: values must be numbers or strings`);
        }
      }
    }
  }
}

/** A malformed events stream; `position` is the byte within the record's events. */
export class EventsDecodeError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'EventsDecodeError';
  }
}

/**
 * Reads a stream of tick entries (see TickGapStream) covering ticks from..from+count-1: each entry's tick
 * from its gap, checked to ascend within the record, then `readEntry`. Any malformation is an
 * EventsDecodeError naming the byte.
 */
function readTickEntries<T>(bytes: Uint8Array, stream: string, from: number, count: number, readEntry: (r: ByteReader, tick: number, at: number) => T): [number, T][] {
  const r = new ByteReader(bytes, stream);
  const out: [number, T][] = [];
  let tick = from - 1;
  try {
    while (!r.done) {
      const at = r.pos;
      const gap = r.varint();
      tick += gap;
      if (gap === 0 || tick > from + count - 1) throw new EventsDecodeError(`${stream} of tick ${tick} are outside ticks ${from}..${from + count - 1} or not ascending`, at);
      out.push([tick, readEntry(r, tick, at)]);
    }
  } catch (err) {
    if (err instanceof EventsDecodeError) throw err;
    throw new EventsDecodeError((err as Error).message, (err as { position?: number }).position ?? r.pos);
  }
  return out;
}

/** Decodes the events bytes of a ticks record covering ticks from..from+count-1. */
export function decodeEvents(bytes: Uint8Array, from: number, count: number): [number, GameEvent[]][] {
  return readTickEntries(bytes, 'events', from, count, (r, tick, at) => {
    const n = r.varint();
    if (n === 0) throw new EventsDecodeError(`tick ${tick} is listed with no events`, at);
    const events: GameEvent[] = [];
    for (let e = 0; e < n; e++) {
      const length = r.varint();
      if (length > r.remaining) throw new EventsDecodeError(`an event of ${length} values runs past the record`, r.pos);
      const event: (number | string)[] = [];
      for (let i = 0; i < length; i++) {
        const where = r.pos;
        const t = r.varint();
        if (t % 2 === 0) {
          const z = t / 2;
          event.push(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
        } else if (t === TAG_FLOAT) {
          const b = r.bytes(8);
          for (let k = 0; k < 8; k++) floatBytes.setUint8(k, b[k]!);
          event.push(floatBytes.getFloat64(0, true));
        } else if (t === TAG_STRING) {
          const len = r.varint();
          try {
            event.push(utf8Decoder.decode(r.bytes(len)));
          } catch (err) {
            throw new EventsDecodeError(`a string is not valid UTF-8 (${(err as Error).message})`, where);
          }
        } else {
          throw new EventsDecodeError(`unknown value tag ${t}`, where);
        }
      }
      events.push(event);
    }
    return events;
  });
}

const decoded = new WeakMap<Uint8Array, readonly (readonly [number, readonly GameEvent[]])[]>();

/** The events of a ticks record as [tick, events] pairs, ascending (decoded once, then cached). */
export function ticksEvents(record: { readonly from: number; readonly count: number; readonly events: Uint8Array }): readonly (readonly [number, readonly GameEvent[]])[] {
  let list = decoded.get(record.events);
  if (!list) {
    list = decodeEvents(record.events, record.from, record.count);
    decoded.set(record.events, list);
  }
  return list;
}

// ---- event digests ----
//
//   eventDigests = per tick that produced events (of any kind), ascending:
//     varint tickGap     tick - previous such tick (the first: tick - (from - 1))
//     u32 LE digest      stateDigest(the tick's events, in order): see digest.ts

/** Packs the event digests of a batch of ticks (the `eventDigests` bytes of a ticks record). */
export class EventDigestsEncoder extends TickGapStream {
  /** Appends the digest of a tick that produced events (ticks ascending). */
  add(tick: number, digest: number): void {
    this.beginTick(tick);
    this.out.u32(digest);
  }
}

/** Decodes the eventDigests bytes of a ticks record covering ticks from..from+count-1. */
export function decodeEventDigests(bytes: Uint8Array, from: number, count: number): [number, number][] {
  return readTickEntries(bytes, 'eventDigests', from, count, (r) => r.u32());
}

const decodedDigests = new WeakMap<Uint8Array, readonly (readonly [number, number])[]>();

/** The event digests of a ticks record as [tick, digest] pairs, ascending (decoded once, then cached). */
export function ticksEventDigests(record: { readonly from: number; readonly count: number; readonly eventDigests: Uint8Array }): readonly (readonly [number, number])[] {
  let list = decodedDigests.get(record.eventDigests);
  if (!list) {
    list = decodeEventDigests(record.eventDigests, record.from, record.count);
    decodedDigests.set(record.eventDigests, list);
  }
  return list;
}
