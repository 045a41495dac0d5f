// Room-creation quotas, so that no one client can use up the server's rooms: per client address and per
// identity (an account; a guest's identity is its connection), a cap on the rooms it created that are
// still open and a rate of creations (a token bucket: connect/create/disconnect churn stays bounded).
// An IPv6 address counts per /64, what one subscriber is usually given (anyone holding a /64 has 2^64
// addresses). Addresses in exemptAddresses skip the per-address part, never the per-identity part.

import { addressLimitKey } from './client-address.js';
import { TokenBucket } from './rate-limiter.js';

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
  /**
   * Which of these rooms are still open, wherever in the cluster they run (the room directory). Null: it
   * cannot tell now, and every room counts as open.
   */
  readonly openRoomIds: (roomIds: readonly string[]) => Promise<ReadonlySet<string> | null>;
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
  /** Ids of the rooms this key created; closed ones are pruned when they might matter. */
  readonly rooms: Set<string>;
  /** Creations reserved whose placement has not answered yet. */
  pending: number;
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

  /** Whether `requester` may create a room now (spends nothing): null, or why not. */
  async check(requester: RoomRequester): Promise<QuotaRefusal | null> {
    const scopes = this.scopesOf(requester);
    await this.pruneClosed(scopes);
    return this.refusalNow(scopes);
  }

  /**
   * Reserves one creation for a placement that creates a room (spends a creation), or says why not; answer
   * with settle() once the placement has answered.
   */
  async reserve(requester: RoomRequester): Promise<QuotaRefusal | null> {
    this.sweepIfDue();
    const scopes = this.scopesOf(requester);
    await this.pruneClosed(scopes);
    // Checked again after the wait, synchronously with the spending: concurrent reservations see each other.
    const refusal = this.refusalNow(scopes);
    if (refusal) return refusal;
    for (const [, key] of scopes) {
      const usage = this.entry(key);
      usage.creations?.take();
      usage.pending++;
      usage.lastCreationAt = this.now();
    }
    return null;
  }

  /** The placement of a reserve() answered: the room it created (counted until it closes), or null. */
  settle(requester: RoomRequester, createdRoomId: string | null): void {
    for (const [, key] of this.scopesOf(requester)) {
      const usage = this.entry(key);
      usage.pending = Math.max(0, usage.pending - 1);
      if (createdRoomId !== null) usage.rooms.add(createdRoomId);
    }
  }

  /** A placement allowed by check() (quick play) created a room: spend a creation and count the room. */
  recordCreated(requester: RoomRequester, roomId: string): void {
    this.sweepIfDue();
    for (const [, key] of this.scopesOf(requester)) {
      const usage = this.entry(key);
      usage.creations?.take();
      usage.rooms.add(roomId);
      usage.lastCreationAt = this.now();
    }
  }

  private refusalNow(scopes: readonly [Scope, string][]): QuotaRefusal | null {
    const { maxOpenRooms, creationsPerMinute } = this.options;
    if (maxOpenRooms > 0) {
      for (const [scope, key] of scopes) {
        const usage = this.usage.get(key);
        const open = usage ? usage.rooms.size + usage.pending : 0;
        if (open >= maxOpenRooms) return openRoomsRefusal(scope, open, maxOpenRooms);
      }
    }
    for (const [scope, key] of scopes) {
      const bucket = this.usage.get(key)?.creations;
      if (bucket && !bucket.canTake()) return creationRateRefusal(scope, creationsPerMinute);
    }
    return null;
  }

  /** Forgets the closed rooms of keys at their open-room cap (only those: it costs a directory call). */
  private async pruneClosed(scopes: readonly [Scope, string][]): Promise<void> {
    const max = this.options.maxOpenRooms;
    const full = scopes.map(([, key]) => this.usage.get(key)).filter((u): u is Usage => u !== undefined && max > 0 && u.rooms.size + u.pending >= max);
    if (full.length === 0) return;
    const ids = [...new Set(full.flatMap((u) => [...u.rooms]))];
    const open = await this.options.openRoomIds(ids);
    if (!open) return;
    for (const usage of full) for (const id of usage.rooms) if (!open.has(id)) usage.rooms.delete(id);
  }

  private scopesOf(requester: RoomRequester): [Scope, string][] {
    const scopes: [Scope, string][] = [['user', `user:${requester.userId}`]];
    if (!this.options.exemptAddresses.has(requester.address)) scopes.push(['address', `addr:${addressLimitKey(requester.address)}`]);
    return scopes;
  }

  private entry(key: string): Usage {
    let usage = this.usage.get(key);
    if (!usage) {
      const perMinute = this.options.creationsPerMinute;
      usage = {
        rooms: new Set(),
        pending: 0,
        creations: perMinute > 0 ? new TokenBucket(perMinute / 60, perMinute, this.now) : null,
        lastCreationAt: this.now(),
      };
      this.usage.set(key, usage);
    }
    return usage;
  }

  /**
   * Bounds memory: entries only appear on creations, and go once idle with no open room. Runs in the
   * background (it asks the directory which of the idle keys' rooms are still open).
   */
  private sweepIfDue(): void {
    const now = this.now();
    if (now - this.lastSweep < IDLE_AFTER_MS) return;
    this.lastSweep = now;
    const idle = [...this.usage].filter(([, u]) => now - u.lastCreationAt >= IDLE_AFTER_MS && u.pending === 0);
    const ids = [...new Set(idle.flatMap(([, u]) => [...u.rooms]))];
    const answer = ids.length === 0 ? Promise.resolve(new Set<string>()) : this.options.openRoomIds(ids);
    void answer.then(
      (open) => {
        if (!open) return;
        for (const [key, usage] of idle) {
          for (const id of usage.rooms) if (!open.has(id)) usage.rooms.delete(id);
          if (usage.rooms.size === 0 && usage.pending === 0 && this.usage.get(key) === usage) this.usage.delete(key);
        }
      },
      () => {}, // the next sweep tries again
    );
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
