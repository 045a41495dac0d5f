// The naive baseline's full-state message: every entity as an object with named fields, the way a typical
// socket.io tutorial broadcasts its world, in one event per snapshot tick. Sent by the naive server
// (naive-plugin.ts), read by its bots (sim/bots/naive-bot.ts) and sized by the codec benchmark; never part
// of our own protocol.

import type { EntityView, ReplicationSchema } from '../../../shared/codec/schema.js';

/** The socket.io event that carries a FullStateMessage. */
export const NAIVE_STATE_EVENT = 'state';

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
