// RedisRoomDirectory against a real redis-server (started here on a free port): the directory contract
// (directory-contract.ts), then what only Redis can do to a cluster: placement calls that time out on the
// client after Redis ran them (Colyseus #978: a timed-out create left the same room created twice), a
// Redis crash and restart (the directory is rebuilt from the nodes), and the cost in round trips.

import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { redisServerFixture } from '../test-support/redis-server.js';
import { countBy, describeDirectoryContract, listed, placed, refusal, type DirectoryHarness } from './directory-contract.js';
import { RedisRoomDirectory, type RedisRoomDirectoryOptions } from './redis-room-directory.js';

const fx = redisServerFixture();

/** A key prefix of its own per test: tests share the redis-server, never keys. */
function freshPrefix(): string {
  return `t${randomBytes(4).toString('hex')}:`;
}

async function startNode(prefix: string, options: Partial<RedisRoomDirectoryOptions> = {}): Promise<RedisRoomDirectory> {
  const node = new RedisRoomDirectory({
    redisUrl: fx.redis.url,
    prefix,
    url: `http://node-${randomBytes(2).toString('hex')}.test`,
    games: ['arena'],
    maxRooms: 100,
    ...options,
  });
  fx.onCleanup(() => node.stop());
  const started = await node.start();
  if (!started.ok) throw new Error(started.error.message);
  return node;
}

