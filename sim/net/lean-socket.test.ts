// The lean socket.io client against the real game server: NetClient on it connects, quick-plays, sends
// inputs the server acknowledges, applies snapshots; refusals, a server-side disconnect, a dropped
// transport, a killed server process and the server's heartbeat behave as with socket.io-client.

import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../server/test-support/free-port.js';
import { startServerProcess } from '../../server/test-support/server-process.js';
import { waitFor } from '../../server/test-support/test-client.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import type { ConnectError } from '../../shared/client/client-connection.js';
import { NetClient } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { openLeanSocket, type LeanSocket } from './lean-socket.js';

let ts: TestServer;
/** Whatever a test opened: closed after it. */
const opened: (() => void)[] = [];

beforeAll(async () => {
  ts = await startTestServer();
});
afterEach(() => {
  for (const close of opened.splice(0)) close();
});
afterAll(async () => {
  await ts.close();
});

function leanClient(url: string, reconnection = false): NetClient<LeanSocket> {
  const net = new NetClient({ url, games: [arenaGame], reconnection, openConnection: openLeanSocket });
  opened.push(() => net.close());
  return net;
}

/** Sends an idle input every 33 ms until stopped. */
function sendInputs(net: NetClient<LeanSocket>): () => void {
  const timer = setInterval(() => net.sendInput(arenaGame.encodeInput(arenaGame.idleInput(null))), 33);
  return () => clearInterval(timer);
}

it('connects, quick-plays, and its inputs are acknowledged by the snapshots it applies', async () => {
  const net = leanClient(ts.url);
  await net.connect();
  expect(net.transport).toBe('websocket');
  const join = await net.quickPlay();
  expect(join.game).toBe(arenaGame.name);
  const stop = sendInputs(net);
  try {
    let acked = 0;
    net.on('snapshot', (s) => void (acked = Math.max(acked, s.lastInputSeq)));
    await waitFor(() => acked >= 10, 15_000, 'ten inputs acknowledged');
  } finally {
    stop();
  }
  expect(net.stats.snapshots).toBeGreaterThan(5);
  expect(net.stats.decodeErrors).toBe(0);
  expect(net.mirror.entities.get(join.playerId)).toBeDefined();
  expect(net.stats.bytesIn).toBeGreaterThan(0);
  expect(net.stats.bytesOut).toBeGreaterThan(0);
  // Requests still get their replies mid-game.
  expect((await net.listRooms()).some((r) => r.roomId === join.roomId)).toBe(true);
});

it('reports the server refusing the handshake with its code', async () => {
  const { origin } = new URL(ts.url);
  const socket = openLeanSocket(origin, { path: '/socket.io/', auth: { protocol: -1 }, reconnection: false });
  opened.push(() => socket.disconnect());
  const refusal = await new Promise<ConnectError>((resolve) => socket.on('connect_error', resolve));
  expect((refusal.data as { code?: string }).code).toBe('PROTOCOL_MISMATCH');
  expect(socket.connected).toBe(false);
  expect(socket.io.active).toBe(false);
});

it('reports a port where nothing listens as refused', async () => {
  const socket = openLeanSocket(`http://127.0.0.1:${await freePort()}`, { reconnection: false });
  opened.push(() => socket.disconnect());
  const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
  expect(error.message).toMatch(/ECONNREFUSED/);
});

it('notices a server-side disconnect and does not reconnect after it', async () => {
  const net = leanClient(ts.url, true);
  await net.connect();
  const reasons: string[] = [];
  net.on('disconnected', (reason) => reasons.push(reason));
  ts.server.io.sockets.sockets.get(net.socket.id!)!.disconnect();
  await waitFor(() => reasons.length === 1, 10_000, 'the disconnect');
  expect(reasons).toEqual(['io server disconnect']);
  expect(net.connected).toBe(false);
  expect(net.socket.io.active).toBe(false);
});

it('takes the seat back after the transport drops', async () => {
  const net = leanClient(ts.url, true);
  await net.connect();
  const join = await net.quickPlay();
  const rejoined = net.next('rejoined', 15_000);
  net.socket.io.engine!.close();
  expect((await rejoined).playerId).toBe(join.playerId);
  expect(net.connected).toBe(true);
});

it('stays connected past the server heartbeat (it answers the pings)', async () => {
  const net = leanClient(ts.url);
  await net.connect();
  const engine = net.socket.io.engine!;
  const { pingInterval, pingTimeout } = engine.settings!;
  let disconnected = false;
  net.on('disconnected', () => (disconnected = true));
  // The server drops a client that leaves a ping unanswered for pingTimeout: wait two full rounds.
  await new Promise((r) => setTimeout(r, 2 * pingInterval + pingTimeout));
  expect(disconnected).toBe(false);
  expect(net.socket.io.engine).toBe(engine);
  await net.listRooms();
}, 60_000);

it('notices a server process killed with -9', async () => {
  const server = await startServerProcess({ env: {} });
  try {
    const net = leanClient(server.url, true);
    await net.connect();
    await net.quickPlay();
    const reasons: string[] = [];
    net.on('disconnected', (reason) => reasons.push(reason));
    await server.killGroup();
    await waitFor(() => reasons.length === 1, 10_000, 'the disconnect');
    expect(reasons[0]).toBe('transport close');
    expect(net.connected).toBe(false);
  } finally {
    await server.killGroup();
  }
}, 90_000);
