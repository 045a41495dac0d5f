// The lean engine.io session against a bare `ws` server that plays the server's part of engine.io by
// hand: the cases a real game server does not produce on demand (no pings, a frame over the limit, a
// peer that stops reading).

import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { waitFor } from '../../server/test-support/test-client.js';
import { LIMITS } from '../../shared/protocol.js';
import { engineUrl, LeanEngine, MAX_BUFFERED_BYTES, type EngineCloseReason, type EngineHandlers } from './lean-engine.js';

const started: { server: WebSocketServer; engine: LeanEngine | null }[] = [];

afterEach(async () => {
  for (const s of started.splice(0)) {
    s.engine?.discard();
    for (const client of s.server.clients) client.terminate();
    await new Promise((r) => s.server.close(r));
  }
});

/** A ws server that answers each connection with an engine.io open packet, then lets the test drive it. */
async function fakeEngineServer(handshake: { pingInterval: number; pingTimeout: number; maxPayload: number }) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const peers: WebSocket[] = [];
  server.on('connection', (ws) => {
    peers.push(ws);
    ws.send(`0${JSON.stringify({ sid: 'test', upgrades: [], ...handshake })}`);
  });
  const entry = { server, engine: null as LeanEngine | null };
  started.push(entry);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: engineUrl(origin, '/socket.io/'), peers, entry };
}

/** Opens an engine and records what its handlers see. */
function openEngine(url: string, entry: { engine: LeanEngine | null }) {
  const seen = { opened: false, messages: [] as (Buffer | string)[], closed: null as { reason: EngineCloseReason; error?: Error } | null };
  const handlers: EngineHandlers = {
    onOpen: () => void (seen.opened = true),
    onMessage: (data) => void seen.messages.push(data),
    onClose: (reason, error) => void (seen.closed = { reason, ...(error ? { error } : {}) }),
  };
  const engine = new LeanEngine(url, handlers);
  entry.engine = engine;
  return { engine, seen };
}

it('answers pings, passes binary messages on, and takes a server that stops pinging as gone', async () => {
  const { url, peers, entry } = await fakeEngineServer({ pingInterval: 300, pingTimeout: 200, maxPayload: 1000 });
  const { engine, seen } = openEngine(url, entry);
  await waitFor(() => seen.opened, 5000, 'the open packet');
  expect(engine.settings).toMatchObject({ sid: 'test', pingInterval: 300, pingTimeout: 200, maxPayload: 1000 });

  const pongs: string[] = [];
  peers[0]!.on('message', (data, isBinary) => void (isBinary ? null : pongs.push(data.toString())));
  peers[0]!.send('2');
  await waitFor(() => pongs.length === 1, 5000, 'a pong');
  expect(pongs).toEqual(['3']);

  peers[0]!.send(Buffer.from([1, 2, 3]));
  await waitFor(() => seen.messages.length === 1, 5000, 'the binary message');
  expect([...(seen.messages[0] as Buffer)]).toEqual([1, 2, 3]);

  // No ping for pingInterval + pingTimeout (500 ms) since the last one: gone.
  await waitFor(() => seen.closed !== null, 10_000, 'the ping timeout');
  expect(seen.closed!.reason).toBe('ping timeout');
  expect(engine.open).toBe(false);
  expect(engine.send(new Uint8Array([1]))).toBe(false);
});

it('refuses a frame larger than the largest server packet', async () => {
  const { url, peers, entry } = await fakeEngineServer({ pingInterval: 5000, pingTimeout: 5000, maxPayload: 1000 });
  const { seen } = openEngine(url, entry);
  await waitFor(() => seen.opened, 5000, 'the open packet');
  peers[0]!.send(Buffer.alloc(LIMITS.maxServerPacketBytes + 1024));
  await waitFor(() => seen.closed !== null, 10_000, 'the connection closed');
  expect(seen.messages).toHaveLength(0);
  expect(['transport error', 'transport close']).toContain(seen.closed!.reason);
});

it('gives the connection up once the bytes waiting to be sent pass the bound (the server stopped reading)', async () => {
  const { url, peers, entry } = await fakeEngineServer({ pingInterval: 60_000, pingTimeout: 60_000, maxPayload: 1_000_000 });
  const { engine, seen } = openEngine(url, entry);
  await waitFor(() => seen.opened && peers.length === 1, 5000, 'the open packet');
  // The server's side stops reading: the kernel's buffers fill, then ws's own.
  const raw = (peers[0] as unknown as { _socket: { pause(): void } })._socket;
  raw.pause();
  const message = new Uint8Array(64 * 1024);
  let sent = 0;
  // Bounded: the kernel's socket buffers are a few MB at most, the bound 1 MiB on top.
  while (sent < 2000 && engine.send(message)) sent++;
  expect(seen.closed?.reason).toBe('transport error');
  expect(seen.closed?.error?.message).toMatch(/server is not reading/);
  expect(sent * message.byteLength).toBeGreaterThan(MAX_BUFFERED_BYTES);
});
