// The worked examples of docs/RECORDING-FORMAT.md, asserted against the real encoders.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { stateDigest } from './digest.js';
import { EventDigestsEncoder, EventsEncoder, decodeEventDigests } from './events-codec.js';
import { RECORDING_FORMAT_VERSION } from './format.js';
import { InputsDecoder, newSeat } from './input-codec.js';
import { InputsEncoder } from './input-encoder.js';
import { encodeFrame, encodePrelude, encodeRecordPayload } from './writer.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const spec = readFileSync(new URL('../../docs/RECORDING-FORMAT.md', import.meta.url), 'utf8');

describe('docs/RECORDING-FORMAT.md examples', () => {
  it('prelude and a join frame', () => {
    expect(RECORDING_FORMAT_VERSION).toBe(4);
    expect(hex(encodePrelude())).toBe('89 47 52 45 43 0d 0a 1a 04 00 00 00');
    expect(spec).toContain('89 47 52 45 43 0d 0a 1a 04 00 00 00                      magic, version 4');
    expect(spec).toMatch(/^# Match recording format \(format version 4\)$/m);
    const frame = encodeFrame(0, encodeRecordPayload({ type: 'join', tick: 0, playerId: 1, name: 'ann' }));
    expect(hex(frame.subarray(0, 9))).toBe('25 00 00 00 da aa b0 65 00');
    expect(hex(frame.subarray(9))).toMatch(/^84 a4 74 79 70 65 a4 6a 6f 69 6e a4 74 69 63 6b 00 /);
    expect(spec).toContain('84 a4 74 79 70 65 a4 6a 6f 69 6e a4 74 69 63 6b 00 ...');
    expect(crc32(frame, 8)).toBe(0x65b0aada);
    expect(spec).toContain('da aa b0 65');
  });

  it('packed inputs of two seats over three ticks', () => {
    const e = new InputsEncoder();
    e.seat(1, 'ann');
    e.seat(2, 'bob');
    e.encodeTick(1, [{ playerId: 1, renderTick: 0, payload: { keys: 1, aim: 100 } }, { playerId: 2, renderTick: 1, payload: { keys: 0, aim: 0 } }]);
    e.encodeTick(2, [{ playerId: 1, renderTick: 1, payload: { keys: 1, aim: 103 } }, { playerId: 2, renderTick: 2, payload: { keys: 0, aim: 0 } }]);
    e.encodeTick(3, [{ playerId: 1, renderTick: 1, payload: { keys: 1, aim: 103 } }, { playerId: 2, renderTick: 3, payload: { keys: 8, aim: 0 } }]);
    const bytes = e.finish();
    const documented = [
      '0c 02',
      '02 05 0c 04 0c',
      '01 02 02',
      '02 01 02 01',
      '02 02',
      '82 a4 6b 65 79 73 01 a3 61 69 6d 64',
      '82 a4 6b 65 79 73 00 a3 61 69 6d 00',
      '06 10',
    ];
    expect(hex(bytes)).toBe(documented.join(' '));
    for (const line of documented) expect(spec).toContain(line);
    // And back.
    const read = [newSeat(1, 'ann'), newSeat(2, 'bob')];
    const d = new InputsDecoder(bytes);
    for (let t = 1; t <= 3; t++) d.decodeTick(read);
    expect(read.map((s) => [s.payload, s.offset])).toEqual([[{ keys: 1, aim: 103 }, 2], [{ keys: 8, aim: 0 }, 0]]);
  });

  it('packed events', () => {
    const e = new EventsEncoder();
    e.reset(1);
    e.encodeTick(5, [[3, 7, 2, 1]]);
    expect(hex(e.finish())).toBe('05 01 04 0c 1c 08 04');
    expect(spec).toContain('`05 01 04 0c 1c 08 04`');
  });

  it('packed events keep only the stored kinds', () => {
    // The arena's reliableEvents: EVT_KILL (3) and EVT_MATCH_END (7). Tick 6's shot and hit are not stored.
    const keep = (event: readonly unknown[]) => event[0] === 3 || event[0] === 7;
    const e = new EventsEncoder();
    e.reset(1);
    e.encodeTick(5, [[3, 7, 2, 1]], keep);
    e.encodeTick(6, [[1, 7, 12000, 8000, 15000, 8000, 4], [2, 4, 7, 25, 1, 75]], keep);
    expect(hex(e.finish())).toBe('05 01 04 0c 1c 08 04');
  });

  it('packed event digests', () => {
    const tick5 = [[3, 7, 2, 1]];
    const tick6 = [[1, 7, 12000, 8000, 15000, 8000, 4], [2, 4, 7, 25, 1, 75]];
    expect(spec).toContain('`[[1, 7, 12000, 8000, 15000, 8000, 4], [2, 4, 7, 25, 1, 75]]`');
    const d5 = stateDigest(tick5);
    const d6 = stateDigest(tick6);
    expect(d5).toBe(0xbbffc1f2);
    expect(d6).toBe(0x71adcbaf);
    const e = new EventDigestsEncoder();
    e.reset(1);
    e.add(5, d5);
    e.add(6, d6);
    const bytes = e.finish();
    const documented = ['05 f2 c1 ff bb', '01 af cb ad 71'];
    expect(hex(bytes)).toBe(documented.join(' '));
    expect(spec).toContain('05 f2 c1 ff bb                         tick 5 (gap 5): stateDigest([[3, 7, 2, 1]]) = 0xbbffc1f2');
    expect(spec).toContain('01 af cb ad 71                         tick 6 (gap 1): stateDigest of its two events = 0x71adcbaf');
    // And back.
    expect(decodeEventDigests(bytes, 1, 10)).toEqual([[5, d5], [6, d6]]);
  });
});
