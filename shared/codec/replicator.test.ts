import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { EVT, KIND, matchClock, mover, plain, player, testSchema, view } from './codec-test-fixtures.js';
import { Replicator, type SnapshotHeader } from './replicator.js';
import type { EntityView, FieldSpec, ReplicationSchema } from './schema.js';
import { SnapshotMirror, type AppliedSnapshot } from './snapshot-mirror.js';

const H: SnapshotHeader = { lastInputSeq: 0, lastInputTick: -1, inputQueueDepth: 0 };
const ORIGIN = { x: 50, y: 50 };

/** A replicator and one connected client with a mirror, acking everything it applies. */
function setup(options: { historyTicks?: number; hysteresisCells?: number } = {}) {
  const replicator = new Replicator(testSchema, { interestRadius: 100, ...options });
  const client = replicator.addClient();
  const mirror = new SnapshotMirror(testSchema);
  const step = (
    tick: number,
    views: readonly EntityView[],
    focus: { x: number; y: number } | null = ORIGIN,
    ack = true,
  ): AppliedSnapshot => {
    if (replicator.latestTick !== tick) replicator.commitTick(tick, views, []);
    const applied = mirror.apply(replicator.encodeFor(client, focus, H));
    if (applied === null) throw new Error('stale');
    if (ack) replicator.acknowledge(client, tick);
    return applied;
  };
  return { replicator, client, mirror, step };
}

describe('interest management', () => {
  it('does not send far entities, always sends global kinds', () => {
    const { step } = setup();
    const world = [player(1, 50, 50), player(2, 250, 50), player(3, 350, 50), player(4, -1000, 900), matchClock(9, 0)];
    // Focus cell (0,0): cells -1..1 are visible, so x in [-100, 200).
    expect([...step(1, world).state.keys()].sort()).toEqual([1, 9]);
    const { step: globalsOnly } = setup();
    expect([...globalsOnly(1, world, null).state.keys()]).toEqual([9]);
  });

  it('an entity leaving interest gets a leave; re-entering gets an enter with all fields', () => {
    const { step } = setup({ hysteresisCells: 0 });
    step(1, [player(1, 50, 50), player(2, 150, 50, 90, 'bob', 3)]);
    const gone = step(2, [player(1, 50, 50), player(2, 250, 50, 90, 'bob', 3)]);
    expect(gone.left).toEqual([2]);
    expect(gone.state.has(2)).toBe(false);
    const back = step(3, [player(1, 50, 50), player(2, 160, 55, 80, 'bob', 4)]);
    expect(back.entered).toEqual([2]);
    expect(back.state.get(2)).toEqual({ id: 2, kind: KIND.player, values: [160, 55, 80, 'bob', 4] });
  });

  it('hysteresis keeps an entity one cell beyond the interest area, then lets it go', () => {
    const { step } = setup({ hysteresisCells: 1 });
    step(1, [player(2, 150, 50)]);
    const kept = step(2, [player(2, 250, 50)]); // cell 2: outside 3x3, inside 5x5
    expect(kept.left).toEqual([]);
    expect(kept.changed).toEqual([2]);
    const gone = step(3, [player(2, 350, 50)]); // cell 3
    expect(gone.left).toEqual([2]);
    // Not kept when first seen out there: hysteresis only keeps what the client already has.
    const { step: fresh } = setup({ hysteresisCells: 1 });
    expect(fresh(1, [player(2, 250, 50)]).state.size).toBe(0);
  });

  it('a player wobbling across a cell border causes no enter/leave churn with hysteresis', () => {
    const { step } = setup({ hysteresisCells: 1 });
    const world = [player(1, 0, 0), player(2, 210, 50), player(3, -110, 50)];
    step(1, world, { x: 95, y: 50 });
    let churn = 0;
    for (let t = 2; t < 20; t++) {
      const a = step(t, world, { x: t % 2 === 0 ? 105 : 95, y: 50 });
      churn += a.entered.length + a.left.length;
    }
    expect(churn).toBe(1); // entity 2 enters once, then stays
  });

  it('a larger interest radius than the cell size widens the block of cells', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 200, cellSize: 100, hysteresisCells: 0 });
    const client = replicator.addClient();
    replicator.commitTick(1, [player(1, 250, 50), player(2, 350, 50)], []);
    const state = new SnapshotMirror(testSchema).apply(replicator.encodeFor(client, ORIGIN, H))?.state;
    expect([...(state?.keys() ?? [])]).toEqual([1]);
  });
});

