// A minimal, strict msgpack reader for untrusted snapshot bytes: nil, integers (every msgpack int
// format), strings and array headers. Anything else, a truncated value or invalid UTF-8 throws a
// SnapshotError naming what was expected and where. It reads in place: no intermediate objects.

import type { FieldValue } from './schema.js';
import { SnapshotError } from './snapshot-error.js';

const TWO_32 = 2 ** 32;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // ignoreBOM: keep a leading U+FEFF (it is data)

export class MsgpackReader {
  pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  /** Consumes a nil if one is next. */
  readNil(): boolean {
    if (this.pos < this.bytes.length && this.bytes[this.pos] === 0xc0) {
      this.pos++;
      return true;
    }
    return false;
  }

  readArrayHeader(what: string): number {
    const tag = this.tag(what);
    if ((tag & 0xf0) === 0x90) return tag & 0x0f;
    if (tag === 0xdc) return this.uint(2, what);
    if (tag === 0xdd) return this.uint(4, what);
    throw this.unexpected(what, tag);
  }

  /** Any msgpack integer that is a safe JS integer. */
  readInt(what: string): number {
    const tag = this.tag(what);
    if (tag < 0x80) return tag;
    if (tag >= 0xe0) return tag - 0x100;
    switch (tag) {
      case 0xcc:
        return this.uint(1, what);
      case 0xcd:
        return this.uint(2, what);
      case 0xce:
        return this.uint(4, what);
      case 0xcf: {
        const high = this.uint(4, what);
        const value = high * TWO_32 + this.uint(4, what);
        if (!Number.isSafeInteger(value)) throw this.error(`${what} ${value} is not a safe integer`);
        return value;
      }
      case 0xd0:
        return (this.uint(1, what) << 24) >> 24;
      case 0xd1:
        return (this.uint(2, what) << 16) >> 16;
      case 0xd2:
        return this.uint(4, what) | 0;
      case 0xd3: {
        const high = this.uint(4, what) | 0;
        const value = high * TWO_32 + this.uint(4, what);
        if (!Number.isSafeInteger(value)) throw this.error(`${what} ${value} is not a safe integer`);
        return value;
      }
      default:
        throw this.unexpected(what, tag);
    }
  }

  /** A non-negative integer no larger than `max`. */
  readUint(what: string, max = Number.MAX_SAFE_INTEGER): number {
    const start = this.pos;
    const value = this.readInt(what);
    if (value < 0 || value > max) {
      throw new SnapshotError('malformed', `${what} ${value} at byte ${start} is out of range 0..${max}`);
    }
    return value;
  }

  readString(what: string): string {
    const tag = this.tag(what);
    let length: number;
    if ((tag & 0xe0) === 0xa0) length = tag & 0x1f;
    else if (tag === 0xd9) length = this.uint(1, what);
    else if (tag === 0xda) length = this.uint(2, what);
    else if (tag === 0xdb) length = this.uint(4, what);
    else throw this.unexpected(what, tag);
    const start = this.pos;
    const end = start + length;
    if (end > this.bytes.length) throw this.error(`${what}: string of ${length} bytes is truncated`);
    this.pos = end;
    const b = this.bytes;
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (b[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // Short ASCII strings (names, the common case) decode faster by hand than via TextDecoder.
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
      return s;
    }
    try {
      return utf8.decode(b.subarray(start, end));
    } catch {
      throw new SnapshotError('malformed', `${what} at byte ${start - 1} is not valid UTF-8`);
    }
  }

  /** An int or a string, whichever is next (event payloads). */
  readValue(what: string): FieldValue {
    if (this.pos < this.bytes.length && isStringTag(this.bytes[this.pos])) return this.readString(what);
    return this.readInt(what);
  }

  private tag(what: string): number {
    if (this.pos >= this.bytes.length) throw this.error(`truncated: expected ${what}`);
    return this.bytes[this.pos++];
  }

  private uint(size: 1 | 2 | 4, what: string): number {
    if (this.pos + size > this.bytes.length) throw this.error(`truncated: ${what} needs ${size} more bytes`);
    const b = this.bytes;
    let p = this.pos;
    let value: number;
    if (size === 1) value = b[p++];
    else if (size === 2) value = (b[p++] << 8) | b[p++];
    else value = b[p++] * 0x1000000 + ((b[p++] << 16) | (b[p++] << 8) | b[p++]);
    this.pos = p;
    return value;
  }

  private unexpected(what: string, tag: number): SnapshotError {
    const hex = tag.toString(16).padStart(2, '0');
    return new SnapshotError('malformed', `expected ${what} at byte ${this.pos - 1}, found msgpack tag 0x${hex}`);
  }

  private error(message: string): SnapshotError {
    return new SnapshotError('malformed', `${message} (at byte ${this.pos})`);
  }
}

function isStringTag(tag: number): boolean {
  return (tag & 0xe0) === 0xa0 || tag === 0xd9 || tag === 0xda || tag === 0xdb;
}
