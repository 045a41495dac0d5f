// Property tests of the whole codec: Replicator on one side, SnapshotMirror on the other, checked
// against an independent model of what a client should see (codec-test-fixtures.visible).

import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND, plain, testSchema, view, visible } from './codec-test-fixtures.js';
import { DELTA_VALUE_LIMIT } from './format.js';
import { Replicator, type SnapshotHeader } from './replicator.js';
import type { EntityState, EntityView, FieldValue } from './schema.js';
import { SnapshotMirror, type AppliedSnapshot } from './snapshot-mirror.js';

const CELL = 100;
const HEADER: SnapshotHeader = { lastInputSeq: 7, lastInputTick: 3, inputQueueDepth: 1 };

// ---- arbitraries ----

const smallInt = fc.integer({ min: -40, max: 40 });
const anyInt = fc.oneof(smallInt, fc.integer({ min: -70000, max: 70000 }), fc.integer(), fc.maxSafeInteger());
const deltaInt = fc.oneof(
  smallInt,
  fc.integer({ min: -70000, max: 70000 }),
  fc.integer(),
  fc.integer({ min: -DELTA_VALUE_LIMIT + 1, max: DELTA_VALUE_LIMIT - 1 }),
);
const text = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ minLength: 31, maxLength: 300 }),
);
// A 6x6-cell world: a 3x3 interest block sees about a quarter of it, so entities often cross its edge.
const coord = fc.integer({ min: -300, max: 300 });
const idArb = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 100_000 }));
const focusArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ x: coord, y: coord }) },
  { weight: 1, arbitrary: fc.constant(null) },
);

function valueArb(kind: number, field: number): fc.Arbitrary<FieldValue> {
  const spec = testSchema.kinds[kind].fields[field];
  return spec.type === 'string' ? text : spec.delta ? deltaInt : anyInt;
}

function entityArb(id: number): fc.Arbitrary<EntityView> {
  return fc.constantFrom(KIND.player, KIND.projectile, KIND.match, KIND.wide).chain((kind) =>
    fc
      .record({
        x: coord,
        y: coord,
        values: fc.tuple(...testSchema.kinds[kind].fields.map((_, f) => valueArb(kind, f))),
      })
      .map(({ x, y, values }) => view(id, kind, x, y, values)),
  );
}

const worldArb: fc.Arbitrary<EntityView[]> = fc
  .uniqueArray(idArb, { minLength: 2, maxLength: 30, size: 'medium' })
  .chain((ids) => fc.tuple(...ids.map(entityArb)));

/** One random edit of a world; `pick` selects the entity, the rest are ingredients. */
interface Edit {
  readonly op: 'move' | 'teleport' | 'field' | 'remove' | 'replace' | 'add' | 'touch';
  readonly pick: number;
  readonly d: number;
  readonly int: number;
  readonly str: string;
  readonly fresh: EntityView;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('move', 'move', 'move', 'move', 'teleport', 'field', 'field', 'remove', 'replace', 'add', 'touch'),
  pick: fc.nat(),
  d: smallInt,
  int: deltaInt,
  str: text,
  fresh: idArb.chain(entityArb),
});

/** Moves a delta field by d, staying inside the delta value range. */
function bump(value: FieldValue, d: number): FieldValue {
  const v = value as number;
  return Math.abs(v + d) < DELTA_VALUE_LIMIT ? v + d : v - d;
}

function applyEdits(world: readonly EntityView[], edits: readonly Edit[]): EntityView[] {
  const next = world.slice();
  for (const edit of edits) {
    if (edit.op === 'add') {
      if (!next.some((e) => e.id === edit.fresh.id)) next.push(edit.fresh);
      continue;
    }
    if (next.length === 0) continue;
    const i = edit.pick % next.length;
    const e = next[i];
    const fields = testSchema.kinds[e.kind].fields;
    switch (edit.op) {
      case 'move':
        next[i] = view(
          e.id,
          e.kind,
          e.x + edit.d * 4,
          e.y - edit.d * 3,
          e.values.map((v, f) => (fields[f].delta ? bump(v, f % 2 === 0 ? edit.d : -edit.d) : v)),
        );
        break;
      case 'teleport':
        next[i] = view(e.id, e.kind, edit.int % 300, (edit.int >> 3) % 300, e.values);
        break;
      case 'field': {
        const f = edit.pick % fields.length;
        const values = e.values.slice();
        values[f] = fields[f].type === 'string' ? edit.str : edit.int;
        next[i] = view(e.id, e.kind, e.x, e.y, values);
        break;
      }
      case 'remove':
        next.splice(i, 1);
        break;
      case 'replace': // same id, possibly another kind
        next[i] = { ...edit.fresh, id: e.id };
        break;
      case 'touch': // a new object with identical values
        next[i] = view(e.id, e.kind, e.x, e.y, e.values.slice());
        break;
    }
  }
  return next;
}

