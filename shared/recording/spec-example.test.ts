// The worked examples of docs/RECORDING-FORMAT.md, asserted against the real encoders.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crc32 } from './crc32.js';
import { EventsEncoder } from './events-codec.js';
import { InputsDecoder, InputsEncoder, newSeat } from './input-codec.js';
import { encodeFrame, encodePrelude, encodeRecordPayload } from './writer.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
const spec = readFileSync(new URL('../../docs/RECORDING-FORMAT.md', import.meta.url), 'utf8');

describe('docs/RECORDING-FORMAT.md examples', () => {
  it('prelude and a join frame', () => {
    expect(hex(encodePrelude())).toBe('89 47 52 45 43 0d 0a 1a 01 00 00 00');
    const frame = encodeFrame(0, encodeRecordPayload({ type: 'join', tick: 0, playerId: 1, name: 'ann' }));
    expect(hex(frame.subarray(0, 9))).toBe('25 00 00 00 da aa b0 65 00');
    expect(hex(frame.subarray(9))).toMatch(/^84 a4 74 79 70 65 a4 6a 6f 69 6e a4 74 69 63 6b 00 /);
    expect(spec).toContain('84 a4 74 79 70 65 a4 6a 6f 69 6e a4 74 69 63 6b 00 ...');
    expect(crc32(frame, 8)).toBe(0x65b0aada);
    expect(spec).toContain('da aa b0 65');
  });

  it('packed inputs of two seats over three ticks', () => {
    const seats = [newSeat(1, 'ann'), newSeat(2, 'bob')];
    const e = new InputsEncoder();
    e.encodeTick(1, [{ playerId: 1, renderTick: 0, payload: { keys: 1, aim: 100 } }, { playerId: 2, renderTick: 1, payload: { keys: 0, aim: 0 } }], seats);
    e.encodeTick(2, [{ playerId: 1, renderTick: 1, payload: { keys: 1, aim: 103 } }, { playerId: 2, renderTick: 2, payload: { keys: 0, aim: 0 } }], seats);
    e.encodeTick(3, [{ playerId: 1, renderTick: 1, payload: { keys: 1, aim: 103 } }, { playerId: 2, renderTick: 3, payload: { keys: 8, aim: 0 } }], seats);
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
});
