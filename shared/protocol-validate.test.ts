import { describe, expect, it } from 'vitest';
import {
  ValidationError,
  sanitizeName,
  validateChat,
  validateHandshake,
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
    expect(validateInputEnvelope([1, -1, 0, [0, 0]])).toEqual({ seq: 1, ackTick: -1, renderTick: 0, payloads: [[0, 0]] });
    // A batch: consecutive inputs after the first payload, up to LIMITS.maxInputsPerMessage in all.
    expect(validateInputEnvelope([7, 3, 5, [1, 0], [2, 0]])).toEqual({ seq: 7, ackTick: 3, renderTick: 5, payloads: [[1, 0], [2, 0]] });
    const most = [1, 0, 0, ...Array.from({ length: LIMITS.maxInputsPerMessage }, () => [0, 0])];
    expect(validateInputEnvelope(most)).toEqual({ seq: 1, ackTick: 0, renderTick: 0, payloads: most.slice(3) });
    const tooMany = [...most, [0, 0]];
    const lastSeqTooBig = [0xffffffff, 0, 0, [0, 0], [0, 0]];
    for (const bad of [[0, 0, 0, []], [1, -2, 0, []], [1, 0, -1, []], [1.5, 0, 0, []], [1, 0, 0], 'x', null, tooMany, lastSeqTooBig]) {
      expect(validateInputEnvelope(bad)).toBeInstanceOf(ValidationError);
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