const pairArb = fc
  .tuple(worldArb, fc.array(editArb, { maxLength: 25 }))
  .map(([a, edits]) => [a, applyEdits(a, edits)] as const);

// ---- model checks ----

function ids(state: ReadonlyMap<number, unknown>): number[] {
  return [...state.keys()].sort((x, y) => x - y);
}

function sameEntity(a: EntityState | undefined, b: EntityState): boolean {
  return a !== undefined && a.kind === b.kind && a.values.every((v, i) => v === b.values[i]);
}

/**
 * With hysteresis the client may keep entities beyond the interest area; all it holds must still be
 * exactly the server's current values, kept ones must come from its previous state and lie within
 * rings + keep cells of the focus.
 */
function expectWithHysteresis(
  state: ReadonlyMap<number, EntityState>,
  previous: ReadonlyMap<number, EntityState>,
  world: readonly EntityView[],
  focus: { x: number; y: number } | null,
  keepCells: number,
): void {
  const visibleNow = visible(testSchema, world, focus, CELL);
  for (const id of visibleNow.keys()) expect(state.has(id)).toBe(true);
  const reach = visible(testSchema, world, focus, CELL, 1 + keepCells);
  for (const [id, entity] of state) {
    const truth = world.find((e) => e.id === id);
    expect(truth).toBeDefined();
    expect(sameEntity(entity, truth as EntityState)).toBe(true);
    if (!visibleNow.has(id)) {
      expect(reach.has(id)).toBe(true);
      expect(previous.get(id)?.kind).toBe(entity.kind);
    }
  }
}

// ---- properties ----

