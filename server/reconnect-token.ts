// Signed reconnect tokens: "roomId.playerId.occupancy.signature", HMAC-SHA256 with the server secret.
// A token names one occupancy of a seat (Seat.occupancy, unique within its room), not just a player id:
// ids are reused, occupancies never are. The token carries no expiry of its own: the room accepts it only
// while that occupancy lasts (seated, or disconnected for less than the reconnect grace), so it dies
// when the player leaves, when the grace runs out, or when the seat is given to someone else.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface SeatClaim {
  readonly roomId: string;
  readonly playerId: number;
  readonly occupancy: number;
}

/** Bound into every MAC so no other signed string of ours (nor an older token format) verifies as a token. */
const PURPOSE = 'reconnect-seat-v2';

export class ReconnectTokens {
  private readonly key: Buffer;

  constructor(secret: string | null) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  sign(claim: SeatClaim): string {
    const body = `${claim.roomId}.${claim.playerId}.${claim.occupancy}`;
    return `${body}.${this.mac(body)}`;
  }

  /**
   * The room a well-formed token names, authentic or not: enough to send the player to the room's node,
   * which verifies the token (nodes without a shared SECRET cannot verify each other's tokens).
   */
  static roomOf(token: string): string | null {
    const parts = token.split('.');
    return parts.length === 4 && /^[A-Za-z0-9_-]{1,32}$/.test(parts[0]!) ? parts[0]! : null;
  }

  /** The claim if the token is authentic, else null. Whether the seat is still held is the room's call. */
  verify(token: string): SeatClaim | null {
    const parts = token.split('.');
    if (parts.length !== 4) return null;
    const [roomId, playerIdText, occupancyText, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.mac(`${roomId}.${playerIdText}.${occupancyText}`), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    const playerId = Number(playerIdText);
    const occupancy = Number(occupancyText);
    if (!Number.isSafeInteger(playerId) || !Number.isSafeInteger(occupancy) || occupancy < 1) return null;
    return { roomId, playerId, occupancy };
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`${PURPOSE}:${body}`).digest('base64url');
  }
}
