// Room-creation quotas with a controlled clock and real rooms.

import { describe, expect, it } from 'vitest';
import { arenaGame } from '../shared/game/arena/index.js';
import { Room } from './room.js';
import { RoomQuotas, type RoomQuotaOptions, type RoomRequester } from './room-quotas.js';

let rooms = 0;
function newRoom(): Room {
  return new Room({
    id: `r${++rooms}`, code: null, game: arenaGame, seed: 1, tickRate: 30, snapshotRate: 30, maxPlayers: 2,
    lagCompensationTicks: 8, reconnectGraceMs: 1000, emptyRoomGraceMs: 1000, interestRadius: 1e9,
  });
}

function quotas(options: Partial<RoomQuotaOptions> = {}) {
  const clock = { t: 0 };
  const q = new RoomQuotas({ maxOpenRooms: 2, creationsPerMinute: 0, exemptAddresses: new Set(), now: () => clock.t, ...options });
  /** Creates a room for `who` if the quotas allow: the room, or the refusal reason. */
  const create = (who: RoomRequester): Room | string => {
    const refusal = q.reserve(who);
    if (refusal) return refusal.reason;
    const room = newRoom();
    q.record(who, room);
    return room;
  };
  return { q, clock, create };
}

const guest = (address: string, n: number): RoomRequester => ({ address, userId: `guest-${n}` });

describe('RoomQuotas', () => {
  it('caps the open rooms of an address across identities, and frees a slot when one closes', () => {
    const { create } = quotas();
    const first = create(guest('10.0.0.1', 1));
    expect(create(guest('10.0.0.1', 2))).toBeInstanceOf(Room);
    expect(create(guest('10.0.0.1', 3))).toBe('open_rooms_per_address');
    expect(create(guest('10.0.0.2', 4))).toBeInstanceOf(Room);
    (first as Room).close('disposed', 'test');
    expect(create(guest('10.0.0.1', 5))).toBeInstanceOf(Room);
  });

  it('caps the open rooms of one identity across addresses', () => {
    const { create } = quotas();
    const account = (address: string): RoomRequester => ({ address, userId: 'account-7' });
    create(account('10.0.0.1'));
    create(account('10.0.0.2'));
    expect(create(account('10.0.0.3'))).toBe('open_rooms_per_user');
  });

  it('lets exempt addresses past the per-address limits, not past the per-identity ones', () => {
    const { create } = quotas({ exemptAddresses: new Set(['127.0.0.1']) });
    for (let i = 0; i < 10; i++) expect(create(guest('127.0.0.1', i))).toBeInstanceOf(Room);
    const one = guest('127.0.0.1', 99);
    create(one);
    create(one);
    expect(create(one)).toBe('open_rooms_per_user');
  });

  it('limits the rate of creations with a burst of a minute’s worth, refilled over the minute', () => {
    const { create, clock } = quotas({ maxOpenRooms: 0, creationsPerMinute: 6 });
    for (let i = 0; i < 6; i++) expect(create(guest('10.0.0.1', i))).toBeInstanceOf(Room);
    expect(create(guest('10.0.0.1', 6))).toBe('creation_rate_per_address');
    clock.t = 9_999; // one creation every 10 s
    expect(create(guest('10.0.0.1', 7))).toBe('creation_rate_per_address');
    clock.t = 10_001;
    expect(create(guest('10.0.0.1', 8))).toBeInstanceOf(Room);
  });

  it('counts IPv6 clients per /64', () => {
    const { create } = quotas();
    create(guest('2001:db8:1:2::a', 1));
    create(guest('2001:db8:1:2::b', 2));
    expect(create(guest('2001:db8:1:2::c', 3))).toBe('open_rooms_per_address');
    expect(create(guest('2001:db8:1:3::c', 4))).toBeInstanceOf(Room);
  });

  it('forgets clients that are idle, so its memory does not grow with churn', () => {
    const { q, clock, create } = quotas({ creationsPerMinute: 10 });
    for (let i = 0; i < 50; i++) ((create(guest(`10.0.1.${i}`, i)) as Room).close('disposed', 'test'));
    const kept = create(guest('10.0.2.1', 1000)) as Room; // still open: its entries stay
    expect(q.trackedKeys).toBe(102);
    clock.t = 61_000;
    create(guest('10.0.3.1', 2000));
    expect(q.trackedKeys).toBe(4);
    expect(kept.isClosed).toBe(false);
  });
});
