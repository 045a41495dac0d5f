// Our socket.io parser: the wire format of socket.io-msgpack-parser (one msgpack map per socket.io
// packet: {type, data, nsp, id?}), built on @msgpack/msgpack with hard limits and socket.io's own
// packet validation, so a crafted frame can only get its own connection closed. It also bounds what
// socket.io would accept without end: packet kinds a side never needs (ACK from a client), namespaces
// the server does not serve, and sessions per connection (CONNECTs).
//
// Why not the stock socket.io-msgpack-parser 3.0.2: on socket.io 4.8.4 an event whose name is a map
// ({toString: "x"}) throws in a nextTick and kills the server, an event named "disconnect" spoofs a
// disconnect, and its msgpack library (notepack.io) lets a "__proto__" key set an object's prototype.
// We keep its byte format so a client using it can still talk to us (see the interop tests).
//
// Runs unchanged in Node and the browser: no Buffer, no Node events module.

import { Decoder as MsgpackDecoder, Encoder as MsgpackEncoder, type ExtensionCodecType } from '@msgpack/msgpack';
import { LIMITS, RESERVED_EVENTS } from '../protocol.js';
import { EVENT_PACKET_HEAD, MAIN_NAMESPACE_TAIL, writeEventPacket } from './event-packet-writer.js';

/** socket.io packet types (protocol v5). The msgpack format has no BINARY_* types: bytes travel inline. */
export const PacketType = {
  CONNECT: 0,
  DISCONNECT: 1,
  EVENT: 2,
  ACK: 3,
  CONNECT_ERROR: 4,
} as const;

export interface ParserLimits {
  /** Reject a binary frame larger than this before decoding it. */
  maxPacketBytes: number;
  /** UTF-8 bytes of one string (map keys included). Passed to the msgpack Decoder. */
  maxStrLength: number;
  /** Bytes of one bin value. Passed to the msgpack Decoder. */
  maxBinLength: number;
  /** Elements of one array. Passed to the msgpack Decoder. */
  maxArrayLength: number;
  /** Entries of one map. Passed to the msgpack Decoder. */
  maxMapLength: number;
  /**
   * Payload bytes of one ext value. Extensions are always rejected, except notepack.io's 3-byte encoding
   * of `undefined` (fixext 1, type 0, payload 0x00) that stock-parser peers send for any undefined value
   * (e.g. a CONNECT without auth, `{roomId: undefined}`): 1 admits that marker, 0 rejects it too.
   */
  maxExtLength: number;
  /**
   * Deepest nesting of arrays/maps in a frame, the packet map itself being level 1 and its `data` level 2
   * (so an event argument that is an object is level 3).
   */
  maxDepth: number;
  /** socket.io packet types this side accepts. */
  acceptedTypes: readonly number[];
  /**
   * Namespaces a packet may address; a packet for any other is rejected, a CONNECT included (socket.io
   * would answer each such CONNECT with a CONNECT_ERROR and keep the connection open, however many come).
   * Default: DEFAULT_NAMESPACES, the main namespace only.
   */
  namespaces?: readonly string[];
  /**
   * CONNECT packets one Decoder accepts over its life; the one after that is rejected. A server Decoder
   * serves one engine.io connection, and socket.io creates a Socket (our server a PlayerConnection) for
   * every CONNECT it accepts: those sent while the first is still authenticating, and one after each
   * DISCONNECT, since socket.io keeps the connection. socket.io-client sends one CONNECT per namespace
   * per engine.io connection and opens a new connection to reconnect, so the server needs 1 per namespace.
   * The client's Manager keeps one Decoder across reconnects: Infinity there.
   */
  maxConnects: number;
}

/** The namespaces a parser accepts unless its limits say otherwise: our server serves only "/". */
export const DEFAULT_NAMESPACES: readonly string[] = Object.freeze(['/']);

