// The snapshot codec's public API. Byte format: docs/SNAPSHOT-SPEC.md.

export type {
  EntityKindSchema,
  EntityState,
  EntityView,
  FieldSpec,
  FieldValue,
  GameEvent,
  ReplicationSchema,
} from './schema.js';
export {
  Replicator,
  type ReplicationClient,
  type ReplicatorOptions,
  type SnapshotHeader,
} from './replicator.js';
export type { ReplicatorStats } from './replicator-stats.js';
export type { TickEvent } from './tick-history.js';
export { SnapshotMirror, type AppliedSnapshot, type SnapshotApplier, type SnapshotMirrorOptions } from './snapshot-mirror.js';
export { SightMirror, type Sight } from './sight-mirror.js';
export { SnapshotError, type SnapshotErrorReason } from './snapshot-error.js';
/** Version of the snapshot byte format (docs/SNAPSHOT-SPEC.md); both ends must run the same one. */
export { SNAPSHOT_FORMAT_VERSION } from './format.js';
