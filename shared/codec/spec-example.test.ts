// Keeps docs/SNAPSHOT-SPEC.md honest: the worked example's bytes and the per-entity cost table there are
// asserted here against the real encoder. Change both together.

import { decode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { MsgpackReader } from './msgpack-reader.js';
import { Replicator, type SnapshotHeader } from './replicator.js';
import type { EntityView, FieldValue, ReplicationSchema } from './schema.js';
import { SnapshotMirror } from './snapshot-mirror.js';

/** The schema of the spec's example. */
const schema: ReplicationSchema = {
  kinds: [
    {
      kind: 0,
      name: 'player',
      fields: [
        { name: 'x', type: 'int', delta: true },
        { name: 'y', type: 'int', delta: true },
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
};

const p = (id: number, x: number, y: number, hp: number, name: string): EntityView => ({
  id,
  kind: 0,
  x,
  y,
  values: [x, y, hp, name],
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
      [p(1, 100, 100, 100, 'ann'), p(2, 150, 90, 80, 'bob'), far, p(5, 60, 40, 30, 'eve'), clock(1000)],
      [],
    );
    const noInput = { lastInputSeq: 0, lastInputTick: -1, inputQueueDepth: 0 };
    const full = replicator.encodeFor(client, { x: 100, y: 100 }, noInput);
    expect(hex(full)).toBe(
      '97 cd 03 e8 c0 00 cd 03 e9 00 90 dc 00 16 01 00 64 64 64 a3 61 6e 6e 02 00 cc 96 5a 50 a3 62 6f 62 ' +
        '05 00 3c 28 1e a3 65 76 65 32 01 cd 03 e8 a4 6c 69 76 65',
    );
    mirror.apply(full);
    replicator.acknowledge(client, 1000);

    replicator.commitTick(
      1001,
      [p(1, 103, 98, 100, 'ann'), p(2, 150, 90, 80, 'bob'), far, p(4, 120, 130, 100, 'cy'), clock(1001)],
      [{ tick: 1001, event: [1, 1, 5] }],
    );
    const input57 = { lastInputSeq: 57, lastInputTick: 1001, inputQueueDepth: 1 };
    const delta = replicator.encodeFor(client, { x: 103, y: 98 }, input57);
    expect(hex(delta)).toBe(
      '99 cd 03 e9 01 39 00 01 97 01 03 03 fe 32 01 cd 03 e9 96 04 00 78 cc 82 64 a2 63 79 91 05 92 00 93 01 01 05',
    );
    expect(decode(delta)).toEqual([
      1001,
      1,
      57,
      0,
      1,
      [1, 3, 3, -2, 50, 1, 1001],
      [4, 0, 120, 130, 100, 'cy'],
      [5],
      [0, [1, 1, 5]],
    ]);
    const applied = mirror.apply(delta);
    expect(applied?.state.get(1)?.values).toEqual([103, 98, 100, 'ann']);
    expect(applied?.left).toEqual([5]);
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
  const wide = (id: number, values: number[]): EntityView => ({ id, kind: 2, x: 0, y: 0, values });

  it('matches the documented per-entity costs', () => {
    expect(cost([ann], [ann])).toEqual({ header: 10, sections: [] }); // unchanged: header only
    expect(cost([ann], [p(1, 103, 98, 100, 'ann')]).sections).toEqual([4]); // moving player
    expect(cost([ann], [p(1, 140, 60, 100, 'ann')]).sections).toEqual([5]); // dx 40 (> 31 one way), dy -40
    expect(cost([ann], [p(1, 100, 100, 75, 'ann')]).sections).toEqual([3]); // one int field
    expect(cost([ann], [p(1, 101, 101, 75, 'ann')]).sections).toEqual([5]); // x, y and hp
    expect(cost([ann], [p(1, 100, 100, 100, 'anna')]).sections).toEqual([7]); // a string field: 1 + length
    expect(cost([ann], [p(1, 4000, 100, 100, 'ann')]).sections).toEqual([5]); // teleport: dx 3900 is a uint16
    expect(cost([p(200, 0, 0, 1, 'a')], [p(200, 1, 1, 1, 'a')]).sections).toEqual([5]); // id 128..255
    expect(cost([p(1000, 0, 0, 1, 'a')], [p(1000, 1, 1, 1, 'a')]).sections).toEqual([6]); // id 256..65535
    const w0 = wide(9, [0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(cost([w0], [wide(9, [0, 0, 0, 0, 0, 0, 0, 1, 0])]).sections).toEqual([4]); // field 7: mask 0x80 is 2 bytes
    expect(cost([], [p(4, 120, 130, 100, 'cy')]).sections).toEqual([0, 9]); // enter: id, kind, all values
    expect(cost([ann], []).sections).toEqual([0, 0, 1]); // leave: the id
    expect(cost([ann], [ann], [[1, 1, 5]]).sections).toEqual([0, 0, 0, 5]); // event: tick offset + array
  });
});