/** Decoding what clients send: small packets, no binary to speak of, shallow payloads. */
export const SERVER_PARSER_LIMITS: ParserLimits = Object.freeze({
  maxPacketBytes: LIMITS.maxClientPacketBytes,
  maxStrLength: 1024,
  maxBinLength: 64,
  maxArrayLength: 32,
  maxMapLength: 16,
  maxExtLength: 1,
  maxDepth: 6,
  // No ACK: the server never asks a client for an acknowledgement (it has no emitWithAck), so an ACK from
  // a client answers nothing and would only cost a lookup per packet, without limit. Add it back with a
  // limit if the server ever asks.
  acceptedTypes: Object.freeze([PacketType.CONNECT, PacketType.DISCONNECT, PacketType.EVENT]),
  namespaces: DEFAULT_NAMESPACES,
  maxConnects: 1,
});

/** Decoding what the server sends: snapshots are large bins, room lists are long arrays. */
export const CLIENT_PARSER_LIMITS: ParserLimits = Object.freeze({
  maxPacketBytes: LIMITS.maxServerPacketBytes,
  maxStrLength: 4096,
  maxBinLength: LIMITS.maxServerPacketBytes,
  maxArrayLength: 10_000,
  maxMapLength: 1024,
  maxExtLength: 1,
  maxDepth: 8,
  acceptedTypes: Object.freeze([
    PacketType.CONNECT,
    PacketType.DISCONNECT,
    PacketType.EVENT,
    PacketType.ACK,
    PacketType.CONNECT_ERROR,
  ]),
  namespaces: DEFAULT_NAMESPACES,
  maxConnects: Infinity,
});

/** Thrown by Decoder.add on any invalid input; socket.io then closes that connection only. */
export class PacketRejected extends Error {
  constructor(readonly reason: string) {
    super(`packet rejected: ${reason}`);
    this.name = 'PacketRejected';
  }
}

/** A validated packet, as handed to socket.io. Always the same four keys (one hidden class). */
export interface DecodedPacket {
  type: number;
  nsp: string;
  data: unknown;
  id: number | undefined;
}

/** What socket.io (server Socket, client Manager) passes to Encoder.encode; other fields are ignored. */
export interface OutgoingPacket {
  type: number;
  nsp: string;
  data?: unknown;
  id?: number;
}

export type DecodedListener = (packet: DecodedPacket) => void;

export interface PacketEncoder {
  encode(packet: OutgoingPacket): [Uint8Array];
}

/** Receives the `data` array of a shortcut event packet, [name, ...args], synchronously from Decoder.add. */
export type ShortcutHandler = (data: readonly unknown[]) => void;

export interface PacketDecoder {
  add(chunk: unknown): void;
  /** Hands the main namespace's `name` events (without ack id) to `handler` instead of emitting them. */
  setShortcut(name: string, handler: ShortcutHandler): void;
  destroy(): void;
  on(event: string, listener: DecodedListener): this;
  off(event: string, listener: DecodedListener): this;
  removeListener(event: string, listener: DecodedListener): this;
}

/** How this parser's Decoders read shortcut events (plain numbers: a regression check, not a metric). */
export interface ShortcutCounts {
  /** Read straight from the bytes, in our Encoder's layout (see readShortcutFrame). */
  fixedLayout: number;
  /** Decoded by the generic msgpack Decoder (another layout, e.g. the stock parser's, or other values). */
  generic: number;
}

export interface SocketIoParser {
  readonly protocol: 5;
  readonly Encoder: new () => PacketEncoder;
  readonly Decoder: new () => PacketDecoder;
  readonly shortcutCounts: ShortcutCounts;
}

// ---- extensions ----

const NOTEPACK_UNDEFINED_EXT_TYPE = 0;

/**
 * Our ext policy for both directions. Encoding: never produce an extension (the default codec would turn a
 * Date into a timestamp ext that peers reject). Decoding: reject every extension but notepack's undefined.
 */
