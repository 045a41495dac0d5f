// Room-creation quotas with a controlled clock. Which rooms are still open is a set standing for the
// room directory's answer (server/cluster/ tests the directory itself).

import { describe, expect, it } from 'vitest';
import { RoomQuotas, type RoomQuotaOptions, type RoomRequester } from './room-quotas.js';

function quotas(options: Partial<RoomQuotaOptions> = {}) {
  const clock = { t: 0 };
  const open = new Set<string>();
  let rooms = 0;
  const q = new RoomQuotas({
    maxOpenRooms: 2,
    creationsPerMinute: 0,
    exemptAddresses: new Set(),
    openRoomIds: async (ids) => new Set(ids.filter((id) => open.has(id))),
    now: () => clock.t,
    ...options,
  });
  /** Creates a room for `who` if the quotas allow: its id, or the refusal reason. */
  const create = async (who: RoomRequester): Promise<string> => {
    const refusal = await q.reserve(who);
    if (refusal) return refusal.reason;
    const id = `r${++rooms}`;
    open.add(id);
    q.settle(who, id);
    return id;
  };
  const close = (id: string) => open.delete(id);
  return { q, clock, create, close, open };
}

const ROOM = /^r\d+$/;

const guest = (address: string, n: number): RoomRequester => ({ address, userId: `guest-${n}` });

describe('RoomQuotas', () => {
  it('caps the open rooms of an address across identities, and frees a slot when one closes', async () => {
    const { create, close } = quotas();
    const first = await create(guest('10.0.0.1', 1));
    expect(await create(guest('10.0.0.1', 2))).toMatch(ROOM);
    expect(await create(guest('10.0.0.1', 3))).toBe('open_rooms_per_address');
    expect(await create(guest('10.0.0.2', 4))).toMatch(ROOM);
    close(first);
    expect(await create(guest('10.0.0.1', 5))).toMatch(ROOM);
  });

  it('counts creations still being placed, so concurrent requests cannot pass the cap together', async () => {
    const { q } = quotas();
    const who = guest('10.0.0.1', 1);
    const answers = await Promise.all([q.reserve(who), q.reserve(who), q.reserve(who)]);
    expect(answers.map((a) => a?.reason ?? 'ok')).toEqual(['ok', 'ok', 'open_rooms_per_user']);
    q.settle(who, null); // one placement failed: its slot is free again
    expect(await q.reserve(who)).toBeNull();
  });

  it('caps the open rooms of one identity across addresses', async () => {
    const { create } = quotas();
    const account = (address: string): RoomRequester => ({ address, userId: 'account-7' });
    await create(account('10.0.0.1'));
    await create(account('10.0.0.2'));
    expect(await create(account('10.0.0.3'))).toBe('open_rooms_per_user');
  });

  it('lets exempt addresses past the per-address limits, not past the per-identity ones', async () => {
    const { create } = quotas({ exemptAddresses: new Set(['127.0.0.1']) });
    for (let i = 0; i < 10; i++) expect(await create(guest('127.0.0.1', i))).toMatch(ROOM);
    const one = guest('127.0.0.1', 99);
    await create(one);
    await create(one);
    expect(await create(one)).toBe('open_rooms_per_user');
  });

  it('limits the rate of creations with a burst of a minute’s worth, refilled over the minute', async () => {
    const { create, clock } = quotas({ maxOpenRooms: 0, creationsPerMinute: 6 });
    for (let i = 0; i < 6; i++) expect(await create(guest('10.0.0.1', i))).toMatch(ROOM);
    expect(await create(guest('10.0.0.1', 6))).toBe('creation_rate_per_address');
    clock.t = 9_999; // one creation every 10 s
    expect(await create(guest('10.0.0.1', 7))).toBe('creation_rate_per_address');
    clock.t = 10_001;
    expect(await create(guest('10.0.0.1', 8))).toMatch(ROOM);
  });

  it('check() spends nothing; recordCreated() spends a creation and counts the room (quick play)', async () => {
    const { q, open } = quotas({ maxOpenRooms: 1, creationsPerMinute: 6 });
    const who = guest('10.0.0.1', 1);
    for (let i = 0; i < 10; i++) expect(await q.check(who)).toBeNull();
    open.add('quick-1');
    q.recordCreated(who, 'quick-1');
    expect((await q.check(who))?.reason).toBe('open_rooms_per_user');
  });

  it('counts IPv6 clients per /64', async () => {
    const { create } = quotas();
    await create(guest('2001:db8:1:2::a', 1));
    await create(guest('2001:db8:1:2::b', 2));
    expect(await create(guest('2001:db8:1:2::c', 3))).toBe('open_rooms_per_address');
    expect(await create(guest('2001:db8:1:3::c', 4))).toMatch(ROOM);
  });

  it('forgets clients that are idle with no open room, so its memory does not grow with churn', async () => {
    const { q, clock, create, close } = quotas({ creationsPerMinute: 10 });
    for (let i = 0; i < 50; i++) close(await create(guest(`10.0.1.${i}`, i)));
    await create(guest('10.0.2.1', 1000)); // still open: its entries stay
    expect(q.trackedKeys).toBe(102);
    clock.t = 61_000;
    await create(guest('10.0.3.1', 2000)); // runs the sweep, which asks which rooms are open
    await new Promise((resolve) => setImmediate(resolve));
    expect(q.trackedKeys).toBe(4);
  });
});
