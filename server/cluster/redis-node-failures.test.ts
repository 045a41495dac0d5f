// Nodes that die or freeze, as real processes (test-support/directory-node-process.ts) against a real
// redis-server: a node killed with -9 leaves the directory within its lease TTL plus a reaper period and
// its tickets die with it; a node whose renewal comes 1.5 heartbeats late keeps everything (Colyseus #968:
// one missed ping hid live rooms); a node frozen longer than its lease fences itself, refuses tickets,
// then registers again with a new epoch and republishes its rooms, with no room twice and no seat twice.

import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startRedisServer, type RedisServer } from '../test-support/redis-server.js';
import { listed, placed, refusal } from './directory-contract.js';
import { RedisRoomDirectory, type RedisRoomDirectoryOptions } from './redis-room-directory.js';
import type { DirectoryEvents, PublicRoom, RoomReport } from './room-directory.js';
import { startDirectoryNodeChild, stopAllDirectoryNodeChildren, type DirectoryNodeChild } from './test-support/directory-node-child.js';

let redis: RedisServer;
const inProcess: RedisRoomDirectory[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  await stopAllDirectoryNodeChildren();
  await Promise.all(inProcess.splice(0).map((n) => n.stop()));
});

/** Short leases, so that expiry takes a second, not six. */
const SHORT_LEASE = { leaseTtlMs: 900, heartbeatMs: 300, reaperIntervalMs: 200 } as const;
/** Generous bound of "within a lease TTL plus a reaper period" on a loaded machine (measured: ~1.0 s). */
const EXPIRY_BOUND_MS = SHORT_LEASE.leaseTtlMs + SHORT_LEASE.reaperIntervalMs * 1.2 + 2000;

async function startNode(prefix: string, options: Partial<RedisRoomDirectoryOptions>): Promise<RedisRoomDirectory> {
  const node = new RedisRoomDirectory({ redisUrl: redis.url, prefix, url: 'http://observer.test', games: ['arena'], maxRooms: 100, ...options });
  inProcess.push(node);
  const started = await node.start();
  if (!started.ok) throw new Error(started.error.message);
  return node;
}

function childOptions(prefix: string, timing: Partial<RedisRoomDirectoryOptions>, nodeId?: string) {
  return { redisUrl: redis.url, prefix, url: 'http://child.test', games: ['arena'], maxRooms: 100, ...timing, ...(nodeId ? { nodeId } : {}) };
}

function report(roomId: string, players: number, maxPlayers = 4): RoomReport {
  return { roomId, game: 'arena', isPrivate: false, code: null, players, maxPlayers };
}

function eventsOf<K extends keyof DirectoryEvents>(child: DirectoryNodeChild, event: K): DirectoryEvents[K][] {
  return child.events.filter((e) => e.event === event).map((e) => e.value as DirectoryEvents[K]);
}

function roomsOf(rooms: readonly PublicRoom[], nodeId: string): string[] {
  return rooms.filter((r) => r.nodeId === nodeId).map((r) => r.roomId).sort();
}

