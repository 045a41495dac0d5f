// SnapshotMirror against its oracle (snapshot-mirror-reference.test-support.ts: the straightforward
// Map-copying implementation it replaced). Random worlds go through the real Replicator to one client that
// drops snapshots, acknowledges late and sometimes receives corrupted bytes; both mirrors apply the same
// bytes and must return the same results (entities in the same iteration order, the same sharing of
// unchanged entities with the baseline, the same changed/entered/left/events), throw the same errors, and
// hold the same ticks. States handed out must never change afterwards. A SightMirror (a few ids, or some
// kinds), fed the same intact bytes, must return SnapshotMirror's results restricted to what it keeps.

import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coast, EVT, KIND, mover, player, testSchema, view } from './codec-test-fixtures.js';
import { Replicator } from './replicator.js';
import type { EntityState, EntityView, FieldValue } from './schema.js';
import { SnapshotError } from './snapshot-error.js';
import { type Sight, SightMirror } from './sight-mirror.js';
import { type AppliedSnapshot, SnapshotMirror } from './snapshot-mirror.js';
import { ReferenceSnapshotMirror } from './snapshot-mirror-reference.test-support.js';

const CELL = 100;

interface Step {
  /** Ticks since the previous commit (every entity first coasts along its velocities). */
  readonly dt: number;
  readonly edits: readonly { op: 'move' | 'turn' | 'stuck' | 'field' | 'remove' | 'add' | 'kind'; pick: number; n: number }[];
  readonly events: readonly number[];
  /** Where the client moves to; undefined: it stays. */
  readonly focus: { x: number; y: number } | undefined;
  /** The client never gets this snapshot (dropped on the way). */
  readonly drop: boolean;
  /** Acknowledges the snapshot of this many received snapshots ago (a round trip). */
  readonly ackLag: number;
  /** Bytes as received: intact, one byte replaced, or cut short. */
  readonly damage: { kind: 'none' } | { kind: 'byte'; at: number; value: number } | { kind: 'cut'; at: number };
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.integer({ min: 1, max: 3 }),
  edits: fc.array(
    fc.record({
      op: fc.constantFrom('move', 'move', 'turn', 'stuck', 'stuck', 'field', 'remove', 'add', 'kind'),
      pick: fc.nat(),
      n: fc.integer({ min: -50, max: 50 }),
    }),
    { maxLength: 6 },
  ),
  events: fc.array(fc.constantFrom(EVT.reliable, EVT.alsoReliable, EVT.cosmetic), { maxLength: 2 }),
  // Now and then the client moves (entities spawn in 0..250): entities enter and leave its interest.
  focus: fc.option(fc.record({ x: fc.integer({ min: -100, max: 350 }), y: fc.integer({ min: -100, max: 350 }) }), { nil: undefined, freq: 4 }),
  drop: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  ackLag: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 6 })),
  damage: fc.oneof(
    { weight: 8, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.nat(255) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
  ),
});

/** A new entity of any kind of the test schema; movers and wide entities are velocity-predicted. */
function spawn(id: number, n: number): EntityView {
  const x = (n * 7) % 250;
  const y = (n * 13) % 250;
  switch (Math.abs(n) % 5) {
    case 0:
      return player(id, x, y, 100, `p${n}`);
    case 1:
      return view(id, KIND.projectile, x, y, [x, y, n]);
    case 2:
      return view(id, KIND.wide, x, y, [x, n, 2, `s${n}`, 5, 0, 1, 'w', 3, -1]);
    default:
      return mover(id, x, y, n % 4, -(n % 3));
  }
}

function edit(world: EntityView[], step: Step, nextId: () => number): EntityView[] {
  let out = world.map((e) => coast(testSchema, e, step.dt));
  for (const { op, pick, n } of step.edits) {
    if (op === 'add' || out.length === 0) {
      out.push(spawn(nextId(), n));
      continue;
    }
    const i = pick % out.length;
    const e = out[i];
    const values = e.values.slice();
    const fields = testSchema.kinds[e.kind].fields;
    switch (op) {
      case 'move': // off its predicted path: residuals
        for (let f = 0; f < fields.length; f++) if (fields[f].delta) values[f] = (values[f] as number) + n;
        out[i] = view(e.id, e.kind, e.x + n, e.y - n, values);
        break;
      case 'stuck': {
        // Held back where it was, velocity unchanged (against a wall): a residual that cancels the prediction.
        const was = world.find((w) => w.id === e.id);
        if (was !== undefined && was.kind === e.kind) out[i] = was;
        break;
      }
      case 'turn': // a new velocity (or any int field)
        for (let f = 0; f < fields.length; f++) if (fields[f].type === 'int' && !fields[f].delta) values[f] = n % 5;
        out[i] = view(e.id, e.kind, e.x, e.y, values);
        break;
      case 'field': {
        const f = pick % fields.length;
        values[f] = fields[f].type === 'string' ? `v${n}` : (values[f] as number) + n;
        out[i] = view(e.id, e.kind, e.x, e.y, values);
        break;
      }
      case 'remove':
        out = out.filter((_, k) => k !== i);
        break;
      case 'kind': // the same id as another kind: enter + leave in one snapshot
        out[i] = spawn(e.id, n + 1 + (e.kind === KIND.mover ? 1 : 0));
        break;
    }
  }
  return out;
}

