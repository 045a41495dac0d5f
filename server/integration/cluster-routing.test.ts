// Routing players between the nodes of a cluster: two real GameServers in this process sharing one
// in-memory room directory (the Redis directory has the same semantics; the multi-process tests in
// cluster-processes.test.ts run it for real). A player matchmade on one node is redirected to the node
// that owns the room, claims the seat there with the ticket, and plays; codes, ids and reconnect tokens
// work from either node.

import { describe, expect, it } from 'vitest';
import { NetClient } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { EV } from '../../shared/protocol.js';
import { MemoryDirectoryStore, MemoryRoomDirectory } from '../cluster/index.js';
import { serverFixture } from '../test-support/server-fixture.js';
import type { TestServer } from '../test-support/test-server.js';
import { waitFor } from '../test-support/test-client.js';

const { server, client, track } = serverFixture();

/** Two nodes of one in-process cluster, with ids a and b. */
async function twoNodes(): Promise<[TestServer, TestServer]> {
  const store = new MemoryDirectoryStore();
  const node = (nodeId: string) =>
    server({}, { directory: (url) => new MemoryRoomDirectory({ nodeId, url, games: [arenaGame.name], maxRooms: 50, maxPrivateRooms: 25, store }) });
  return [await node('a'), await node('b')];
}

describe('cluster routing', () => {
  it('quick play from either node fills one room on its owning node; players are redirected there and play', async () => {
    const [a, b] = await twoNodes();
    const first = await client(a.url, 'first');
    const join1 = await first.quickPlay();
    const owner = a.server.rooms.get(join1.roomId) ? a : b;
    const other = owner === a ? b : a;
    // The second player asks the node that does not own the room: it is sent there.
    const second = await client(other.url, 'second');
    const moved = new Promise<string>((resolve) => second.on('moved', resolve));
    const join2 = await second.quickPlay();
    expect(join2.roomId).toBe(join1.roomId);
    expect(await moved).toBe(`${owner.url}/`);
    expect(second.nodeUrl).toBe(`${owner.url}/`);
    expect(owner.server.rooms.get(join1.roomId)?.playerCount).toBe(2);
    expect(other.server.rooms.size).toBe(0);
    await waitFor(() => second.stats.snapshots > 5 && first.stats.snapshots > 5, 5000, 'snapshots for both players');
    // Both nodes list the room, with its owner.
    for (const node of [a, b]) {
      const rooms = await (await fetch(`${node.url}/api/rooms`)).json();
      expect(rooms.rooms).toEqual([expect.objectContaining({ roomId: join1.roomId, players: 2, nodeId: owner.server.directory.nodeId })]);
    }
    const nodes = await (await fetch(`${a.url}/api/nodes`)).json();
    expect(nodes.nodes.map((n: { nodeId: string }) => n.nodeId).sort()).toEqual(['a', 'b']);
  });

  it('a private room created through one node is joined by code through the other', async () => {
    const [a, b] = await twoNodes();
    const host = await client(a.url, 'host');
    const created = await host.createRoom(true);
    const guest = await client(b.url, 'guest');
    const joined = await guest.joinRoom({ code: created.code! });
    expect(joined.roomId).toBe(created.roomId);
    expect(new URL(guest.nodeUrl).href).toBe(new URL(host.nodeUrl).href);
    // Never listed, on either node.
    expect(await guest.listRooms()).toEqual([]);
  });

  it('a reconnect token sent to the wrong node is sent on to the room’s node, where the seat is taken back', async () => {
    const [a, b] = await twoNodes();
    const player = await client(a.url, 'p', { reconnection: true });
    const join = await player.quickPlay();
    const owner = a.server.rooms.get(join.roomId) ? a : b;
    const other = owner === a ? b : a;
    // A page reload lands on the other node (a new client), with the token it kept.
    player.close();
    const reloaded = track(new NetClient({ url: other.url, games: [arenaGame], name: 'p', reconnection: false }));
    await reloaded.connect();
    const raw = await reloaded.rawRequest(EV.rejoinRoom, { token: join.reconnectToken });
    expect(raw).toEqual({ ok: true, redirect: { url: `${owner.url}/`, roomId: join.roomId } });
    // There, the same token takes the seat back.
    const there = await client(owner.url, 'p');
    expect(await there.rawRequest(EV.rejoinRoom, { token: join.reconnectToken })).toMatchObject({
      ok: true,
      join: { roomId: join.roomId, playerId: join.playerId },
    });
  });

  it('a seat ticket is single-use and only good on its node', async () => {
    const [a, b] = await twoNodes();
    const first = await client(a.url, 'first');
    const { roomId } = await first.quickPlay();
    const owner = a.server.rooms.get(roomId) ? a : b;
    const other = owner === a ? b : a;
    const asker = await client(other.url, 'asker');
    const reply = await asker.rawRequest(EV.quickPlay, {});
    expect(reply).toMatchObject({ ok: true, redirect: { url: `${owner.url}/`, roomId, ticket: expect.any(String) } });
    const ticket = (reply as unknown as { redirect: { ticket: string } }).redirect.ticket;
    // Shown to the wrong node: refused (and not consumed).
    const wrong = await client(other.url, 'wrong');
    expect(await wrong.rawRequest(EV.claimSeat, { ticket })).toMatchObject({ ok: false, error: { code: 'BAD_TICKET' } });
    const right = await client(owner.url, 'right');
    expect(await right.rawRequest(EV.claimSeat, { ticket })).toMatchObject({ ok: true, join: { roomId } });
    const again = await client(owner.url, 'again');
    expect(await again.rawRequest(EV.claimSeat, { ticket })).toMatchObject({ ok: false, error: { code: 'BAD_TICKET' } });
    expect(await again.rawRequest(EV.claimSeat, { ticket: 'not a ticket!' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });
});
