// Reconnect tokens on a real server: a token takes back one occupancy of a seat, the one it was issued
// for, and nothing else. It is refused once that seat was left, given up after the grace period, or
// given (same player id: ids are reused) to someone else; within grace it takes the seat back, from the
// same connection after a drop or from a new one (another tab), which kicks the old one.

import { describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import { EV, type JoinInfo, type RoomClosedMessage } from '../../shared/protocol.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import type { TestServer } from '../test-support/test-server.js';

const fixture = serverFixture();
const server = fixture.server;

function client(s: TestServer, name: string, reconnection = false): Promise<NetClient> {
  return fixture.client(s.url, name, { reconnection });
}

async function rejoinWith(s: TestServer, token: string) {
  const c = await client(s, 'replayer');
  return c.rawRequest(EV.rejoinRoom, { token });
}

describe('reconnect tokens', () => {
  it('refuses the token of a player who left once the same player id is given to someone else', { timeout: 60_000 }, async () => {
    // Every client here comes from 127.0.0.1: more connections than one address may open by default.
    const s = await server({ exemptAddresses: ['127.0.0.1'] });
    const host = await client(s, 'host');
    const { code } = await host.createRoom(true);
    const leaver = await client(s, 'leaver');
    const left = await leaver.joinRoom({ code: code! });
    await leaver.leave();

    // Join and leave until the leaver's id comes round again (ids go round-robin up to 255): 32
    // connections of at most 9 join/leave pairs each (inside the per-connection request burst), used by
    // 14 workers so that the host and the workers never fill the room's 16 seats.
    const pool = await Promise.all(Array.from({ length: 32 }, (_, i) => client(s, `churn${i}`)));
    let victim: NetClient | null = null;
    let victimJoin: JoinInfo | null = null;
    let joins = 0;
    let nextClient = 0;
    await Promise.all(
      Array.from({ length: 14 }, async () => {
        while (!victim && nextClient < pool.length) {
          const c = pool[nextClient++]!;
          for (let n = 0; n < 9 && !victim; n++) {
            const join = await c.joinRoom({ code: code! });
            joins++;
            if (join.playerId === left.playerId) {
              victim = c;
              victimJoin = join;
              return;
            }
            await c.leave();
          }
        }
      }),
    );
    expect(victim, `a later player got id ${left.playerId} back within ${joins} joins`).not.toBeNull();
    const seated = victim as unknown as NetClient;
    const kicked: RoomClosedMessage[] = [];
    seated.on('roomClosed', (m) => kicked.push(m));

    // The leaver replays its old token: the seat with its old id is someone else's now.
    const reply = await rejoinWith(s, left.reconnectToken);
    expect(reply).toMatchObject({ ok: false, error: { code: 'BAD_TOKEN' } });
    await sleep(200);
    expect(kicked).toEqual([]);
    expect(seated.connected).toBe(true);
    const seat = s.server.rooms.get(left.roomId)!.seat(left.playerId)!;
    expect(seat.name).toBe(victimJoin!.name);
    expect(seat.link).not.toBeNull();
    // The victim's own token still works for the victim (a takeover from a new connection).
    expect(await rejoinWith(s, victimJoin!.reconnectToken)).toMatchObject({ ok: true, join: { playerId: left.playerId } });
  });

  it('refuses the token of a seat that was left', async () => {
    const s = await server();
    const c = await client(s, 'leaver');
    const join = await c.quickPlay();
    await c.leave();
    expect(await rejoinWith(s, join.reconnectToken)).toMatchObject({ ok: false, error: { code: 'BAD_TOKEN' } });
  });

  it('refuses a token once the reconnect grace is over', async () => {
    const s = await server({ reconnectGraceMs: 300 });
    const keeper = await client(s, 'keeper'); // keeps the public room alive
    await keeper.quickPlay();
    const c = await client(s, 'gone');
    const join = await c.quickPlay();
    c.close();
    await sleep(600);
    expect(await rejoinWith(s, join.reconnectToken)).toMatchObject({ ok: false, error: { code: 'BAD_TOKEN' } });
  });

  it('takes the seat back within grace, from a new connection too, which kicks the old one', async () => {
    const s = await server({ reconnectGraceMs: 10_000 });
    const first = await client(s, 'tab1', true);
    const join = await first.quickPlay();
    // A network drop: the same client reconnects and rejoins with its token.
    const rejoined = first.next('rejoined', 6000);
    first.socket.io.engine.close();
    expect(await rejoined).toMatchObject({ roomId: join.roomId, playerId: join.playerId });
    // Another tab with the same token takes the seat over; the first tab is told and loses it.
    const kicked = first.next('roomClosed', 3000);
    const second = await client(s, 'tab2');
    const reply = await second.rawRequest(EV.rejoinRoom, { token: join.reconnectToken });
    expect(reply).toMatchObject({ ok: true, join: { roomId: join.roomId, playerId: join.playerId } });
    expect(await kicked).toMatchObject({ reason: 'kicked' });
    await waitFor(() => s.server.rooms.get(join.roomId)!.seat(join.playerId)!.link !== null, 3000, 'the seat linked');
    expect(s.server.rooms.get(join.roomId)!.playerCount).toBe(1);
  });
});