function damaged(bytes: Uint8Array, damage: Step['damage']): Uint8Array {
  if (damage.kind === 'none') return bytes;
  if (damage.kind === 'cut') return bytes.subarray(0, damage.at % bytes.length);
  const copy = bytes.slice();
  copy[damage.at % copy.length] = damage.value;
  return copy;
}

type Outcome = { ok: AppliedSnapshot | null } | { error: SnapshotError };

function attempt(apply: () => AppliedSnapshot | null): Outcome {
  try {
    return { ok: apply() };
  } catch (err) {
    if (!(err instanceof SnapshotError)) throw err;
    return { error: err };
  }
}

/** Everything a reader can observe of a state, through every ReadonlyMap method. */
function observe(state: ReadonlyMap<number, EntityState>) {
  const viaForEach: [number, EntityState][] = [];
  state.forEach((entity, id, map) => {
    expect(map).toBe(state);
    viaForEach.push([id, entity]);
  });
  const entries = [...state];
  expect([...state.entries()]).toEqual(entries);
  expect(viaForEach).toEqual(entries);
  expect([...state.keys()]).toEqual(entries.map(([id]) => id));
  expect([...state.values()]).toEqual(entries.map(([, e]) => e));
  expect(state.size).toBe(entries.length);
  for (const [id, entity] of entries) {
    expect(state.get(id)).toBe(entity);
    expect(state.has(id)).toBe(true);
    expect(entity.id).toBe(id);
  }
  for (const absent of [-1, 0.5, NaN, 1e9]) {
    expect(state.has(absent)).toBe(entries.some(([id]) => Object.is(id, absent)));
  }
  return entries.map(([id, e]) => [id, e.kind, [...e.values]] as [number, number, FieldValue[]]);
}

/** Which ids of `state` are the very objects of `baseline` (shared, not copied). */
function shared(state: ReadonlyMap<number, EntityState>, baseline: ReadonlyMap<number, EntityState> | undefined): number[] {
  return [...state].filter(([id, e]) => baseline?.get(id) === e).map(([id]) => id);
}

function expectSame(
  got: Outcome,
  want: Outcome,
  mirror: SnapshotMirror,
  reference: ReferenceSnapshotMirror,
  baselines: { got?: ReadonlyMap<number, EntityState>; want?: ReadonlyMap<number, EntityState> },
): void {
  if ('error' in want) {
    expect('error' in got ? { reason: got.error.reason, message: got.error.message } : got).toEqual({
      reason: want.error.reason,
      message: want.error.message,
    });
    return;
  }
  expect('ok' in got).toBe(true);
  const a = (got as { ok: AppliedSnapshot | null }).ok;
  const b = want.ok;
  if (a === null || b === null) {
    expect(a).toBe(b);
    return;
  }
  const { state: stateA, ...restA } = a;
  const { state: stateB, ...restB } = b;
  expect(restA).toEqual(restB);
  expect(observe(stateA)).toEqual(observe(stateB));
  expect(shared(stateA, baselines.got)).toEqual(shared(stateB, baselines.want));
  expect(mirror.entities).toBe(stateA);
  expect(mirror.latestTick).toBe(reference.latestTick);
}

/**
 * Two SightMirrors: one of a few ids (two present from the start, the match, three that enter later), one
 * of the match and every entity of two kinds (which entities of those kinds enter, leave and change into).
 */
const SIGHTS: readonly Sight[] = [{ ids: [1, 2, 9, 100, 101, 103] }, { ids: [9], kinds: [KIND.mover, KIND.wide] }];
const EVERY_KIND: Sight = { kinds: Object.values(KIND) };
const keeps = (sight: Sight, e: EntityState | undefined) => e !== undefined && (sight.ids?.includes(e.id) === true || sight.kinds?.includes(e.kind) === true);

/**
 * A SightMirror's result: the full mirror's restricted to what it keeps (equal values; events are not
 * kept). An entity counts as kept by its kind in the state it is in: entered and changed in the new state,
 * left in the baseline (a kind change can enter a kept entity and leave one that was not kept, or the reverse).
 */
