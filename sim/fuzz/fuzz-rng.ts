// The fuzzer's seeded random source: the game's sfc32 PRNG (shared/game/prng.ts) with the draws a
// mutator needs. Every choice the fuzzer makes comes from one of these, so a seed replays the same
// choices; derived seeds give each connection its own stream, independent of how the others ran.

import { createPrng, nextInt, nextUint32, type PrngState } from '../../shared/game/prng.js';

export class FuzzRng {
  private readonly state: PrngState;

  constructor(readonly seed: number) {
    this.state = createPrng(seed);
  }

  /** A uniform integer in [0, n), 1 <= n <= 2^21. */
  int(n: number): number {
    return nextInt(this.state, n);
  }

  /** A uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return nextUint32(this.state) < p * 4294967296;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weights) as K[];
    let total = 0;
    for (const key of keys) total += weights[key];
    let roll = (nextUint32(this.state) / 4294967296) * total;
    for (const key of keys) {
      roll -= weights[key];
      if (roll < 0) return key;
    }
    return keys[keys.length - 1]!;
  }

  /** Random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = nextUint32(this.state) & 0xff;
    return out;
  }
}

/** A seed for a sub-stream (e.g. run seed, connection slot, session number): mixed, never colliding in practice. */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  for (const part of [hi, ...parts]) {
    h = Math.imul(h ^ (part >>> 0), 0xcc9e2d51) >>> 0;
    h = ((h << 13) | (h >>> 19)) >>> 0;
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  return h >>> 0;
}
