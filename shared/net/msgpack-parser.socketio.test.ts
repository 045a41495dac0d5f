// Integration: our parser inside a real socket.io 4.8 server, against our client, the stock
// socket.io-msgpack-parser client, and crafted frames over a raw engine.io WebSocket.
//
// Not tested on purpose: the same {toString: "x"} frame against a server using the STOCK parser. It
// throws inside a process.nextTick (EventEmitter.emit stringifying the event name) and would kill this
// test process, which is exactly why that parser must not face clients.

import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encode as rawEncode } from '@msgpack/msgpack';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import * as stockParser from 'socket.io-msgpack-parser';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { LIMITS, RESERVED_EVENTS } from '../protocol.js';
import {
  clientParser,
  createParser,
  type DecodedPacket,
  PacketRejected,
  PacketType,
  SERVER_PARSER_LIMITS,
  serverParser,
} from './msgpack-parser.js';

const AUTH = { protocol: 1 };
/**
 * This server asks its clients for acknowledgements (emitWithAck below), so it accepts ACK packets, which
 * our game server's parser refuses (it never asks). Everything else is serverParser's.
 */
const askingServerParser = createParser({
  ...SERVER_PARSER_LIMITS,
  acceptedTypes: [...SERVER_PARSER_LIMITS.acceptedTypes, PacketType.ACK],
});
const SNAPSHOT = Uint8Array.from({ length: 200 }, (_, i) => (i * 7) & 0xff);

/** What the server's handlers saw, to prove crafted frames never reach them. */
interface ServerLog {
  events: unknown[];
  disconnects: Array<{ id: string; reason: unknown; connectedWhenFired: boolean }>;
  errors: Map<string, unknown[]>;
  connected: Set<string>;
}

let http: HttpServer;
let io: Server;
let url: string;
let log: ServerLog;
const clients: ClientSocket[] = [];

function handleConnection(socket: ServerSocket): void {
  log.connected.add(socket.id);
  log.errors.set(socket.id, []);
  // socket.io 4.8 passes decoder errors (our PacketRejected) here, then closes the connection.
  socket.on('error', (error) => log.errors.get(socket.id)?.push(error));
  socket.onAny((event: unknown) => log.events.push(event));
  socket.on('disconnect', (reason: unknown) => {
    log.disconnects.push({ id: socket.id, reason, connectedWhenFired: socket.connected });
    log.connected.delete(socket.id);
  });
  socket.on('echo', (value: unknown, ack: unknown) => {
    if (typeof ack === 'function') ack(value);
  });
  socket.on('snap?', (ack: unknown) => {
    socket.emit('s', SNAPSHOT);
    if (typeof ack === 'function') ack({ ok: true, bytes: SNAPSHOT });
  });
}

