// Keeps docs/SNAPSHOT-SPEC.md honest: the worked example's bytes and the per-entity cost table there are
// asserted here against the real encoder. Change both together.

import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { MsgpackReader } from './msgpack-reader.js';
import { Replicator, type SnapshotHeader } from './replicator.js';
import type { EntityView, FieldValue, ReplicationSchema } from './schema.js';
import { SnapshotMirror } from './snapshot-mirror.js';

/** The schema of the spec's example: players dead-reckoned from vx/vy, events of type 1 (kills) reliable. */
const schema: ReplicationSchema = {
  kinds: [
    {
      kind: 0,
      name: 'player',
      fields: [
        { name: 'x', type: 'int', delta: true, velocity: 'vx' },
        { name: 'y', type: 'int', delta: true, velocity: 'vy' },
        { name: 'vx', type: 'int' },
        { name: 'vy', type: 'int' },
        { name: 'hp', type: 'int' },
        { name: 'name', type: 'string' },
      ],
    },
    {
      kind: 1,
      name: 'match',
      global: true,
      fields: [
        { name: 'clock', type: 'int' },
        { name: 'phase', type: 'string' },
      ],
    },
    {
      kind: 2,
      name: 'wide',
      fields: Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, type: 'int' as const })),
    },
  ],
  reliableEvents: [1],
};

const p = (id: number, x: number, y: number, hp: number, name: string, vx = 0, vy = 0): EntityView => ({
  id,
  kind: 0,
  x,
  y,
  values: [x, y, vx, vy, hp, name],
});
const clock = (t: number): EntityView => ({ id: 50, kind: 1, x: 0, y: 0, values: [t, 'live'] });
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

describe('docs/SNAPSHOT-SPEC.md worked example', () => {
  it('produces the documented bytes', () => {
    const replicator = new Replicator(schema, { interestRadius: 200 });
    const client = replicator.addClient();
    const mirror = new SnapshotMirror(schema);
    const far = p(3, 5000, 5000, 100, 'far');
    replicator.commitTick(
      1000,
      [p(1, 100, 100, 100, 'ann', 3, -2), p(2, 150, 90, 80, 'bob'), far, p(5, 60, 40, 30, 'eve'), clock(1000)],
      [],
    );
    const noInput = { lastInputSeq: 0, lastInputTick: -1, inputQueueDepth: 0 };
    const full = replicator.encodeFor(client, { x: 100, y: 100 }, noInput);
    expect(hex(full)).toBe(
      '97 cd 03 e8 c0 00 cd 03 e9 00 90 dc 00 1c 01 00 64 64 03 fe 64 a3 61 6e 6e 02 00 cc 96 5a 00 00 50 a3 62 6f 62 ' +
        '05 00 3c 28 00 00 1e a3 65 76 65 32 01 cd 03 e8 a4 6c 69 76 65',
    );
    mirror.apply(full);
    replicator.acknowledge(client, 1000);

    const shot = [2, 1, 5];
    const kill = [1, 1, 5];
    replicator.commitTick(
      1001,
      [p(1, 103, 98, 100, 'ann', 3, -2), p(2, 152, 90, 80, 'bob', 2, 0), far, p(4, 120, 130, 100, 'cy'), clock(1001)],
      [
        { tick: 1001, event: shot },
        { tick: 1001, event: kill },
      ],
    );
    const delta = replicator.encodeFor(client, { x: 103, y: 98 }, { lastInputSeq: 57, lastInputTick: 1001, inputQueueDepth: 1 });
    expect(hex(delta)).toBe(
      '99 cd 03 e9 01 39 00 01 97 02 05 02 02 32 01 cd 03 e9 98 04 00 78 cc 82 00 00 64 a2 63 79 91 05 ' +
        '94 00 93 02 01 05 00 93 01 01 05',
    );
    expect(decode(delta)).toEqual([
      1001,
      1,
      57,
      0,
      1,
      [2, 5, 2, 2, 50, 1, 1001],
      [4, 0, 120, 130, 0, 0, 100, 'cy'],
      [5],
      [0, shot, 0, kill],
    ]);
    // Applied on a copy of the mirror (the client that got it): ann moved by prediction alone.
    const copy = new SnapshotMirror(schema);
    copy.apply(full);
    const applied = copy.apply(delta);
    expect(applied?.state.get(1)?.values).toEqual([103, 98, 3, -2, 100, 'ann']);
    expect(applied?.changed).toEqual([1, 2, 50]);
    expect(applied?.left).toEqual([5]);

    // The snapshot of 1001 is dropped on the way to `mirror`: 1002 is still a delta against 1000.
    replicator.commitTick(
      1002,
      [p(1, 106, 96, 100, 'ann', 3, -2), p(2, 154, 90, 80, 'bob', 2, 0), far, p(4, 120, 130, 100, 'cy'), clock(1002)],
      [],
    );
    const later = replicator.encodeFor(client, { x: 106, y: 96 }, { lastInputSeq: 58, lastInputTick: 1002, inputQueueDepth: 0 });
    expect(hex(later)).toBe(
      '99 cd 03 ea 02 3a 00 00 97 02 05 04 02 32 01 cd 03 ea 98 04 00 78 cc 82 00 00 64 a2 63 79 91 05 92 01 93 01 01 05',
    );
    expect(decode(later)).toEqual([1002, 2, 58, 0, 0, [2, 5, 4, 2, 50, 1, 1002], [4, 0, 120, 130, 0, 0, 100, 'cy'], [5], [1, kill]]);
    const recovered = mirror.apply(later);
    expect(recovered?.state.get(1)?.values).toEqual([106, 96, 3, -2, 100, 'ann']);
    expect(recovered?.state.get(2)?.values).toEqual([154, 90, 2, 0, 80, 'bob']);
    expect(recovered?.lastInputSeq).toBe(58);
    expect(recovered?.events).toEqual([{ tick: 1001, event: kill }]); // the shot is lost with its snapshot
  });
});

