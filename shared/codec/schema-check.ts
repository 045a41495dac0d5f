// Validation of what the game hands to the codec (its schema, views and events). These are programming
// errors, not bad input from the network, so they throw TypeError/RangeError with the offending value.

import { DELTA_VALUE_LIMIT, MAX_FIELDS, MAX_KIND } from './format.js';
import type { EntityView, FieldValue, GameEvent, ReplicationSchema } from './schema.js';

export function checkSchema(schema: ReplicationSchema): void {
  if (schema.kinds.length - 1 > MAX_KIND) throw new RangeError(`at most ${MAX_KIND + 1} entity kinds`);
  schema.kinds.forEach((kind, index) => {
    if (kind.kind !== index) throw new TypeError(`schema.kinds[${index}].kind is ${kind.kind}, expected ${index}`);
    if (kind.fields.length > MAX_FIELDS) {
      throw new RangeError(`kind ${kind.name} has ${kind.fields.length} fields, at most ${MAX_FIELDS}`);
    }
    for (const field of kind.fields) {
      if (field.type !== 'int' && field.type !== 'string') {
        throw new TypeError(`field ${kind.name}.${field.name} has unknown type ${String(field.type)}`);
      }
      if (field.delta && field.type !== 'int') {
        throw new TypeError(`field ${kind.name}.${field.name}: only int fields can be delta-encoded`);
      }
      if (field.velocity !== undefined) {
        if (!field.delta) {
          throw new TypeError(`field ${kind.name}.${field.name}: a velocity needs a delta: true int field`);
        }
        const target = kind.fields.find((other) => other.name === field.velocity);
        if (target === undefined || target === field || target.type !== 'int') {
          throw new TypeError(
            `field ${kind.name}.${field.name}: velocity ${String(field.velocity)} is not another int field of the kind`,
          );
        }
      }
    }
    const names = new Set(kind.fields.map((field) => field.name));
    if (names.size !== kind.fields.length) throw new TypeError(`kind ${kind.name} has two fields of the same name`);
  });
  if (schema.reliableEvents !== undefined) {
    if (!Array.isArray(schema.reliableEvents)) throw new TypeError('schema.reliableEvents must be an array');
    for (const code of schema.reliableEvents) {
      if (!Number.isSafeInteger(code)) throw new TypeError(`reliable event code ${String(code)} is not an integer`);
    }
  }
}

/**
 * Per kind, per field: the index of the field holding its velocity, or -1 (no prediction). Empty for a
 * kind without velocity fields, so `velocityOf[kind].length > 0` tells whether a kind predicts at all.
 */
export function velocityIndices(schema: ReplicationSchema): readonly Int8Array[] {
  return schema.kinds.map((kind) => {
    if (!kind.fields.some((field) => field.velocity !== undefined)) return new Int8Array(0);
    return Int8Array.from(kind.fields, (field) =>
      field.velocity === undefined ? -1 : kind.fields.findIndex((other) => other.name === field.velocity),
    );
  });
}

/** Whether an event is delivered reliably (resent until acknowledged) under `schema.reliableEvents`. */
export function reliableEventTest(schema: ReplicationSchema): (event: GameEvent) => boolean {
  if (schema.reliableEvents === undefined) return () => true;
  const codes = new Set(schema.reliableEvents);
  return (event) => {
    const code = event[0];
    return typeof code === 'number' && codes.has(code);
  };
}

/** Throws unless `view` matches its kind's schema (value count, types, safe ints, delta range). */
export function checkView(schema: ReplicationSchema, view: EntityView): void {
  if (!Number.isSafeInteger(view.id)) throw new TypeError(`entity id ${view.id} is not a safe integer`);
  const kind = schema.kinds[view.kind];
  if (kind === undefined || !Number.isInteger(view.kind)) {
    throw new TypeError(`entity ${view.id} has unknown kind ${view.kind}`);
  }
  if (!kind.global && !(Number.isFinite(view.x) && Number.isFinite(view.y))) {
    throw new TypeError(`entity ${view.id} (${kind.name}) has a non-finite position ${view.x},${view.y}`);
  }
  if (view.values.length !== kind.fields.length) {
    throw new TypeError(
      `entity ${view.id} (${kind.name}) has ${view.values.length} values, schema has ${kind.fields.length}`,
    );
  }
  for (let f = 0; f < kind.fields.length; f++) {
    const field = kind.fields[f];
    const value = view.values[f];
    if (field.type === 'string') {
      if (typeof value !== 'string') throw new TypeError(`${kind.name}.${field.name} of ${view.id} is not a string`);
    } else if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new TypeError(`${kind.name}.${field.name} of ${view.id} is ${String(value)}, not a safe integer`);
    } else if (field.delta && Math.abs(value) >= DELTA_VALUE_LIMIT) {
      throw new RangeError(`${kind.name}.${field.name} of ${view.id} is ${value}: delta fields need |v| < 2^52`);
    }
  }
}

export function checkEvent(event: GameEvent): void {
  if (!Array.isArray(event)) throw new TypeError('a game event must be an array');
  for (const value of event as readonly FieldValue[]) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isSafeInteger(value))) {
      throw new TypeError(`game event value ${String(value)} is neither a safe integer nor a string`);
    }
  }
}
