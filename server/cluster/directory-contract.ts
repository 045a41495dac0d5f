// The behaviour every RoomDirectory implementation owes its users, as one suite run against each of them
// (memory-room-directory.test.ts, redis-room-directory.test.ts): placement across nodes, join codes,
// single-use tickets, reservations settled by reports, drain, capacity, load spreading, graceful stop.

import { beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import { JOIN_CODE_ALPHABET, LIMITS } from '../../shared/protocol.js';
import type { DirectoryErrorCode, DirectoryReply, Placement, PublicRoom, RoomDirectory } from './room-directory.js';

export interface ContractNodeOptions {
  readonly games?: readonly string[];
  readonly maxRooms?: number;
  readonly maxPrivateRooms?: number;
  readonly ticketTtlMs?: number;
}

export interface DirectoryHarness {
  /** Starts (registers) one more node of the shared directory. */
  startNode(options?: ContractNodeOptions): Promise<RoomDirectory>;
  /** Stops every node it started. */
  close(): Promise<void>;
}

/** Bound of the waits for a ticket to expire (ticket TTLs here are 300 ms; the bound allows a loaded machine). */
const EXPIRY_WAIT_MS = 5000;

export function placed(reply: DirectoryReply<{ readonly placement: Placement }>): Placement {
  if (!reply.ok) throw new Error(`placement refused: ${reply.error.code}: ${reply.error.message}`);
  return reply.placement;
}

export function refusal(reply: DirectoryReply<object>): DirectoryErrorCode | 'OK' {
  return reply.ok ? 'OK' : reply.error.code;
}

export async function listed(directory: RoomDirectory, game?: string): Promise<readonly PublicRoom[]> {
  const reply = await directory.publicRooms(game);
  if (!reply.ok) throw new Error(`publicRooms refused: ${reply.error.code}: ${reply.error.message}`);
  return reply.rooms;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function ownerOf(nodes: readonly RoomDirectory[], p: Placement): RoomDirectory {
  const node = nodes.find((n) => n.nodeId === p.nodeId);
  if (!node) throw new Error(`placement on unknown node ${p.nodeId}`);
  return node;
}

export function describeDirectoryContract(newHarness: () => Promise<DirectoryHarness>): void {
  let harness: DirectoryHarness;
  beforeEach(async () => {
    harness = await newHarness();
  });
  afterEach(async () => {
    await harness.close();
  });

  describe('quick play across nodes', () => {
    it('200 concurrent quick plays from 3 nodes fill exactly ceil(200/16) rooms, none over capacity, spread by load; each ticket redeems once, at its owner only', async () => {
      const nodes = await Promise.all([0, 1, 2].map(() => harness.startNode({ maxRooms: 50 })));
      const placements = (await Promise.all(Array.from({ length: 200 }, (_, i) => nodes[i % 3]!.quickPlay('arena', 16)))).map(placed);

      const seatsPerRoom = countBy(placements, (p) => p.roomId);
      expect(seatsPerRoom.size).toBe(Math.ceil(200 / 16));
      expect([...seatsPerRoom.values()].sort((a, b) => b - a)).toEqual([...Array(12).fill(16), 8]);
      expect(placements.filter((p) => p.created)).toHaveLength(13);
      // One owner per room, and the 13 rooms spread over the 3 nodes (5/4/4: none had players yet).
      const ownerPerRoom = new Map(placements.map((p) => [p.roomId, p.nodeId]));
      for (const p of placements) expect(p.nodeId).toBe(ownerPerRoom.get(p.roomId));
      const roomsPerNode = [...countBy([...ownerPerRoom.values()], (id) => id).values()];
      expect(roomsPerNode).toHaveLength(3);
      expect(Math.max(...roomsPerNode) - Math.min(...roomsPerNode)).toBeLessThanOrEqual(1);

      const rooms = await listed(nodes[1]!, 'arena');
      expect(rooms).toHaveLength(13);
      expect(rooms.reduce((sum, r) => sum + r.reserved + r.players, 0)).toBe(200);
      expect(rooms.every((r) => r.reserved + r.players <= r.maxPlayers)).toBe(true);

      // A ticket shown to the wrong node is refused and not consumed.
      for (const p of placements.slice(0, 10)) {
        const other = nodes.find((n) => n.nodeId !== p.nodeId)!;
        expect(refusal(await other.redeem(p.ticket))).toBe('TICKET_WRONG_NODE');
      }
      const first = await Promise.all(placements.map((p) => ownerOf(nodes, p).redeem(p.ticket)));
      expect(first.map(refusal)).toEqual(Array(200).fill('OK'));
      const again = await Promise.all(placements.map((p) => ownerOf(nodes, p).redeem(p.ticket)));
      expect(again.map(refusal)).toEqual(Array(200).fill('TICKET_INVALID'));
    });

    it('fills the fullest public room with a free seat first, then opens a new one', async () => {
      const [a, b] = [await harness.startNode({ games: ['arena', 'duel'] }), await harness.startNode({ games: ['arena', 'duel'] })];
      const first = placed(await a.quickPlay('arena', 3));
      expect(first.created).toBe(true);
      const second = placed(await b.quickPlay('arena', 3));
      const third = placed(await a.quickPlay('arena', 3));
      expect([second.roomId, third.roomId]).toEqual([first.roomId, first.roomId]);
      const fourth = placed(await b.quickPlay('arena', 3));
      expect(fourth.roomId).not.toBe(first.roomId);
      expect(fourth.created).toBe(true);
      // Another game never shares rooms.
      const other = placed(await a.quickPlay('duel', 2));
      expect(other.roomId).not.toBe(fourth.roomId);
      expect(other.game).toBe('duel');
    });
  });

  describe('private rooms', () => {
    it('a private room created on one node is joined by its code through another; never listed or quick-played', async () => {
      const [a, b, c] = [await harness.startNode(), await harness.startNode(), await harness.startNode()];
      const created = placed(await a.createRoom('arena', true, 2));
      expect(created.isPrivate).toBe(true);
      expect(created.code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${LIMITS.joinCodeLength}}$`));
      const joined = placed(await c.joinByCode(created.code!.toLowerCase()));
      expect(joined).toMatchObject({ roomId: created.roomId, nodeId: created.nodeId, nodeUrl: created.nodeUrl, created: false, code: created.code });
      expect(refusal(await b.joinByCode(created.code!))).toBe('ROOM_FULL');
      expect(refusal(await b.joinByCode(created.code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ'))).toBe('ROOM_NOT_FOUND');
      expect(refusal(await b.joinByCode('no!'))).toBe('BAD_REQUEST');
      expect(await listed(b)).toEqual([]);
      expect(placed(await b.quickPlay('arena', 2)).roomId).not.toBe(created.roomId);

      const owner = [a, b, c].find((n) => n.nodeId === created.nodeId)!;
      const seat = await owner.redeem(created.ticket);
      expect(seat.ok && seat.seat).toMatchObject({ roomId: created.roomId, isPrivate: true, code: created.code, maxPlayers: 2, create: true });
    });
  });

  describe('tickets and reservations', () => {
    it('an unredeemed ticket expires with its seat, and a room nobody came to leaves the directory', async () => {
      const nodes = [await harness.startNode({ ticketTtlMs: 300 }), await harness.startNode({ ticketTtlMs: 300 })];
      const p = placed(await nodes[0]!.quickPlay('arena', 4));
      const owner = ownerOf(nodes, p);
      const redeemed = await owner.redeem(p.ticket);
      expect(redeemed.ok && redeemed.seat.create).toBe(true);
      owner.reportRoom({ roomId: p.roomId, game: 'arena', isPrivate: false, code: null, players: 1, maxPlayers: 4 });
      expect(refusal(await owner.flush())).toBe('OK');
      const late = placed(await nodes[1]!.quickPlay('arena', 4));
      expect(late.roomId).toBe(p.roomId);
      const unborn = placed(await nodes[1]!.createRoom('arena', false, 4));
      expect((await listed(nodes[0]!)).map((r) => r.roomId).sort()).toEqual([p.roomId, unborn.roomId].sort());

      await vi.waitFor(
        async () => {
          const rooms = await listed(nodes[0]!);
          expect(rooms.map((r) => [r.roomId, r.players, r.reserved])).toEqual([[p.roomId, 1, 0]]);
        },
        { timeout: EXPIRY_WAIT_MS, interval: 50 },
      );
      expect(refusal(await owner.redeem(late.ticket))).toBe('TICKET_INVALID');
      expect(refusal(await nodes[0]!.joinById(unborn.roomId))).toBe('ROOM_NOT_FOUND');
    });

    it('a redeemed seat stays counted until a report includes its player; leaving players free seats; a removed room is gone', async () => {
      const a = await harness.startNode();
      const seats = async (roomId: string) => {
        const room = (await listed(a)).find((r) => r.roomId === roomId);
        return room ? [room.players, room.reserved] : null;
      };
      const report = (roomId: string, players: number) => a.reportRoom({ roomId, game: 'arena', isPrivate: false, code: null, players, maxPlayers: 3 });
      const p1 = placed(await a.quickPlay('arena', 3));
      expect((await a.redeem(p1.ticket)).ok).toBe(true);
      expect(await seats(p1.roomId)).toEqual([0, 1]);
      report(p1.roomId, 1);
      await a.flush();
      expect(await seats(p1.roomId)).toEqual([1, 0]);

      const p2 = placed(await a.quickPlay('arena', 3));
      expect(p2.roomId).toBe(p1.roomId);
      const seat2 = await a.redeem(p2.ticket);
      expect(seat2.ok && seat2.seat.create).toBe(false); // reported: the owner has it already
      expect(await seats(p1.roomId)).toEqual([1, 1]);
      const p3 = placed(await a.quickPlay('arena', 3));
      expect(p3.roomId).toBe(p1.roomId);
      const p4 = placed(await a.quickPlay('arena', 3));
      expect(p4.roomId).not.toBe(p1.roomId);

      report(p1.roomId, 2); // p2 joined: its seat is now a player, p3's still a reservation
      await a.flush();
      expect(await seats(p1.roomId)).toEqual([2, 1]);
      expect(refusal(await a.joinById(p1.roomId))).toBe('ROOM_FULL');
      report(p1.roomId, 1); // someone left
      await a.flush();
      expect(placed(await a.joinById(p1.roomId)).roomId).toBe(p1.roomId);

      a.removeRoom(p1.roomId);
      await a.flush();
      expect(await seats(p1.roomId)).toBeNull();
      expect(refusal(await a.joinById(p1.roomId))).toBe('ROOM_NOT_FOUND');
      expect(refusal(await a.joinById('nosuchroom'))).toBe('ROOM_NOT_FOUND');
    });
  });

  describe('nodes', () => {
    it('a draining node gets no new rooms and its rooms leave quick play and the list, but stay joinable by id', async () => {
      const [a, b] = [await harness.startNode(), await harness.startNode()];
      const r1 = placed(await a.createRoom('arena', false, 4));
      const r2 = placed(await a.createRoom('arena', false, 4));
      expect(r1.nodeId).not.toBe(r2.nodeId);
      const onB = r1.nodeId === b.nodeId ? r1 : r2;
      expect(refusal(await b.setDraining(true))).toBe('OK');
      expect(b.draining).toBe(true);

      const placements = [];
      for (let i = 0; i < 10; i++) placements.push(placed(await b.quickPlay('arena', 4)));
      expect(placements.every((p) => p.nodeId === a.nodeId)).toBe(true);
      expect(placed(await b.createRoom('arena', true, 4)).nodeId).toBe(a.nodeId);
      expect((await listed(a)).some((r) => r.nodeId === b.nodeId)).toBe(false);
      const nodes = await a.nodes();
      expect(nodes.ok && nodes.nodes.find((n) => n.nodeId === b.nodeId)?.draining).toBe(true);
      expect(placed(await a.joinById(onB.roomId)).nodeId).toBe(b.nodeId);

      expect(refusal(await b.setDraining(false))).toBe('OK');
      expect((await listed(a)).some((r) => r.roomId === onB.roomId)).toBe(true);
      expect(placed(await a.createRoom('arena', false, 4)).nodeId).toBe(b.nodeId);
    });

    it('a new room goes to the node with the fewest players, then the fewest rooms, within its capacity', async () => {
      const [a, b] = [await harness.startNode({ maxRooms: 4, maxPrivateRooms: 1 }), await harness.startNode({ maxRooms: 4, maxPrivateRooms: 0 })];
      const nodes = [a, b];
      const r1 = placed(await a.createRoom('arena', false, 8));
      const r2 = placed(await a.createRoom('arena', false, 8));
      expect(r2.nodeId).not.toBe(r1.nodeId); // 0 players each: fewest rooms
      const owner2 = ownerOf(nodes, r2);
      expect((await owner2.redeem(r2.ticket)).ok).toBe(true);
      owner2.reportRoom({ roomId: r2.roomId, game: 'arena', isPrivate: false, code: null, players: 5, maxPlayers: 8 });
      await owner2.flush();
      // r1's node has 1 room and 0 players, r2's has 1 room and 5 players.
      expect(placed(await b.createRoom('arena', false, 8)).nodeId).toBe(r1.nodeId);
      expect(placed(await b.createRoom('arena', false, 8)).nodeId).toBe(r1.nodeId); // 3 rooms, still 0 players
      // Private rooms only where maxPrivateRooms allows: on a, once.
      expect(placed(await b.createRoom('arena', true, 8)).nodeId).toBe(a.nodeId);
      expect(refusal(await b.createRoom('arena', true, 8))).toBe('SERVER_FULL');
      // 5 rooms exist; maxRooms 4 each: 3 more fit, then none.
      let rooms = 5;
      while (rooms < 20 && refusal(await a.createRoom('arena', false, 8)) === 'OK') rooms++;
      expect(rooms).toBe(8);
      expect(refusal(await a.quickPlay('arena', 8))).toBe('OK'); // free seats remain in existing rooms
      expect(refusal(await a.createRoom('nosuchgame', false, 8))).toBe('SERVER_FULL');
    });

    it('quick play without creation joins a free seat or answers ROOM_NOT_FOUND', async () => {
      const a = await harness.startNode();
      expect(refusal(await a.quickPlay('arena', 2, { allowCreate: false }))).toBe('ROOM_NOT_FOUND');
      const p = placed(await a.quickPlay('arena', 2));
      expect(placed(await a.quickPlay('arena', 2, { allowCreate: false })).roomId).toBe(p.roomId);
      expect(refusal(await a.quickPlay('arena', 2, { allowCreate: false }))).toBe('ROOM_NOT_FOUND');
      expect(refusal(await a.quickPlay('bad game', 2))).toBe('BAD_REQUEST');
      expect(refusal(await a.quickPlay('arena', 0))).toBe('BAD_REQUEST');
    });

    it('locates rooms on their nodes, private ones included, and forgets them once their node stops', async () => {
      const [a, b] = [await harness.startNode(), await harness.startNode()];
      const pub = placed(await a.createRoom('arena', false, 4));
      const priv = placed(await b.createRoom('arena', true, 4));
      const urlOf = (id: string) => (id === a.nodeId ? 'a' : 'b');
      const found = await b.locateRooms([pub.roomId, 'no-such-room', priv.roomId]);
      expect(found.ok && found.rooms.map((r) => r && [r.roomId, urlOf(r.nodeId), r.nodeUrl.length > 0])).toEqual([
        [pub.roomId, urlOf(pub.nodeId), true],
        null,
        [priv.roomId, urlOf(priv.nodeId), true],
      ]);
      const stopping = [a, b].find((n) => n.nodeId === pub.nodeId)!;
      const other = stopping === a ? b : a;
      await stopping.stop();
      const after = await other.locateRooms([pub.roomId]);
      expect(after.ok && after.rooms).toEqual([null]);
      expect(refusal(await other.locateRooms(['bad id!']))).toBe('BAD_REQUEST');
    });

    it('a node that stops leaves the directory with its rooms at once', async () => {
      const [a, b] = [await harness.startNode(), await harness.startNode()];
      const rooms = [placed(await a.createRoom('arena', false, 4)), placed(await a.createRoom('arena', false, 4))];
      const onB = rooms.find((r) => r.nodeId === b.nodeId)!;
      const before = await a.nodes();
      expect(before.ok && before.nodes.map((n) => n.nodeId).sort()).toEqual([a.nodeId, b.nodeId].sort());
      await b.stop();
      expect((await listed(a)).map((r) => r.nodeId)).toEqual([a.nodeId]);
      const after = await a.nodes();
      expect(after.ok && after.nodes.map((n) => [n.nodeId, n.url, n.rooms, n.draining])).toEqual([[a.nodeId, expect.any(String), 1, false]]);
      expect(refusal(await a.joinById(onB.roomId))).toBe('ROOM_NOT_FOUND');
    });
  });
}
