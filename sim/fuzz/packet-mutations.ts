// Mutations of a whole socket.io packet (its type, namespace, ack id, event name, argument list, keys,
// shape), of its msgpack bytes (bit flips, truncation, bad length headers, extensions, trailing bytes),
// and engine.io text packets that are not what a socket.io client sends.

import { EV, RESERVED_EVENTS } from '../../shared/protocol.js';
import type { PacketShape } from './client-events.js';
import type { FuzzRng } from './fuzz-rng.js';
import { EDGE_KEYS, edgeValue, jsonSafe, mutateValue } from './value-mutations.js';

const PACKET_TYPES: readonly unknown[] = [0, 1, 2, 3, 4, 5, 6, 7, -1, 255, 2.5, -0, '2', null, true, 2 ** 53];
const NAMESPACES: readonly unknown[] = ['', '/admin', '//', 'admin', '/ ', '/\u0000', '/'.repeat(300), 1, null, ['/'], { nsp: '/' }];
const ACK_IDS: readonly unknown[] = [0, 1, 2 ** 31, 2 ** 32, Number.MAX_SAFE_INTEGER, 2 ** 53, -1, -0, 1.5, NaN, '1', null, 2n ** 64n - 1n, [1]];
const EVENT_NAMES: readonly unknown[] = [
  ...Object.values(EV),
  ...RESERVED_EVENTS,
  'ROOM:LIST', 'room:list ', 'room', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'error',
  42, null, true, ['room:list'], { toString: 'room:list' }, new Uint8Array([0x69]),
];

/** The ops, each returning a mutated copy of the packet and its label. */
const PACKET_OPS: ReadonlyArray<(packet: PacketShape, rng: FuzzRng) => [PacketShape | unknown, string]> = [
  (p, rng) => {
    const type = rng.pick(PACKET_TYPES);
    return [{ ...p, type }, `type=${String(type)}`];
  },
  (p, rng) => {
    const nsp = rng.pick(NAMESPACES);
    return [{ ...p, nsp }, `nsp=${typeof nsp === 'string' ? JSON.stringify(nsp.slice(0, 12)) : String(nsp)}`];
  },
  (p, rng) => {
    const id = rng.pick(ACK_IDS);
    return [{ ...p, id }, `id=${String(id)}`];
  },
  (p) => {
    const { id: _dropped, ...rest } = p;
    return [rest, 'id dropped'];
  },
  (p, rng) => {
    const name = rng.pick(EVENT_NAMES);
    const data = Array.isArray(p.data) ? [name, ...p.data.slice(1)] : [name];
    return [{ ...p, data }, `name=${describeName(name)}`];
  },
  (p, rng) => {
    // Any event name with any arguments: what a handler registered for that name must survive.
    const name = rng.pick(EVENT_NAMES);
    const args = Array.from({ length: rng.int(3) }, () => edgeValue(rng));
    return [{ ...p, data: [name, ...args] }, `name=${describeName(name)} with ${args.length} edge args`];
  },
  (p, rng) => {
    // Extra, missing or reordered arguments (the event name stays first unless the list shrinks to nothing).
    const data = Array.isArray(p.data) ? p.data : [];
    const args = data.slice(1);
    const op = rng.int(4);
    if (op === 0) args.push(edgeValue(rng));
    else if (op === 1) args.pop();
    else if (op === 2) args.unshift(edgeValue(rng));
    else return [{ ...p, data: rng.chance(0.5) ? [] : data.slice(0, 1) }, 'no args'];
    return [{ ...p, data: [data[0], ...args] }, `args ${['appended', 'dropped', 'prepended'][op]}`];
  },
  (p, rng) => {
    const data = edgeValue(rng);
    return [{ ...p, data }, 'data replaced'];
  },
  (p, rng) => {
    const key = rng.pick(['options', 'attachments', ...EDGE_KEYS]);
    const copy: PacketShape = { ...p };
    Object.defineProperty(copy, key, { value: key === 'options' ? { compress: true } : edgeValue(rng), enumerable: true, writable: true, configurable: true });
    return [copy, `extra key ${JSON.stringify(key)}`];
  },
  (p, rng) => {
    const key = rng.pick(['type', 'nsp', 'data']);
    const copy: PacketShape = { ...p };
    delete copy[key];
    return [copy, `${key} dropped`];
  },
  (p, rng) => {
    const shape = rng.pick<unknown>([[p.type, p.nsp, p.data, p.id], JSON.stringify(p.data, jsonSafe), 2, null, true, [p]]);
    return [shape, 'not a map'];
  },
  (p, rng) => {
    const { value, where } = mutateValue(p, rng);
    return [value, `packet@${where}`];
  },
];

function describeName(name: unknown): string {
  return typeof name === 'string' ? JSON.stringify(name) : typeof name;
}

/** One or two packet-level mutations. */
export function mutatePacket(packet: PacketShape, rng: FuzzRng): { packet: unknown; label: string } {
  const [once, label] = rng.pick(PACKET_OPS)(packet, rng);
  if (rng.chance(0.7) || typeof once !== 'object' || once === null || Array.isArray(once)) return { packet: once, label };
  const [twice, second] = rng.pick(PACKET_OPS)(once as PacketShape, rng);
  return { packet: twice, label: `${label}, ${second}` };
}

