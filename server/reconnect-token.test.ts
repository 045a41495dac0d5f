import { describe, expect, it } from 'vitest';
import { ReconnectTokens } from './reconnect-token.js';

describe('ReconnectTokens', () => {
  const tokens = new ReconnectTokens('test-secret');
  const claim = { roomId: 'abc_DEF-1', playerId: 7, expiresAt: Date.now() + 60_000 };

  it('verifies its own tokens', () => {
    expect(tokens.verify(tokens.sign(claim))).toEqual(claim);
  });

  it('refuses tampered, foreign, expired and malformed tokens', () => {
    const token = tokens.sign(claim);
    expect(tokens.verify(token.replace('.7.', '.8.'))).toBeNull();
    expect(new ReconnectTokens('other-secret').verify(token)).toBeNull();
    expect(tokens.verify(tokens.sign({ ...claim, expiresAt: Date.now() - 1 }))).toBeNull();
    for (const bad of ['', 'a.b.c', 'a.b.c.d.e', `${token}x`, 'room.1.99999999999999.forged']) {
      expect(tokens.verify(bad)).toBeNull();
    }
  });
});
