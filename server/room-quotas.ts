// Room-creation quotas, so that no one client can use up the server's rooms: per client address and per
// identity (an account; a guest's identity is its connection), a cap on the rooms it created that are
// still open and a rate of creations (a token bucket: connect/create/disconnect churn stays bounded).
// An IPv6 address counts per /64, what one subscriber is usually given (anyone holding a /64 has 2^64
// addresses). Addresses in exemptAddresses skip the per-address part, never the per-identity part.

import { addressLimitKey } from './client-address.js';
import { TokenBucket } from './rate-limiter.js';
import type { Room } from './room.js';

/** Who asks for a room: the client's address (server/client-address.ts) and its identity's userId. */
export interface RoomRequester {
  readonly address: string;
  readonly userId: string;
}

export interface RoomQuotaOptions {
  /** Rooms created that are still open, per address and per identity; 0: no limit. */
  readonly maxOpenRooms: number;
  /** Room creations per minute (with a burst of as many) per address and per identity; 0: no limit. */
  readonly creationsPerMinute: number;
  readonly exemptAddresses: ReadonlySet<string>;
  readonly now?: () => number;
}

export type QuotaRefusalReason =
  | 'open_rooms_per_address'
  | 'open_rooms_per_user'
  | 'creation_rate_per_address'
  | 'creation_rate_per_user';

export interface QuotaRefusal {
  readonly reason: QuotaRefusalReason;
  readonly message: string;
}

interface Usage {
  /** Rooms this key created; closed ones are pruned when counted. */
  readonly rooms: Set<Room>;
  readonly creations: TokenBucket | null;
  lastCreationAt: number;
}

type Scope = 'address' | 'user';

/** A usage entry with no open room and a bucket full again is dropped (a new one starts in that state). */
const IDLE_AFTER_MS = 60_000;

export class RoomQuotas {
  private readonly usage = new Map<string, Usage>();
  private readonly now: () => number;
  private lastSweep: number;

  constructor(private readonly options: RoomQuotaOptions) {
    this.now = options.now ?? (() => performance.now());
    this.lastSweep = this.now();
  }

  /** Keys currently tracked (for tests of the memory bound). */
  get trackedKeys(): number {
    return this.usage.size;
  }

  /**
   * Checks every quota of `requester`; when all allow a new room, spends one creation and returns null,
   * otherwise returns why not (open-room caps are checked before any creation is spent).
   */
  reserve(requester: RoomRequester): QuotaRefusal | null {
    this.sweepIfDue();
    const scopes = this.scopesOf(requester);
    const { maxOpenRooms, creationsPerMinute } = this.options;
    if (maxOpenRooms > 0) {
      for (const [scope, key] of scopes) {
        const open = this.openRooms(key);
        if (open >= maxOpenRooms) return openRoomsRefusal(scope, open, maxOpenRooms);
      }
    }
    // TokenBucket cannot look without taking: when the address refuses after the identity took, that
    // identity lost one creation for a room it did not get (it was the one asking too often anyway).
    for (const [scope, key] of scopes) {
      const usage = this.entry(key);
      if (usage.creations && !usage.creations.take()) return creationRateRefusal(scope, creationsPerMinute);
      usage.lastCreationAt = this.now();
    }
    return null;
  }

  /** Counts `room` against `requester`'s open-room caps until it closes. */
  record(requester: RoomRequester, room: Room): void {
    for (const [, key] of this.scopesOf(requester)) this.entry(key).rooms.add(room);
  }

  private scopesOf(requester: RoomRequester): [Scope, string][] {
    const scopes: [Scope, string][] = [['user', `user:${requester.userId}`]];
    if (!this.options.exemptAddresses.has(requester.address)) scopes.push(['address', `addr:${addressLimitKey(requester.address)}`]);
    return scopes;
  }

  private openRooms(key: string): number {
    const usage = this.usage.get(key);
    if (!usage) return 0;
    for (const room of usage.rooms) if (room.isClosed) usage.rooms.delete(room);
    return usage.rooms.size;
  }

  private entry(key: string): Usage {
    let usage = this.usage.get(key);
    if (!usage) {
      const perMinute = this.options.creationsPerMinute;
      usage = {
        rooms: new Set(),
        creations: perMinute > 0 ? new TokenBucket(perMinute / 60, perMinute, this.now) : null,
        lastCreationAt: this.now(),
      };
      this.usage.set(key, usage);
    }
    return usage;
  }

  /** Bounds memory: entries only appear on creations, and go once idle. */
  private sweepIfDue(): void {
    const now = this.now();
    if (now - this.lastSweep < IDLE_AFTER_MS) return;
    this.lastSweep = now;
    for (const [key, usage] of this.usage) {
      if (now - usage.lastCreationAt >= IDLE_AFTER_MS && this.openRooms(key) === 0) this.usage.delete(key);
    }
  }
}

function openRoomsRefusal(scope: Scope, open: number, max: number): QuotaRefusal {
  const who = scope === 'address' ? 'clients at your address have' : 'you have';
  return {
    reason: scope === 'address' ? 'open_rooms_per_address' : 'open_rooms_per_user',
    message: `${who} created ${open} rooms that are still open (the limit is ${max}); join one of them, or create a new one once one closes`,
  };
}

function creationRateRefusal(scope: Scope, perMinute: number): QuotaRefusal {
  const who = scope === 'address' ? 'from your address' : 'by you';
  return {
    reason: scope === 'address' ? 'creation_rate_per_address' : 'creation_rate_per_user',
    message: `too many rooms created ${who} (the limit is ${perMinute} a minute); try again in ${Math.ceil(60 / perMinute)} s`,
  };
}