/** The event's arguments mutated in place of the packet's (name kept): what most fuzz frames are. */
export function mutateArguments(packet: PacketShape, rng: FuzzRng): { packet: PacketShape; label: string } {
  if (!Array.isArray(packet.data) || packet.data.length < 2) {
    const { value, where } = mutateValue(packet.data ?? null, rng);
    return { packet: { ...packet, data: value }, label: `data@${where}` };
  }
  const [name, ...args] = packet.data as unknown[];
  const { value, where } = mutateValue(args, rng);
  return { packet: { ...packet, data: [name, ...(Array.isArray(value) ? value : [value])] }, label: `args@${where}` };
}

// ---- bytes ----

/** Bytes that start msgpack types with lengths, extensions, the never-used 0xc1 and fix-type boundaries. */
const EDGE_BYTES: readonly number[] = [
  0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xca, 0xcb, 0xcc,
  0xcf, 0xd0, 0xd3, 0xd4, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
];

/** Extensions: notepack's undefined marker (the one our parser accepts), other types, a timestamp, a big one. */
const EXTENSIONS: readonly number[][] = [
  [0xd4, 0x00, 0x00],
  [0xd4, 0x00, 0x01],
  [0xd4, 0x05, 0x00],
  [0xd6, 0xff, 0x00, 0x00, 0x00, 0x00],
  [0xc7, 0x02, 0x00, 0x00, 0x00],
  [0xc8, 0x01, 0x00, 0x00],
];

const BYTE_OPS: ReadonlyArray<(bytes: Uint8Array, rng: FuzzRng) => [Uint8Array, string]> = [
  (b, rng) => {
    const out = b.slice();
    const flips = rng.between(1, 4);
    for (let i = 0; i < flips && out.length > 0; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
    return [out, `${flips} bit flips`];
  },
  (b, rng) => {
    const out = b.slice();
    if (out.length > 0) out[rng.int(out.length)] = rng.pick(EDGE_BYTES);
    return [out, 'edge byte'];
  },
  (b, rng) => {
    const length = rng.int(b.length + 1);
    return [b.slice(0, length), `truncated to ${length}`];
  },
  (b, rng) => {
    const extra = rng.chance(0.5) ? b : rng.bytes(rng.between(1, 8));
    return [concat(b, extra), 'trailing bytes'];
  },
  (b, rng) => {
    const from = rng.int(b.length + 1);
    const to = Math.min(b.length, from + rng.between(1, 4));
    return [concat(b.subarray(0, from), b.subarray(to)), 'slice removed'];
  },
  (b, rng) => {
    // An extension in place of a nil (an undefined in the packet) or of the last value.
    const ext = Uint8Array.from(rng.pick(EXTENSIONS));
    const nil = b.lastIndexOf(0xc0);
    const at = nil >= 0 ? nil : Math.max(0, b.length - 1);
    return [concat(b.subarray(0, at), ext, b.subarray(at + 1)), `extension ${ext[0]!.toString(16)}/${ext[1]}`];
  },
  (b, rng) => {
    // A fixarray/fixmap header that claims one element more or less than follows.
    const out = b.slice();
    const headers: number[] = [];
    out.forEach((byte, i) => {
      if ((byte >= 0x80 && byte <= 0x9f) || byte === 0xdc || byte === 0xde) headers.push(i);
    });
    if (headers.length === 0) return [out, 'no header to change'];
    const i = rng.pick(headers);
    const byte = out[i]!;
    if (byte < 0xa0) out[i] = (byte & 0xf0) | ((byte + (rng.chance(0.5) ? 1 : 15)) & 0x0f);
    return [out, 'container count changed'];
  },
  (b, rng) => {
    const size = rng.pick([0, 1025, 4096, 17 * 1024]);
    const out = new Uint8Array(size);
    out.set(b.subarray(0, size));
    return [out, `resized to ${size}`];
  },
];

export function mutateBytes(bytes: Uint8Array, rng: FuzzRng): { bytes: Uint8Array; label: string } {
  const [out, label] = rng.pick(BYTE_OPS)(bytes, rng);
  return { bytes: out, label };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ---- engine.io text packets ----

/**
 * Text where socket.io-client sends binary: socket.io's own text encoding, engine.io control packets a
 * client must not send (ping, open, upgrade), unknown packet types, empty and oversized packets, and
 * polling's "b" (base64) prefix with junk.
 */
const ENGINE_TEXTS: readonly string[] = [
  '42["room:list",{}]', '40', '40/admin,', '41', '43[1]', '4', '4\u0000', `4${'x'.repeat(2000)}`,
  '3', '6', '5', '2', '2probe', '0', '1', '9', '', 'b', 'b====', 'b!!!!', 'bgqR0eXBlAg==',
];

export function engineText(rng: FuzzRng): string {
  return rng.pick(ENGINE_TEXTS);
}