describe('baselines and acknowledgements', () => {
  it('deltas against the last ACKNOWLEDGED snapshot, so a dropped one does not matter', () => {
    const { replicator, client, mirror, step } = setup();
    step(1, [player(1, 10, 10)]);
    replicator.commitTick(2, [player(1, 11, 10)], []);
    replicator.encodeFor(client, ORIGIN, H); // dropped
    replicator.commitTick(3, [player(1, 12, 10)], []);
    const applied = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(applied?.baselineTick).toBe(1);
    expect(applied?.state.get(1)?.values[0]).toBe(12);
  });

  it('ignores acks of ticks never sent, older than the baseline, or out of the ring', () => {
    const { replicator, client, step } = setup({ historyTicks: 3 });
    step(1, [player(1, 0, 0)], ORIGIN, false);
    replicator.commitTick(2, [player(1, 0, 0)], []); // not sent to the client
    expect(replicator.acknowledge(client, 2)).toBe(false);
    expect(replicator.acknowledge(client, 99)).toBe(false);
    expect(replicator.acknowledge(client, 1)).toBe(true);
    expect(replicator.acknowledge(client, 1)).toBe(false);
    step(3, [player(1, 0, 0)], ORIGIN, false);
    expect(replicator.acknowledge(client, 3)).toBe(true);
    expect(replicator.acknowledge(client, 1)).toBe(false);
    expect(client.baselineTick).toBe(3);
    step(4, [player(1, 0, 0)], ORIGIN, false);
    replicator.commitTick(5, [], []);
    replicator.commitTick(6, [], []);
    replicator.commitTick(7, [], []);
    expect(replicator.acknowledge(client, 4)).toBe(false); // fell out of the 3-tick ring
  });

  it('a client whose baseline fell out of the ring gets a full snapshot and converges', () => {
    const { replicator, client, mirror, step } = setup({ historyTicks: 4 });
    step(1, [player(1, 10, 10), player(2, 20, 20)]);
    for (let t = 2; t <= 6; t++) replicator.commitTick(t, [player(1, 10 + t, 10)], []);
    const full = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(full?.baselineTick).toBeNull();
    expect(plain(full?.state ?? new Map())).toEqual([[1, KIND.player, [16, 10, 100, 'p1', 0]]]);
    replicator.acknowledge(client, 6);
    expect(step(7, [player(1, 17, 10)]).baselineTick).toBe(6);
  });

  it('keeps as many commits as its clients acknowledge behind: grows for a late client, shrinks after it leaves', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100 });
    const onTime = { client: replicator.addClient(), mirror: new SnapshotMirror(testSchema), lag: 2 };
    const late = { client: replicator.addClient(), mirror: new SnapshotMirror(testSchema), lag: 40 };
    const sent = new Map<object, number[]>([[onTime, []], [late, []]]);
    let tick = 0;
    const run = (ticks: number, clients: (typeof onTime)[]) => {
      const baselines = new Map<object, (number | null)[]>(clients.map((c) => [c, []]));
      for (let end = tick + ticks; tick < end; ) {
        tick++;
        replicator.commitTick(tick, [player(1, tick % 90, 10), matchClock(9, tick)], []);
        for (const c of clients) {
          const applied = c.mirror.apply(replicator.encodeFor(c.client, ORIGIN, H))!;
          expect(applied.state.get(9)?.values[0]).toBe(tick);
          baselines.get(c)!.push(applied.baselineTick);
          // Acknowledges, `lag` commits late, what it applied.
          sent.get(c)!.push(tick);
          const acked = sent.get(c)!.at(-1 - c.lag);
          if (acked !== undefined) replicator.acknowledge(c.client, acked);
        }
      }
      return baselines;
    };
    expect(replicator.historyCapacity).toBe(8);
    const both = run(200, [onTime, late]);
    // The late client's baseline never left the ring: after its first acknowledgement, only deltas.
    expect(both.get(late)!.slice(late.lag + 2).every((b) => b !== null)).toBe(true);
    expect(both.get(onTime)!.slice(onTime.lag + 2).every((b) => b !== null)).toBe(true);
    expect(replicator.historyCapacity).toBe(64);
    replicator.removeClient(late.client);
    // Halved after every 300 commits within a quarter of the ring: 64 -> 32 -> 16 -> 8.
    const alone = run(1000, [onTime]);
    expect(alone.get(onTime)!.every((b) => b !== null)).toBe(true);
    expect(replicator.historyCapacity).toBe(8);
  });

  it('sizes a ring whose historyTicks is not a power of two: up to it, and back down to 8', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100, historyTicks: 35 });
    const late = replicator.addClient();
    const onTime = replicator.addClient();
    for (let tick = 1; tick <= 1000; tick++) {
      replicator.commitTick(tick, [player(1, tick % 90, 10)], []);
      replicator.encodeFor(onTime, ORIGIN, H);
      replicator.acknowledge(onTime, tick);
      if (tick <= 100) {
        replicator.encodeFor(late, ORIGIN, H);
        if (tick > 34) replicator.acknowledge(late, tick - 34);
      }
      if (tick === 100) {
        expect(replicator.historyCapacity).toBe(35);
        replicator.removeClient(late);
      }
    }
    expect(replicator.historyCapacity).toBe(8); // 35 -> 17 -> 8
  });

  it('a client that never acks gets full snapshots', () => {
    const { step } = setup();
    for (let t = 1; t <= 5; t++) {
      const applied = step(t, [player(1, t, 0), matchClock(9, t)], ORIGIN, false);
      expect(applied.baselineTick).toBeNull();
      expect(applied.state.get(9)?.values[0]).toBe(t);
    }
  });

  it('encoding the same tick twice repeats its entity set, so either copy is a valid baseline', () => {
    const { replicator, client, mirror } = setup({ hysteresisCells: 0 });
    replicator.commitTick(1, [player(1, 50, 50), player(2, 350, 50)], []);
    const first = replicator.encodeFor(client, ORIGIN, H);
    const again = replicator.encodeFor(client, { x: 350, y: 50 }, H); // focus moved: still the first set
    expect(again).toEqual(first);
    mirror.apply(again);
    replicator.acknowledge(client, 1);
    replicator.commitTick(2, [player(1, 50, 50), player(2, 350, 50)], []);
    const next = mirror.apply(replicator.encodeFor(client, { x: 350, y: 50 }, H));
    expect(next?.entered).toEqual([2]);
    expect(next?.left).toEqual([1]);
  });

  it('an id reused by an entity of another kind is sent as leave + enter', () => {
    const { step } = setup();
    step(1, [player(1, 50, 50)]);
    const swapped = step(2, [view(1, KIND.projectile, 50, 50, [5, 6, 7])]);
    expect(swapped.left).toEqual([1]);
    expect(swapped.entered).toEqual([1]);
    expect(swapped.state.get(1)).toEqual({ id: 1, kind: KIND.projectile, values: [5, 6, 7] });
  });

  it('ignores stale snapshots on the client (returns null, state unchanged)', () => {
    const { replicator, client, mirror } = setup();
    replicator.commitTick(1, [player(1, 0, 0)], []);
    const old = replicator.encodeFor(client, ORIGIN, H);
    replicator.commitTick(2, [player(1, 1, 0)], []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    const state = mirror.entities;
    expect(mirror.apply(old)).toBeNull();
    expect(mirror.entities).toBe(state);
    expect(mirror.latestTick).toBe(2);
  });
});