function expectSight(sight: Sight, got: Outcome, full: AppliedSnapshot, baseline: ReadonlyMap<number, EntityState> | undefined): void {
  expect('ok' in got ? 'ok' : got.error.message).toBe('ok');
  const a = (got as { ok: AppliedSnapshot | null }).ok;
  expect(a).not.toBeNull();
  if (a === null) return;
  const keptIn = (state: ReadonlyMap<number, EntityState> | undefined, ids: readonly number[]) => ids.filter((id) => keeps(sight, state?.get(id)));
  const entities = (state: ReadonlyMap<number, EntityState>) =>
    [...state.values()].filter((e) => keeps(sight, e)).sort((x, y) => x.id - y.id).map((e) => [e.id, e.kind, [...e.values]]);
  expect([a.tick, a.baselineTick, a.lastInputSeq, a.lastInputTick, a.inputQueueDepth, a.bytes]).toEqual([
    full.tick, full.baselineTick, full.lastInputSeq, full.lastInputTick, full.inputQueueDepth, full.bytes,
  ]);
  expect([a.entered, a.changed, a.left, a.events]).toEqual([
    keptIn(full.state, full.entered), keptIn(full.state, full.changed), keptIn(baseline, full.left), [],
  ]);
  expect(entities(a.state)).toEqual(entities(full.state));
}