beforeAll(async () => {
  http = createServer();
  io = new Server(http, {
    parser: askingServerParser,
    maxHttpBufferSize: LIMITS.maxHttpBufferSize,
    pingInterval: 2_000,
    pingTimeout: 2_000,
    connectTimeout: 2_000,
    perMessageDeflate: false,
  });
  io.on('connection', handleConnection);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

beforeEach(() => {
  log = { events: [], disconnects: [], errors: new Map(), connected: new Set() };
});

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

afterAll(async () => {
  await io.close(); // also closes the http server
});

async function connectClient(opts: { parser: unknown; transports?: string[]; auth?: object }): Promise<ClientSocket> {
  const client = connect(url, {
    parser: opts.parser,
    transports: opts.transports ?? ['websocket'],
    auth: opts.auth,
    forceNew: true,
    reconnection: false,
  });
  clients.push(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  return client;
}

/** Server-side socket of a client, once its CONNECT has been processed. */
function serverSocket(id: string | undefined): ServerSocket {
  const socket = id === undefined ? undefined : io.sockets.sockets.get(id);
  if (socket === undefined) throw new Error(`no server socket ${id}`);
  return socket;
}

function expectHandlersUnspoofed(): void {
  for (const event of log.events) {
    expect(typeof event).toBe('string');
    expect(RESERVED_EVENTS.has(event as string)).toBe(false);
  }
  for (const { reason, connectedWhenFired } of log.disconnects) {
    // A spoofed "disconnect" would run the handler with the packet's arguments while still connected.
    expect(connectedWhenFired).toBe(false);
    expect(typeof reason).toBe('string');
  }
}

describe('our client (clientParser)', () => {
  it.each([['websocket'], ['polling']])('emits, acks and receives binary over %s', async (transport) => {
    const client = await connectClient({ parser: clientParser, transports: [transport], auth: AUTH });

    expect(await client.timeout(2_000).emitWithAck('echo', { text: 'hé', n: [1, 2.5, -3] })).toEqual({
      text: 'hé',
      n: [1, 2.5, -3],
    });

    const received = new Promise<unknown>((resolve) => client.once('s', resolve));
    const reply = (await client.timeout(2_000).emitWithAck('snap?')) as { ok: boolean; bytes: unknown };
    expect(reply.ok).toBe(true);
    expect(reply.bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(reply.bytes as Uint8Array)).toEqual(Array.from(SNAPSHOT));
    const event = await received;
    expect(event).toBeInstanceOf(Uint8Array);
    expect(Array.from(event as Uint8Array)).toEqual(Array.from(SNAPSHOT));

    // Server -> client request, answered by the client's ack.
    client.on('ask', (n: number, ack: (value: number) => void) => ack(n + 1));
    expect(await serverSocket(client.id).timeout(2_000).emitWithAck('ask', 41)).toBe(42);
    expectHandlersUnspoofed();
  });
});

describe('stock socket.io-msgpack-parser client (interop)', () => {
  it('emits with ack and receives a Uint8Array', async () => {
    const client = await connectClient({ parser: stockParser, auth: AUTH });
    expect(await client.timeout(2_000).emitWithAck('echo', { seq: 3, keys: ['w', 'a'] })).toEqual({
      seq: 3,
      keys: ['w', 'a'],
    });

    const received = new Promise<unknown>((resolve) => client.once('s', resolve));
    await client.timeout(2_000).emitWithAck('snap?');
    const event = await received;
    expect(event).toBeInstanceOf(Uint8Array); // a Node Buffer, from notepack
    expect(Array.from(event as Uint8Array)).toEqual(Array.from(SNAPSHOT));

    client.on('ask', (n: number, ack: (value: number) => void) => ack(n * 2));
    expect(await serverSocket(client.id).timeout(2_000).emitWithAck('ask', 21)).toBe(42);
  });

  it('connects without auth (notepack sends `data: undefined` as its fixext marker)', async () => {
    const client = await connectClient({ parser: stockParser });
    expect(await client.timeout(2_000).emitWithAck('echo', 'ok')).toBe('ok');
  });
});

// ---- crafted frames over a raw engine.io v4 WebSocket ----

/** Speaks engine.io v4 by hand: text control packets, binary frames are socket.io packets as-is. */
class RawClient {
  readonly ws: WebSocket;
  readonly closed: Promise<void>;
  private readonly packets: DecodedPacket[] = [];
  private waiting: (() => void) | undefined;
  private readonly decoder = new clientParser.Decoder();

  constructor(port: number) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.decoder.on('decoded', (packet) => {
      this.packets.push(packet);
      this.waiting?.();
    });
    this.ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
      if (isBinary) return this.decoder.add(bytes);
      const text = bytes.toString();
      if (text === '2') this.ws.send('3'); // ping -> pong
      if (text.startsWith('0')) this.waiting?.(); // open packet
    });
  }

  async open(): Promise<string> {
    await new Promise<void>((resolve) => (this.waiting = resolve));
    this.ws.send(new serverParser.Encoder().encode({ type: PacketType.CONNECT, nsp: '/', data: AUTH })[0]);
    const reply = await this.next();
    expect(reply.type).toBe(PacketType.CONNECT);
    return (reply.data as { sid: string }).sid;
  }

  async next(): Promise<DecodedPacket> {
    while (this.packets.length === 0) await new Promise<void>((resolve) => (this.waiting = resolve));
    return this.packets.shift() as DecodedPacket;
  }

  send(frame: Uint8Array | string): void {
    this.ws.send(frame);
  }
}

