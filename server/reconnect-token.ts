// Signed reconnect tokens: "roomId.playerId.expiresAtMs.signature", HMAC-SHA256 with the server secret,
// so a client can only take back its own seat, and only within the grace period.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SeatClaim {
  readonly roomId: string;
  readonly playerId: number;
  readonly expiresAt: number;
}

export class ReconnectTokens {
  private readonly key: Buffer;

  constructor(secret: string | null) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  sign(claim: SeatClaim): string {
    const body = `${claim.roomId}.${claim.playerId}.${claim.expiresAt}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The claim if the token is authentic and unexpired, else null. */
  verify(token: string, now = Date.now()): SeatClaim | null {
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [roomId, playerIdText, expiresText, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.mac(`${roomId}.${playerIdText}.${expiresText}`), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const playerId = Number(playerIdText);
    const expiresAt = Number(expiresText);
    if (!Number.isSafeInteger(playerId) || !Number.isSafeInteger(expiresAt) || expiresAt < now) return null;
    return { roomId, playerId, expiresAt };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
