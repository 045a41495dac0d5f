// Untrusted bytes: whatever arrives, SnapshotMirror.apply either applies a valid snapshot or throws a
// SnapshotError and leaves the mirror exactly as it was.

import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND, matchClock, mover, player, testSchema } from './codec-test-fixtures.js';
import { Replicator } from './replicator.js';
import { SnapshotError, type SnapshotErrorReason } from './snapshot-error.js';
import { SnapshotMirror } from './snapshot-mirror.js';
import type { MirrorState } from './snapshot-mirror-state.js';

const H = { lastInputSeq: 1, lastInputTick: 1, inputQueueDepth: 0 };

/**
 * A mirror holding ticks 10 (entities 1, 2, 4, 9; 4 moves at vx 2 per tick) and 11, plus valid follow-up
 * snapshots of tick 12.
 */
function fixture() {
  const replicator = new Replicator(testSchema, { interestRadius: 100 });
  const client = replicator.addClient();
  const mirror = new SnapshotMirror(testSchema);
  replicator.commitTick(
    10,
    [player(1, 10, 10), player(2, 20, 20), mover(4, 40, 40, 2, 0), matchClock(9, 0)],
    [{ tick: 10, event: [1] }],
  );
  mirror.apply(replicator.encodeFor(client, { x: 0, y: 0 }, H));
  replicator.acknowledge(client, 10);
  replicator.commitTick(
    11,
    [player(1, 11, 10), player(2, 20, 20), mover(4, 42, 40, 2, 0), matchClock(9, 1)],
    [{ tick: 11, event: [2, 'b'] }],
  );
  mirror.apply(replicator.encodeFor(client, { x: 0, y: 0 }, H));
  replicator.commitTick(
    12,
    [player(1, 12, 10), player(3, 30, 30, 50, 'c'), mover(4, 44, 40, 2, 0), matchClock(9, 2)],
    [{ tick: 12, event: [3, 'ünï'] }],
  );
  const delta = replicator.encodeFor(client, { x: 0, y: 0 }, H);
  const full = replicator.encodeFor(replicator.addClient(), { x: 0, y: 0 }, H);
  return { mirror, valid: [delta, full] };
}

function fingerprint(mirror: SnapshotMirror) {
  return { latest: mirror.latestTick, entities: mirror.entities, at10: mirror.stateAt(10), at11: mirror.stateAt(11) };
}

/** Applies bytes; returns the SnapshotError reason, or 'ok'. Any other exception fails the test. */
function attempt(mirror: SnapshotMirror, bytes: Uint8Array): SnapshotErrorReason | 'ok' {
  const before = fingerprint(mirror);
  try {
    mirror.apply(bytes);
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(SnapshotError);
    expect((err as Error).message.length).toBeGreaterThan(10);
    const after = fingerprint(mirror);
    expect(after.latest).toBe(before.latest);
    expect(after.entities).toBe(before.entities);
    expect(after.at10).toBe(before.at10);
    expect(after.at11).toBe(before.at11);
    return (err as SnapshotError).reason;
  }
}