const extensionPolicy: ExtensionCodecType<undefined> = {
  tryToEncode(object: unknown) {
    // An ArrayBuffer is not a view, so msgpack would silently send it as an empty map.
    if (object instanceof ArrayBuffer) throw new TypeError('cannot send an ArrayBuffer: wrap it in a Uint8Array');
    return null;
  },
  decode(data: Uint8Array, extType: number): unknown {
    if (extType === NOTEPACK_UNDEFINED_EXT_TYPE && data.length === 1 && data[0] === 0) return undefined;
    throw new PacketRejected(`extension type ${extType} not accepted`);
  },
};

// ---- encoding ----

/** One encoder for every packet of every parser: encode() is synchronous and returns a fresh copy. */
const wireEncoder = new MsgpackEncoder({ ignoreUndefined: true, extensionCodec: extensionPolicy });

class MsgpackPacketEncoder implements PacketEncoder {
  encode(packet: OutgoingPacket): [Uint8Array] {
    // Inputs and most requests: integer arguments, written without the generic Encoder.
    if (packet.type === PacketType.EVENT && packet.nsp === '/' && Array.isArray(packet.data)) {
      const bytes = writeEventPacket(packet.data, packet.id);
      if (bytes !== null) return [bytes];
    }
    // A fresh envelope rather than the packet itself: drops socket.io-client's `options` ({compress}, ~19
    // bytes) without mutating the packet, which the client Manager still reads after encoding.
    // `encode` (not `encodeSharedRef`): socket.io queues and broadcasts these bytes, they must not be reused.
    return [wireEncoder.encode({ type: packet.type, data: packet.data, nsp: packet.nsp, id: packet.id })];
  }
}

// ---- decoding ----

/** Views a frame as bytes; engine.io hands us a Buffer in Node and an ArrayBuffer in browsers. */
function frameBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new PacketRejected(typeof chunk === 'string' ? 'text frame (expected msgpack binary)' : 'not a binary frame');
}

function isMap(value: unknown): value is Record<string, unknown> {
  // The msgpack Decoder (with our ext policy) only yields null, booleans, numbers, strings, Uint8Array,
  // arrays and `{}` maps, so any other object is a map.
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * True when arrays/maps nest more than `levels` deep inside `value` (a scalar or bin is 0 deep).
 * Recursion stops after `levels` steps, so the stack stays shallow whatever the input.
 */
function nestsDeeperThan(value: unknown, levels: number): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return false;
  if (levels === 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (nestsDeeperThan(value[i], levels - 1)) return true;
    }
    return false;
  }
  const map = value as Record<string, unknown>;
  for (const key in map) {
    if (nestsDeeperThan(map[key], levels - 1)) return true;
  }
  return false;
}

/** Checks `data` against the packet type, as socket.io-parser's isPacketValid does (a bit stricter). */
function dataProblem(type: number, data: unknown, id: number | undefined): string | undefined {
  switch (type) {
    case PacketType.CONNECT:
      return data === undefined || isMap(data) ? undefined : 'CONNECT data must be a map or absent';
    case PacketType.DISCONNECT:
      return data === undefined ? undefined : 'DISCONNECT must not carry data';
    case PacketType.EVENT: {
      if (!Array.isArray(data) || data.length === 0) return 'EVENT data must be a non-empty array';
      const name: unknown = data[0];
      // A non-string name reaches EventEmitter.emit, where a {toString: "x"} map throws in a nextTick.
      if (typeof name !== 'string') return 'event name must be a string';
      // "disconnect", "error" & co. would be dispatched to socket.io's own handlers: spoofing.
      if (RESERVED_EVENTS.has(name)) return `reserved event name "${name}"`;
      return undefined;
    }
    case PacketType.ACK:
      if (!Array.isArray(data)) return 'ACK data must be an array';
      return id === undefined ? 'ACK without id' : undefined;
    case PacketType.CONNECT_ERROR:
      return typeof data === 'string' || isMap(data) ? undefined : 'CONNECT_ERROR data must be a string or a map';
    default:
      return `unknown packet type ${type}`;
  }
}

