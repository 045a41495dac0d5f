// Property tests of the whole codec: Replicator on one side, SnapshotMirror on the other, checked
// against an independent model of what a client should see (codec-test-fixtures.visible) and of velocity
// prediction (codec-test-fixtures.modelPredict, in BigInt).

import { decode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coast, EVT, expectedValues, KIND, plain, testSchema, view, visible } from './codec-test-fixtures.js';
import { DELTA_VALUE_LIMIT, popcount, SECTION_CHANGES } from './format.js';
import { Replicator, type SnapshotHeader } from './replicator.js';
import type { EntityState, EntityView, FieldValue, ReplicationSchema } from './schema.js';
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
  return fc.constantFrom(KIND.player, KIND.projectile, KIND.match, KIND.wide, KIND.mover, KIND.mover).chain((kind) =>
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

/**
 * `coastTicks` ticks of constant-velocity motion of every entity (what prediction expects, so free on the
 * wire), then the edits (which cost residuals when they touch a predicted field or a velocity).
 */
function applyEdits(world: readonly EntityView[], edits: readonly Edit[], coastTicks = 0): EntityView[] {
  const next = coastTicks === 0 ? world.slice() : world.map((e) => coast(testSchema, e, coastTicks));
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
  .tuple(worldArb, fc.array(editArb, { maxLength: 25 }), fc.boolean())
  .map(([a, edits, coasting]) => [a, applyEdits(a, edits, coasting ? 1 : 0)] as const);

// ---- model checks ----

function ids(state: ReadonlyMap<number, unknown>): number[] {
  return [...state.keys()].sort((x, y) => x - y);
}

function sameEntity(a: EntityState | undefined, b: EntityState): boolean {
  return a !== undefined && a.kind === b.kind && a.values.every((v, i) => v === b.values[i]);
}

/** Ids of the changes section of a snapshot, read from the bytes with @msgpack/msgpack. */
function wireChangeIds(bytes: Uint8Array): number[] {
  const top = decode(bytes) as unknown[];
  const changes = (top[SECTION_CHANGES] ?? []) as number[];
  const out: number[] = [];
  for (let k = 0; k < changes.length; k += 2 + popcount(changes[k + 1])) out.push(changes[k]);
  return out;
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
        // On the wire, only entities that differ from the model's expectation (the baseline values, the
        // prediction for velocity fields): an entity moving at constant velocity costs 0 bytes too.
        const onWire = kept.filter((e) => !sameEntity({ ...e, values: expectedValues(testSchema, before.get(e.id)!, 1) }, e));
        expect(wireChangeIds(bytes)).toEqual(onWire.map((e) => e.id).sort((x, y) => x - y));
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

  it('a tick where everything is unchanged or moving at constant velocity is just the header', () => {
    fc.assert(
      fc.property(worldArb, focusArb, fc.boolean(), fc.integer({ min: 1, max: 40 }), (world, focus, sameObjects, dt) => {
        const replicator = new Replicator(testSchema, { interestRadius: CELL });
        const client = replicator.addClient();
        const mirror = new SnapshotMirror(testSchema);
        replicator.commitTick(5, world, []);
        mirror.apply(replicator.encodeFor(client, focus, HEADER));
        replicator.acknowledge(client, 5);
        const moved = world.map((e) => coast(testSchema, e, dt));
        const copy = sameObjects ? moved : moved.map((e) => view(e.id, e.kind, e.x, e.y, e.values.slice()));
        replicator.commitTick(5 + dt, copy, []);
        const bytes = replicator.encodeFor(client, focus, HEADER);
        // lastInputSeq is relative to the baseline's: the same seq is 0.
        expect(decode(bytes)).toEqual([5 + dt, dt, 0, 2 + dt, 1]);
        expect(bytes.length).toBe(6);
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(applied.lastInputSeq).toBe(HEADER.lastInputSeq);
        expect(applied.entered.length + applied.left.length).toBe(0);
        // ...yet the mirror moved every coasting entity, exactly.
        expect(plain(applied.state)).toEqual(plain(visible(testSchema, copy, focus, CELL)));
        const moving = copy.filter((e, i) => e.values.some((v, f) => v !== world[i].values[f]) && applied.state.has(e.id));
        expect(applied.changed).toEqual(moving.map((e) => e.id).sort((x, y) => x - y));
      }),
      { numRuns: 150 },
    );
  });

  interface Step {
    readonly edits: Edit[];
    /** Every entity first moves this step's ticks along its velocities (free on the wire). */
    readonly coast: boolean;
    readonly drop: boolean;
    readonly ackDelay: number;
    readonly skip: number;
    /** Type codes of this step's events (reliable or sent once, per the schema). */
    readonly events: readonly number[];
    /** How the client's lastInputSeq moves (any safe change; the wire sends it relative to the baseline). */
    readonly seq: number;
    /** Mostly the client drifts (its focus moves by `drift`); sometimes it jumps to `focus`. */
    readonly jump: boolean;
    readonly drift: number;
    readonly focus: { x: number; y: number } | null;
  }
  const stepArb: fc.Arbitrary<Step> = fc.record({
    edits: fc.array(editArb, { maxLength: 8 }),
    coast: fc.boolean(),
    drop: fc.boolean(),
    ackDelay: fc.nat(6),
    skip: fc.integer({ min: 1, max: 3 }),
    events: fc.array(fc.constantFrom(EVT.reliable, EVT.alsoReliable, EVT.cosmetic, EVT.cosmetic), { maxLength: 3 }),
    seq: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: -(2 ** 51), max: 2 ** 51 })),
    jump: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))), // 1 in 4
    drift: smallInt,
    focus: focusArb,
  });

  interface ChainResult {
    /** Serial numbers of the delivered events, by class. */
    readonly delivered: { reliable: number[]; once: number[] };
    readonly emitted: { reliable: number[]; once: number[] };
    /** Serials of the events whose own commit's snapshot the client applied. */
    readonly inAppliedCommits: number[];
  }

  interface EmittedEvent {
    readonly tick: number;
    readonly reliable: boolean;
  }

  /** Serial numbers of the events whose tick lies in (after, upTo] and that pass `which`. */
  function eventsIn(
    emitted: ReadonlyMap<number, EmittedEvent>,
    after: number,
    upTo: number,
    which: (e: EmittedEvent) => boolean,
  ): number[] {
    return [...emitted].filter(([, e]) => e.tick > after && e.tick <= upTo && which(e)).map(([serial]) => serial);
  }

  const sorted = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);

  /**
   * Runs ticks through a lossy link: dropped snapshots, acks delivered late and out of order, and
   * checks the mirror against the model after every snapshot it applies. Ends with `tail` clean ticks.
   */
  function runChain(
    initial: readonly EntityView[],
    steps: readonly Step[],
    options: {
      historyTicks: number;
      hysteresisCells: number;
      acks: boolean;
      tail: number;
      schema?: ReplicationSchema;
    },
  ): ChainResult {
    const schema = options.schema ?? testSchema;
    const isReliable = (code: number) => schema.reliableEvents?.includes(code) ?? true;
    const replicator = new Replicator(schema, {
      interestRadius: CELL,
      historyTicks: options.historyTicks,
      hysteresisCells: options.hysteresisCells,
    });
    const client = replicator.addClient();
    const mirror = new SnapshotMirror(schema, { historyTicks: options.historyTicks });
    const appliedStates = new Map<number, ReadonlyMap<number, EntityState>>();
    const pendingAcks: { due: number; tick: number }[] = [];
    const delivered = { reliable: [] as number[], once: [] as number[] };
    const emittedSerials = { reliable: [] as number[], once: [] as number[] };
    const inAppliedCommits: number[] = [];
    /**
     * Events some applied snapshot carried: a delta (B, T] carries the reliable events of ticks B+1..T
     * and every event of its own commit; a full snapshot every event of its own commit.
     */
    const covered = new Set<number>();
    const emitted = new Map<number, EmittedEvent>();
    let world: EntityView[] = initial.slice();
    let tick = 0;
    let serial = 0;
    let seq = 0;
    const clean: Step = {
      edits: [],
      coast: true,
      drop: false,
      ackDelay: 0,
      skip: 1,
      events: [EVT.reliable, EVT.cosmetic],
      seq: 1,
      jump: false,
      drift: 0,
      focus: null,
    };
    let focus: { x: number; y: number } | null = { x: 0, y: 0 };
    const all = [...steps, ...Array.from({ length: options.tail }, () => clean)];
    all.forEach((step, s) => {
      world = applyEdits(world, step.edits, step.coast ? step.skip : 0);
      const previousTick = tick;
      tick += step.skip;
      const events = step.events.map((type, e) => {
        const eventTick = previousTick + 1 + (e % step.skip);
        const reliable = isReliable(type);
        (reliable ? emittedSerials.reliable : emittedSerials.once).push(serial);
        emitted.set(serial, { tick: eventTick, reliable });
        return { tick: eventTick, event: [type, serial++, eventTick, 'kill'] as const };
      });
      events.sort((x, y) => x.tick - y.tick);
      replicator.commitTick(tick, world, events);
      if (step.jump) focus = step.focus;
      else if (focus !== null) focus = { x: focus.x + step.drift * 4, y: focus.y - step.drift * 3 };
      seq = Math.abs(seq + step.seq) < DELTA_VALUE_LIMIT ? seq + step.seq : 0;
      const header: SnapshotHeader = { lastInputSeq: seq, lastInputTick: tick - (s % 5), inputQueueDepth: s % 3 };
      const bytes = replicator.encodeFor(client, focus, header);
      if (!step.drop) {
        const applied = mirror.apply(bytes) as AppliedSnapshot;
        expect(applied.tick).toBe(tick);
        expect(applied.lastInputSeq).toBe(header.lastInputSeq);
        expect(applied.lastInputTick).toBe(header.lastInputTick);
        expect(applied.inputQueueDepth).toBe(header.inputQueueDepth);
        if (!options.acks) expect(applied.baselineTick).toBeNull();
        if (options.hysteresisCells === 0) {
          expect(plain(applied.state)).toEqual(plain(visible(schema, world, focus, CELL)));
        } else {
          const baseline = applied.baselineTick === null ? undefined : appliedStates.get(applied.baselineTick);
          expectWithHysteresis(applied.state, baseline ?? new Map(), world, focus, options.hysteresisCells);
        }
        appliedStates.set(applied.tick, applied.state);
        const after = applied.baselineTick ?? previousTick;
        for (const n of eventsIn(emitted, after, applied.tick, (e) => e.reliable)) covered.add(n);
        for (const n of eventsIn(emitted, previousTick, applied.tick, () => true)) {
          covered.add(n);
          inAppliedCommits.push(n);
        }
        for (const { tick: eventTick, event } of applied.events) {
          expect(event[2]).toBe(eventTick);
          const n = event[1] as number;
          expect(emitted.get(n)?.reliable).toBe(isReliable(event[0] as number));
          (isReliable(event[0] as number) ? delivered.reliable : delivered.once).push(n);
        }
        if (options.acks) pendingAcks.push({ due: s + step.ackDelay, tick: applied.tick });
      }
      // Deliver due acks, in a shuffled order (stale ones must be ignored).
      for (let k = pendingAcks.length - 1; k >= 0; k--) {
        if (pendingAcks[k].due <= s) replicator.acknowledge(client, pendingAcks.splice(k, 1)[0].tick);
      }
    });
    // Delivered at most once each, whatever was dropped, and every event a snapshot carried was delivered.
    const both = [...delivered.reliable, ...delivered.once];
    expect(new Set(both).size).toBe(both.length);
    expect(sorted(both)).toEqual(sorted([...covered]));
    return { delivered, emitted: emittedSerials, inAppliedCommits };
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

  const lossyStep = stepArb.map((s) => ({ ...s, ackDelay: Math.min(s.ackDelay, 4) }));
  /** First a clean tick (no events) to get a baseline, then a lossy link, then clean ticks. */
  const start: Step = {
    edits: [],
    coast: false,
    drop: false,
    ackDelay: 0,
    skip: 1,
    events: [],
    seq: 0,
    jump: true,
    drift: 0,
    focus: null,
  };

  it('reliable events are delivered exactly once despite drops and late acks within the ring; the others at most once, with their own snapshot', () => {
    fc.assert(
      fc.property(worldArb, fc.array(lossyStep, { minLength: 1, maxLength: 30 }), (initial, steps) => {
        const { delivered, emitted, inAppliedCommits } = runChain(initial, [start, ...steps], {
          historyTicks: 64,
          hysteresisCells: 1,
          acks: true,
          tail: 2,
        });
        expect(sorted(delivered.reliable)).toEqual(emitted.reliable);
        // Sent once: delivered exactly when the snapshot of their own commit was applied.
        expect(sorted(delivered.once)).toEqual(emitted.once.filter((n) => inAppliedCommits.includes(n)));
      }),
      { numRuns: 150 },
    );
  });

  it('without reliableEvents every event is reliable; with [] none is', () => {
    fc.assert(
      fc.property(worldArb, fc.array(lossyStep, { minLength: 1, maxLength: 20 }), (initial, steps) => {
        const allReliable = runChain(initial, [start, ...steps], {
          historyTicks: 64,
          hysteresisCells: 1,
          acks: true,
          tail: 2,
          schema: { kinds: testSchema.kinds },
        });
        expect(allReliable.emitted.once).toEqual([]);
        expect(sorted(allReliable.delivered.reliable)).toEqual(allReliable.emitted.reliable);
        const noneReliable = runChain(initial, [start, ...steps], {
          historyTicks: 64,
          hysteresisCells: 1,
          acks: true,
          tail: 2,
          schema: { kinds: testSchema.kinds, reliableEvents: [] },
        });
        expect(noneReliable.emitted.reliable).toEqual([]);
        expect(sorted(noneReliable.delivered.once)).toEqual(
          noneReliable.emitted.once.filter((n) => noneReliable.inAppliedCommits.includes(n)),
        );
      }),
      { numRuns: 60 },
    );
  });
});
