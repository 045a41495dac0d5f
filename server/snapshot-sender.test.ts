// sendSnapshot on a real socket.io server with our parser: straight to the WebSocket when engine.io
// is idle, through engine.io over long-polling or while engine.io is sending; the same bytes either way.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientParser, serverParser } from '../shared/net/msgpack-parser.js';
import { EV } from '../shared/protocol.js';
import { waitFor } from './test-support/test-client.js';
import { snapshotPacket } from './snapshot-packet.js';
import { sendSnapshot } from './snapshot-sender.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function pair(transport: 'websocket' | 'polling'): Promise<{ server: Socket; client: ClientSocket; received: { event: string; bytes: number[] }[] }> {
  const http = createServer();
  const io = new Server(http, { parser: serverParser, transports: [transport], perMessageDeflate: false });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const connected = new Promise<Socket>((resolve) => io.once('connection', resolve));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { parser: clientParser, transports: [transport], reconnection: false });
  cleanups.push(() => {
    client.close();
    void io.close();
  });
  const server = await connected;
  await waitFor(() => client.connected, 3000, 'the client to connect');
  const received: { event: string; bytes: number[] }[] = [];
  client.onAny((event: string, data: unknown) => received.push({ event, bytes: data instanceof Uint8Array || data instanceof ArrayBuffer ? [...new Uint8Array(data)] : [] }));
  return { server, client, received };
}

describe('sendSnapshot', () => {
  it('writes straight to an idle WebSocket, and the client reads the snapshot event', async () => {
    const { server, received } = await pair('websocket');
    const snapshot = Uint8Array.of(1, 2, 3, 250);
    expect(sendSnapshot(server, snapshot)).toEqual({ path: 'direct', bytes: snapshotPacket(snapshot).byteLength });
    await waitFor(() => received.length === 1, 3000, 'the snapshot');
    expect(received[0]).toEqual({ event: EV.snapshot, bytes: [1, 2, 3, 250] });
  });

  it('never overtakes a packet engine.io is sending: it goes through engine.io (volatile) instead', async () => {
    const { server, received } = await pair('websocket');
    server.emit(EV.notice, { code: 'X', message: 'first' });
    // engine.io's write of the notice is in flight: the snapshot takes engine.io's path, where a volatile
    // packet is dropped rather than queued behind it.
    expect(sendSnapshot(server, Uint8Array.of(9)).path).toBe('engine');
    await waitFor(() => received.length >= 1, 3000, 'the notice');
    await new Promise((r) => setTimeout(r, 100));
    expect(received[0]!.event).toBe(EV.notice);
    expect(received.length).toBe(1);
    // Once the write completed, snapshots go direct again.
    expect(sendSnapshot(server, Uint8Array.of(7)).path).toBe('direct');
    await waitFor(() => received.length === 2, 3000, 'the next snapshot');
    expect(received[1]).toEqual({ event: EV.snapshot, bytes: [7] });
  });

  it('goes through engine.io over long-polling, with the same result for the client', async () => {
    const { server, received } = await pair('polling');
    await new Promise((r) => setTimeout(r, 100)); // the client's first poll is waiting
    expect(sendSnapshot(server, Uint8Array.of(4, 5)).path).toBe('engine');
    await waitFor(() => received.length === 1, 3000, 'the snapshot over polling');
    expect(received[0]).toEqual({ event: EV.snapshot, bytes: [4, 5] });
  });
});
