// receiveFramesDirectly on a real socket.io server with our parser: a WebSocket client's binary frames
// reach the decoder (and its input shortcut) without engine.io, counted frame by frame; long-polling,
// text frames and a frame while engine.io awaits a pong still go through engine.io; a rejected packet
// still closes its connection.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clientParser, PacketType, serverParser, type PacketDecoder } from '../shared/net/msgpack-parser.js';
import { receiveFramesDirectly, takeReceiveCounts } from './receive-direct.js';
import { connectClient, waitFor } from './test-support/test-client.js';
import { startTestServer } from './test-support/test-server.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// Measured here: connections and deliveries take 5-40 ms idle; 3 s leaves a loaded machine 75x that.
const WAIT_MS = 3000;

interface Harness {
  readonly io: Server;
  readonly port: number;
  /** Inputs ('i' events) handed to the decoder's shortcut, in order. */
  readonly inputs: (readonly unknown[])[];
  /** Bytes counted by the direct path, and by engine.io's 'packet' event (the two never overlap). */
  readonly bytes: { direct: number; engine: number };
  /** The server side of each connection, as it arrives. */
  readonly sockets: Socket[];
}

async function harness(options: { pingInterval?: number; pingTimeout?: number } = {}): Promise<Harness> {
  const http = createServer();
  const io = new Server(http, { parser: serverParser, perMessageDeflate: false, ...options });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => void io.close());
  const h: Harness = { io, port: (http.address() as AddressInfo).port, inputs: [], bytes: { direct: 0, engine: 0 }, sockets: [] };
  io.on('connection', (socket) => {
    expect(receiveFramesDirectly(socket, (n) => void (h.bytes.direct += n))).toBe(true);
    socket.conn.on('packet', (packet: { data?: unknown }) => {
      if (packet.data instanceof Uint8Array) h.bytes.engine += packet.data.byteLength;
    });
    (socket.client as unknown as { decoder: PacketDecoder }).decoder.setShortcut('i', (data) => h.inputs.push(data));
    socket.on('room:list', (_payload: unknown, ack: (reply: unknown) => void) => ack({ ok: true }));
    h.sockets.push(socket);
  });
  return h;
}

function client(h: Harness, transports: ('polling' | 'websocket')[]): ClientSocket {
  const c = connect(`http://127.0.0.1:${h.port}`, { parser: clientParser, transports, reconnection: false });
  cleanups.push(() => c.close());
  return c;
}

const inputOf = (n: number): unknown[] => [n, n - 1, n - 2, [1, 300]];
const frameBytes = (data: unknown[], id?: number): number =>
  new clientParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/', data, id })[0].byteLength;

