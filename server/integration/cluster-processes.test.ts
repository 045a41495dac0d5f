// The cluster as real processes: three nodes of server/main.ts sharing a real redis-server
// (test-support/cluster-fixture.ts), players as NetClients in this process. Quick play from every node at
// once fills exactly the rooms it needs; a private room's code works through another node; a node killed
// with -9 leaves the directory within its lease and its players are told and play again elsewhere while the
// other nodes' matches go on; a node frozen past its lease fences itself and comes back without any room
// or seat existing twice.

import { describe, expect, it } from 'vitest';
import { NetClient, type NetClientOptions } from '../../shared/client/net-client.js';
import { arenaGame, PLAYER_INFO_ID_BASE } from '../../shared/game/arena/index.js';
import type { JoinInfo } from '../../shared/protocol.js';
import type { NodeSummary, PublicRoom } from '../cluster/room-directory.js';
import { clusterFixture, getJson, waitUntil, type Cluster, type ClusterNode } from '../test-support/cluster-fixture.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { waitFor } from '../test-support/test-client.js';

const startCluster = clusterFixture();
const { track } = serverFixture();

const ROOM_SIZE = 16;
/** Long enough for a request answered by a node busy with 200 others on a loaded 2-core machine. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A connected player whose first server is `home` (closed after the test). */
async function player(home: ClusterNode, name: string, options: Partial<NetClientOptions> = {}): Promise<NetClient> {
  const net = track(
    new NetClient({ url: home.url, schema: arenaGame.schema, name, reconnection: false, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...options }),
  );
  await net.connect(REQUEST_TIMEOUT_MS);
  return net;
}

/** The node a client is connected to now (after any redirect). */
function nodeOf(cluster: Cluster, net: NetClient): ClusterNode {
  const origin = new URL(net.nodeUrl).origin;
  const node = cluster.nodes.find((n) => new URL(n.url).origin === origin);
  if (!node) throw new Error(`${net.nodeUrl} is no node of the cluster`);
  return node;
}

async function publicRooms(via: ClusterNode): Promise<readonly PublicRoom[]> {
  return (await getJson<{ rooms: PublicRoom[] }>(`${via.url}/api/rooms`)).rooms;
}

async function liveNodes(via: ClusterNode): Promise<readonly NodeSummary[]> {
  return (await getJson<{ nodes: NodeSummary[] }>(`${via.url}/api/nodes`)).nodes;
}

/** How a player of the browser game connects (game-client/src/net.ts): automatic reconnection, 5 s request timeout. */
const GAME_CLIENT = { reconnection: true, requestTimeoutMs: 5000 } as const;

/** What a player may hear when its room's node is gone: told it is lost, then the rejoin's refusal. */
const TOLD_LOST = ['roomClosed:lost', 'rejoinFailed:ROOM_NOT_FOUND', 'rejoinFailed:BAD_TOKEN'];

interface LostRoomWitness {
  /** roomClosed:<reason> and rejoinFailed:<code> events, in order. */
  readonly endings: string[];
  /** When it was first told the room is lost. */
  readonly toldAt: number;
  /** The seat of its quick play after being told. */
  readonly again: Promise<JoinInfo>;
}

/** A seated player who, as a person would, quick-plays again as soon as it is told its room is gone. */
function quickPlaysWhenLost(net: NetClient): LostRoomWitness {
  const endings: string[] = [];
  let toldAt = Number.NaN;
  net.on('rejoinFailed', (err) => endings.push(`rejoinFailed:${err.code}`));
  const again = new Promise<JoinInfo>((resolve, reject) => {
    net.on('roomClosed', (m) => {
      endings.push(`roomClosed:${m.reason}`);
      if (m.reason !== 'lost' || !Number.isNaN(toldAt)) return;
      toldAt = performance.now();
      net.quickPlay().then(resolve, reject);
    });
  });
  return {
    endings,
    get toldAt() {
      return toldAt;
    },
    again,
  };
}

/** `promise`, or a rejection naming `what` after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once the client has applied `count` more snapshots. */
async function moreSnapshots(net: NetClient, count: number, timeoutMs: number, what: string): Promise<void> {
  const target = net.stats.snapshots + count;
  await waitFor(() => net.stats.snapshots >= target, timeoutMs, what);
}

