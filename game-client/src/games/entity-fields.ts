// Reading an entity's field values while drawing, for any game: a value of the wrong type (an entity the
// scene did not expect) reads as 0 or its text, so a frame is drawn rather than thrown away.

import type { FieldValue } from '../../../shared/codec/schema.js';

export function num(values: readonly FieldValue[], i: number): number {
  const v = values[i];
  return typeof v === 'number' ? v : 0;
}

export function str(values: readonly FieldValue[], i: number): string {
  const v = values[i];
  return typeof v === 'string' ? v : String(v ?? '');
}
