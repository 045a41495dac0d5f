// A cluster behind real nginx: two GameServers sharing a real redis-server (their Redis room directory and
// match index), behind Debian's nginx running the configuration `npm run proxy-config` renders, each node
// with PUBLIC_URL=http://127.0.0.1:<nginx port>/node/{port}/ as that file says. Players enter through the
// proxy's origin (`/`, which ip_hash sends to one node), are redirected by the matchmaker to the owning
// node's prefix, claim their seat there and play, over WebSocket and long-polling, with NetClient and with
// the real page in Chromium.
// The nodes run in this process rather than as processes: what is under test is the routing between nginx,
// the directory and the nodes, which in-process nodes exercise unchanged (sockets, HTTP, Redis are all
// real), and a node's own room table can then be read directly. Killing nodes is tested elsewhere.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIST } from '../../game-client/scripts/client-build.js';
import { ensureClient, launchBrowser, openPlayer, quickPlay, waitForState, type Player } from '../../game-client/test-support/browser.js';
import { NetClient, type Transport } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import type { NodeSummary, PublicRoom } from '../cluster/room-directory.js';
import type { ServerConfig } from '../config.js';
import { proxiedNodeUrl, renderNginxConfig, type NginxConfigOptions } from '../proxy/nginx-config.js';
import type { IndexedMatch } from '../recording/match-index.js';
import { freePort } from '../test-support/free-port.js';
import { startNginx, type NginxProcess } from '../test-support/nginx.js';
import { startRedisServer } from '../test-support/redis-server.js';
import { waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

// Run after each test, last registered first: pages and players, nginx, the nodes, Redis, folders.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw errors[0];
});

interface ProxiedNode {
  /** a or b: a new room goes to the least-loaded node, ties to the lower id. */
  readonly nodeId: 'a' | 'b';
  /** Its name in the nginx config: its port (the generator's default), so its prefix is /node/<port>/. */
  readonly name: string;
  /** Its PUBLIC_URL: http://127.0.0.1:<nginx port>/node/<port>/. */
  readonly url: string;
  readonly server: TestServer;
}

interface ProxiedCluster {
  readonly nginx: NginxProcess;
  /** The proxy's origin, http://127.0.0.1:<nginx port>: what a player opens. */
  readonly origin: string;
  readonly nodes: readonly [ProxiedNode, ProxiedNode];
  /** The node running a room, by the nodes' own room tables. */
  ownerOf(roomId: string): ProxiedNode | undefined;
  other(node: ProxiedNode): ProxiedNode;
  /** A player (no automatic reconnection) on the proxy's origin, connected; closed after the test. */
  player(name: string, transports: readonly Transport[]): Promise<NetClient>;
}

/**
 * Redis, then two nodes whose PUBLIC_URL names nginx's port (chosen first), then nginx routing to them with
 * the generator's standalone file. `config` is added to both nodes' configuration.
 */
