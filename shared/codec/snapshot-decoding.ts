// The pieces of decoding a snapshot (docs/SNAPSHOT-SPEC.md) that every client-side mirror shares: the
// header, an entity's prediction, its values in an enter or a change, and how errors name the entity. The
// mirrors (snapshot-mirror.ts, sight-mirror.ts) differ in what they keep, not in how they read.

import { HEADER_LENGTH, MAX_SNAPSHOT_LENGTH, predictValue } from './format.js';
import type { MsgpackReader } from './msgpack-reader.js';
import type { EntityState, FieldSpec, FieldValue } from './schema.js';
import { SnapshotError } from './snapshot-error.js';

export interface DecodedHeader {
  /** Elements of the snapshot array: HEADER_LENGTH plus the sections present. */
  readonly length: number;
  readonly tick: number;
  /** The tick the delta is against; null for a full snapshot. */
  readonly baselineTick: number | null;
  /** lastInputSeq as on the wire: relative to the baseline's for a delta. */
  readonly seqField: number;
  readonly lastInputTick: number;
  readonly inputQueueDepth: number;
}

export function readHeader(r: MsgpackReader): DecodedHeader {
  const length = r.readArrayHeader('snapshot array');
  if (length < HEADER_LENGTH || length > MAX_SNAPSHOT_LENGTH) {
    throw new SnapshotError('malformed', `snapshot array has ${length} elements, expected 5..9`);
  }
  const tick = r.readUint('tick');
  const baselineOffset = r.readNil() ? null : r.readUint('baseline offset', tick);
  const seqField = r.readInt('lastInputSeq');
  const lastInputTick = tick - r.readInt('lastInputTick offset');
  const inputQueueDepth = r.readUint('inputQueueDepth');
  if (!Number.isSafeInteger(lastInputTick)) throw new SnapshotError('malformed', 'lastInputTick out of range');
  const baselineTick = baselineOffset === null ? null : tick - baselineOffset;
  return { length, tick, baselineTick, seqField, lastInputTick, inputQueueDepth };
}

/**
 * Dead reckoning (format.ts predictValue) of one entity by `dt` ticks along its own velocities (`velocity`:
 * per field, the index of its velocity field or -1): a new entity, or null when no value moves.
 */
export function predictEntity(velocity: Int8Array, before: EntityState, dt: number): EntityState | null {
  let values: FieldValue[] | null = null;
  for (let f = 0; f < velocity.length; f++) {
    const v = velocity[f];
    if (v < 0) continue;
    const base = before.values[f] as number;
    const predicted = predictValue(base, before.values[v] as number, dt);
    if (predicted === base) continue;
    values ??= before.values.slice();
    values[f] = predicted;
  }
  return values === null ? null : { id: before.id, kind: before.kind, values };
}

/** Reads a change's mask for an entity of `fields` and checks it names only fields the kind has. */
export function readChangeMask(r: MsgpackReader, fields: readonly FieldSpec[], id: number): number {
  const mask = r.readUint('change mask', 0xffffffff);
  if (mask === 0 || mask >= 2 ** fields.length) {
    throw new SnapshotError('malformed', `change mask ${mask} of entity ${id} does not fit its ${fields.length} fields`);
  }
  return mask;
}

/**
 * Reads the values a change carries into `values` (which holds the prediction, or the baseline's values
 * where nothing is predicted: a delta field's value is the difference from it). Returns whether the result
 * equals `before`'s values (a residual that cancels the prediction leaves the entity as it was).
 */
export function readChangedValues(
  r: MsgpackReader,
  fields: readonly FieldSpec[],
  names: readonly string[],
  id: number,
  mask: number,
  before: EntityState,
  values: FieldValue[],
): boolean {
  let same = true;
  let f = 0;
  try {
    for (; f < fields.length; f++) {
      if ((mask & (1 << f)) === 0) {
        if (values[f] !== before.values[f]) same = false;
        continue;
      }
      const field = fields[f];
      if (field.type === 'string') {
        values[f] = r.readString(names[f]);
      } else {
        const value = r.readInt(names[f]);
        values[f] = field.delta ? (values[f] as number) + value : value;
        if (!Number.isSafeInteger(values[f])) {
          throw new SnapshotError('malformed', `delta of ${field.name} of entity ${id} leaves the safe integer range`);
        }
      }
      if (values[f] !== before.values[f]) same = false;
    }
  } catch (err) {
    throw naming(err, names[f], id);
  }
  return same;
}

/** Reads an entered entity's values, all of its kind's fields in order. */
export function readEnteredValues(r: MsgpackReader, fields: readonly FieldSpec[], names: readonly string[], id: number): FieldValue[] {
  const values: FieldValue[] = new Array<FieldValue>(fields.length);
  let f = 0;
  try {
    for (; f < fields.length; f++) values[f] = fields[f].type === 'string' ? r.readString(names[f]) : r.readInt(names[f]);
  } catch (err) {
    throw naming(err, names[f], id);
  }
  return values;
}

/** Skips `count` values (ints or strings) of an entity the mirror does not keep. */
export function skipValues(r: MsgpackReader, count: number, what: string): void {
  for (let k = 0; k < count; k++) r.readValue(what);
}

/**
 * Counts down a flat section's elements by whole entities, so that a wrong field count is reported as
 * such instead of as a misread of whatever follows the section.
 */
export function consume(section: string, elements: number, count: number): number {
  if (count > elements) throw new SnapshotError('malformed', `${section} section ends in the middle of an entity`);
  return elements - count;
}

/** How the reader names each field of each kind in an error ("int field x"); the entity is added on error. */
export function fieldNames(kinds: readonly { readonly fields: readonly FieldSpec[] }[]): readonly (readonly string[])[] {
  return kinds.map((kind) => kind.fields.map((field) => `${field.type} field ${field.name}`));
}

/**
 * The reader's error about field `name`, with the entity it belongs to: the reader is given the field's
 * name alone, so that no message is built for each value read.
 */
function naming(err: unknown, name: string | undefined, id: number): unknown {
  if (!(err instanceof SnapshotError) || name === undefined || !err.message.includes(name)) return err;
  return new SnapshotError(err.reason, err.message.replace(name, () => `${name} of entity ${id}`));
}