describe('node failures', () => {
  it('a node killed with -9 leaves the directory within its lease TTL plus a reaper period; its tickets cannot be redeemed', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    // The observer hosts another game: every arena room goes to the child.
    const observer = await startNode(prefix, { ...SHORT_LEASE, games: ['lobby'] });
    const child = await startDirectoryNodeChild(childOptions(prefix, SHORT_LEASE));
    const room = placed(await observer.quickPlay('arena', 4));
    expect(room.nodeId).toBe(child.nodeId);
    expect(refusal(await child.call('redeem', room.ticket))).toBe('OK');
    expect(refusal(await child.call('reportRoom', report(room.roomId, 1)))).toBe('OK');
    const unredeemed = placed(await observer.quickPlay('arena', 4));
    expect(unredeemed.roomId).toBe(room.roomId);
    const privateRoom = placed(await observer.createRoom('arena', true, 4));
    expect(roomsOf(await listed(observer), child.nodeId)).toEqual([room.roomId]);
    const reaped = observer.events.next('reaped', EXPIRY_BOUND_MS, (e) => e.nodeIds.includes(child.nodeId));

    const killedAt = performance.now();
    child.signal('SIGKILL');
    await child.exited;
    await vi.waitFor(async () => expect(roomsOf(await listed(observer), child.nodeId)).toEqual([]), { timeout: EXPIRY_BOUND_MS, interval: 50 });
    await reaped;
    expect(performance.now() - killedAt).toBeLessThan(EXPIRY_BOUND_MS);
    const nodes = await observer.nodes();
    expect(nodes.ok && nodes.nodes.map((n) => n.nodeId)).toEqual([observer.nodeId]);
    expect(refusal(await observer.joinById(room.roomId))).toBe('ROOM_NOT_FOUND');
    expect(refusal(await observer.joinByCode(privateRoom.code!))).toBe('ROOM_NOT_FOUND');

    // Its ticket is void: another node may not take it, and the same node id started again (a new epoch) neither.
    expect(refusal(await observer.redeem(unredeemed.ticket))).toBe('TICKET_WRONG_NODE');
    const reborn = await startDirectoryNodeChild(childOptions(prefix, SHORT_LEASE, child.nodeId));
    expect(refusal(await reborn.call('redeem', unredeemed.ticket))).toBe('TICKET_INVALID');
  });

  it('a node whose renewal comes 1.5 heartbeats late keeps its lease, its epoch and its listed rooms (Colyseus #968)', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const timing = { leaseTtlMs: 4500, heartbeatMs: 1500, reaperIntervalMs: 200 };
    const observer = await startNode(prefix, { ...timing, games: ['lobby'] });
    const child = await startDirectoryNodeChild(childOptions(prefix, timing));
    const rooms = [placed(await observer.createRoom('arena', false, 4)), placed(await observer.createRoom('arena', false, 4))];
    for (const room of rooms) {
      expect(refusal(await child.call('redeem', room.ticket))).toBe('OK');
      expect(refusal(await child.call('reportRoom', report(room.roomId, 1)))).toBe('OK');
    }
    const ids = rooms.map((r) => r.roomId).sort();
    const { epoch } = await child.call('status');

    // Frozen for 1.5 heartbeats: at least one renewal is late; the lease (3 heartbeats) must outlive it.
    child.signal('SIGSTOP');
    const frozenUntil = performance.now() + timing.heartbeatMs * 1.5;
    let polls = 0;
    while (performance.now() < frozenUntil) {
      expect(roomsOf(await listed(observer), child.nodeId)).toEqual(ids);
      polls++;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.signal('SIGCONT');
    // The renewal that was due while frozen runs on waking; afterwards the rooms are still there.
    await vi.waitFor(async () => expect((await child.call('status')).epoch).toBe(epoch), { timeout: 5000 });
    expect(polls).toBeGreaterThan(5);
    expect(roomsOf(await listed(observer), child.nodeId)).toEqual(ids);
    expect(await child.call('status')).toMatchObject({ epoch, fenced: false });
    expect(eventsOf(child, 'fenced')).toEqual([]);
    expect(placed(await observer.joinById(rooms[0]!.roomId)).nodeId).toBe(child.nodeId);
  });

  it('a node frozen past its lease fences itself and refuses tickets, then registers with a new epoch and republishes its rooms: no room twice, no seat twice', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}:`;
    const observer = await startNode(prefix, { ...SHORT_LEASE, games: ['lobby'] });
    const child = await startDirectoryNodeChild(childOptions(prefix, SHORT_LEASE));
    // Room R on the child: 2 players joined and reported, 2 more seats reserved (full).
    const creator = placed(await observer.quickPlay('arena', 4));
    const second = placed(await observer.quickPlay('arena', 4));
    for (const p of [creator, second]) expect(refusal(await child.call('redeem', p.ticket))).toBe('OK');
    expect(refusal(await child.call('reportRoom', report(creator.roomId, 2)))).toBe('OK');
    const held = [placed(await observer.quickPlay('arena', 4)), placed(await observer.quickPlay('arena', 4))];
    expect(held.every((p) => p.roomId === creator.roomId)).toBe(true);
    const other = await startNode(prefix, { ...SHORT_LEASE, url: 'http://other.test' }); // takes players while the child is frozen
    const { epoch } = await child.call('status');

    // Frozen until its lease has expired and a reaper (either in-process node's) has removed it.
    const reaped = Promise.any([observer, other].map((n) => n.events.next('reaped', EXPIRY_BOUND_MS, (e) => e.nodeIds.includes(child.nodeId))));
    child.signal('SIGSTOP');
    await reaped;
    expect(roomsOf(await listed(observer), child.nodeId)).toEqual([]);
    const meanwhile = [placed(await observer.quickPlay('arena', 4)), placed(await observer.quickPlay('arena', 4))];
    expect(meanwhile.every((p) => p.nodeId === other.nodeId)).toBe(true);

    child.signal('SIGCONT');
    // At once, before or after it notices: the frozen node redeems nothing issued under its old lease.
    expect(['NODE_FENCED', 'TICKET_INVALID']).toContain(refusal(await child.call('redeem', held[0]!.ticket)));
    await vi.waitFor(async () => expect((await child.call('status')).fenced).toBe(false), { timeout: 10_000, interval: 50 });
    const status = await child.call('status');
    expect(status.epoch).toBeGreaterThan(epoch);
    expect(eventsOf(child, 'fenced').map((e) => e.epoch)).toEqual([epoch]);
    expect(eventsOf(child, 'registered').at(-1)).toMatchObject({ epoch: status.epoch, rooms: 1, conflicts: [] });
    expect(refusal(await child.call('redeem', held[1]!.ticket))).toBe('TICKET_INVALID');

    // R is back, with its 2 players and none of the void reservations; every room id once.
    const rooms = await listed(observer);
    expect(rooms.find((r) => r.roomId === creator.roomId)).toMatchObject({ nodeId: child.nodeId, players: 2, reserved: 0 });
    expect(new Set(rooms.map((r) => r.roomId)).size).toBe(rooms.length);
    // Its 2 free seats are given once each, then it is full.
    const refill = [];
    for (let i = 0; i < 4; i++) refill.push(placed(await observer.quickPlay('arena', 4)));
    expect(refill.filter((p) => p.roomId === creator.roomId)).toHaveLength(2);
    const after = await listed(observer);
    expect(after.every((r) => r.players + r.reserved <= r.maxPlayers)).toBe(true);
    expect(refusal(await observer.joinById(creator.roomId))).toBe('ROOM_FULL');
  });
});
