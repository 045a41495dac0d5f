// A small seeded PRNG for game simulations: sfc32 (Chris Doty-Humphrey's "Small Fast Counting"
// generator, the PractRand-tested 32-bit variant), seeded through splitmix32.
//
// The state is four unsigned 32-bit integers kept *inside the world*, so it is serialized, hashed and
// re-simulated with everything else. Only 32-bit integer operations (| >>> ^ << Math.imul) are used:
// they are exactly specified by ECMAScript, so every engine produces the same sequence.

/** sfc32 state: four unsigned 32-bit integers [a, b, c, counter]. Mutated in place by the functions below. */
export type PrngState = [number, number, number, number];

const UINT32_RANGE = 4294967296; // 2^32

/** splitmix32: spreads one seed word over well-mixed state words (keeps low-entropy seeds like 1, 2, 3 apart). */
function splitmix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** A fresh generator state from any safe integer seed (negative and > 2^32 seeds use all their bits). */
export function createPrng(seed: number): PrngState {
  if (!Number.isSafeInteger(seed)) throw new Error(`prng: seed must be a safe integer, got ${String(seed)}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / UINT32_RANGE) >>> 0;
  const a = splitmix32(lo);
  const b = splitmix32(a ^ hi);
  const c = splitmix32(b);
  const d = splitmix32(c ^ 0x5bd1e995);
  const state: PrngState = [a, b, c, d];
  // Discard the first outputs: sfc32 needs a few rounds before its state is fully mixed.
  for (let i = 0; i < 12; i++) nextUint32(state);
  return state;
}

/** The next unsigned 32-bit output; advances the state. */
export function nextUint32(state: PrngState): number {
  let a = state[0] | 0;
  let b = state[1] | 0;
  let c = state[2] | 0;
  let d = state[3] | 0;
  const t = (((a + b) | 0) + d) | 0;
  d = (d + 1) | 0;
  a = b ^ (b >>> 9);
  b = (c + (c << 3)) | 0;
  c = (c << 21) | (c >>> 11);
  c = (c + t) | 0;
  state[0] = a >>> 0;
  state[1] = b >>> 0;
  state[2] = c >>> 0;
  state[3] = d >>> 0;
  return t >>> 0;
}

/**
 * A uniform integer in [0, n) for 1 <= n <= 2^21 (multiply-high: exact in doubles since
 * 2^32 * 2^21 = 2^53; the bias is below n / 2^32, irrelevant for game choices).
 */
export function nextInt(state: PrngState, n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 2097152) throw new Error(`prng: nextInt bound out of range: ${n}`);
  return Math.floor((nextUint32(state) * n) / UINT32_RANGE);
}

/** True when `value` is a valid PrngState (used when deserializing worlds). */
export function isPrngState(value: unknown): value is PrngState {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    value.every((w) => Number.isInteger(w) && w >= 0 && w < UINT32_RANGE)
  );
}