/** A plain connection for what a test does to Redis behind the directory's back. */
async function rawClient(): Promise<Redis> {
  const client = new Redis(fx.redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  fx.onCleanup(async () => void client.disconnect());
  await client.connect();
  return client;
}

/** Keeps Redis busy for `ms` inside one script: every command sent meanwhile waits (and may time out). */
function blockRedis(client: Redis, ms: number): Promise<unknown> {
  const busyLoop = `
    local t0 = redis.call('TIME')
    repeat
      local t = redis.call('TIME')
    until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) >= tonumber(ARGV[1]) * 1000`;
  return client.eval(busyLoop, 0, ms);
}

describe('RedisRoomDirectory', () => {
  describeDirectoryContract(async (): Promise<DirectoryHarness> => {
    const prefix = freshPrefix();
    const nodes: RedisRoomDirectory[] = [];
    return {
      async startNode(options = {}) {
        const node = await startNode(prefix, options);
        nodes.push(node);
        return node;
      },
      async close() {
        await Promise.all(nodes.map((n) => n.stop()));
      },
    };
  });

  describe('placement calls that time out on the client (Colyseus #978)', () => {
    // Redis is kept busy 400 ms while node T, whose calls time out after 50 ms, quick-plays: every one of
    // its calls fails on the client, yet Redis runs each script once it is free. The callers then retry
    // through another node. Atomic placement puts each retry in the fullest room with a free seat: the
    // seats the timed-out calls reserved fill rooms like any other, and never cause an extra room.
    const BLOCK_MS = 400;

    it('a retried quick play lands in the room its timed-out attempt opened: one room, not two', async () => {
      const prefix = freshPrefix();
      const a = await startNode(prefix, { commandTimeoutMs: 5000 });
      const t = await startNode(prefix, { commandTimeoutMs: 50 });
      const blocker = await rawClient();
      const blocked = blockRedis(blocker, BLOCK_MS);
      await new Promise((r) => setTimeout(r, 50)); // the busy script is running
      const timedOut = await t.quickPlay('arena', 16);
      expect(refusal(timedOut)).toBe('DIRECTORY_UNAVAILABLE');
      await blocked;
      const retried = placed(await a.quickPlay('arena', 16));
      const rooms = await listed(a);
      expect(rooms).toHaveLength(1);
      expect(rooms[0]).toMatchObject({ roomId: retried.roomId, reserved: 2 }); // the lost attempt's seat and the retry's
      expect(retried.created).toBe(false);
    });

    it('bursts from 3 nodes, one of them timing out on every call, never open more rooms than the seats need', async () => {
      const prefix = freshPrefix();
      const a = await startNode(prefix, { commandTimeoutMs: 5000 });
      const b = await startNode(prefix, { commandTimeoutMs: 5000 });
      const t = await startNode(prefix, { commandTimeoutMs: 50 });
      const blocker = await rawClient();
      const blocked = blockRedis(blocker, BLOCK_MS);
      await new Promise((r) => setTimeout(r, 50));
      const burst = await Promise.all([
        ...Array.from({ length: 30 }, () => t.quickPlay('arena', 16)),
        ...Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).quickPlay('arena', 16)),
      ]);
      await blocked;
      const failed = burst.filter((r) => !r.ok);
      expect(failed.map(refusal)).toEqual(Array(30).fill('DIRECTORY_UNAVAILABLE'));
      // Every failed caller retries through a healthy node.
      const retries = (await Promise.all(failed.map((_, i) => (i % 2 ? a : b).quickPlay('arena', 16)))).map(placed);
      const granted = [...burst.filter((r) => r.ok).map(placed), ...retries];
      expect(granted).toHaveLength(70);

      const rooms = await listed(a);
      const seats = rooms.reduce((sum, r) => sum + r.reserved, 0);
      expect(seats).toBe(100); // 70 granted + 30 reserved by the calls that timed out: they did run, once each
      expect(rooms).toHaveLength(Math.ceil(seats / 16));
      expect(rooms.every((r) => r.reserved <= r.maxPlayers)).toBe(true);
      expect(countBy(granted, (p) => p.roomId).size).toBeLessThanOrEqual(rooms.length);
    });
  });

  describe('Redis restart', () => {
    it('calls fail fast while Redis is down; when it is back the nodes re-register, republish their rooms, and placement works', async () => {
      const prefix = freshPrefix();
      const timing = { leaseTtlMs: 900, heartbeatMs: 300, reaperIntervalMs: 300, commandTimeoutMs: 500 };
      const a = await startNode(prefix, timing);
      const b = await startNode(prefix, timing);
      const nodes = [a, b];
      // Two rooms with players, reported by their owners.
      const rooms = [placed(await a.createRoom('arena', false, 4)), placed(await a.createRoom('arena', false, 4))];
      for (const room of rooms) {
        const owner = nodes.find((n) => n.nodeId === room.nodeId)!;
        expect((await owner.redeem(room.ticket)).ok).toBe(true);
        owner.reportRoom({ roomId: room.roomId, game: 'arena', isPrivate: false, code: null, players: 2, maxPlayers: 4 });
        expect(refusal(await owner.flush())).toBe('OK');
      }
      const unavailable = a.events.next('unavailable', 5000);

      await fx.redis.kill();
      await unavailable;
      const started = performance.now();
      const down = await Promise.all([a.quickPlay('arena', 4), b.publicRooms(), a.joinById(rooms[0]!.roomId), b.redeem('x'.repeat(22))]);
      const elapsed = performance.now() - started;
      expect(down.map(refusal).slice(0, 3)).toEqual(Array(3).fill('DIRECTORY_UNAVAILABLE'));
      expect(['DIRECTORY_UNAVAILABLE', 'NODE_FENCED']).toContain(refusal(down[3]!));
      expect(elapsed).toBeLessThan(500); // not connected: refused at once, not after a timeout
      // Owners keep reporting meanwhile (their rooms run on): nothing blocks, nothing is lost.
      a.reportRoom({ roomId: 'offline-room', game: 'arena', isPrivate: false, code: null, players: 1, maxPlayers: 4 });
      // A node starting during the outage says so, and joins once Redis is back.
      const late = new RedisRoomDirectory({ redisUrl: fx.redis.url, prefix, url: 'http://late.test', games: ['arena'], maxRooms: 10, ...timing, startTimeoutMs: 300 });
      fx.onCleanup(() => late.stop());
      expect(refusal(await late.start())).toBe('DIRECTORY_UNAVAILABLE');
      expect(late.fenced).toBe(true);

      const registeredAgain = Promise.all([...nodes, late].map((n) => n.events.next('registered', 10_000)));
      await fx.redis.restart();
      const registrations = await registeredAgain;
      expect([...nodes, late].every((n) => !n.fenced)).toBe(true);
      expect(registrations.reduce((sum, r) => sum + r.rooms, 0)).toBe(3);
      const listedNodes = await late.nodes();
      expect(listedNodes.ok && listedNodes.nodes.length).toBe(3);
      const rebuilt = await listed(b);
      expect(rebuilt.map((r) => [r.roomId, r.players]).sort()).toEqual(
        [...rooms.map((r) => [r.roomId, 2]), ['offline-room', 1]].sort(),
      );
      // The fullest room with a free seat takes the next player again.
      const next = placed(await b.quickPlay('arena', 4));
      expect(rooms.map((r) => r.roomId)).toContain(next.roomId);
    });
  });

  describe('cost', () => {
    it('one round trip per placement and per redeem; reports coalesce; heartbeats are one round trip per beat', async () => {
      const prefix = freshPrefix();
      const a = await startNode(prefix, { reportIntervalMs: 60_000, leaseTtlMs: 60_000 });
      const before = a.commandCounts();
      const p = placed(await a.quickPlay('arena', 16));
      for (let i = 0; i < 9; i++) placed(await a.quickPlay('arena', 16));
      expect((await a.redeem(p.ticket)).ok).toBe(true);
      for (let players = 1; players <= 50; players++) {
        a.reportRoom({ roomId: p.roomId, game: 'arena', isPrivate: false, code: null, players: Math.min(players, 16), maxPlayers: 16 });
      }
      await a.flush();
      await a.setDraining(true);
      const after = a.commandCounts();
      expect(after.quickPlay - before.quickPlay).toBe(10);
      expect(after.redeem - before.redeem).toBe(1);
      expect(after.report - before.report).toBe(1);
      expect(after.renew - before.renew).toBe(1);
    });
  });
});
