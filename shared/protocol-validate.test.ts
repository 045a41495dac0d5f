import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  sanitizeName,
  validateChat,
  validateHandshake,
  inputPayload,
  inputRenderTick,
  validateInputEnvelope,
  validateJoinRoom,
} from './protocol-validate.js';
import { LIMITS } from './protocol.js';

describe('protocol validators', () => {
  it('sanitizes display names', () => {
    expect(sanitizeName('  Ann\u0000a \u202e  ')).toBe('Anna');
    expect(sanitizeName('a'.repeat(40))).toBe('a'.repeat(16));
    expect(sanitizeName('\u200b\u200b')).toBeNull();
    expect(sanitizeName(42)).toBeNull();
  });

  it('accepts a join by id or by (case-insensitive) code, never both', () => {
    expect(validateJoinRoom({ roomId: 'Ab_9-x' })).toEqual({ roomId: 'Ab_9-x' });
    expect(validateJoinRoom({ code: ' abcdef ' })).toEqual({ code: 'ABCDEF' });
    expect(validateJoinRoom({ roomId: 'a', code: 'ABCDEF' })).toBeInstanceOf(ValidationError);
    expect(validateJoinRoom({})).toBeInstanceOf(ValidationError);
    expect(validateJoinRoom({ roomId: '../etc' })).toBeInstanceOf(ValidationError);
    expect(validateJoinRoom({ code: 'ABCDE0' })).toBeInstanceOf(ValidationError); // 0 is not in the alphabet
  });

  it('checks input envelopes strictly', () => {
    const one = [1, -1, 0, [0, 0]];
    expect(validateInputEnvelope(one)).toEqual({ seq: 1, ackTick: -1, count: 1, message: one });
    // A batch: [renderTickOffset, payload] pairs after the first input, up to LIMITS.maxInputsPerMessage inputs.
    const batch = validateInputEnvelope([7, 3, 5, [1, 0], 1, [2, 0], 1, [3, 0]]);
    if (batch instanceof ValidationError) throw new Error(batch.message);
    expect(batch.count).toBe(3);
    expect([0, 1, 2].map((i) => [inputPayload(batch, i), inputRenderTick(batch, i)])).toEqual([
      [[1, 0], 5],
      [[2, 0], 6],
      [[3, 0], 6],
    ]);
    const most = [1, 0, 9, [0, 0], ...Array.from({ length: LIMITS.maxInputsPerMessage - 1 }, (_, i) => [i - 1, [0, 0]]).flat()];
    expect(validateInputEnvelope(most)).toMatchObject({ count: LIMITS.maxInputsPerMessage });
    const tooMany = [...most, 0, [0, 0]];
    const lastSeqTooBig = [0xffffffff, 0, 0, [0, 0], 1, [0, 0]];
    const renderTickBelowZero = [1, 0, 2, [0, 0], -3, [0, 0]];
    const offsetNotAnInteger = [1, 0, 2, [0, 0], 0.5, [0, 0]];
    const pairCut = [1, 0, 2, [0, 0], [0, 0]];
    for (const bad of [[0, 0, 0, []], [1, -2, 0, []], [1, 0, -1, []], [1.5, 0, 0, []], [1, 0, 0], 'x', null, tooMany, lastSeqTooBig, renderTickBelowZero, offsetNotAnInteger, pairCut]) {
      expect(validateInputEnvelope(bad), JSON.stringify(bad)).toBeInstanceOf(ValidationError);
    }
  });

  it('cleans chat and enforces its length', () => {
    expect(validateChat({ text: ' hi\n\tthere ' })).toEqual({ text: 'hi there' });
    expect(validateChat({ text: 'x'.repeat(201) })).toBeInstanceOf(ValidationError);
    expect(validateChat({ text: 5 })).toBeInstanceOf(ValidationError);
    expect(validateChat({ text: 'a', extra: 1 })).toBeInstanceOf(ValidationError);
  });

  it('checks the handshake shape', () => {
    expect(validateHandshake({ protocol: 1, name: 'x' })).toEqual({ protocol: 1, name: 'x', token: undefined });
    expect(validateHandshake({ protocol: '1' })).toBeInstanceOf(ValidationError);
    expect(validateHandshake({ protocol: 1, admin: true })).toBeInstanceOf(ValidationError);
    expect(validateHandshake(null)).toBeInstanceOf(ValidationError);
  });
});