/** A decoded packet map whose fields passed validation (`toPacket` copies them into a DecodedPacket). */
interface ValidPacketMap {
  readonly type: number;
  readonly nsp: string;
  readonly data: unknown;
  readonly id: number | undefined;
}

/** Validates a decoded msgpack value as a socket.io packet; returns it, its fields now typed. */
function validatePacket(
  value: unknown,
  limits: ParserLimits,
  accepted: readonly boolean[],
  namespaces: ReadonlySet<string>,
): ValidPacketMap {
  if (!isMap(value)) return reject(value === null ? 'packet is nil, not a map' : `packet is ${describeValue(value)}, not a map`);
  const { type, nsp, data, id } = value;
  if (typeof type !== 'number' || !Number.isInteger(type) || accepted[type] !== true) {
    return reject(`packet type ${describeValue(type)} not accepted`);
  }
  if (typeof nsp !== 'string') return reject('namespace must be a string');
  if (!namespaces.has(nsp)) return reject(`namespace ${describeValue(nsp)} not served`);
  if (id !== undefined && (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)) {
    return reject('ack id must be an integer >= 0');
  }
  const problem = dataProblem(type, data, id);
  if (problem !== undefined) return reject(problem);
  // The packet map is level 1, so `data` may nest maxDepth - 1 levels.
  if (nestsDeeperThan(data, limits.maxDepth - 1)) return reject(`nested deeper than ${limits.maxDepth} levels`);
  return value as unknown as ValidPacketMap;
}

/** A clean copy of a valid packet's four fields, as handed to socket.io. */
function toPacket(valid: ValidPacketMap): DecodedPacket {
  // `type | 0` turns a msgpack float -0 into 0. Extra keys (a stock client's `options`) are dropped here.
  return { type: valid.type | 0, nsp: valid.nsp, data: valid.data, id: valid.id };
}

function reject(reason: string): never {
  throw new PacketRejected(reason);
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return `string "${value.length > 16 ? `${value.slice(0, 16)}...` : value}"`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'binary';
  return value === undefined ? 'absent' : typeof value;
}

