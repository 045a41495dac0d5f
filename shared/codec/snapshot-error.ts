// The one error type the client side of the codec throws for bytes it cannot apply.

export type SnapshotErrorReason =
  /** Not msgpack, truncated, trailing bytes, or a value of the wrong msgpack type / range. */
  | 'malformed'
  /** An enter names a kind the schema does not have. */
  | 'unknown-kind'
  /** Well-formed bytes that contradict the mirror's state (change of an absent entity, duplicate id...). */
  | 'inconsistent'
  /** A delta against a baseline tick the mirror no longer holds (or never had). */
  | 'missing-baseline';

/** Thrown by SnapshotMirror.apply; the mirror is unchanged when it is thrown. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';

  constructor(
    readonly reason: SnapshotErrorReason,
    message: string,
  ) {
    super(message);
  }
}