describe('shared encoding', () => {
  it('gives clients with the same baseline and focus byte-identical snapshots from the cache', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100 });
    const clients = Array.from({ length: 50 }, () => replicator.addClient());
    const world = (t: number) => Array.from({ length: 20 }, (_, i) => player(i + 1, (i * 13 + t) % 200, (i * 7) % 200));
    replicator.commitTick(1, world(1), []);
    const full = clients.map((c) => replicator.encodeFor(c, ORIGIN, H));
    for (const bytes of full) expect(bytes).toEqual(full[0]);
    expect(replicator.stats.enterEncoded).toBe(20);
    expect(replicator.stats.enterReused).toBe(20 * 49);
    for (const c of clients) replicator.acknowledge(c, 1);

    replicator.commitTick(2, world(2), []);
    const deltas = clients.map((c) => replicator.encodeFor(c, ORIGIN, H));
    for (const bytes of deltas) expect(bytes).toEqual(deltas[0]);
    expect(replicator.stats.changeEncoded).toBe(20);
    expect(replicator.stats.changeReused).toBe(20 * 49);
    // One list for the focus cell: built at tick 1, still exact at tick 2 (no entity changed cell).
    expect(replicator.stats.interestBuilt).toBe(1);
    expect(replicator.stats.interestReused).toBe(2 * 50 - 1);

    // A client on another baseline gets its own (baseline, tick) pieces, encoded once.
    const late = replicator.addClient();
    replicator.encodeFor(late, ORIGIN, H);
    expect(replicator.stats.enterEncoded).toBe(40);
    expect(replicator.stats.enterReused).toBe(20 * 49); // the new tick's enters were not needed before
  });

  it('output is valid msgpack for @msgpack/msgpack', () => {
    const { replicator, client } = setup();
    const events = [{ tick: 1, event: [1, 'x', -70000] }];
    replicator.commitTick(1, [player(1, 1, 2, 3, 'ünïcødé ✓'), matchClock(2, -5)], events);
    const bytes = replicator.encodeFor(client, ORIGIN, { lastInputSeq: 70000, lastInputTick: -1, inputQueueDepth: 3 });
    expect(decode(bytes)).toEqual([
      1,
      null,
      70000,
      2,
      3,
      [],
      [1, 0, 1, 2, 3, 'ünïcødé ✓', 0, 2, 2, -5, 'live'],
      [],
      [0, [1, 'x', -70000]],
    ]);
  });
});

