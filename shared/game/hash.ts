// FNV-1a, 32-bit, over structured values: used for world-state hashes (determinism checks, recording
// keyframes). Numbers are fed as their exact bits, so 1 and 1.0000001 differ, and values are tagged
// by type with lengths, so [1, 2] and [[1], 2] differ. Only Math.imul and bit operations: the same
// result in every JS engine.

export const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

const TAG_INT = 1;
const TAG_FLOAT = 2;
const TAG_STRING = 3;
const TAG_ARRAY = 4;
const TAG_FALSE = 5;
const TAG_TRUE = 6;

const floatView = new DataView(new ArrayBuffer(8));

/** Mixes one byte into the hash. */
export function hashByte(h: number, byte: number): number {
  return Math.imul(h ^ (byte & 0xff), FNV_PRIME) >>> 0;
}

/** Mixes a 32-bit word (little-endian bytes). */
export function hashWord(h: number, word: number): number {
  h = hashByte(h, word);
  h = hashByte(h, word >>> 8);
  h = hashByte(h, word >>> 16);
  return hashByte(h, word >>> 24);
}

/** Mixes a number: safe integers as two 32-bit words, anything else as its IEEE-754 bits. */
export function hashNumber(h: number, n: number): number {
  if (Number.isSafeInteger(n)) {
    h = hashByte(h, TAG_INT);
    h = hashWord(h, n >>> 0);
    return hashWord(h, Math.floor(n / 4294967296) >>> 0);
  }
  floatView.setFloat64(0, n, true);
  h = hashByte(h, TAG_FLOAT);
  h = hashWord(h, floatView.getUint32(0, true));
  return hashWord(h, floatView.getUint32(4, true));
}

/** Mixes a string (its length, then its UTF-16 code units). */
export function hashString(h: number, s: string): number {
  h = hashByte(h, TAG_STRING);
  h = hashWord(h, s.length);
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    h = hashByte(h, unit);
    h = hashByte(h, unit >>> 8);
  }
  return h;
}

/** A value a state hash can cover: numbers, strings, booleans and arrays of them (ordered, by design). */
export type HashableValue = number | string | boolean | readonly HashableValue[];

/** Mixes a value recursively. Plain objects are rejected: their key order must be chosen by the caller. */
export function hashValue(h: number, value: HashableValue): number {
  if (typeof value === 'number') return hashNumber(h, value);
  if (typeof value === 'string') return hashString(h, value);
  if (typeof value === 'boolean') return hashByte(h, value ? TAG_TRUE : TAG_FALSE);
  if (Array.isArray(value)) {
    h = hashByte(h, TAG_ARRAY);
    h = hashWord(h, value.length);
    for (const item of value as readonly HashableValue[]) h = hashValue(h, item);
    return h;
  }
  throw new Error(`hash: unsupported value of type ${typeof value}`);
}

/** One-shot hash of a value, from the FNV offset basis. Returns an unsigned 32-bit integer. */
export function hash32(value: HashableValue): number {
  return hashValue(FNV_OFFSET_BASIS, value);
}
