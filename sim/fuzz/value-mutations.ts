// Mutations of plain values (what msgpack carries: nil, booleans, numbers, bigints, strings, bins,
// arrays, maps): a node somewhere in the value is replaced by an edge case, changes type, gains or
// loses elements or keys, or is buried in nesting. Inputs are never modified: mutated copies are returned.

import type { FuzzRng } from './fuzz-rng.js';

/** Numbers at the edges of every check a validator makes (ranges, integers, 32 and 53 bits, floats). */
const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 2, 0.5, -0.5, 1e-7, 15, 16, 17, 63, 64, 127, 128, 255, 256, 4095, 4096, 32767, 65535, 65536,
  2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1,
  Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), Number.MIN_SAFE_INTEGER,
  1e21, 1e308, -1e308, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
  NaN, Infinity, -Infinity,
];

/** 64-bit integers msgpack can carry (uint64/int64), most of them beyond what a double holds exactly. */
const EDGE_BIGINTS: readonly bigint[] = [2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n];

/** Strings that names, codes, tokens, event names and key lookups trip over. */
const EDGE_STRINGS: readonly string[] = [
  '', ' ', '\t\n', '\u0000', 'a\u0000b', '\u200b', '\u202eevil', '\ufeffbom', 'A\u0301', 'e\u0301'.repeat(40),
  '\ud800', '\udfff\ud800', '🎮', '👨‍👩‍👧‍👦'.repeat(10), '𝕏'.repeat(300), 'ｗｉｄｅ', 'İ', 'ß',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__',
  'disconnect', 'connect', 'newListener', 'error', 'then', 'length',
  'ABCDEF', 'abcdef', 'ABCDE', 'ABCDEFG', 'IIIIII', '000000', 'room.1.0.sig', 'a.b.c.d.e', '..', '../../etc/passwd',
  '%s%n%x', '${process.exit()}', '<script>alert(1)</script>', "'; DROP TABLE rooms; --", 'NaN', '-1', '1e400', 'null',
];

const LONG_STRING_LENGTHS: readonly number[] = [16, 17, 32, 33, 200, 201, 255, 256, 257, 1000, 1024, 1025, 5000];

/** Map keys: real field names of every request, prototype names, and junk. */
export const EDGE_KEYS: readonly string[] = [
  'private', 'roomId', 'code', 'token', 'text', 'protocol', 'name', 'seq', 'ok', 'type', 'nsp', 'data', 'id',
  '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '0', '-1', 'length', '\u0000', '🔑',
];

type Container = unknown[] | Record<string, unknown>;

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array);
}

/** A map with own enumerable keys only (`__proto__` included as data, which only JSON.parse or defineProperty make). */
function mapWith(entries: ReadonlyArray<readonly [string, unknown]>): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  return map;
}

function entriesOf(map: Record<string, unknown>): Array<[string, unknown]> {
  return Object.keys(map).map((key) => [key, map[key]]);
}

/** A standalone edge-case value of any type. */
export function edgeValue(rng: FuzzRng): unknown {
  switch (rng.int(10)) {
    case 0:
    case 1:
      return rng.pick(EDGE_NUMBERS);
    case 2:
      return rng.pick(EDGE_BIGINTS);
    case 3:
    case 4:
      return rng.pick(EDGE_STRINGS);
    case 5:
      return rng.pick(['x', 'é', '字', '😀']).repeat(rng.pick(LONG_STRING_LENGTHS));
    case 6:
      return rng.pick([null, true, false, undefined]);
    case 7:
      return rng.bytes(rng.pick([0, 1, 4, 63, 64, 65, 300]));
    case 8:
      return rng.pick<unknown>([[], {}, [null], mapWith([[rng.pick(EDGE_KEYS), rng.pick(EDGE_NUMBERS)]])]);
    default:
      return nest(rng.pick(EDGE_NUMBERS), rng.between(1, 9), rng);
  }
}

/** `value` inside `levels` arrays or maps. */
function nest(value: unknown, levels: number, rng: FuzzRng): unknown {
  let out = value;
  for (let i = 0; i < levels; i++) out = rng.chance(0.5) ? [out] : mapWith([[rng.pick(EDGE_KEYS), out]]);
  return out;
}

