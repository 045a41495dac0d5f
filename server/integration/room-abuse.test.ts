// Room exhaustion and abusive clients on a real server: a handful of connections cannot block every new
// game (per-address quotas, private rooms closed soon after their players are gone, a share of the rooms
// kept for quick play), and a client cut off for abuse gives its seat up at once.

import { describe, expect, it } from 'vitest';
import { RequestError, type NetClient } from '../../shared/client/net-client.js';
import { EV } from '../../shared/protocol.js';
import { clientFromAddress } from '../test-support/client-from-address.js';
import { waitFor } from '../test-support/test-client.js';
import { metricValue, serverFixture } from '../test-support/server-fixture.js';
import type { TestServer } from '../test-support/test-server.js';

const { server, track } = serverFixture();

async function clientAt(s: TestServer, address: string, name: string, reconnection = false): Promise<NetClient> {
  const c = track(clientFromAddress(s.url, address, { name, reconnection }));
  await c.connect();
  return c;
}

function codeOf(err: unknown): string {
  return err instanceof RequestError ? err.code : String(err);
}

const ATTACKER = '127.0.0.2';

describe('room exhaustion', () => {
  it('connect, create a private room, disconnect, 200 times over 10 connections: other players still get a room at once', async () => {
    const s = await server(); // defaults: MAX_ROOMS 200, half of them for private rooms
    const outcomes: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = 0; i < 20; i++) {
          const c = clientFromAddress(s.url, ATTACKER, { name: `a${worker}` });
          try {
            await c.connect();
            await c.createRoom(true);
            outcomes.ok = (outcomes.ok ?? 0) + 1;
          } catch (err) {
            outcomes[codeOf(err)] = (outcomes[codeOf(err)] ?? 0) + 1;
          } finally {
            c.close();
          }
        }
      }),
    );
    console.log(`[room-abuse] 200 create attempts from one address: ${JSON.stringify(outcomes)}, rooms open: ${s.server.rooms.size}`);
    // Players elsewhere are not affected, neither quick play nor a private room of their own.
    const player = await clientAt(s, '127.0.0.3', 'player');
    await expect(player.quickPlay()).resolves.toMatchObject({ playerId: 1 });
    const host = await clientAt(s, '127.0.0.4', 'host');
    await expect(host.createRoom(true)).resolves.toMatchObject({ code: expect.stringMatching(/^[A-Z2-9]{6}$/) });
    // The address has at most its open-room quota (4 by default), whatever it tries.
    expect(outcomes.ok ?? 0).toBeGreaterThan(0);
    expect(outcomes.ok ?? 0).toBeLessThanOrEqual(4);
    expect(outcomes.QUOTA_EXCEEDED ?? 0).toBeGreaterThan(150);
    expect(s.server.rooms.size).toBeLessThanOrEqual(4 + 2);
    // The attacker is told which limit it hit, and the operator sees it counted.
    const again = await clientAt(s, ATTACKER, 'again');
    await expect(again.createRoom(false)).rejects.toThrow(/QUOTA_EXCEEDED: clients at your address have created 4 rooms that are still open/);
    expect(await metricValue(s.url, 'game_room_creations_refused_total{reason="open_rooms_per_address"}')).toBeGreaterThan(150);
  });

  it('bounds the rate of room creations per address', async () => {
    // No open-room cap here: only the rate applies (5 a minute, in a burst of 5).
    const s = await server({ maxRoomsPerClient: 0, roomCreationsPerMinute: 5 });
    const c = await clientAt(s, ATTACKER, 'churn');
    for (let i = 0; i < 5; i++) {
      await c.createRoom(true);
      await c.leave();
    }
    await expect(c.createRoom(true)).rejects.toThrow(/QUOTA_EXCEEDED: too many rooms created by you \(the limit is 5 a minute\); try again in 12 s/);
    // A new connection from the same address (a new guest identity) is held by the address' rate.
    const next = await clientAt(s, ATTACKER, 'churn2');
    await expect(next.createRoom(true)).rejects.toThrow(/QUOTA_EXCEEDED: too many rooms created from your address/);
    const elsewhere = await clientAt(s, '127.0.0.3', 'elsewhere');
    await expect(elsewhere.createRoom(true)).resolves.toBeDefined();
  });

  it('counts a quick play that opens a room as a creation', async () => {
    const s = await server({ maxRoomsPerClient: 1, maxPlayersPerRoom: 1 });
    const first = await clientAt(s, ATTACKER, 'first');
    await first.quickPlay(); // opens a public room
    const second = await clientAt(s, ATTACKER, 'second');
    await expect(second.quickPlay()).rejects.toThrow(/QUOTA_EXCEEDED/);
    const elsewhere = await clientAt(s, '127.0.0.3', 'elsewhere');
    await expect(elsewhere.quickPlay()).resolves.toBeDefined();
  });

  it('keeps rooms for quick play however many private rooms are asked for', async () => {
    const s = await server({ maxRooms: 4 }); // private rooms: half, 2
    const refused: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await clientAt(s, `127.0.0.${10 + i}`, `private${i}`);
      await c.createRoom(true).catch((err: unknown) => refused.push(err instanceof Error ? err.message : String(err)));
    }
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatch(/^SERVER_FULL: all private rooms are in use; quick play still works/);
    const player = await clientAt(s, '127.0.0.20', 'quick');
    await expect(player.quickPlay()).resolves.toBeDefined();
    const second = await clientAt(s, '127.0.0.21', 'quick2');
    await expect(second.createRoom(false)).resolves.toBeDefined();
    // Past the global cap, everyone gets SERVER_FULL.
    const third = await clientAt(s, '127.0.0.22', 'quick3');
    await expect(third.createRoom(false)).rejects.toThrow(/^SERVER_FULL: every server is at its room limit/);
  });
});