describe('SnapshotMirror on bad input', () => {
  it('garbage bytes throw SnapshotError and leave the mirror unchanged', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        attempt(fixture().mirror, bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('every truncation of a valid snapshot is rejected', () => {
    const { mirror, valid } = fixture();
    for (const bytes of valid) {
      for (let n = 0; n < bytes.length; n++) expect(attempt(mirror, bytes.subarray(0, n))).toBe('malformed');
    }
    // ...and the untouched mirror still applies the real thing, events included.
    const applied = mirror.apply(valid[0]);
    expect(applied?.tick).toBe(12);
    expect(applied?.events).toEqual([{ tick: 12, event: [3, 'ünï'] }]);
  });

  it('corrupted bytes either apply as a valid snapshot or throw SnapshotError', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(255), fc.boolean(), (at, value, delta) => {
        const { mirror, valid } = fixture();
        const bytes = (delta ? valid[0] : valid[1]).slice();
        bytes[at % bytes.length] = value;
        attempt(mirror, bytes);
      }),
      { numRuns: 500 },
    );
  });

  const cases: [string, unknown, SnapshotErrorReason][] = [
    ['not an array', { tick: 12 }, 'malformed'],
    ['too short', [12, null, 0, 0], 'malformed'],
    ['too long', [12, null, 0, 0, 0, [], [], [], [], []], 'malformed'],
    ['negative tick', [-1, null, 0, 0, 0], 'malformed'],
    ['string tick', ['12', null, 0, 0, 0], 'malformed'],
    ['baseline before tick 0', [12, 13, 0, 0, 0], 'malformed'],
    ['float depth', [12, null, 0, 0, 0.5], 'malformed'],
    ['baseline not held', [12, 5, 0, 0, 0], 'missing-baseline'],
    ['unknown kind', [12, null, 0, 0, 0, [], [5, 99]], 'unknown-kind'],
    ['kind out of range', [12, null, 0, 0, 0, [], [5, 300]], 'malformed'],
    ['string where an int field is', [12, null, 0, 0, 0, [], [5, KIND.projectile, 1, 'x', 3]], 'malformed'],
    ['int where a string field is', [12, null, 0, 0, 0, [], [5, KIND.match, 1, 2]], 'malformed'],
    ['too few enter values', [12, null, 0, 0, 0, [], [5, KIND.projectile, 1, 2]], 'malformed'],
    ['too many enter values', [12, null, 0, 0, 0, [], [5, KIND.projectile, 1, 2, 3, 4]], 'malformed'],
    ['duplicate enter', [12, null, 0, 0, 0, [], [5, KIND.projectile, 1, 2, 3, 5, KIND.projectile, 1, 2, 3]], 'inconsistent'],
    ['enter of a held entity without leave', [12, 1, 0, 0, 0, [], [1, KIND.projectile, 1, 2, 3]], 'inconsistent'],
    ['change of an absent entity', [12, 1, 0, 0, 0, [7, 1, 1]], 'inconsistent'],
    ['change twice', [12, 1, 0, 0, 0, [1, 1, 1, 1, 1, 1]], 'inconsistent'],
    ['zero mask', [12, 1, 0, 0, 0, [1, 0]], 'malformed'],
    ['mask wider than the fields', [12, 1, 0, 0, 0, [1, 32, 1]], 'malformed'],
    ['mask without its values', [12, 1, 0, 0, 0, [1, 3, 1]], 'malformed'],
    ['delta leaving the safe range', [12, 1, 0, 0, 0, [1, 1, Number.MAX_SAFE_INTEGER]], 'malformed'],
    ['leave of an absent entity', [12, 1, 0, 0, 0, [], [], [7]], 'inconsistent'],
    ['leave after change', [12, 1, 0, 0, 0, [1, 1, 1], [], [1]], 'inconsistent'],
    ['leave twice', [12, 1, 0, 0, 0, [], [], [2, 2]], 'inconsistent'],
    ['odd events', [12, 1, 0, 0, 0, [], [], [], [0]], 'malformed'],
    ['event before the baseline', [12, 1, 0, 0, 0, [], [], [], [1, [1]]], 'malformed'],
    ['event that is not an array', [12, 1, 0, 0, 0, [], [], [], [0, 1]], 'malformed'],
    ['event with a float', [12, 1, 0, 0, 0, [], [], [], [0, [1.5]]], 'malformed'],
    ['section that is not an array', [12, 1, 0, 0, 0, 5], 'malformed'],
    ['enter of a moving entity without leave', [12, 1, 0, 0, 0, [], [4, KIND.projectile, 1, 2, 3]], 'inconsistent'],
    ['residual of a moving entity twice', [12, 1, 0, 0, 0, [4, 1, 1, 4, 1, 1]], 'inconsistent'],
    ['leave after a residual', [12, 1, 0, 0, 0, [4, 1, 1], [], [4]], 'inconsistent'],
    ['residual leaving the safe range', [12, 1, 0, 0, 0, [4, 1, Number.MAX_SAFE_INTEGER]], 'malformed'],
    ['relative lastInputSeq leaving the safe range', [12, 1, Number.MAX_SAFE_INTEGER, 0, 0], 'malformed'],
  ];
  for (const [name, value, reason] of cases) {
    it(`rejects ${name} (${reason})`, () => {
      expect(attempt(fixture().mirror, encode(value))).toBe(reason);
    });
  }

  it('moves entities by prediction on a bare header; residuals, leaves and kind changes apply on top', () => {
    const bare = fixture().mirror;
    const stateAt11 = bare.stateAt(11);
    const applied = bare.apply(encode([12, 1, 0, 0, 0]));
    expect(applied?.state.get(4)?.values).toEqual([44, 40, 2, 0, 100]); // 42 + 2 * (12 - 11)
    expect(applied?.changed).toEqual([4]);
    expect(applied?.state.get(1)).toBe(stateAt11?.get(1)); // not moving: shared
    expect(applied?.lastInputSeq).toBe(1); // relative 0 to tick 11's 1

    const olderBaseline = fixture().mirror.apply(encode([12, 2, 0, 0, 0, [4, 0b101, -5, 0]]));
    expect(olderBaseline?.state.get(4)?.values).toEqual([39, 40, 0, 0, 100]); // 40 + 2 * 2 - 5, vx 0

    const gone = fixture().mirror.apply(encode([12, 1, 0, 0, 0, [], [], [4]]));
    expect(gone?.left).toEqual([4]);
    expect(gone?.changed).toEqual([]);
    const swapped = fixture().mirror.apply(encode([12, 1, 0, 0, 0, [], [4, KIND.projectile, 1, 2, 3], [4]]));
    expect(swapped?.state.get(4)).toEqual({ id: 4, kind: KIND.projectile, values: [1, 2, 3] });
    expect(swapped?.changed).toEqual([]);
  });

  it('keeps only the states a later delta can name: the acknowledged baseline and newer', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100 });
    const client = replicator.addClient();
    const mirror = new SnapshotMirror(testSchema);
    const held = () => [10, 11, 12, 13, 14, 15].filter((t) => mirror.stateAt(t) !== undefined);
    for (let tick = 10; tick <= 15; tick++) {
      replicator.commitTick(tick, [player(1, tick, 10), mover(4, 40 + 2 * tick, 40, 2, 0)], []);
      mirror.apply(replicator.encodeFor(client, { x: 0, y: 0 }, H));
      // Acknowledged two ticks late, as over a round trip.
      if (tick >= 11) replicator.acknowledge(client, tick - 1);
    }
    // Tick 15 was a delta against 13 (acknowledged at tick 14): 10..12 can never be a baseline again.
    expect(held()).toEqual([13, 14, 15]);
    expect(mirror.entities.get(4)?.values[0]).toBe(70);
  });

  it('a snapshot where no id enters or leaves costs no new id index: the state shares its baseline layout', () => {
    const { mirror } = fixture();
    const baseline = mirror.stateAt(11) as MirrorState;
    const moved = mirror.apply(encode([12, 1, 0, 0, 0, [1, 1, 1]]))?.state as MirrorState;
    expect(moved.get(1)?.values[0]).toBe(12); // changed, and 4 moved by prediction: new objects...
    expect(moved.get(4)).not.toBe(baseline.get(4));
    expect(moved.layout).toBe(baseline.layout); // ...in the same slots
    expect(moved.get(2)).toBe(baseline.get(2));
    // A leave (or an enter) is a new layout, keeping the order of the ids that stay.
    const gone = fixture().mirror.apply(encode([12, 1, 0, 0, 0, [], [], [2]]))?.state as MirrorState;
    expect(gone.layout).not.toBe(baseline.layout);
    expect([...gone.keys()]).toEqual([...baseline.keys()].filter((id) => id !== 2));
  });

  it('rejects trailing bytes', () => {
    const { mirror, valid } = fixture();
    const padded = new Uint8Array(valid[0].length + 1);
    padded.set(valid[0]);
    expect(attempt(mirror, padded)).toBe('malformed');
  });

  it('accepts hand-made valid snapshots in non-minimal msgpack (any int width)', () => {
    const { mirror } = fixture();
    // [12, baseline 1, seq 0, 0, 0, changes [1, mask 1, dx 1]] with every int as uint32.
    const u32 = (n: number) => [0xce, 0, 0, 0, n];
    const header = [...u32(12), ...u32(1), ...u32(0), ...u32(0), ...u32(0)];
    const bytes = Uint8Array.from([0x96, ...header, 0x93, ...u32(1), ...u32(1), ...u32(1)]);
    expect(mirror.apply(bytes)?.state.get(1)?.values[0]).toBe(12);
  });
});
