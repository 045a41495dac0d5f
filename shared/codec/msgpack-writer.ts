// A minimal msgpack writer for what snapshots contain (nil, integers, strings and array headers), and the
// map headers and bins of the socket.io packets of integer-only events (shared/net/event-packet-writer.ts).
//
// Why not @msgpack/msgpack's Encoder: snapshots are spliced from pre-encoded pieces, so the hot path
// writes single integers and array headers into a shared buffer and copies byte ranges; the general
// Encoder allocates a result per encode() and dispatches on the value's type. The output uses the same
// smallest-format choices as @msgpack/msgpack, and the tests decode it with @msgpack/msgpack's decode.

import type { FieldValue } from './schema.js';

const TWO_32 = 2 ** 32;

/** A growable byte buffer with msgpack write operations. Reuse one instance and reset() it. */
export class MsgpackWriter {
  bytes: Uint8Array;
  pos = 0;

  constructor(initialCapacity = 1024) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written so far (the buffer itself is reused). */
  toBytes(): Uint8Array {
    return this.bytes.slice(0, this.pos);
  }

  ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
  }

  writeNil(): void {
    this.ensure(1);
    this.bytes[this.pos++] = 0xc0;
  }

  writeArrayHeader(length: number): void {
    this.writeContainerHeader(length, 0x90, 0xdc, 0xdd);
  }

  writeMapHeader(size: number): void {
    this.writeContainerHeader(size, 0x80, 0xde, 0xdf);
  }

  /** Writes a safe integer in its smallest msgpack format (callers validate integer-ness). */
  writeInt(value: number): void {
    this.ensure(9);
    const b = this.bytes;
    if (value >= 0) {
      if (value < 0x80) {
        b[this.pos++] = value;
      } else if (value < 0x100) {
        b[this.pos++] = 0xcc;
        b[this.pos++] = value;
      } else if (value < 0x10000) {
        b[this.pos++] = 0xcd;
        b[this.pos++] = value >>> 8;
        b[this.pos++] = value & 0xff;
      } else if (value < TWO_32) {
        b[this.pos++] = 0xce;
        this.writeU32(value);
      } else {
        b[this.pos++] = 0xcf;
        this.writeU64(value);
      }
    } else if (value >= -0x20) {
      b[this.pos++] = value & 0xff; // negative fixint 0xe0..0xff
    } else if (value >= -0x80) {
      b[this.pos++] = 0xd0;
      b[this.pos++] = value & 0xff;
    } else if (value >= -0x8000) {
      b[this.pos++] = 0xd1;
      b[this.pos++] = (value >> 8) & 0xff;
      b[this.pos++] = value & 0xff;
    } else if (value >= -0x80000000) {
      b[this.pos++] = 0xd2;
      this.writeU32(value >>> 0);
    } else {
      b[this.pos++] = 0xd3;
      this.writeU64(value);
    }
  }

  /** Writes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
  writeString(value: string): void {
    const byteLength = utf8Length(value);
    this.ensure(5 + byteLength);
    const b = this.bytes;
    if (byteLength < 32) b[this.pos++] = 0xa0 | byteLength;
    else this.writeLengthHeader(byteLength, 0xd9, 0xda, 0xdb);
    if (byteLength === value.length) {
      // ASCII fast path: every UTF-16 unit is one byte.
      let p = this.pos;
      for (let i = 0; i < value.length; i++) b[p++] = value.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos = writeUtf8(value, b, this.pos);
    }
  }

  /** Writes a bin (bin 8, 16 or 32) holding `value`'s bytes. */
  writeBin(value: Uint8Array): void {
    const length = value.byteLength;
    this.ensure(5 + length);
    this.writeLengthHeader(length, 0xc4, 0xc5, 0xc6);
    this.writeRaw(value, 0, length);
  }

  writeValue(value: FieldValue): void {
    if (typeof value === 'number') this.writeInt(value);
    else this.writeString(value);
  }

  /** Appends `length` bytes of `source` from `start` (pre-encoded msgpack values). */
  writeRaw(source: Uint8Array, start: number, length: number): void {
    this.ensure(length);
    const b = this.bytes;
    if (length <= 32) {
      // Most pieces are a handful of bytes: a loop beats creating a subarray view for set().
      let p = this.pos;
      for (let i = start, end = start + length; i < end; i++) b[p++] = source[i];
      this.pos = p;
    } else {
      b.set(source.subarray(start, start + length), this.pos);
      this.pos += length;
    }
  }

  /** An array or map header: fix form (`fix | n`) under 16, else the 16- or 32-bit form. */
  private writeContainerHeader(n: number, fix: number, type16: number, type32: number): void {
    this.ensure(5);
    if (n < 16) this.bytes[this.pos++] = fix | n;
    else this.writeWideHeader(n, type16, type32);
  }

  /** A str or bin header: the 8-, 16- or 32-bit length form (room ensured by the caller). */
  private writeLengthHeader(n: number, type8: number, type16: number, type32: number): void {
    if (n < 0x100) {
      this.bytes[this.pos++] = type8;
      this.bytes[this.pos++] = n;
    } else this.writeWideHeader(n, type16, type32);
  }

  /** `type16` and a 16-bit `n` under 2^16, else `type32` and a 32-bit `n`. */
  private writeWideHeader(n: number, type16: number, type32: number): void {
    const b = this.bytes;
    if (n < 0x10000) {
      b[this.pos++] = type16;
      b[this.pos++] = n >>> 8;
      b[this.pos++] = n & 0xff;
    } else {
      b[this.pos++] = type32;
      this.writeU32(n);
    }
  }

  private writeU32(value: number): void {
    const b = this.bytes;
    b[this.pos++] = (value >>> 24) & 0xff;
    b[this.pos++] = (value >>> 16) & 0xff;
    b[this.pos++] = (value >>> 8) & 0xff;
    b[this.pos++] = value & 0xff;
  }

  /** Two's complement 64-bit big-endian of a safe integer (negative or >= 2^32). */
  private writeU64(value: number): void {
    const high = Math.floor(value / TWO_32);
    const low = value - high * TWO_32;
    this.writeU32(high >>> 0);
    this.writeU32(low >>> 0);
  }
}

/** Bytes of `value` in UTF-8, counting a lone surrogate as the 3 bytes of U+FFFD. */
export function utf8Length(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      length += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && isLowSurrogate(value.charCodeAt(i + 1))) {
      length += 2; // 2 units -> 4 bytes
      i++;
    } else {
      length += 2;
    }
  }
  return length;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function writeUtf8(value: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
    } else if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && isLowSurrogate(next)) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[pos++] = 0xf0 | (c >> 18);
        out[pos++] = 0x80 | ((c >> 12) & 0x3f);
        out[pos++] = 0x80 | ((c >> 6) & 0x3f);
        out[pos++] = 0x80 | (c & 0x3f);
      } else {
        out[pos++] = 0xef; // U+FFFD for a lone surrogate
        out[pos++] = 0xbf;
        out[pos++] = 0xbd;
      }
    } else {
      out[pos++] = 0xe0 | (c >> 12);
      out[pos++] = 0x80 | ((c >> 6) & 0x3f);
      out[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}