/** Bytes of each section's content (without its array header) of a snapshot, and the header size. */
function sectionSizes(bytes: Uint8Array): { header: number; sections: number[] } {
  const r = new MsgpackReader(bytes);
  const length = r.readArrayHeader('snapshot');
  r.readInt('tick');
  if (!r.readNil()) r.readInt('baseline');
  r.readInt('seq');
  r.readInt('input tick');
  r.readInt('depth');
  const header = r.pos;
  const sections: number[] = [];
  for (let s = 5; s < length; s++) {
    const n = r.readArrayHeader('section');
    const start = r.pos;
    for (let k = 0; k < n; k++) {
      if (s === 8 && k % 2 === 1) {
        const m = r.readArrayHeader('event');
        for (let v = 0; v < m; v++) r.readValue('v');
      } else {
        r.readValue('v');
      }
    }
    sections.push(r.pos - start);
  }
  return { header, sections };
}

describe('docs/SNAPSHOT-SPEC.md cost table', () => {
  const header: SnapshotHeader = { lastInputSeq: 300, lastInputTick: 1001, inputQueueDepth: 0 };
  /** Section content sizes of the delta from `before` to `after` (events of `after` included). */
  function cost(before: EntityView[], after: EntityView[], events: readonly (readonly FieldValue[])[] = []) {
    const replicator = new Replicator(schema, { interestRadius: 100_000 });
    const client = replicator.addClient();
    replicator.commitTick(1000, before, []);
    replicator.encodeFor(client, { x: 0, y: 0 }, header);
    replicator.acknowledge(client, 1000);
    replicator.commitTick(1001, after, events.map((event) => ({ tick: 1001, event })));
    return sectionSizes(replicator.encodeFor(client, { x: 0, y: 0 }, header));
  }
  const ann = p(1, 100, 100, 100, 'ann');
  const running = p(1, 100, 100, 100, 'ann', 3, -2);
  const wide = (id: number, values: number[]): EntityView => ({ id, kind: 2, x: 0, y: 0, values });

  it('matches the documented per-entity costs', () => {
    expect(cost([ann], [ann])).toEqual({ header: 8, sections: [] }); // unchanged: header only
    expect(cost([running], [p(1, 103, 98, 100, 'ann', 3, -2)])).toEqual({ header: 8, sections: [] }); // constant velocity
    expect(cost([ann], [p(1, 103, 98, 100, 'ann', 3, -2)]).sections).toEqual([6]); // starts moving: x, y, vx, vy
    expect(cost([running], [p(1, 101, 98, 100, 'ann', 0, -2)]).sections).toEqual([4]); // wall on x: x residual, vx
    expect(cost([running], [p(1, 143, 58, 100, 'ann', 3, -2)]).sections).toEqual([5]); // 40 off the prediction (> 31 one way)
    expect(cost([ann], [p(1, 101, 99, 100, 'ann')]).sections).toEqual([4]); // moved without a velocity: dx, dy
    expect(cost([ann], [p(1, 100, 100, 75, 'ann')]).sections).toEqual([3]); // one int field
    expect(cost([ann], [p(1, 101, 101, 75, 'ann')]).sections).toEqual([5]); // x, y and hp
    expect(cost([ann], [p(1, 100, 100, 100, 'anna')]).sections).toEqual([7]); // a string field: 1 + length
    expect(cost([ann], [p(1, 4000, 100, 100, 'ann')]).sections).toEqual([5]); // teleport: residual 3900 is a uint16
    expect(cost([p(200, 0, 0, 1, 'a')], [p(200, 1, 1, 1, 'a')]).sections).toEqual([5]); // id 128..255
    expect(cost([p(1000, 0, 0, 1, 'a')], [p(1000, 1, 1, 1, 'a')]).sections).toEqual([6]); // id 256..65535
    const w0 = wide(9, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(cost([w0], [wide(9, [0, 0, 0, 0, 0, 0, 0, 1, 0])]).sections).toEqual([4]); // field 7: mask 0x80 is 2 bytes
    expect(cost([], [p(4, 120, 130, 100, 'cy')]).sections).toEqual([0, 11]); // enter: id, kind, all values
    expect(cost([ann], []).sections).toEqual([0, 0, 1]); // leave: the id
    expect(cost([ann], [ann], [[1, 1, 5]]).sections).toEqual([0, 0, 0, 5]); // event: tick offset + array
    // 16 players running straight and a ticking clock: header, one section header, the clock's change.
    const room = (t: number) => [
      ...Array.from({ length: 16 }, (_, i) => p(i + 1, 100 + 3 * t, 100 + i * 10 - 2 * t, 100, `p${i}`, 3, -2)),
      clock(1000 + t),
    ];
    expect(cost(room(0), room(1))).toEqual({ header: 8, sections: [5] });
  });
});
