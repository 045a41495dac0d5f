// Writes the msgpack bytes of a main-namespace EVENT packet, {type: 2, data: [name, ...args], nsp: "/"
// (, id)}, straight into a reused buffer when its arguments are integers, bins and arrays of those (an
// input, a snapshot, most requests' ids). Byte for byte what the generic @msgpack/msgpack Encoder writes
// for the same packet (the differential test checks it), without walking the packet map and its keys for
// each of the 30 inputs a second every client sends. Anything else (string arguments, maps, floats,
// integers beyond 32 bits, an event name that is not printable ASCII) returns null: the generic Encoder
// writes it.
//
// Runs unchanged in Node and the browser: no Buffer.

const EVENT = 2;
/** Deepest array nesting written here (the generic Encoder takes deeper ones, up to its own limit). */
const MAX_DEPTH = 8;
/** Event names whose encoding is kept (the protocol's few names; others are encoded each time). */
const MAX_CACHED_NAMES = 64;

const utf8 = new TextEncoder();

/** msgpack of a short ASCII string (fixstr): the packet's keys and the namespace. */
function fixstr(text: string): number[] {
  return [0xa0 | text.length, ...utf8.encode(text)];
}

// fixmap(3 or 4) "type" 2 "data"   ...   "nsp" "/" [ "id" <id> ]
const TYPE_DATA = Uint8Array.from([...fixstr('type'), EVENT, ...fixstr('data')]);
const NSP_MAIN = Uint8Array.from([...fixstr('nsp'), ...fixstr('/')]);
const ID_KEY = Uint8Array.from(fixstr('id'));

const names = new Map<string, Uint8Array>();

/** msgpack of a string, as the generic Encoder writes it (fixstr, str 8, 16 or 32). */
function encodeString(text: string): Uint8Array {
  const bytes = utf8.encode(text);
  const n = bytes.length;
  const header = n < 32 ? [0xa0 | n] : n < 0x100 ? [0xd9, n] : n < 0x10000 ? [0xda, n >>> 8, n & 0xff] : [0xdb, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(bytes, header.length);
  return out;
}

/** An event name of printable ASCII only: other names go the generic way (it encodes lone surrogates its own way). */
const ASCII_NAME = /^[\x20-\x7e]*$/;

function encodedName(name: string): Uint8Array | null {
  let bytes = names.get(name);
  if (bytes !== undefined) return bytes;
  if (!ASCII_NAME.test(name)) return null;
  bytes = encodeString(name);
  if (names.size < MAX_CACHED_NAMES) names.set(name, bytes);
  return bytes;
}

let buffer = new Uint8Array(1024);
let pos = 0;

function ensure(extra: number): void {
  if (pos + extra <= buffer.length) return;
  const grown = new Uint8Array(Math.max(buffer.length * 2, pos + extra));
  grown.set(buffer.subarray(0, pos));
  buffer = grown;
}

function writeBytes(bytes: Uint8Array): void {
  ensure(bytes.length);
  buffer.set(bytes, pos);
  pos += bytes.length;
}

/** A 16- or 32-bit big-endian length or value after its type byte. */
function writeSized(type: number, value: number, size: 2 | 4): void {
  ensure(1 + size);
  buffer[pos++] = type;
  if (size === 4) {
    buffer[pos++] = (value >>> 24) & 0xff;
    buffer[pos++] = (value >>> 16) & 0xff;
  }
  buffer[pos++] = (value >>> 8) & 0xff;
  buffer[pos++] = value & 0xff;
}

/** An integer in the smallest msgpack format, as the generic Encoder picks it; false past 32 bits. */
function writeInteger(n: number): boolean {
  if (!Number.isSafeInteger(n)) return false;
  ensure(5);
  if (n >= 0) {
    if (n < 0x80) buffer[pos++] = n;
    else if (n < 0x100) {
      buffer[pos++] = 0xcc;
      buffer[pos++] = n;
    } else if (n < 0x10000) writeSized(0xcd, n, 2);
    else if (n < 0x100000000) writeSized(0xce, n, 4);
    else return false;
  } else if (n >= -0x20) buffer[pos++] = 0xe0 | (n + 0x20);
  else if (n >= -0x80) {
    buffer[pos++] = 0xd0;
    buffer[pos++] = n & 0xff;
  } else if (n >= -0x8000) writeSized(0xd1, n & 0xffff, 2);
  else if (n >= -0x80000000) writeSized(0xd2, n >>> 0, 4);
  else return false;
  return true;
}

function writeArrayHeader(n: number): void {
  if (n < 16) {
    ensure(1);
    buffer[pos++] = 0x90 | n;
  } else if (n < 0x10000) writeSized(0xdc, n, 2);
  else writeSized(0xdd, n, 4);
}

/** An integer, a bin or an array of those; false for any other value (nothing to undo: the caller starts over). */
function writeValue(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return writeInteger(value);
  if (value instanceof Uint8Array) {
    const n = value.byteLength;
    if (n < 0x100) {
      ensure(2);
      buffer[pos++] = 0xc4;
      buffer[pos++] = n;
    } else if (n < 0x10000) writeSized(0xc5, n, 2);
    else writeSized(0xc6, n, 4);
    writeBytes(value);
    return true;
  }
  if (!Array.isArray(value) || depth >= MAX_DEPTH) return false;
  writeArrayHeader(value.length);
  for (let i = 0; i < value.length; i++) if (!writeValue(value[i], depth + 1)) return false;
  return true;
}

/**
 * The packet's bytes (a fresh copy: socket.io may queue or broadcast them), or null when an argument is
 * not an integer, a bin or an array of those. `data` is [name, ...args]; `id` an ack id or undefined.
 */
export function writeEventPacket(data: readonly unknown[], id: number | undefined): Uint8Array | null {
  const name = data[0];
  if (typeof name !== 'string' || (id !== undefined && !(Number.isSafeInteger(id) && id >= 0))) return null;
  const nameBytes = encodedName(name);
  if (nameBytes === null) return null;
  pos = 0;
  ensure(1);
  buffer[pos++] = id === undefined ? 0x83 : 0x84;
  writeBytes(TYPE_DATA);
  writeArrayHeader(data.length);
  writeBytes(nameBytes);
  for (let i = 1; i < data.length; i++) if (!writeValue(data[i], 2)) return null;
  writeBytes(NSP_MAIN);
  if (id !== undefined) {
    writeBytes(ID_KEY);
    if (!writeInteger(id)) return null;
  }
  return buffer.slice(0, pos);
}