describe('abandoned private rooms', () => {
  it('closes a private room soon after its last player is gone, and it stops counting against its creator', async () => {
    // Reconnect grace and empty-room grace as shipped (20 s + 30 s): only the unattended grace closes it.
    const s = await server({ privateRoomUnattendedMs: 300, maxRoomsPerClient: 1 });
    const host = await clientAt(s, ATTACKER, 'host');
    const { roomId } = await host.createRoom(true);
    host.close();
    const closedAt = Date.now();
    await waitFor(() => !s.server.rooms.get(roomId), 5000, 'the abandoned private room to close');
    console.log(`[room-abuse] abandoned private room closed ${Date.now() - closedAt} ms after its player left (grace 300 ms)`);
    expect(await metricValue(s.url, 'game_rooms_closed_total{reason="unattended"}')).toBe(1);
    const again = await clientAt(s, ATTACKER, 'host again');
    await expect(again.createRoom(true)).resolves.toBeDefined();
  });

  it('lets a lone player who reconnects within the unattended grace keep the private room', async () => {
    const s = await server(); // the shipped 10 s; a local reconnect takes ~0.5 s
    const host = await clientAt(s, ATTACKER, 'host', true);
    const join = await host.createRoom(true);
    const rejoined = host.next('rejoined', 8000);
    host.socket.io.engine.close(); // a network drop: socket.io reconnects, the client takes its seat back
    const info = await rejoined;
    expect(info).toMatchObject({ roomId: join.roomId, playerId: join.playerId, code: join.code });
    expect(s.server.rooms.get(join.roomId)?.isClosed).toBe(false);
  });

  it('keeps a private room open while one player is still connected', async () => {
    const s = await server({ privateRoomUnattendedMs: 200 });
    const host = await clientAt(s, ATTACKER, 'host');
    const { roomId, code } = await host.createRoom(true);
    const guest = await clientAt(s, '127.0.0.3', 'guest');
    await guest.joinRoom({ code: code! });
    host.close();
    // Ten times the grace, then the room is still there with the guest in it.
    const room = s.server.rooms.get(roomId)!;
    await waitFor(() => room.connectedCount === 1, 3000, 'the host to be gone');
    await new Promise((r) => setTimeout(r, 2000));
    expect(s.server.rooms.get(roomId)).toBe(room);
    expect(guest.join?.roomId).toBe(roomId);
  });
});

describe('clients cut off for abuse', () => {
  async function fullRoom(s: TestServer): Promise<{ code: string; offender: NetClient }> {
    const host = await clientAt(s, '127.0.0.3', 'host');
    const { code } = await host.createRoom(true);
    const offender = await clientAt(s, ATTACKER, 'offender');
    await offender.joinRoom({ code: code! });
    return { code: code!, offender };
  }

  it('frees the seat of a flooding client at once, and its reconnect token with it', async () => {
    // A seat held for a minute after a disconnect: only an immediate release lets the next player in.
    const s = await server({ maxPlayersPerRoom: 2, reconnectGraceMs: 60_000 });
    const { code, offender } = await fullRoom(s);
    const token = offender.join!.reconnectToken;
    for (let i = 1; i <= 2000; i++) offender.socket.emit(EV.input, [i, -1, 0, [0, 0]]);
    await waitFor(() => !offender.connected, 5000, 'the flooder to be cut off');
    const next = await clientAt(s, '127.0.0.4', 'next');
    await expect(next.joinRoom({ code })).resolves.toBeDefined();
    const replay = await clientAt(s, ATTACKER, 'replay');
    expect(await replay.rawRequest(EV.rejoinRoom, { token })).toMatchObject({ ok: false, error: { code: 'BAD_TOKEN' } });
  });

  it('frees the seat of a client whose packet the parser rejects at once', async () => {
    const s = await server({ maxPlayersPerRoom: 2, reconnectGraceMs: 60_000 });
    const { code, offender } = await fullRoom(s);
    // 0xc1 is never valid msgpack: the parser rejects the packet and socket.io closes the connection.
    offender.socket.io.engine.write(new Uint8Array([0xc1, 0xff]));
    await waitFor(() => !offender.connected, 5000, 'the sender of a malformed packet to be disconnected');
    const next = await clientAt(s, '127.0.0.4', 'next');
    await expect(next.joinRoom({ code })).resolves.toBeDefined();
  });

  it('still holds the seat of a client whose network dropped', async () => {
    const s = await server({ maxPlayersPerRoom: 2, reconnectGraceMs: 60_000 });
    const { code, offender: dropped } = await fullRoom(s);
    dropped.socket.io.engine.close();
    await waitFor(() => !dropped.connected, 5000, 'the connection to drop');
    const next = await clientAt(s, '127.0.0.4', 'next');
    await expect(next.joinRoom({ code })).rejects.toThrow(/ROOM_FULL/);
  });
});