async function proxiedCluster(config: Partial<ServerConfig> = {}): Promise<ProxiedCluster> {
  const redis = await startRedisServer();
  cleanups.push(() => redis.stop());
  const port = await freePort();
  const proxy: Omit<NginxConfigOptions, 'nodes'> = { listen: `127.0.0.1:${port}`, serverName: '127.0.0.1', standalone: true };
  // What the generated file tells WORKERS=N nodes to run with: one PUBLIC_URL, "{port}" naming each node.
  const publicUrl = proxiedNodeUrl({ ...proxy, nodes: [] }, { name: '{port}' });
  const start = async (nodeId: 'a' | 'b'): Promise<ProxiedNode> => {
    const recordingsDir = mkdtempSync(join(tmpdir(), `nginx-cluster-${nodeId}-`));
    cleanups.push(() => rmSync(recordingsDir, { recursive: true, force: true }));
    const server = await startTestServer({ redisUrl: redis.url, publicUrl, nodeId, trustedProxies: ['127.0.0.1'], recordingsDir, ...config });
    cleanups.push(() => server.close());
    const name = String(server.port);
    return { nodeId, name, url: proxiedNodeUrl({ ...proxy, nodes: [] }, { name }), server };
  };
  const nodes = [await start('a'), await start('b')] as const;
  const proxyNodes = nodes.map(({ name, server }) => ({ name, host: '127.0.0.1', port: server.port }));
  const nginx = await startNginx((p) => renderNginxConfig({ ...proxy, listen: `127.0.0.1:${p}`, nodes: proxyNodes }), { port });
  cleanups.push(() => nginx.stop());
  return {
    nginx,
    origin: nginx.url,
    nodes,
    ownerOf: (roomId) => nodes.find((n) => n.server.server.rooms.get(roomId) !== undefined),
    other: (node) => (node === nodes[0] ? nodes[1] : nodes[0]),
    async player(name, transports) {
      const net = new NetClient({ url: nginx.url, games: [arenaGame], name, transports, reconnection: false });
      cleanups.push(() => net.close());
      await net.connect();
      return net;
    },
  };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The node nginx's `/` sends this machine's clients to (ip_hash on the client address): it says so in /api/rooms. */
async function routedNode(cluster: ProxiedCluster): Promise<ProxiedNode> {
  const { node } = await getJson<{ node: string }>(`${cluster.origin}/api/rooms`);
  const found = cluster.nodes.find((n) => n.nodeId === node);
  if (!found) throw new Error(`/api/rooms through / answered by unknown node ${node}`);
  return found;
}

/**
 * Makes the next new public room go to the node `/` does not route to, so that a player entering through
 * `/` is redirected. A new room goes to the least-loaded node, ties to the lower id (a): when that is the
 * routed node, a private room there (its host stays connected) makes it the more loaded one.
 * Returns the node new rooms now go to.
 */
async function steerNewRoomsAwayFrom(cluster: ProxiedCluster, routed: ProxiedNode): Promise<ProxiedNode> {
  if (routed.nodeId === 'a') {
    const host = await cluster.player('host', ['websocket']);
    const room = await host.createRoom(true);
    expect(cluster.ownerOf(room.roomId), 'the private room, placed on the lower id').toBe(routed);
  }
  return cluster.other(routed);
}

/** Resolves with the URL of the first node the client moves to. */
function movedTo(net: NetClient): Promise<string> {
  return new Promise((resolve) => net.once('moved', resolve));
}

describe('a Redis cluster of two nodes behind nginx (npm run proxy-config)', () => {
  it('quick play through the proxy origin is redirected to the owning node’s /node/<port>/, over WebSocket and long-polling, into one room', async () => {
    const cluster = await proxiedCluster();
    const routed = await routedNode(cluster);
    const owner = await steerNewRoomsAwayFrom(cluster, routed);

    const ws = await cluster.player('ws', ['websocket']);
    const wsMoved = movedTo(ws);
    const join = await ws.quickPlay();
    expect(await wsMoved).toBe(owner.url);
    expect(ws.nodeUrl).toBe(owner.url);
    expect(ws.transport).toBe('websocket');
    expect(cluster.ownerOf(join.roomId)).toBe(owner);
    await waitFor(() => ws.stats.snapshots >= 30, 15_000, '30 snapshots over WebSocket through the owner’s prefix');

    // A second player, long-polling: the same room, on the same node.
    const poll = await cluster.player('poll', ['polling']);
    const pollMoved = movedTo(poll);
    const join2 = await poll.quickPlay();
    expect(join2.roomId).toBe(join.roomId);
    expect(await pollMoved).toBe(owner.url);
    expect(poll.transport).toBe('polling');
    const sid = poll.socket.io.engine.id;
    await waitFor(() => poll.stats.snapshots >= 90, 20_000, '90 snapshots over long-polling through the owner’s prefix');

    // The owner's own room table seats both players, connected; the other node has no such room.
    const room = owner.server.server.rooms.get(join.roomId);
    expect(room?.playerCount).toBe(2);
    expect(room?.connectedCount).toBe(2);
    expect(routed.server.server.rooms.get(join.roomId)).toBeUndefined();
    expect(poll.connected).toBe(true);
    expect(poll.socket.io.engine.id).toBe(sid);
    // Every request of the long-polling session went to the owner's prefix and was answered by the owner,
    // the only node that knows the session (any other answers 400 "Session ID unknown").
    const lines = cluster.nginx.accessLog().split('\n').filter((l) => l.includes(`sid=${sid}`));
    expect(lines.length).toBeGreaterThan(60);
    expect(lines.filter((l) => !l.includes(`/node/${owner.name}/socket.io/`) || !/" 200 /.test(l))).toEqual([]);
  }, 45_000); // 4.3-4.8 s here, idle or with four busy loops on the 2 cores

  it('lists both nodes and the room with its owner in /api/nodes and /api/rooms, through / and through every prefix', async () => {
    const cluster = await proxiedCluster();
    const owner = await steerNewRoomsAwayFrom(cluster, await routedNode(cluster));
    const first = await cluster.player('first', ['websocket']);
    const second = await cluster.player('second', ['polling']);
    const { roomId } = await first.quickPlay();
    expect((await second.quickPlay()).roomId).toBe(roomId);

    for (const base of [`${cluster.origin}/`, ...cluster.nodes.map((n) => n.url)]) {
      const { nodes } = await getJson<{ nodes: NodeSummary[] }>(`${base}api/nodes`);
      expect(nodes.map((n) => ({ nodeId: n.nodeId, url: n.url, draining: n.draining })).sort((x, y) => x.nodeId.localeCompare(y.nodeId))).toEqual(
        cluster.nodes.map((n) => ({ nodeId: n.nodeId, url: n.url, draining: false })),
      );
      // Player counts reach the directory with the owner's reports, and each node caches the list for 1 s.
      let rooms: PublicRoom[] = [];
      await waitUntil(async () => {
        rooms = (await getJson<{ rooms: PublicRoom[] }>(`${base}api/rooms`)).rooms;
        return rooms.length === 1 && rooms[0]!.players === 2;
      }, 10_000, () => `the room with 2 players in ${base}api/rooms; last: ${JSON.stringify(rooms)}`);
      expect(rooms[0]).toMatchObject({ roomId, nodeId: owner.nodeId, nodeUrl: owner.url, players: 2 });
    }
  }); // 1.4-1.5 s here, idle or loaded

  it('downloads a recording through the prefix of the node that does not own it: a 307 to the owner’s prefix, then the bytes', async () => {
    // An empty room closes 300 ms after its last player leaves, and its recording is finalized.
    const cluster = await proxiedCluster({ emptyRoomGraceMs: 300 });
    const owner = await steerNewRoomsAwayFrom(cluster, await routedNode(cluster));
    const other = cluster.other(owner);
    const player = await cluster.player('rec', ['websocket']);
    const { roomId } = await player.quickPlay();
    expect(cluster.ownerOf(roomId)).toBe(owner);
    await waitFor(() => player.stats.snapshots >= 30, 15_000, '30 snapshots');
    await player.leave();

    // The cluster's list (through /) shows the finished match on its owner.
    let match: IndexedMatch | undefined;
    await waitUntil(async () => {
      const { matches } = await getJson<{ matches: IndexedMatch[] }>(`${cluster.origin}/api/matches`);
      match = matches.find((m) => m.roomId === roomId && m.complete);
      return match !== undefined;
    }, 10_000, 'the finished match in /api/matches');
    expect(match).toMatchObject({ nodeId: owner.nodeId, nodeUrl: owner.url, live: false });
    const id = match!.id;

    const asked = `${other.url}api/matches/${encodeURIComponent(id)}/recording`;
    const redirect = await fetch(asked, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`${owner.url}api/matches/${encodeURIComponent(id)}/recording`);
    const download = await fetch(asked);
    expect(download.status).toBe(200);
    expect(download.url).toBe(redirect.headers.get('location'));
    const bytes = Buffer.from(await download.arrayBuffer());
    const file = owner.server.server.recordings!.store.fileOf(id)!;
    expect(bytes.length).toBe(file.size);
    expect(bytes.equals(readFileSync(file.file))).toBe(true);
  }); // 2.3-2.5 s here, idle or loaded
});

describe('the game page in Chromium through nginx in front of the cluster', () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureClient();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('opens the proxy origin with ?transport=polling, quick-plays onto the node the redirect names, and plays', async () => {
    const cluster = await proxiedCluster({ staticDir: CLIENT_DIST });
    const routed = await routedNode(cluster);
    const owner = await steerNewRoomsAwayFrom(cluster, routed);

    const player: Player = await openPlayer(browser, cluster.origin, '?transport=polling');
    cleanups.push(async () => {
      await player.context.close();
      expect(player.errors, 'page errors').toEqual([]);
    });
    // Which node prefixes the page's socket.io requests go to (the lobby's go through /socket.io/).
    const prefixes = new Set<string>();
    player.page.on('request', (req) => {
      const match = /^\/node\/([^/]+)\/socket\.io\//.exec(new URL(req.url()).pathname);
      if (match) prefixes.add(match[1]!);
    });

    const joined = await quickPlay(player.page, 'Polly');
    expect(joined.transport).toBe('polling');
    // The page followed the redirect to the owner's prefix only, and its room is in the owner's room table.
    expect([...prefixes]).toEqual([owner.name]);
    const room = owner.server.server.rooms.get(joined.roomId!);
    expect(room?.seat(joined.playerId!)?.name).toBe('Polly');
    expect(room?.connectedCount).toBe(1);
    expect(routed.server.server.rooms.get(joined.roomId!)).toBeUndefined();

    // Snapshots keep arriving: the rendered tick advances a second's worth, at the snapshot rate.
    const later = await waitForState(player.page, (st) => st.renderTick >= joined.renderTick + 30 && (st.net?.snapshotRate ?? 0) >= 10, 'a second of snapshots over long-polling', 15_000);
    expect(later.connected).toBe(true);
    // And it plays: held keys move the player on the server, whose snapshots say so.
    const start = await waitForState(player.page, (st) => st.authoritative !== null, 'the authoritative position');
    await player.page.keyboard.down('KeyD');
    try {
      await waitForState(player.page, (st) => (st.authoritative?.x ?? -1e9) > start.authoritative!.x + 40, 'movement over long-polling through nginx', 15_000);
    } finally {
      await player.page.keyboard.up('KeyD');
    }
    expect([...prefixes]).toEqual([owner.name]);
    expect((await waitForState(player.page, (st) => st.transport !== null, 'the transport')).transport).toBe('polling');
  }, 45_000); // 2.9-3.4 s here, idle or with four busy loops on the 2 cores
});

/** Polls an async condition every 100 ms until it holds, or throws after `timeoutMs` with `what`. */
async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number, what: string | (() => string)): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