function checkLimits(limits: ParserLimits): void {
  const counts = [
    limits.maxPacketBytes,
    limits.maxStrLength,
    limits.maxBinLength,
    limits.maxArrayLength,
    limits.maxMapLength,
    limits.maxExtLength,
  ];
  if (!counts.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new RangeError('parser limits must be integers >= 0');
  // Level 1 is the packet map and level 2 its data array: anything less rejects every event.
  if (!Number.isSafeInteger(limits.maxDepth) || limits.maxDepth < 2) throw new RangeError('maxDepth must be >= 2');
  const { maxConnects } = limits;
  if (!(maxConnects === Infinity || (Number.isSafeInteger(maxConnects) && maxConnects >= 1))) {
    throw new RangeError('maxConnects must be an integer >= 1 or Infinity');
  }
  const namespaces = limits.namespaces ?? DEFAULT_NAMESPACES;
  if (namespaces.length === 0 || !namespaces.every((n) => typeof n === 'string' && n.startsWith('/'))) {
    throw new RangeError('namespaces must be a non-empty list of names starting with "/"');
  }
}

// ---- the shortcut event's fixed-layout reader ----

/**
 * Where a shortcut event's frame, as our Encoder writes it, differs from one event to the next:
 * fixmap(3) "type" 2 "data" fixarray(1 + args) <name> <args> "nsp" "/". `head` is the bytes before the
 * fixarray header, `name` the encoded name after it, `tail` the bytes after the arguments.
 */
interface ShortcutLayout {
  readonly nameString: string;
  readonly head: Uint8Array;
  readonly name: Uint8Array;
  readonly tail: Uint8Array;
  /** Array levels an argument may nest (the limits' maxDepth less the packet map and `data`). */
  readonly argLevels: number;
  readonly maxArrayLength: number;
  readonly maxBinLength: number;
}

/**
 * The layout of `name` events for a parser with these limits, or null when the generic path must judge
 * them (a name or a limit that the generic path would reject or bound differently).
 */
function shortcutLayout(
  name: string,
  limits: ParserLimits,
  accepted: readonly boolean[],
  namespaces: ReadonlySet<string>,
): ShortcutLayout | null {
  const encodedName = wireEncoder.encode(name);
  const nameBytes = new TextEncoder().encode(name).byteLength;
  const servesMain = namespaces.has('/') && accepted[PacketType.EVENT] === true;
  if (!servesMain || RESERVED_EVENTS.has(name) || nameBytes > limits.maxStrLength || limits.maxStrLength < 4) return null;
  if (limits.maxMapLength < 3 || limits.maxArrayLength < 1) return null;
  return {
    nameString: name,
    head: EVENT_PACKET_HEAD,
    name: encodedName,
    tail: MAIN_NAMESPACE_TAIL,
    argLevels: limits.maxDepth - 2,
    maxArrayLength: limits.maxArrayLength,
    maxBinLength: limits.maxBinLength,
  };
}

/** Read position in the frame being read by readShortcutFrame (reads are synchronous, one at a time). */
let readAt = 0;

function matches(bytes: Uint8Array, expected: Uint8Array): boolean {
  if (readAt + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[readAt + i] !== expected[i]) return false;
  readAt += expected.length;
  return true;
}

/**
 * An integer in any msgpack integer format up to 32 bits, as @msgpack/msgpack decodes it, or undefined
 * when the next value is anything else (64-bit integers and floats included: the generic path reads those).
 */
function readInteger(bytes: Uint8Array): number | undefined {
  const at = readAt;
  const b = bytes[at];
  if (b === undefined) return undefined;
  if (b <= 0x7f) {
    readAt = at + 1;
    return b;
  }
  if (b >= 0xe0) {
    readAt = at + 1;
    return b - 0x100;
  }
  const size = b === 0xcc || b === 0xd0 ? 1 : b === 0xcd || b === 0xd1 ? 2 : b === 0xce || b === 0xd2 ? 4 : 0;
  if (size === 0 || at + 1 + size > bytes.length) return undefined;
  readAt = at + 1 + size;
  const b1 = bytes[at + 1]!;
  switch (b) {
    case 0xcc:
      return b1;
    case 0xd0:
      return (b1 << 24) >> 24;
    case 0xcd:
      return (b1 << 8) | bytes[at + 2]!;
    case 0xd1:
      return (((b1 << 8) | bytes[at + 2]!) << 16) >> 16;
    case 0xce:
      return b1 * 0x1000000 + ((bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!);
    default: // 0xd2
      return (b1 << 24) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!;
  }
}

/**
 * A bin value (bin 8/16/32) of at most `maxBinLength` bytes, as a view into `bytes` (the generic Decoder's
 * bins are views too), or undefined when the next value is not one.
 */
function readBin(bytes: Uint8Array, maxBinLength: number): Uint8Array | undefined {
  const at = readAt;
  const b = bytes[at];
  const size = b === 0xc4 ? 1 : b === 0xc5 ? 2 : b === 0xc6 ? 4 : 0;
  if (size === 0 || at + 1 + size > bytes.length) return undefined;
  const b1 = bytes[at + 1]!;
  const length =
    size === 1 ? b1 : size === 2 ? (b1 << 8) | bytes[at + 2]! : b1 * 0x1000000 + ((bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!);
  const start = at + 1 + size;
  if (length > maxBinLength || start + length > bytes.length) return undefined;
  readAt = start + length;
  return bytes.subarray(start, start + length);
}

/**
 * An integer, a bin, or a fixarray of such values nested at most `levels` deep; undefined for anything
 * else. Arrays are allocated at their final length (no growth while filling).
 */
function readArgument(bytes: Uint8Array, levels: number, layout: ShortcutLayout): unknown {
  const b = bytes[readAt];
  if (b === undefined) return undefined;
  if (b >= 0xc4 && b <= 0xc6) return readBin(bytes, layout.maxBinLength);
  if (b < 0x90 || b > 0x9f) return readInteger(bytes);
  const length = b & 0x0f;
  if (levels === 0 || length > layout.maxArrayLength) return undefined;
  readAt++;
  const out: unknown[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const value = readArgument(bytes, levels - 1, layout);
    if (value === undefined) return undefined;
    out[i] = value;
  }
  return out;
}

/**
 * The data ([name, ...args]) of a frame that is exactly a shortcut event in our Encoder's layout with
 * integer, bin or array-of-those arguments (an input: [seq, ackTick, renderTick, [keys, aim]]; a
 * snapshot: its bytes), else null. Reading those bytes
 * directly costs a fraction of the generic msgpack Decoder plus validation. It only accepts frames that
 * the generic path decodes to equal data and accepts (same limits; the differential test checks it):
 * anything else, malformed or not, returns null and goes the generic way, which judges it.
 */
function readShortcutFrame(bytes: Uint8Array, layout: ShortcutLayout): unknown[] | null {
  readAt = 0;
  if (!matches(bytes, layout.head)) return null;
  const header = bytes[readAt];
  if (header === undefined || header < 0x91 || header > 0x9f || (header & 0x0f) > layout.maxArrayLength) return null;
  readAt++;
  if (!matches(bytes, layout.name)) return null;
  const length = header & 0x0f;
  const data: unknown[] = new Array(length);
  data[0] = layout.nameString;
  for (let i = 1; i < length; i++) {
    const value = readArgument(bytes, layout.argLevels, layout);
    if (value === undefined) return null;
    data[i] = value;
  }
  if (!matches(bytes, layout.tail) || readAt !== bytes.length) return null;
  return data;
}

const NO_LISTENERS: readonly DecodedListener[] = [];

/**
 * The slice of an event emitter socket.io uses on a Decoder: on('decoded'), off / removeListener, and emit.
 * Only 'decoded' is ever emitted, so only its listeners are kept (in a field: one Decoder per connection).
 */
class DecodedEmitter {
  // Replaced, never mutated, so emitting iterates a stable list without copying it per packet.
  #decoded: readonly DecodedListener[] = NO_LISTENERS;

  on(event: string, listener: DecodedListener): this {
    if (event === 'decoded') this.#decoded = [...this.#decoded, listener];
    return this;
  }

  off(event: string, listener: DecodedListener): this {
    const index = event === 'decoded' ? this.#decoded.indexOf(listener) : -1;
    if (index >= 0) this.#decoded = [...this.#decoded.slice(0, index), ...this.#decoded.slice(index + 1)];
    return this;
  }

  removeListener(event: string, listener: DecodedListener): this {
    return this.off(event, listener);
  }

  protected emitDecoded(packet: DecodedPacket): void {
    for (const listener of this.#decoded) listener(packet);
  }
}

/** Builds the object passed as socket.io's `parser` option (Server and socket.io-client's io()). */
export function createParser(limits: ParserLimits): SocketIoParser {
  checkLimits(limits);
  const { maxPacketBytes, maxConnects } = limits;
  const accepted: boolean[] = [];
  for (const type of limits.acceptedTypes) accepted[type] = true;
  const namespaces: ReadonlySet<string> = new Set(limits.namespaces ?? DEFAULT_NAMESPACES);

  // One msgpack Decoder per parser, shared by every connection's Decoder: decode() is synchronous.
  // Bin values it returns are views into the received frame (no copy).
  // It also refuses "__proto__" map keys (DecodeError), so a map can never set an object's prototype.
  const wireDecoder = new MsgpackDecoder({
    maxStrLength: limits.maxStrLength,
    maxBinLength: limits.maxBinLength,
    maxArrayLength: limits.maxArrayLength,
    maxMapLength: limits.maxMapLength,
    maxExtLength: limits.maxExtLength,
    extensionCodec: extensionPolicy,
  });

  /** A frame's bytes, within the size limit. */
  function frameWithinLimit(chunk: unknown): Uint8Array {
    const bytes = frameBytes(chunk);
    if (bytes.byteLength > maxPacketBytes) reject(`frame of ${bytes.byteLength} bytes exceeds ${maxPacketBytes}`);
    return bytes;
  }

  function decodePacketMap(bytes: Uint8Array): ValidPacketMap {
    let value: unknown;
    try {
      value = wireDecoder.decode(bytes);
    } catch (error) {
      if (error instanceof PacketRejected) throw error;
      return reject(`malformed msgpack: ${error instanceof Error ? error.message : String(error)}`);
    }
    return validatePacket(value, limits, accepted, namespaces);
  }

  // Shortcut layouts by event name, shared by every connection's Decoder (null: no fixed-layout reading).
  const layouts = new Map<string, ShortcutLayout | null>();
  const shortcutCounts: ShortcutCounts = { fixedLayout: 0, generic: 0 };

  class MsgpackPacketDecoder extends DecodedEmitter implements PacketDecoder {
    #shortcutName: string | null = null;
    #shortcut: ShortcutHandler | null = null;
    #layout: ShortcutLayout | null = null;
    #connects = 0;

    /**
     * Hands the main namespace's `name` events without an ack id straight to `handler`, called from
     * add(), instead of emitting them to socket.io, which would dispatch them two ticks later. For an
     * event that arrives thirty times a second from every client (inputs), socket.io's dispatch (a packet
     * object, namespace lookup, packet switch, catch-all listeners, middleware, EventEmitter, two
     * nextTicks) costs more than handling it. The packet is validated exactly as any other; a frame in
     * our Encoder's own layout with integer and bin arguments is read without the generic msgpack
     * Decoder. Clients use it too (the bots' lean socket, for snapshots).
     */
    setShortcut(name: string, handler: ShortcutHandler): void {
      if (!layouts.has(name)) layouts.set(name, shortcutLayout(name, limits, accepted, namespaces));
      this.#shortcutName = name;
      this.#shortcut = handler;
      this.#layout = layouts.get(name) ?? null;
    }

    /** Decodes one whole frame (msgpack packets are never split), then emits 'decoded'. Throws PacketRejected. */
    add(chunk: unknown): void {
      const bytes = frameWithinLimit(chunk);
      const shortcut = this.#shortcut;
      const layout = this.#layout;
      if (shortcut !== null && layout !== null) {
        const data = readShortcutFrame(bytes, layout);
        if (data !== null) {
          shortcutCounts.fixedLayout++;
          shortcut(data);
          return;
        }
      }
      const valid = decodePacketMap(bytes);
      // DISCONNECTs need no count of their own: socket.io closes the connection on one for a namespace
      // it has no session for, so they are bounded by the CONNECTs.
      if (valid.type === PacketType.CONNECT && ++this.#connects > maxConnects) {
        reject(`more than ${maxConnects} CONNECT on one connection`);
      }
      // Outside the try of decodePacketMap: a listener's own error must not be reported as a bad packet.
      if (
        shortcut !== null &&
        valid.type === PacketType.EVENT &&
        valid.id === undefined &&
        valid.nsp === '/' &&
        (valid.data as unknown[])[0] === this.#shortcutName
      ) {
        shortcutCounts.generic++;
        shortcut(valid.data as unknown[]);
        return;
      }
      this.emitDecoded(toPacket(valid));
    }

    /** Nothing to release: unlike socket.io-parser there is no partial packet held between frames. */
    destroy(): void {}
  }

  return { protocol: 5, Encoder: MsgpackPacketEncoder, Decoder: MsgpackPacketDecoder, shortcutCounts };
}

export const serverParser = createParser(SERVER_PARSER_LIMITS);
export const clientParser = createParser(CLIENT_PARSER_LIMITS);
