// Writes the msgpack bytes of a main-namespace EVENT packet, {type: 2, data: [name, ...args], nsp: "/"
// (, id)}, when its arguments are integers, bins and arrays of those (an input, a snapshot, most
// requests' ids): byte for byte what the generic @msgpack/msgpack Encoder writes for the same packet (the
// differential test checks it), without walking the packet map and its keys for each of the 30 inputs a
// second every client sends. Anything else (string arguments, maps, floats, an event name that is not
// printable ASCII) returns null: the generic Encoder writes it.

import { MsgpackWriter } from '../codec/msgpack-writer.js';

const EVENT = 2;
/** Deepest array nesting written here (the generic Encoder takes deeper ones, up to its own limit). */
const MAX_DEPTH = 8;
/**
 * Event names written here. The generic Encoder writes a lone surrogate in its own 3-byte form where a
 * UTF-8 encoder writes U+FFFD; our event names are ASCII anyway.
 */
const ASCII_NAME = /^[\x20-\x7e]*$/;

/** Reused for every packet: writeEventPacket is synchronous and returns a copy. */
const writer = new MsgpackWriter(1024);

/** The packet map's fixed parts, in the order the generic Encoder writes its keys: type, data, nsp (, id). */
function encoded(write: (w: MsgpackWriter) => void): Uint8Array {
  const w = new MsgpackWriter(16);
  write(w);
  return w.toBytes();
}
const typeAndData = (size: number) =>
  encoded((w) => {
    w.writeMapHeader(size);
    w.writeString('type');
    w.writeInt(EVENT);
    w.writeString('data');
  });
/** Bytes before the data array of an event packet without ack id: fixmap(3) "type" 2 "data". */
export const EVENT_PACKET_HEAD = typeAndData(3);
const HEAD_WITH_ID = typeAndData(4);
/** Bytes after the data array of a main-namespace packet: "nsp" "/". */
export const MAIN_NAMESPACE_TAIL = encoded((w) => {
  w.writeString('nsp');
  w.writeString('/');
});
const ID_KEY = encoded((w) => w.writeString('id'));

/** An integer, a bin or an array of those; false for any other value (the caller starts over). */
function writeArgument(value: unknown, depth: number): boolean {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) return false;
    writer.writeInt(value);
    return true;
  }
  if (value instanceof Uint8Array) {
    writer.writeBin(value);
    return true;
  }
  if (!Array.isArray(value) || depth >= MAX_DEPTH) return false;
  writer.writeArrayHeader(value.length);
  for (let i = 0; i < value.length; i++) if (!writeArgument(value[i], depth + 1)) return false;
  return true;
}

/**
 * The packet's bytes (a fresh copy: socket.io may queue or broadcast them), or null when an argument is
 * not an integer, a bin or an array of those. `data` is [name, ...args]; `id` an ack id or undefined.
 */
export function writeEventPacket(data: readonly unknown[], id: number | undefined): Uint8Array | null {
  const name = data[0];
  if (typeof name !== 'string' || !ASCII_NAME.test(name)) return null;
  if (id !== undefined && !(Number.isSafeInteger(id) && id >= 0)) return null;
  writer.reset();
  const head = id === undefined ? EVENT_PACKET_HEAD : HEAD_WITH_ID;
  writer.writeRaw(head, 0, head.length);
  writer.writeArrayHeader(data.length);
  writer.writeString(name);
  for (let i = 1; i < data.length; i++) if (!writeArgument(data[i], 2)) return null;
  writer.writeRaw(MAIN_NAMESPACE_TAIL, 0, MAIN_NAMESPACE_TAIL.length);
  if (id !== undefined) {
    writer.writeRaw(ID_KEY, 0, ID_KEY.length);
    writer.writeInt(id);
  }
  return writer.toBytes();
}