describe('Replicator -> SnapshotMirror properties', () => {
  it('a delta a -> b applied on a mirror holding a reproduces exactly b interest-filtered view', () => {
    fc.assert(
      fc.property(pairArb, focusArb, focusArb, ([a, b], focusA, focusB) => {
        const replicator = new Replicator(testSchema, { interestRadius: CELL, hysteresisCells: 0 });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        replicator.commitTick(10, a, []);
        const first = mirror.apply(replicator.encodeFor(client, focusA, HEADER)) as AppliedSnapshot;
        expect(first.baselineTick).toBeNull();
        expect(plain(first.state)).toEqual(plain(visible(testSchema, a, focusA, CELL)));
        expect(replicator.acknowledge(client, 10)).toBe(true);

        replicator.commitTick(11, b, []);
        const bytes = replicator.encodeFor(client, focusB, HEADER);
        expect(() => decode(bytes)).not.toThrow();
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(applied.baselineTick).toBe(10);
        expect(applied.lastInputSeq).toBe(HEADER.lastInputSeq);
        expect(applied.lastInputTick).toBe(HEADER.lastInputTick);
        expect(applied.inputQueueDepth).toBe(HEADER.inputQueueDepth);
        const expected = visible(testSchema, b, focusB, CELL);
        expect(plain(applied.state)).toEqual(plain(expected));
        expect(mirror.entities).toBe(applied.state);
        expect(mirror.stateAt(10)).toBe(first.state);

        // Exactly the entities whose values differ are in the changes section: unchanged ones cost 0 bytes.
        const before = first.state;
        const kept = [...expected.values()].filter((e) => before.get(e.id)?.kind === e.kind);
        expect(applied.changed).toEqual(
          kept
            .filter((e) => !sameEntity(before.get(e.id), e))
            .map((e) => e.id)
            .sort((x, y) => x - y),
        );
        const swapped = [...expected.keys()].filter(
          (id) => before.has(id) && before.get(id)?.kind !== expected.get(id)?.kind,
        );
        expect([...applied.entered].sort((x, y) => x - y)).toEqual(
          ids(expected).filter((id) => !before.has(id) || swapped.includes(id)),
        );
        expect([...applied.left].sort((x, y) => x - y)).toEqual(
          ids(before).filter((id) => !expected.has(id) || swapped.includes(id)),
        );
        // Unchanged entities are shared between the two states, not copied.
        for (const e of kept) if (sameEntity(before.get(e.id), e)) expect(applied.state.get(e.id)).toBe(before.get(e.id));
      }),
      { numRuns: 300 },
    );
  });

  it('with hysteresis, a delta keeps only entities near the focus and all values are current', () => {
    fc.assert(
      fc.property(pairArb, focusArb, focusArb, ([a, b], focusA, focusB) => {
        const replicator = new Replicator(testSchema, { interestRadius: CELL, hysteresisCells: 1 });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        replicator.commitTick(1, a, []);
        const first = mirror.apply(replicator.encodeFor(client, focusA, HEADER)) as AppliedSnapshot;
        replicator.acknowledge(client, 1);
        replicator.commitTick(2, b, []);
        const applied = mirror.apply(replicator.encodeFor(client, focusB, HEADER)) as AppliedSnapshot;
        expectWithHysteresis(applied.state, first.state, b, focusB, 1);
      }),
      { numRuns: 200 },
    );
  });

  it('a tick without changes is just the header, whatever the world', () => {
    fc.assert(
      fc.property(worldArb, focusArb, fc.boolean(), (world, focus, sameObjects) => {
        const replicator = new Replicator(testSchema, { interestRadius: CELL });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        replicator.commitTick(5, world, []);
        mirror.apply(replicator.encodeFor(client, focus, HEADER));
        replicator.acknowledge(client, 5);
        const copy = sameObjects ? world : world.map((e) => view(e.id, e.kind, e.x, e.y, e.values.slice()));
        replicator.commitTick(6, copy, []);
        const bytes = replicator.encodeFor(client, focus, HEADER);
        expect(decode(bytes)).toEqual([6, 1, 7, 3, 1]);
        expect(bytes.length).toBe(6);
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(applied.changed.length + applied.entered.length + applied.left.length).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  interface Step {
    readonly edits: Edit[];
    readonly drop: boolean;
    readonly ackDelay: number;
    readonly skip: number;
    readonly events: number;
    /** Mostly the client drifts (its focus moves by `drift`); sometimes it jumps to `focus`. */
    readonly jump: boolean;
    readonly drift: number;
    readonly focus: { x: number; y: number } | null;
  }
  const stepArb: fc.Arbitrary<Step> = fc.record({
    edits: fc.array(editArb, { maxLength: 8 }),
    drop: fc.boolean(),
    ackDelay: fc.nat(6),
    skip: fc.integer({ min: 1, max: 3 }),
    events: fc.nat(2),
    jump: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))), // 1 in 4
    drift: smallInt,
    focus: focusArb,
  });

  interface ChainResult {
    readonly delivered: number[];
    readonly emitted: number[];
  }

  /** Serial numbers of the events whose tick lies in (after, upTo]. */
  function eventsIn(eventTicks: ReadonlyMap<number, number>, after: number, upTo: number): number[] {
    return [...eventTicks].filter(([, t]) => t > after && t <= upTo).map(([serial]) => serial);
  }

  /**
   * Runs ticks through a lossy link: dropped snapshots, acks delivered late and out of order, and
   * checks the mirror against the model after every snapshot it applies. Ends with `tail` clean ticks.
   */
  function runChain(
    initial: readonly EntityView[],
    steps: readonly Step[],
    options: { historyTicks: number; hysteresisCells: number; acks: boolean; tail: number },
  ): ChainResult {
    const replicator = new Replicator(testSchema, {
      interestRadius: CELL,
      historyTicks: options.historyTicks,
      hysteresisCells: options.hysteresisCells,
    });
    const client = replicator.addClient();
    const mirror = new SnapshotMirror(testSchema, { historyTicks: options.historyTicks });
    const appliedStates = new Map<number, ReadonlyMap<number, EntityState>>();
    const pendingAcks: { due: number; tick: number }[] = [];
    const delivered: number[] = [];
    const emitted: number[] = [];
    /** Events some applied snapshot carried: a delta (B, T] covers ticks B+1..T, a full one its commit. */
    const covered = new Set<number>();
    const eventTicks = new Map<number, number>();
    let world: EntityView[] = initial.slice();
    let tick = 0;
    let serial = 0;
    const clean: Step = { edits: [], drop: false, ackDelay: 0, skip: 1, events: 1, jump: false, drift: 0, focus: null };
    let focus: { x: number; y: number } | null = { x: 0, y: 0 };
    const all = [...steps, ...Array.from({ length: options.tail }, () => clean)];
    all.forEach((step, s) => {
      world = applyEdits(world, step.edits);
      const previousTick = tick;
      tick += step.skip;
      const events = Array.from({ length: step.events }, (_, e) => {
        const eventTick = previousTick + 1 + (e % step.skip);
        emitted.push(serial);
        eventTicks.set(serial, eventTick);
        return { tick: eventTick, event: [serial++, eventTick, 'kill'] as const };
      });
      events.sort((x, y) => x.tick - y.tick);
      replicator.commitTick(tick, world, events);
      if (step.jump) focus = step.focus;
      else if (focus !== null) focus = { x: focus.x + step.drift * 4, y: focus.y - step.drift * 3 };
      const bytes = replicator.encodeFor(client, focus, HEADER);
      if (!step.drop) {
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(applied.tick).toBe(tick);
        if (!options.acks) expect(applied.baselineTick).toBeNull();
        if (options.hysteresisCells === 0) {
          expect(plain(applied.state)).toEqual(plain(visible(testSchema, world, focus, CELL)));
        } else {
          const baseline = applied.baselineTick === null ? undefined : appliedStates.get(applied.baselineTick);
          expectWithHysteresis(applied.state, baseline ?? new Map(), world, focus, options.hysteresisCells);
        }
        appliedStates.set(applied.tick, applied.state);
        const after = applied.baselineTick ?? previousTick;
        for (const serial of eventsIn(eventTicks, after, applied.tick)) covered.add(serial);
        for (const { tick: eventTick, event } of applied.events) {
          expect(event[1]).toBe(eventTick);
          delivered.push(event[0] as number);
        }
        if (options.acks) pendingAcks.push({ due: s + step.ackDelay, tick: applied.tick });
      }
      // Deliver due acks, in a shuffled order (stale ones must be ignored).
      for (let k = pendingAcks.length - 1; k >= 0; k--) {
        if (pendingAcks[k].due <= s) replicator.acknowledge(client, pendingAcks.splice(k, 1)[0].tick);
      }
    });
    // Delivered at most once each, whatever was dropped, and every event a snapshot carried was delivered.
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort((x, y) => x - y)).toEqual([...covered].sort((x, y) => x - y));
    return { delivered, emitted };
  }

  it('a chain of ticks with dropped snapshots and late acks always matches the server view', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(stepArb, { maxLength: 25 }),
        fc.constantFrom(2, 4, 64),
        fc.constantFrom(0, 1),
        (initial, steps, historyTicks, hysteresisCells) => {
          runChain(initial, steps, { historyTicks, hysteresisCells, acks: true, tail: 3 });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a client that never acknowledges gets full snapshots and still sees the world', () => {
    fc.assert(
      fc.property(worldArb, fc.array(stepArb, { maxLength: 12 }), (initial, steps) => {
        runChain(initial, steps, { historyTicks: 8, hysteresisCells: 1, acks: false, tail: 1 });
      }),
      { numRuns: 50 },
    );
  });

  it('events are delivered exactly once despite drops and late acks within the ring', () => {
    const lossyStep = stepArb.map((s) => ({ ...s, ackDelay: Math.min(s.ackDelay, 4) }));
    fc.assert(
      fc.property(worldArb, fc.array(lossyStep, { minLength: 1, maxLength: 30 }), (initial, steps) => {
        // First a clean tick (no events) to get a baseline, then a lossy link, then clean ticks.
        const start: Step = { edits: [], drop: false, ackDelay: 0, skip: 1, events: 0, jump: true, drift: 0, focus: null };
        const { delivered, emitted } = runChain(initial, [start, ...steps], {
          historyTicks: 64,
          hysteresisCells: 1,
          acks: true,
          tail: 2,
        });
        expect([...delivered].sort((x, y) => x - y)).toEqual(emitted);
      }),
      { numRuns: 150 },
    );
  });
});