/** The same content as another type: number <-> string, array <-> map, anything -> bin or boolean. */
function swapType(value: unknown, rng: FuzzRng): unknown {
  if (typeof value === 'number') return rng.pick<unknown>([String(value), BigInt(Number.isSafeInteger(value) ? value : 0), value !== 0, [value], null]);
  if (typeof value === 'string') return rng.pick<unknown>([Number(value), value.length, [value], mapWith([[value, value]]), new TextEncoder().encode(value)]);
  if (typeof value === 'boolean') return rng.pick<unknown>([value ? 1 : 0, String(value), null]);
  if (Array.isArray(value)) return rng.pick<unknown>([mapWith(value.map((v, i) => [String(i), v])), value.length, value[0], JSON.stringify(value, jsonSafe)]);
  if (value instanceof Uint8Array) return rng.pick<unknown>([Array.from(value), new TextDecoder().decode(value), value.length]);
  if (isContainer(value)) return rng.pick<unknown>([Object.values(value), Object.keys(value), JSON.stringify(value, jsonSafe), null]);
  return rng.pick<unknown>([0, '', [], {}, false]);
}

/** JSON.stringify replacer that copes with bigints. */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function mutateArray(array: readonly unknown[], rng: FuzzRng): unknown[] {
  const out = [...array];
  const at = out.length === 0 ? 0 : rng.int(out.length);
  switch (rng.int(6)) {
    case 0:
      out.splice(at, 1);
      break;
    case 1:
      out.splice(at, 0, edgeValue(rng));
      break;
    case 2:
      if (out.length > 0) out.splice(at, 0, out[at]);
      break;
    case 3:
      out.reverse();
      break;
    case 4:
      out.length = rng.int(out.length + 1);
      break;
    default: {
      const length = rng.pick([5, 31, 32, 33]);
      while (out.length < length) out.push(rng.chance(0.5) ? 0 : edgeValue(rng));
    }
  }
  return out;
}

function mutateMap(map: Record<string, unknown>, rng: FuzzRng): Record<string, unknown> {
  const entries = entriesOf(map);
  const at = entries.length === 0 ? 0 : rng.int(entries.length);
  switch (rng.int(5)) {
    case 0:
      entries.splice(at, 1);
      break;
    case 1:
      entries.push([rng.pick(EDGE_KEYS), edgeValue(rng)]);
      break;
    case 2:
      if (entries.length > 0) entries[at] = [rng.pick(EDGE_KEYS), entries[at]![1]];
      break;
    case 3: {
      const size = rng.pick([4, 16, 17]);
      while (entries.length < size) entries.push([`k${entries.length}`, entries.length]);
      break;
    }
    default:
      entries.length = 0;
  }
  return mapWith(entries);
}

/** Applies one mutation to `value` itself (not below it). */
function mutateHere(value: unknown, rng: FuzzRng): unknown {
  const op = rng.int(10);
  if (op < 4) return edgeValue(rng);
  if (op < 6) return swapType(value, rng);
  if (op < 7) return nest(value, rng.between(1, 8), rng);
  if (Array.isArray(value)) return mutateArray(value, rng);
  if (isContainer(value)) return mutateMap(value as Record<string, unknown>, rng);
  if (typeof value === 'number') return rng.pick([value + 1, value - 1, -value, value * 2 ** 32, value + 0.5]);
  if (typeof value === 'string') return rng.pick([value + value, value.slice(1), value.toUpperCase(), ` ${value} `, value + rng.pick(EDGE_STRINGS)]);
  return edgeValue(rng);
}

/** Every node of `value` (itself first), at most `limit` of them, as paths of keys and indexes. */
function nodePaths(value: unknown, limit = 64): Array<Array<string | number>> {
  const paths: Array<Array<string | number>> = [[]];
  for (let i = 0; i < paths.length && paths.length < limit; i++) {
    const node = at(value, paths[i]!);
    if (Array.isArray(node)) node.forEach((_, index) => paths.push([...paths[i]!, index]));
    else if (isContainer(node)) for (const key of Object.keys(node)) paths.push([...paths[i]!, key]);
  }
  return paths.slice(0, limit);
}

function at(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let node = value;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}

/** A copy of `value` with the node at `path` replaced by `replacement`. */
function replaceAt(value: unknown, path: ReadonlyArray<string | number>, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = replaceAt(copy[head as number], rest, replacement);
    return copy;
  }
  const map = value as Record<string, unknown>;
  return mapWith(entriesOf(map).map(([key, v]) => [key, key === head ? replaceAt(v, rest, replacement) : v]));
}

/** A copy of `value` with one node somewhere in it mutated; `label` says where. */
export function mutateValue(value: unknown, rng: FuzzRng): { value: unknown; where: string } {
  const paths = nodePaths(value);
  const path = paths[rng.int(paths.length)]!;
  return { value: replaceAt(value, path, mutateHere(at(value, path), rng)), where: path.length === 0 ? '.' : path.join('.') };
}