describe('events', () => {
  it('carries the reliable events of (baseline, tick] so a dropped snapshot loses none; the client dedups', () => {
    const { replicator, client, mirror, step } = setup();
    step(1, []);
    replicator.commitTick(2, [], [{ tick: 2, event: [EVT.reliable, 'a'] }]);
    const dropped = replicator.encodeFor(client, ORIGIN, H);
    replicator.commitTick(4, [], [{ tick: 3, event: [2, 'b'] }, { tick: 4, event: [3, 'c'] }]); // tick 3 skipped
    const applied = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(applied?.events).toEqual([
      { tick: 2, event: [EVT.reliable, 'a'] },
      { tick: 3, event: [2, 'b'] },
      { tick: 4, event: [3, 'c'] },
    ]);
    expect(mirror.apply(dropped)).toBeNull(); // arrives late: stale
    replicator.commitTick(5, [], [{ tick: 5, event: [4, 'd'] }]);
    // Still against baseline 1 (no ack yet): ticks 2..4 are re-sent but not re-delivered.
    const next = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(next?.baselineTick).toBe(1);
    expect(next?.events).toEqual([{ tick: 5, event: [4, 'd'] }]);
  });

  it('recovers reliable events a dropped full snapshot carried when a later delta covers them again', () => {
    const { replicator, client, mirror } = setup();
    const send = () => replicator.encodeFor(client, ORIGIN, H);
    replicator.commitTick(1, [], []);
    mirror.apply(send()); // full; its ack is late
    replicator.commitTick(2, [], [{ tick: 2, event: [2] }]); // EVT.alsoReliable
    send(); // full (no ack yet), dropped: event 2 is not delivered
    replicator.commitTick(3, [], [{ tick: 3, event: [3] }]);
    expect(mirror.apply(send())?.events).toEqual([{ tick: 3, event: [3] }]); // full: own commit only
    replicator.acknowledge(client, 1);
    replicator.commitTick(4, [], [{ tick: 4, event: [4] }]);
    // Delta against 1 carries ticks 2..4: 2 is new to the client although older than its tick 3.
    expect(mirror.apply(send())?.events).toEqual([
      { tick: 2, event: [2] },
      { tick: 4, event: [4] },
    ]);
  });

  it('sends other events once, with their own commit: a dropped snapshot loses them, a later one never repeats them', () => {
    const { replicator, client, mirror, step } = setup();
    step(1, []);
    const shot = (n: number) => [EVT.cosmetic, n];
    const kill = (n: number) => [EVT.reliable, n];
    replicator.commitTick(2, [], [
      { tick: 2, event: shot(1) },
      { tick: 2, event: kill(1) },
    ]);
    const two = replicator.encodeFor(client, ORIGIN, H);
    expect((decode(two) as unknown[])[8]).toEqual([0, shot(1), 0, kill(1)]); // both, in commit order
    // Tick 2 dropped; tick 3 (still against 1) carries the kill of tick 2 but not its shot.
    replicator.commitTick(3, [], [{ tick: 3, event: shot(2) }]);
    const three = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(three?.events).toEqual([
      { tick: 2, event: kill(1) },
      { tick: 3, event: shot(2) },
    ]);
    // Tick 4, still against 1 (no ack yet): tick 3's shot is not resent, tick 2's kill is but is deduped.
    replicator.commitTick(4, [], []);
    const four = replicator.encodeFor(client, ORIGIN, H);
    expect((decode(four) as unknown[])[8]).toEqual([2, kill(1)]);
    expect(mirror.apply(four)?.events).toEqual([]);
    replicator.acknowledge(client, 4);
    replicator.commitTick(5, [], [{ tick: 5, event: shot(3) }]);
    expect(mirror.apply(replicator.encodeFor(client, ORIGIN, H))?.events).toEqual([{ tick: 5, event: shot(3) }]);
    // A full snapshot carries every event of its own commit, of both classes.
    const late = replicator.addClient();
    const full = new SnapshotMirror(testSchema).apply(replicator.encodeFor(late, ORIGIN, H));
    expect(full?.events).toEqual([{ tick: 5, event: shot(3) }]);
  });

  it('rejects events outside (previous commit, tick]', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100 });
    replicator.commitTick(5, [], []);
    expect(() => replicator.commitTick(6, [], [{ tick: 5, event: [1] }])).toThrow(RangeError);
    expect(() => replicator.commitTick(6, [], [{ tick: 7, event: [1] }])).toThrow(RangeError);
  });
});