/** Fails fast (instead of at the 30 s test timeout) when `promise` does not settle in time. */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** {type: 2, nsp: "/", data: ["x", [[[...nil]]]]} with `levels` nested arrays: hand-built, encoders refuse. */
function deeplyNestedEvent(levels: number): Uint8Array {
  const head = [0x83, 0xa4, ...ascii('type'), 0x02, 0xa3, ...ascii('nsp'), 0xa1, 0x2f, 0xa4, ...ascii('data')];
  return Uint8Array.from([...head, 0x92, 0xa1, 0x78, ...new Array<number>(levels).fill(0x91), 0xc0]);
}

const maliciousFrames: Array<[string, Uint8Array | string]> = [
  ['an event named by a map {toString: "x"}', rawEncode({ type: 2, nsp: '/', data: [{ toString: 'x' }] })],
  ['an event named "disconnect"', rawEncode({ type: 2, nsp: '/', data: ['disconnect', 'spoofed'] })],
  ['a text frame 2["x"] (engine.io message "4" + socket.io text event)', '42["x"]'],
  ['garbage bytes', Uint8Array.of(0xc1, 0xde, 0xad, 0xbe, 0xef)],
  ['1000-deep nesting', deeplyNestedEvent(1000)],
  ['a __proto__ key', rawEncode(JSON.parse('{"type":2,"nsp":"/","data":["echo",{"__proto__":{"polluted":1}}],"id":1}'))],
  ['an event with a negative ack id', rawEncode({ type: 2, nsp: '/', data: ['echo', 1], id: -1 })],
  ['a frame over the client packet limit', rawEncode({ type: 2, nsp: '/', data: ['echo', 'a'.repeat(2000)] })],
];

describe('crafted frames over a raw WebSocket', () => {
  let bystander: ClientSocket;
  const uncaught = vi.fn();
  const unhandled = vi.fn();

  beforeEach(async () => {
    process.on('uncaughtException', uncaught);
    process.on('unhandledRejection', unhandled);
    bystander = await connectClient({ parser: clientParser, auth: AUTH });
  });

  afterEach(() => {
    process.off('uncaughtException', uncaught);
    process.off('unhandledRejection', unhandled);
    uncaught.mockClear();
    unhandled.mockClear();
  });

  it('answers a well-formed raw event with an ack (the raw client itself is sound)', async () => {
    const raw = new RawClient(Number(new URL(url).port));
    await raw.open();
    raw.send(rawEncode({ type: 2, nsp: '/', data: ['echo', 'raw'], id: 1 }));
    expect(await raw.next()).toStrictEqual({ type: PacketType.ACK, nsp: '/', data: ['raw'], id: 1 });
    raw.ws.close();
    await raw.closed;
  });

  it.each(maliciousFrames)('closes only the connection that sent %s', async (_name, frame) => {
    const raw = new RawClient(Number(new URL(url).port));
    const sid = await raw.open();
    expect(log.connected.has(sid)).toBe(true);

    raw.send(frame);
    await within(2_000, raw.closed, 'the server to close the offending connection');

    // The server is alive and still serves the client that was connected throughout.
    expect(bystander.connected).toBe(true);
    expect(await bystander.timeout(2_000).emitWithAck('echo', 'still here')).toBe('still here');
    await new Promise((resolve) => setTimeout(resolve, 20)); // let any stray nextTick/timer run
    expect(uncaught).not.toHaveBeenCalled();
    expect(unhandled).not.toHaveBeenCalled();

    // The offender was disconnected by socket.io, not by a spoofed packet, and no handler saw the frame.
    expect(log.connected.has(sid)).toBe(false);
    const disconnect = log.disconnects.find((d) => d.id === sid);
    expect(disconnect?.connectedWhenFired).toBe(false);
    expect(log.events).toEqual(['echo']); // only the bystander's
    expectHandlersUnspoofed();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // socket.io hands the decoder's error to the socket's "error" listeners before closing.
    const errors = log.errors.get(sid) ?? [];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(PacketRejected);
  });
});