describe('a cluster of three node processes and Redis', () => {
  it(
    '200 concurrent quick plays through three nodes fill exactly ceil(200/16) rooms, none over capacity, and every player plays',
    async () => {
      const cluster = await startCluster({ nodes: 3 });
      const started = performance.now();
      const PLAYERS = 200;
      const BATCH = 25;
      const clients: NetClient[] = [];
      // Connections in bounded batches (the machine has two cores and three nodes to run too)...
      for (let first = 0; first < PLAYERS; first += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, PLAYERS - first) }, (_, i) => first + i);
        clients.push(...(await Promise.all(batch.map((i) => player(cluster.nodes[i % 3]!, `p${i}`)))));
      }
      const connectedAt = performance.now();
      // ...then every quick play at once: that is the race the directory's single script must win.
      const joins = await Promise.all(clients.map((c) => c.quickPlay()));
      const joinedAt = performance.now();

      const byRoom = new Map<string, JoinInfo[]>();
      for (const join of joins) byRoom.set(join.roomId, [...(byRoom.get(join.roomId) ?? []), join]);
      expect(byRoom.size).toBe(Math.ceil(PLAYERS / ROOM_SIZE));
      for (const seated of byRoom.values()) {
        expect(seated.length).toBeLessThanOrEqual(ROOM_SIZE);
        expect(new Set(seated.map((j) => j.playerId)).size).toBe(seated.length);
      }

      // Every player plays: snapshots of its room arrive, on the node that runs it.
      await Promise.all(clients.map((c, i) => moreSnapshots(c, 3, 30_000, `snapshots for player ${i}`)));
      const playingAt = performance.now();

      // The directory agrees, through every node: 13 rooms, every seat reported, none reserved any more.
      await waitUntil(
        async () => {
          const rooms = await publicRooms(cluster.nodes[0]!);
          return rooms.length === byRoom.size && rooms.every((r) => r.reserved === 0 && r.players === byRoom.get(r.roomId)?.length);
        },
        15_000,
        'the directory to list every room with its players',
      );
      for (const via of cluster.nodes) {
        const rooms = await publicRooms(via);
        expect(rooms.map((r) => r.roomId).sort()).toEqual([...byRoom.keys()].sort());
        for (const room of rooms) {
          expect(room.players).toBeLessThanOrEqual(ROOM_SIZE);
          expect(room.maxPlayers).toBe(ROOM_SIZE);
          // Each player was sent to the node the directory says runs its room.
          for (const [i, join] of joins.entries()) {
            if (join.roomId === room.roomId) expect(nodeOf(cluster, clients[i]!).nodeId).toBe(room.nodeId);
          }
        }
      }
      await waitUntil(
        async () => {
          const nodes = await liveNodes(cluster.nodes[2]!);
          return nodes.reduce((n, x) => n + x.rooms, 0) === byRoom.size && nodes.reduce((n, x) => n + x.players, 0) === PLAYERS;
        },
        15_000,
        '/api/nodes to count every room and player',
      );
      const nodes = await liveNodes(cluster.nodes[2]!);
      expect(nodes.map((n) => n.nodeId).sort()).toEqual(['n1', 'n2', 'n3']);
      console.log(
        `200 quick plays: connect ${(connectedAt - started).toFixed(0)} ms, matchmake+claim ${(joinedAt - connectedAt).toFixed(0)} ms, ` +
          `first snapshots ${(playingAt - joinedAt).toFixed(0)} ms; rooms per node ${nodes.map((n) => `${n.nodeId}=${n.rooms}`).join(' ')}`,
      );
    },
    120_000,
  );

  it(
    'a private room created through node n1 is joined by code through node n3, and both play in it',
    async () => {
      const cluster = await startCluster({ nodes: 3 });
      const [a, , c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
      const host = await player(a, 'host');
      const created = await host.createRoom(true);
      expect(created.code).toMatch(/^[A-Z2-9]{6}$/);
      const guest = await player(c, 'guest');
      const joined = await guest.joinRoom({ code: created.code! });
      expect(joined.roomId).toBe(created.roomId);
      expect(joined.playerId).not.toBe(created.playerId);
      // Both on the node that runs the room, wherever the directory put it.
      const owner = nodeOf(cluster, host);
      expect(nodeOf(cluster, guest)).toBe(owner);
      await Promise.all([moreSnapshots(host, 5, 20_000, 'snapshots for the host'), moreSnapshots(guest, 5, 20_000, 'snapshots for the guest')]);
      // One match: each sees the other on the scoreboard.
      await waitFor(() => host.mirror.entities.has(PLAYER_INFO_ID_BASE + joined.playerId), 10_000, 'the host to see the guest');
      await waitFor(() => guest.mirror.entities.has(PLAYER_INFO_ID_BASE + created.playerId), 10_000, 'the guest to see the host');
      // A private room is never listed, on any node; the directory counts it on its owner.
      for (const via of cluster.nodes) expect(await publicRooms(via)).toEqual([]);
      await waitUntil(
        async () => (await liveNodes(c)).some((n) => n.nodeId === owner.nodeId && n.rooms === 1 && n.players === 2),
        15_000,
        `/api/nodes to count the private room and its two players on ${owner.nodeId}`,
      );
    },
    60_000,
  );

  it(
    'kill -9 of a node mid-match: its rooms leave the directory within the lease, its players are told and play again elsewhere, other matches never pause',
    async () => {
      const cluster = await startCluster({ nodes: 3 });
      const [n1, n2, n3] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
      // The victims' first servers are nodes that live on: that is where they come back to.
      const victims = await Promise.all([n2, n3, n2, n3].map((home, i) => player(home, `victim${i}`, GAME_CLIENT)));
      const victimJoins = await Promise.all(victims.map((v) => v.quickPlay()));
      const doomedRoom = victimJoins[0]!.roomId;
      expect(victimJoins.every((j) => j.roomId === doomedRoom)).toBe(true);
      // A fresh cluster opens its first room on the least-loaded node, ties to the lowest id.
      expect(victims.map((v) => nodeOf(cluster, v).nodeId)).toEqual(['n1', 'n1', 'n1', 'n1']);
      // A match on each of the other nodes (a new room goes to the least-loaded node).
      const w1 = await player(n2, 'watcher1');
      const survivorRoom = await w1.createRoom(false);
      const w2 = await player(n3, 'watcher2');
      await w2.joinRoom({ roomId: survivorRoom.roomId });
      const w3 = await player(n3, 'watcher3');
      await w3.createRoom(false);
      const watchers = [w1, w2, w3];
      expect(watchers.map((w) => nodeOf(cluster, w).nodeId)).toEqual(['n2', 'n2', 'n3']);
      await Promise.all([...victims, ...watchers].map((c, i) => moreSnapshots(c, 5, 20_000, `snapshots for player ${i}`)));

      // Snapshot arrival times of the watchers, from just before the kill to the end of the test.
      const arrivals = watchers.map(() => [] as number[]);
      watchers.forEach((w, i) => w.on('snapshot', () => arrivals[i]!.push(performance.now())));
      const lost = victims.map(quickPlaysWhenLost);
      await new Promise((r) => setTimeout(r, 300));

      const killedAt = performance.now();
      n1.signal('SIGKILL');
      await n1.exited;
      await waitUntil(async () => !(await publicRooms(n2)).some((r) => r.roomId === doomedRoom), 15_000, 'the dead node’s room to leave /api/rooms', 50);
      const goneAfterMs = performance.now() - killedAt;
      await waitUntil(async () => !(await liveNodes(n3)).some((n) => n.nodeId === 'n1'), 15_000, 'the dead node to leave /api/nodes', 50);

      // Every victim is told its room is gone (its reconnects to n1 failed; its first server said so), first
      // and plainly (no timeout on the way), and quick-plays again at once into a room on a live node.
      const again = await within(Promise.all(lost.map((l) => l.again)), 20_000, 'every victim to be told its room is lost and to quick-play again');
      for (const [i, v] of victims.entries()) {
        const heard = `victim ${i} heard: ${lost[i]!.endings.join(', ')}`;
        expect(lost[i]!.endings[0], heard).toBe('roomClosed:lost');
        expect(lost[i]!.endings.filter((e) => !TOLD_LOST.includes(e)), heard).toEqual([]);
        expect(again[i]!.roomId).not.toBe(doomedRoom);
        expect(nodeOf(cluster, v).nodeId).not.toBe('n1');
      }
      const toldAfterMs = Math.max(...lost.map((l) => l.toldAt)) - killedAt;
      // They play there, and stay: nothing left over from the lost room (a rejoin still in flight) takes the
      // new seat away, however long it waits for an answer.
      const newNodes = victims.map((v) => v.nodeUrl);
      await new Promise((r) => setTimeout(r, GAME_CLIENT.requestTimeoutMs + 1000));
      for (const [i, v] of victims.entries()) {
        const heard = `victim ${i} heard: ${lost[i]!.endings.join(', ')}`;
        expect(v.join?.roomId, heard).toBe(again[i]!.roomId);
        expect(v.nodeUrl, heard).toBe(newNodes[i]);
      }
      await Promise.all(victims.map((v, i) => moreSnapshots(v, 5, 10_000, `snapshots for victim ${i} in its new room`)));

      // The other nodes' matches never paused: the longest wait between two snapshots, kill included.
      const maxGaps = arrivals.map((times) => Math.max(...times.slice(1).map((t, i) => t - times[i]!)));
      console.log(
        `kill -9: room gone from /api/rooms after ${goneAfterMs.toFixed(0)} ms, every victim told after ${toldAfterMs.toFixed(0)} ms; ` +
          `longest snapshot gap on the live nodes ${maxGaps.map((g) => g.toFixed(0)).join(', ')} ms`,
      );
      expect(goneAfterMs).toBeLessThan(15_000);
      for (const gap of maxGaps) expect(gap).toBeLessThan(1000);
      for (const times of arrivals) expect(times.at(-1)! - times[0]!).toBeGreaterThan(goneAfterMs);
    },
    90_000,
  );
});