describe('velocity prediction', () => {
  const sections = (bytes: Uint8Array) => (decode(bytes) as unknown[]).length - 5;

  it('a body moving at constant velocity costs zero bytes, whatever the ack delay', () => {
    const { replicator, client, mirror } = setup();
    const at = (t: number) => [mover(1, 10 + 3 * t, 50 - 2 * t, 3, -2), mover(2, 40, 40)];
    replicator.commitTick(0, at(0), []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    replicator.acknowledge(client, 0);
    for (let t = 1; t <= 20; t++) {
      replicator.commitTick(t, at(t), []);
      const bytes = replicator.encodeFor(client, ORIGIN, H);
      expect(sections(bytes)).toBe(0); // header only
      const applied = mirror.apply(bytes);
      expect(plain(applied?.state ?? new Map())).toEqual(plain(new Map(at(t).map((e) => [e.id, e]))));
      expect(applied?.changed).toEqual([1]); // moved by prediction alone
      if (t % 5 === 0) replicator.acknowledge(client, t); // baselines 0..4 ticks old
    }
  });

  it('turning, stopping or hitting a wall costs a residual against the prediction', () => {
    const { replicator, client, mirror } = setup();
    replicator.commitTick(1, [mover(1, 10, 10, 4, 0)], []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    replicator.acknowledge(client, 1);
    // Blocked at x = 12 two ticks later: velocity 0, position 12 where 10 + 4 * 2 = 18 was predicted.
    replicator.commitTick(3, [mover(1, 12, 10, 0, 0)], []);
    const bytes = replicator.encodeFor(client, ORIGIN, H);
    expect((decode(bytes) as unknown[])[5]).toEqual([1, 0b101, -6, 0]); // x residual -6, vx 0
    expect(mirror.apply(bytes)?.state.get(1)?.values).toEqual([12, 10, 0, 0, 100]);
    replicator.acknowledge(client, 3);
    // Standing still again: nothing.
    replicator.commitTick(4, [mover(1, 12, 10, 0, 0)], []);
    expect(sections(replicator.encodeFor(client, ORIGIN, H))).toBe(0);
  });

  it('an unchanged object with a velocity is sent: the client would have moved it', () => {
    const { replicator, client, mirror } = setup();
    const stuck = mover(1, 10, 10, 5, 0); // e.g. a game that forgot to zero a blocked velocity
    replicator.commitTick(1, [stuck], []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    replicator.acknowledge(client, 1);
    replicator.commitTick(2, [stuck], []);
    const applied = mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    expect(applied?.state.get(1)).toBe(mirror.stateAt(1)?.get(1)); // residual cancels: shared, unchanged
    expect(applied?.changed).toEqual([]);
  });

  it('falls back to the plain baseline when a prediction would leave the exact integer range', () => {
    const { replicator, client, mirror } = setup();
    const fast = 2 ** 50;
    const far = (x: number) => view(1, KIND.mover, 50, 50, [x, 0, fast, 0, 100]); // interest position (50, 50)
    replicator.commitTick(1, [far(2 ** 51)], []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, H));
    replicator.acknowledge(client, 1);
    replicator.commitTick(9, [far(2 ** 51 + 1)], []); // 2^51 + 8 * 2^50 is out of range
    const bytes = replicator.encodeFor(client, ORIGIN, H);
    expect((decode(bytes) as unknown[])[5]).toEqual([1, 1, 1]); // residual against the baseline value
    expect(mirror.apply(bytes)?.state.get(1)?.values[0]).toBe(2 ** 51 + 1);
  });

  it('shares change pieces per (baseline, tick): same baseline -> same bytes, other baseline -> own piece', () => {
    const replicator = new Replicator(testSchema, { interestRadius: 100 });
    const [a, b, c] = [replicator.addClient(), replicator.addClient(), replicator.addClient()];
    const world = (t: number) => [mover(1, 10 + 2 * t + (t > 2 ? t - 2 : 0), 10, t > 2 ? 3 : 2, 0), mover(2, 20, 20 + t, 0, 1)];
    const mirrors = [a, b, c].map(() => new SnapshotMirror(testSchema));
    const send = (t: number) => {
      replicator.commitTick(t, world(t), []);
      return [a, b, c].map((client, i) => {
        const bytes = replicator.encodeFor(client, ORIGIN, H);
        expect(plain(mirrors[i].apply(bytes)?.state ?? new Map())).toEqual(plain(new Map(world(t).map((e) => [e.id, e]))));
        return bytes;
      });
    };
    send(1);
    for (const client of [a, b, c]) replicator.acknowledge(client, 1);
    send(2);
    replicator.acknowledge(c, 2); // c moves on, a and b stay on baseline 1
    const before = replicator.stats.changeEncoded;
    const [ba, bb, bc] = send(4);
    expect(ba).toEqual(bb);
    expect(bc).not.toEqual(ba);
    expect(replicator.stats.changeEncoded - before).toBe(4); // 2 entities x 2 baselines
  });

  it('an entity moving by prediction alone can still leave, or be replaced by another kind', () => {
    const { step } = setup({ hysteresisCells: 0 });
    step(1, [mover(1, 50, 50, 1, 0), mover(2, 60, 60, 1, 0)]);
    const applied = step(2, [view(1, KIND.projectile, 51, 50, [1, 2, 3])]);
    expect(applied.left).toEqual([1, 2]);
    expect(applied.entered).toEqual([1]);
    expect(applied.changed).toEqual([]);
    expect(plain(applied.state)).toEqual([[1, KIND.projectile, [1, 2, 3]]]);
  });
});

describe('lastInputSeq relative to the baseline', () => {
  const seq = (s: number): SnapshotHeader => ({ lastInputSeq: s, lastInputTick: -1, inputQueueDepth: 0 });

  it('is absolute in a full snapshot and a difference in a delta', () => {
    const { replicator, client, mirror } = setup();
    replicator.commitTick(1, [], []);
    const full = replicator.encodeFor(client, ORIGIN, seq(70000));
    expect((decode(full) as unknown[])[2]).toBe(70000);
    expect(mirror.apply(full)?.lastInputSeq).toBe(70000);
    replicator.acknowledge(client, 1);
    replicator.commitTick(2, [], []);
    const delta = replicator.encodeFor(client, ORIGIN, seq(70003));
    expect((decode(delta) as unknown[])[2]).toBe(3); // one byte instead of five
    expect(mirror.apply(delta)?.lastInputSeq).toBe(70003);
    replicator.commitTick(3, [], []);
    expect(mirror.apply(replicator.encodeFor(client, ORIGIN, seq(5)))?.lastInputSeq).toBe(5); // may go down
  });

  it('a tick encoded twice with different seqs cannot become a baseline (the client may hold either)', () => {
    const { replicator, client, mirror } = setup();
    replicator.commitTick(1, [], []);
    mirror.apply(replicator.encodeFor(client, ORIGIN, seq(10)));
    replicator.acknowledge(client, 1);
    replicator.commitTick(2, [], []);
    replicator.encodeFor(client, ORIGIN, seq(11));
    const second = replicator.encodeFor(client, ORIGIN, seq(12));
    expect(mirror.apply(second)?.lastInputSeq).toBe(12);
    expect(replicator.acknowledge(client, 2)).toBe(false);
    replicator.commitTick(3, [], []);
    const next = mirror.apply(replicator.encodeFor(client, ORIGIN, seq(13)));
    expect(next?.baselineTick).toBe(1);
    expect(next?.lastInputSeq).toBe(13);
    // The same seq twice is fine; so is a re-encode after the client acknowledged the first copy.
    replicator.encodeFor(client, ORIGIN, seq(13));
    expect(replicator.acknowledge(client, 3)).toBe(true);
    replicator.encodeFor(client, ORIGIN, seq(99)); // stale for the client
    replicator.commitTick(4, [], []);
    expect(mirror.apply(replicator.encodeFor(client, ORIGIN, seq(14)))?.lastInputSeq).toBe(14);
  });
});

describe('contract checks on the game side', () => {
  const r = () => new Replicator(testSchema, { interestRadius: 100 });
  it('rejects bad views, ticks and headers with clear errors', () => {
    expect(() => r().commitTick(1, [view(1, 7, 0, 0, [])], [])).toThrow(/unknown kind 7/);
    expect(() => r().commitTick(1, [view(1, KIND.player, 0, 0, [1, 2])], [])).toThrow(/2 values, schema has 5/);
    expect(() => r().commitTick(1, [view(1, KIND.player, 0, 0, [1.5, 2, 3, 'a', 4])], [])).toThrow(/not a safe integer/);
    expect(() => r().commitTick(1, [view(1, KIND.player, 0, 0, [2 ** 52, 2, 3, 'a', 4])], [])).toThrow(/2\^52/);
    expect(() => r().commitTick(1, [view(1, KIND.player, NaN, 0, [1, 2, 3, 'a', 4])], [])).toThrow(/non-finite/);
    expect(() => r().commitTick(1, [player(1, 0, 0), player(1, 0, 0)], [])).toThrow(/duplicate/);
    const replicator = r();
    replicator.commitTick(3, [], []);
    expect(() => replicator.commitTick(3, [], [])).toThrow(/after tick 3/);
    const client = replicator.addClient();
    const badHeader = { lastInputSeq: 0.5, lastInputTick: 0, inputQueueDepth: 0 };
    expect(() => replicator.encodeFor(client, ORIGIN, badHeader)).toThrow(RangeError);
    replicator.removeClient(client);
    expect(() => replicator.encodeFor(client, ORIGIN, H)).toThrow(/removed/);
    expect(() => r().encodeFor(r().addClient(), ORIGIN, H)).toThrow(/does not belong/);
  });

  it('rejects schemas the format cannot carry', () => {
    const fields = Array.from({ length: 32 }, (_, i) => ({ name: `f${i}`, type: 'int' as const }));
    const tooWide = { kinds: [{ kind: 0, name: 'w', fields }] };
    expect(() => new Replicator(tooWide, { interestRadius: 1 })).toThrow(/at most 31/);
    expect(() => new SnapshotMirror({ kinds: [{ kind: 1, name: 'x', fields: [] }] })).toThrow(/expected 0/);
    const kind = (...f: FieldSpec[]): ReplicationSchema => ({ kinds: [{ kind: 0, name: 'k', fields: f }] });
    const vx: FieldSpec = { name: 'vx', type: 'int' };
    expect(() => new Replicator(kind({ name: 'x', type: 'int', velocity: 'vx' }, vx), { interestRadius: 1 })).toThrow(
      /needs a delta/,
    );
    expect(() => new SnapshotMirror(kind({ name: 'x', type: 'int', delta: true, velocity: 'v' }, vx))).toThrow(/not another int/);
    expect(() => new SnapshotMirror(kind({ name: 'x', type: 'int', delta: true, velocity: 'x' }))).toThrow(/not another int/);
    const label: FieldSpec = { name: 'vx', type: 'string' };
    expect(() => new SnapshotMirror(kind({ name: 'x', type: 'int', delta: true, velocity: 'vx' }, label))).toThrow(/not another int/);
    expect(() => new SnapshotMirror(kind(vx, { ...vx }))).toThrow(/same name/);
    expect(() => new SnapshotMirror({ kinds: [], reliableEvents: [1.5] })).toThrow(/not an integer/);
  });

  it('rejects a lastInputSeq whose differences could leave the safe integer range', () => {
    const replicator = r();
    replicator.commitTick(1, [], []);
    const header = { lastInputSeq: 2 ** 52, lastInputTick: 0, inputQueueDepth: 0 };
    expect(() => replicator.encodeFor(replicator.addClient(), ORIGIN, header)).toThrow(RangeError);
  });
});
