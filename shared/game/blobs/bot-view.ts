// What a bot sees, as plain positions and masses: built from replicated entities, whether a client's
// mirror (SnapshotMirror.entities in the bots CLI) or the server's view of the world filtered to the
// bot's interest area (a bot inside the server). Both are {id, kind, values} records of BLOBS_SCHEMA.

import type { EntityState, FieldValue } from '../../codec/schema.js';
import { BLOB_FIELD, BLOB_FLAG_ALIVE, BLOB_FLAG_PROTECTED, KIND_BLOB, KIND_PELLET, PELLET_FIELD } from './view.js';

export interface SeenBlob {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly mass: number;
  /** Spawn-protected: it can neither be eaten nor eat. */
  readonly protected: boolean;
}

export interface BlobsBotView {
  /** The bot's own blob; null while it is dead or not (yet) replicated. */
  readonly self: { readonly x: number; readonly y: number; readonly mass: number } | null;
  /** Pellets in view (world units). */
  readonly pellets: readonly { readonly x: number; readonly y: number }[];
  /** The other living blobs in view. */
  readonly blobs: readonly SeenBlob[];
}

// Read once: the loop below runs for every entity a bot sees, every tick, and an imported binding is a
// getter call under the dev and test loaders (tsx, vitest).
const PELLET = KIND_PELLET;
const BLOB = KIND_BLOB;
const PX = PELLET_FIELD.x;
const PY = PELLET_FIELD.y;
const { x: BX, y: BY, mass: BMASS, flags: BFLAGS } = BLOB_FIELD;
const ALIVE = BLOB_FLAG_ALIVE;
const PROTECTED = BLOB_FLAG_PROTECTED;

/** An int field's value (the codec guarantees ints where the schema says int; interpolated values may be fractional). */
export function intField(values: readonly FieldValue[], index: number): number {
  const v = values[index];
  return typeof v === 'number' ? v : 0;
}

/** The view of player `playerId` from the entities it holds. */
export function blobsBotView(playerId: number, entities: Iterable<EntityState>): BlobsBotView {
  let self: BlobsBotView['self'] = null;
  const pellets: { x: number; y: number }[] = [];
  const blobs: SeenBlob[] = [];
  for (const e of entities) {
    if (e.kind === PELLET) {
      pellets.push({ x: intField(e.values, PX), y: intField(e.values, PY) });
      continue;
    }
    if (e.kind !== BLOB) continue;
    const flags = intField(e.values, BFLAGS);
    if ((flags & ALIVE) === 0) continue;
    const x = intField(e.values, BX);
    const y = intField(e.values, BY);
    const mass = intField(e.values, BMASS);
    if (e.id === playerId) self = { x, y, mass };
    else blobs.push({ id: e.id, x, y, mass, protected: (flags & PROTECTED) !== 0 });
  }
  return { self, pellets, blobs };
}
