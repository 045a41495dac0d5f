// The contract between a game and the delta codec.
//
// A game describes what it replicates as *entities*: each has a numeric id, a kind, a position used
// for interest management, and a fixed list of field values (integers or short strings) whose layout
// is given by its kind's schema. The codec never looks inside the game; it only compares field values.

/** One replicated field of an entity kind. */
export interface FieldSpec {
  readonly name: string;
  /** 'int' fields hold integers (already quantized by the game); 'string' fields hold short strings. */
  readonly type: 'int' | 'string';
  /**
   * Encode changes of this int field as the difference from the baseline value instead of the new value
   * (positions: a small step fits a 1-byte msgpack fixint where the absolute value needs 3 bytes).
   */
  readonly delta?: boolean;
  /**
   * Velocity prediction (dead reckoning) for a `delta: true` int field: the name of another int field of
   * the same kind that holds this field's change per tick (x -> vx). A delta from baseline tick B to tick
   * T then predicts `base + baseVelocity * (T - B)` from the baseline's own values, and the field is sent
   * (as `value - predicted`) only when it differs from that prediction: an entity moving at constant
   * velocity costs zero bytes. The game must keep the velocity field equal to the per-tick step, i.e.
   * `x(t) = x(t-1) + vx(t)` and a constant vx means a straight line; anything else costs residuals, not
   * correctness.
   */
  readonly velocity?: string;
}

export interface EntityKindSchema {
  /** Small integer, the entity kind's wire id (0..127 so it costs one byte). */
  readonly kind: number;
  readonly name: string;
  /** At most 31 fields: the change mask is one unsigned 32-bit integer. */
  readonly fields: readonly FieldSpec[];
  /** Global entities (scores, match clock) go to every client regardless of position. */
  readonly global?: boolean;
}

export interface ReplicationSchema {
  /** Indexed by kind: `kinds[k].kind === k`. */
  readonly kinds: readonly EntityKindSchema[];
  /**
   * Event type codes (the first element of a GameEvent) that are delivered reliably: resent in every
   * delta until the client acknowledges a snapshot at or after their tick. Every other event is sent
   * once, in the snapshot of the commit it belongs to, and is lost if that snapshot is dropped (tracers,
   * explosions: whatever the replicated state shows anyway). Omitted: every event is reliable. `[]`:
   * none is.
   */
  readonly reliableEvents?: readonly number[];
}

export type FieldValue = number | string;

/** One entity as the game exposes it for one tick. Treat as immutable once built. */
export interface EntityView {
  readonly id: number;
  readonly kind: number;
  /** Position in world units for the interest grid (ignored for global kinds). */
  readonly x: number;
  readonly y: number;
  /** Field values in schema order. */
  readonly values: readonly FieldValue[];
}

/** One entity as a client mirrors it (no interest position: that is a server concern). */
export interface EntityState {
  readonly id: number;
  readonly kind: number;
  readonly values: readonly FieldValue[];
}

/** A game event: a type code followed by integer or string payload, e.g. [KILL, killer, victim]. */
export type GameEvent = readonly FieldValue[];