describe('receiveFramesDirectly', () => {
  it('hands N of N inputs from a WebSocket client straight to the decoder, bytes counted; requests still answered', async () => {
    const h = await harness();
    const c = client(h, ['websocket']);
    await waitFor(() => c.connected, WAIT_MS, 'the client to connect');
    takeReceiveCounts(h.io);
    const N = 200;
    for (let i = 1; i <= N; i++) c.emit('i', inputOf(i));
    await waitFor(() => h.inputs.length === N, WAIT_MS, 'every input');
    expect(h.inputs).toEqual(Array.from({ length: N }, (_, i) => ['i', inputOf(i + 1)]));
    // A request goes the same way into the decoder, then through socket.io's dispatch to its listener.
    expect(await c.timeout(WAIT_MS).emitWithAck('room:list', {})).toEqual({ ok: true });
    expect(takeReceiveCounts(h.io)).toEqual({ direct: N + 1, engine: 0 });
    let sentBytes = frameBytes(['room:list', {}], 0); // the client's first ack id
    for (let i = 1; i <= N; i++) sentBytes += frameBytes(['i', inputOf(i)]);
    expect(h.bytes).toEqual({ direct: sentBytes, engine: 0 });
  });

  it('leaves long-polling to engine.io, and takes over once the client upgrades to a WebSocket', async () => {
    const h = await harness();
    const c = client(h, ['polling', 'websocket']);
    await waitFor(() => c.connected, WAIT_MS, 'the client to connect');
    const engine = c.io.engine;
    if (engine.transport.name === 'polling') {
      c.emit('i', inputOf(1));
      await waitFor(() => h.inputs.length === 1, WAIT_MS, 'the input over long-polling');
    }
    await waitFor(() => engine.transport.name === 'websocket', WAIT_MS, 'the upgrade');
    const before = { inputs: h.inputs.length, direct: takeReceiveCounts(h.io).direct };
    for (let i = 2; i <= 11; i++) c.emit('i', inputOf(i));
    await waitFor(() => h.inputs.length === before.inputs + 10, WAIT_MS, 'the inputs over the WebSocket');
    expect(takeReceiveCounts(h.io).direct).toBe(10);
  });

  it('gives engine.io the frame that arrives while it awaits a pong (it refreshes its ping timeout), then goes direct again', async () => {
    // A raw engine.io client that does not answer the ping at once.
    const h = await harness({ pingInterval: 200, pingTimeout: 20_000 });
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/socket.io/?EIO=4&transport=websocket`);
    cleanups.push(() => ws.terminate());
    const text: string[] = [];
    ws.on('message', (data, isBinary) => void (!isBinary && text.push(data.toString())));
    await waitFor(() => text.some((t) => t.startsWith('0{')), WAIT_MS, 'the engine.io handshake');
    ws.send(new clientParser.Encoder().encode({ type: PacketType.CONNECT, nsp: '/' })[0]);
    await waitFor(() => h.sockets.length === 1, WAIT_MS, 'the socket.io connection');
    await waitFor(() => text.includes('2'), WAIT_MS, 'engine.io\'s ping');
    takeReceiveCounts(h.io);
    const send = (n: number) => ws.send(new clientParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['i', inputOf(n)] })[0]);
    send(1);
    await waitFor(() => h.inputs.length === 1, WAIT_MS, 'the first input');
    expect(takeReceiveCounts(h.io)).toEqual({ direct: 0, engine: 1 });
    expect((h.sockets[0]!.conn as unknown as { hasRefreshedPingTimeout: boolean }).hasRefreshedPingTimeout).toBe(true);
    send(2);
    await waitFor(() => h.inputs.length === 2, WAIT_MS, 'the second input');
    expect(takeReceiveCounts(h.io)).toEqual({ direct: 1, engine: 0 });
    ws.send('3'); // the pong: a text frame, engine.io's
    await waitFor(() => takeReceiveCounts(h.io).engine === 1, WAIT_MS, 'the pong to reach engine.io');
    expect(h.sockets[0]!.connected).toBe(true);
  });

  it('a packet the parser rejects closes that connection only, as through engine.io', async () => {
    const h = await harness();
    const bystander = client(h, ['websocket']);
    const offender = client(h, ['websocket']);
    await waitFor(() => bystander.connected && offender.connected, WAIT_MS, 'both clients to connect');
    const errors: unknown[] = [];
    for (const s of h.sockets) s.on('error', (err) => errors.push(err));
    // An event named "disconnect" would spoof socket.io's own event: our parser rejects it.
    offender.io.engine.write(new clientParser.Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: ['disconnect', 1] })[0]);
    await waitFor(() => offender.disconnected, WAIT_MS, 'the offender to be disconnected');
    expect(String(errors[0])).toMatch(/reserved event name/);
    bystander.emit('i', inputOf(1));
    await waitFor(() => h.inputs.length === 1, WAIT_MS, 'the bystander\'s input');
    expect(bystander.connected).toBe(true);
  });

  it('is wired into the game server: N of N inputs of a NetClient reach the parser directly, read from their fixed layout', async () => {
    const server = await startTestServer();
    cleanups.push(() => void server.close());
    const player = await connectClient(server.url);
    cleanups.push(() => player.close());
    await player.quickPlay();
    takeReceiveCounts(server.server.io);
    const read = serverParser.shortcutCounts.fixedLayout;
    const N = 40; // within the input rate limit's burst
    for (let i = 0; i < N; i++) player.sendInput([0, 100 + i]);
    await waitFor(() => serverParser.shortcutCounts.fixedLayout - read === N, WAIT_MS, 'every input to be read');
    const counts = takeReceiveCounts(server.server.io);
    // Snapshot acks ride on inputs; nothing else binary is sent meanwhile.
    expect(counts.direct).toBe(N);
  });
});
