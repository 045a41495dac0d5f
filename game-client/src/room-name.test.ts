import { describe, expect, it } from 'vitest';
import { roomName, roomWords } from './room-name.js';

describe('room names', () => {
  it('are two capitalised words, the same for the same id, never the id', () => {
    const name = roomWords('vN8___Wz');
    expect(name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(roomWords('vN8___Wz')).toBe(name);
    expect(name).not.toContain('vN8___Wz');
  });

  it('spread over many ids', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `room${i}x${(i * 7919).toString(36)}`);
    expect(new Set(ids.map(roomWords)).size).toBeGreaterThan(150);
  });

  it('are the code for a private room', () => {
    expect(roomName({ roomId: 'abc', code: 'K7Q2ZP' })).toBe('code K7Q2ZP');
    expect(roomName({ roomId: 'abc', code: null })).toBe(roomWords('abc'));
  });
});
