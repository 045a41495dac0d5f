// Small readers for untrusted structured data (deserialized worlds): each checks one value and throws
// an Error naming the exact path of the first problem, e.g. "arena world: players[2][4] (vx) ...".

export class ShapeError extends Error {
  override name = 'ShapeError';
}

export function fail(path: string, problem: string): never {
  throw new ShapeError(`arena world: ${path} ${problem}`);
}

export function readInt(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(path, `must be an integer, got ${describe(value)}`);
  if (value < min || value > max) fail(path, `must be in [${min}, ${max}], got ${value}`);
  return value + 0; // normalizes -0
}

export function readString(value: unknown, path: string, maxLength: number): string {
  if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
  if (value.length > maxLength) fail(path, `must be at most ${maxLength} characters long`);
  return value;
}

export function readBit(value: unknown, path: string): boolean {
  return readInt(value, path, 0, 1) === 1;
}

export function readArray(value: unknown, path: string, maxLength: number, exactLength?: number): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
  if (exactLength !== undefined && value.length !== exactLength) fail(path, `must have ${exactLength} elements, got ${value.length}`);
  if (value.length > maxLength) fail(path, `must have at most ${maxLength} elements, got ${value.length}`);
  return value;
}

export function readRecord(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `must be an object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
