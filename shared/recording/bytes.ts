// Growable byte writer and bounds-checked reader with LEB128 varints and zigzag signed varints, for the
// packed parts of a recording (the per-tick input deltas). Values are JS safe integers: varints are
// built with arithmetic, not 32-bit bit operations, so they cover the whole safe range.

/** Largest magnitude a zigzag varint carries (2^52: its zigzag form 2^53 - 1 is still a safe integer). */
export const MAX_ZIGZAG_MAGNITUDE = 2 ** 52 - 1;

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.len;
  }

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(value: number): void {
    if (value >= 0 && value < 0x80 && (value | 0) === value) {
      if (this.len === this.buf.length) this.ensure(1);
      this.buf[this.len++] = value;
      return;
    }
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint: ${value} is not a non-negative safe integer`);
    this.ensure(8);
    if (value <= 0x7fffffff) {
      // Below 2^31: shifts instead of division.
      while (value >= 0x80) {
        this.buf[this.len++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
      this.buf[this.len++] = value;
      return;
    }
    while (value >= 0x80) {
      this.buf[this.len++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.len++] = value;
  }

  /** Signed value as a zigzag varint: 0, -1, 1, -2, ... -> 0, 1, 2, 3, ... */
  zigzag(value: number): void {
    if (value > -64 && value < 64 && (value | 0) === value) {
      if (this.len === this.buf.length) this.ensure(1);
      this.buf[this.len++] = value >= 0 ? value * 2 : -value * 2 - 1;
      return;
    }
    if (!Number.isSafeInteger(value) || Math.abs(value) > MAX_ZIGZAG_MAGNITUDE) {
      throw new RangeError(`zigzag: ${value} is out of range`);
    }
    this.varint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** Unsigned 32-bit little-endian. */
  u32(value: number): void {
    this.ensure(4);
    const buf = this.buf;
    buf[this.len++] = value & 0xff;
    buf[this.len++] = (value >>> 8) & 0xff;
    buf[this.len++] = (value >>> 16) & 0xff;
    buf[this.len++] = (value >>> 24) & 0xff;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** Overwrites one byte already written (e.g. a count reserved before its items). */
  patch(at: number, b: number): void {
    if (at >= this.len) throw new RangeError(`patch at ${at} beyond ${this.len} bytes written`);
    this.buf[at] = b;
  }

  /** A view of what was written (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }
}

/** Thrown by ByteReader on reading past the end or a malformed varint. */
export class ByteReadError extends Error {
  constructor(
    message: string,
    readonly position: number,
    /** The reader's name, null when it has none. */
    readonly reader: string | null = null,
  ) {
    super(message);
    this.name = 'ByteReadError';
  }
}

export class ByteReader {
  pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    /** Named in errors (e.g. which stream of a record). */
    readonly name: string | null = null,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new ByteReadError('unexpected end of data', this.pos, this.name);
    return this.buf[this.pos++]!;
  }

  varint(): number {
    const start = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (!Number.isSafeInteger(value)) throw new ByteReadError('varint exceeds the safe integer range', start, this.name);
        // A non-minimal encoding (trailing zero group) is refused: each value has exactly one encoding.
        if (i > 0 && b === 0) throw new ByteReadError('varint is not minimally encoded', start, this.name);
        return value;
      }
      scale *= 0x80;
    }
    throw new ByteReadError('varint is longer than 8 bytes', start, this.name);
  }

  u32(): number {
    const b = this.bytes(4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  zigzag(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new ByteReadError(`needs ${n} bytes, ${this.remaining} left`, this.pos, this.name);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
