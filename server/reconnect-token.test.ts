import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReconnectTokens } from './reconnect-token.js';

describe('ReconnectTokens', () => {
  const tokens = new ReconnectTokens('test-secret');
  const claim = { roomId: 'abc_DEF-1', playerId: 7, occupancy: 12 };

  it('verifies its own tokens', () => {
    expect(tokens.verify(tokens.sign(claim))).toEqual(claim);
  });

  it('refuses tampered, foreign and malformed tokens', () => {
    const token = tokens.sign(claim);
    expect(tokens.verify(token.replace('.7.', '.8.'))).toBeNull();
    expect(tokens.verify(token.replace('.12.', '.13.'))).toBeNull();
    expect(new ReconnectTokens('other-secret').verify(token)).toBeNull();
    expect(tokens.verify(tokens.sign({ ...claim, occupancy: 0 }))).toBeNull();
    for (const bad of ['', 'a.b.c', 'a.b.c.d.e', `${token}x`, 'room.1.99999999999999.forged']) {
      expect(tokens.verify(bad)).toBeNull();
    }
  });

  it('refuses a token of the previous format (room, player, expiry) signed with the same secret', () => {
    const body = `${claim.roomId}.${claim.playerId}.${Date.now() + 60_000}`;
    const old = `${body}.${createHmac('sha256', 'test-secret').update(body).digest('base64url')}`;
    expect(tokens.verify(old)).toBeNull();
  });
});
