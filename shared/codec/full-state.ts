// The naive full-state message: every entity as an object with named fields, the way a typical
// socket.io tutorial broadcasts its world. Used by the server's --naive baseline mode and by the codec
// benchmark, never by our own protocol.

import type { EntityView, ReplicationSchema } from './schema.js';

export interface FullStateMessage {
  readonly tick: number;
  readonly entities: Record<string, number | string>[];
}

export function fullStateMessage(tick: number, views: readonly EntityView[], schema: ReplicationSchema): FullStateMessage {
  return {
    tick,
    entities: views.map((view) => {
      const kind = schema.kinds[view.kind]!;
      const entity: Record<string, number | string> = { id: view.id, kind: kind.name };
      kind.fields.forEach((field, i) => (entity[field.name] = view.values[i]!));
      return entity;
    }),
  };
}