describe('SnapshotMirror equals its reference implementation', () => {
  it('on random streams with drops, late acks, kind changes, events and damaged bytes', () => {
    /** What the streams exercised, so that a generator that stopped producing a case fails the test. */
    const seen = { changed: 0, entered: 0, left: 0, kindChange: 0, events: 0, malformed: 0, sightChanged: 0, sightEntered: 0, sightLeft: 0, sightKindChange: 0 };
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 8, maxLength: 40, size: 'medium' }), fc.boolean(), (steps, hysteresis) => {
        const replicator = new Replicator(testSchema, { interestRadius: CELL, hysteresisCells: hysteresis ? 1 : 0 });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        const reference = new ReferenceSnapshotMirror(testSchema);
        // SightMirrors fed the intact snapshots: the full mirror's results restricted to what they keep. (The
        // full mirror may have taken a damaged snapshot of a later tick, and then ignores an intact one.)
        const sights = SIGHTS.map((sight) => new SightMirror(testSchema, sight));
        let id = 100;
        let world: EntityView[] = [player(1, 0, 0), mover(2, 10, 10, 2, 1), view(9, KIND.match, 0, 0, [0, 'live'])];
        let tick = 0;
        let seq = 0;
        let focus = { x: 100, y: 100 };
        const received: number[] = [];
        /** Every state handed out so far, with what it held then: none may change later. */
        const handedOut: { state: ReadonlyMap<number, EntityState>; seen: unknown }[] = [];
        for (const step of steps) {
          tick += step.dt;
          world = edit(world, step, () => id++);
          replicator.commitTick(tick, world, step.events.map((code, k) => ({ tick, event: [code, k, `e${tick}`] })));
          seq += step.dt;
          focus = step.focus ?? focus;
          const bytes = replicator.encodeFor(client, focus, { lastInputSeq: seq, lastInputTick: tick - 1, inputQueueDepth: step.dt });
          if (step.drop) continue;
          const input = damaged(bytes.slice(), step.damage);
          const want = attempt(() => reference.apply(input));
          const got = attempt(() => mirror.apply(input));
          // A baseline is kept by both (only older states are dropped).
          const baselineTick = 'ok' in want ? want.ok?.baselineTick : undefined;
          const baselines =
            typeof baselineTick === 'number' ? { got: mirror.stateAt(baselineTick), want: reference.stateAt(baselineTick) } : {};
          expectSame(got, want, mirror, reference, baselines);
          if (step.damage.kind === 'none' && 'ok' in got) {
            for (const [k, sight] of sights.entries()) {
              const result = attempt(() => sight.apply(input));
              if (got.ok === null) continue;
              expectSight(SIGHTS[k], result, got.ok, baselines.got);
              const kept = (result as { ok: AppliedSnapshot }).ok;
              if (kept.changed.length > 0) seen.sightChanged++;
              if (kept.entered.length > 0) seen.sightEntered++;
              if (kept.left.length > 0) seen.sightLeft++;
              if (kept.entered.some((e) => kept.left.includes(e))) seen.sightKindChange++;
            }
          }
          if ('error' in want) {
            if (want.error.reason === 'malformed') seen.malformed++;
          } else if (want.ok !== null) {
            const { changed, entered, left, events } = want.ok;
            if (changed.length > 0) seen.changed++;
            if (entered.length > 0) seen.entered++;
            if (left.length > 0) seen.left++;
            if (entered.some((e) => left.includes(e))) seen.kindChange++;
            if (events.length > 0) seen.events++;
          }
          if ('ok' in got && got.ok !== null) {
            handedOut.push({ state: got.ok.state, seen: observe(got.ok.state) });
            // Only intact snapshots are acknowledged: the server never learns of a damaged one.
            if (step.damage.kind === 'none') received.push(tick);
          }
          const ack = received[received.length - 1 - step.ackLag];
          if (ack !== undefined) replicator.acknowledge(client, ack);
        }
        for (const t of [...received, tick + 1]) expect(mirror.stateAt(t) === undefined).toBe(reference.stateAt(t) === undefined);
        for (const { state, seen } of handedOut) expect(observe(state)).toEqual(seen);
      }),
      { numRuns: 200 },
    );
    // The frequent cases (rare ones are the next test's).
    for (const what of Object.keys(seen) as (keyof typeof seen)[]) expect(seen[what], what).toBeGreaterThan(5);
  });

  it('on hand-made snapshots, valid or not, against held baselines (every error path)', () => {
    const seen = { ok: 0, malformed: 0, inconsistent: 0, 'unknown-kind': 0, 'missing-baseline': 0 };
    const ids = fc.constantFrom(1, 2, 4, 5, 9, 7, 300);
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('s', 'ü'), fc.constant(Number.MAX_SAFE_INTEGER));
    const change = fc.tuple(ids, fc.oneof(fc.nat(1100), fc.constantFrom(1, 2, 3)), fc.array(value, { maxLength: 5 })).map(([id, mask, values]) => [id, mask, ...values]);
    const enter = fc.tuple(fc.oneof(ids, fc.constantFrom(20, 21)), fc.constantFrom(0, 1, 2, 3, 4, 99, 127), fc.array(value, { maxLength: 10 })).map(([id, kind, values]) => [id, kind, ...values]);
    const event = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.array(value, { maxLength: 3 }));
    const snapshot = fc
      .record({
        tick: fc.constantFrom(11, 12),
        baseline: fc.constantFrom(null, 1, 2, 2, 3),
        seq: fc.integer({ min: -2, max: 2 }),
        changes: fc.array(change, { maxLength: 3 }).map((cs) => cs.flat()),
        enters: fc.array(enter, { maxLength: 2 }).map((es) => es.flat()),
        leaves: fc.array(ids, { maxLength: 3 }),
        events: fc.array(event, { maxLength: 2 }).map((es) => es.flat()),
        sections: fc.integer({ min: 0, max: 4 }),
      })
      .map((r) => [r.tick, r.baseline, r.seq, 1, 0, r.changes, r.enters, r.leaves, r.events].slice(0, 5 + r.sections));
    fc.assert(
      fc.property(snapshot, (message) => {
        const replicator = new Replicator(testSchema, { interestRadius: 1000 });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        const reference = new ReferenceSnapshotMirror(testSchema);
        // A SightMirror of every kind holds what the full mirror holds: it must accept what the full mirror
        // accepts, with the same results, and refuse for the same reason, unless the reason is an id it does
        // not hold (taken for one it did not keep).
        const sight = new SightMirror(testSchema, EVERY_KIND);
        const header = { lastInputSeq: 3, lastInputTick: 1, inputQueueDepth: 0 };
        const wide = (x: number): EntityView => view(5, KIND.wide, x, 0, [x, 1, 2, 'a', 4, 5, 6, 'b', 8, 9]);
        for (const [tick, world] of [
          [9, [player(1, 1, 1), player(2, 2, 2), mover(4, 4, 4, 2, 1), wide(5), view(9, KIND.match, 0, 0, [0, 'live'])]],
          [10, [player(1, 1, 1), mover(4, 6, 5, 2, 1), wide(7), view(9, KIND.match, 0, 0, [1, 'live'])]],
        ] as const) {
          replicator.commitTick(tick, world, [{ tick, event: [EVT.reliable, tick] }]);
          const bytes = replicator.encodeFor(client, { x: 0, y: 0 }, header);
          reference.apply(bytes);
          mirror.apply(bytes);
          sight.apply(bytes);
          replicator.acknowledge(client, tick);
        }
        const bytes = encode(message);
        const want = attempt(() => reference.apply(bytes));
        const got = attempt(() => mirror.apply(bytes));
        const baselineTick = 'ok' in want ? want.ok?.baselineTick : undefined;
        const baselines = typeof baselineTick === 'number' ? { got: mirror.stateAt(baselineTick), want: reference.stateAt(baselineTick) } : {};
        expectSame(got, want, mirror, reference, baselines);
        const sighted = attempt(() => sight.apply(bytes));
        if ('ok' in got && got.ok !== null) expectSight(EVERY_KIND, sighted, got.ok, baselines.got);
        else if ('error' in got && !/absent from the baseline/.test(got.error.message)) {
          expect('error' in sighted ? sighted.error.reason : 'accepted').toBe(got.error.reason);
        }
        if ('error' in want) seen[want.error.reason]++;
        else if (want.ok !== null) seen.ok++;
      }),
      { numRuns: 1500 },
    );
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(5);
  });
});
