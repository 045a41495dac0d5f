// Bad input, each case on its own: the sender gets a clear error or is disconnected, the process stays
// up, and a well-behaved player in the same room keeps receiving ticks.

import { Encoder } from '@msgpack/msgpack';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetClient } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { EV, PROTOCOL_VERSION, type NoticeMessage } from '../../shared/protocol.js';
import { RawSocket } from '../test-support/raw-socket.js';
import { connectClient, waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

let ts: TestServer;
let bystander: NetClient;
let bystanderTimer: NodeJS.Timeout;
const extraClients: NetClient[] = [];
const rawSockets: RawSocket[] = [];
const encoder = new Encoder();

beforeAll(async () => {
  ts = await startTestServer();
  bystander = await connectClient(ts.url, { name: 'bystander' });
  await bystander.quickPlay();
  bystanderTimer = setInterval(() => bystander.sendInput([0, 0]), 33);
  await waitFor(() => bystander.mirror.latestTick > 0, 3000, 'bystander first snapshot');
});

afterAll(async () => {
  clearInterval(bystanderTimer);
  bystander.close();
  await ts.close();
});

afterEach(() => {
  for (const c of extraClients.splice(0)) c.close();
  for (const r of rawSockets.splice(0)) r.close();
});

/** The bystander's world keeps advancing and the HTTP side still answers. */
async function expectServerHealthy(): Promise<void> {
  const before = bystander.mirror.latestTick;
  await waitFor(() => bystander.mirror.latestTick >= before + 3, 3000, 'bystander ticks to continue');
  const health = await fetch(`${ts.url}/healthz`);
  expect(health.status).toBe(200);
  expect(bystander.connected).toBe(true);
  expect(bystander.stats.decodeErrors).toBe(0);
}

async function rawInRoom(): Promise<RawSocket> {
  const raw = await RawSocket.connect(ts.port);
  rawSockets.push(raw);
  return raw;
}

async function client(name = 'tester'): Promise<NetClient> {
  const c = await connectClient(ts.url, { name });
  extraClients.push(c);
  return c;
}

describe('crafted packets are cut off at the parser', () => {
  const cases: [string, (raw: RawSocket) => void][] = [
    ['malformed msgpack', (raw) => raw.sendBinary(new Uint8Array([0xc1, 0xff, 0x00, 0x13]))],
    ['truncated msgpack', (raw) => raw.sendBinary(new Uint8Array([0x83, 0xa4, 0x74, 0x79]))],
    ['a text frame', (raw) => raw.sendText('42["room:list",{}]')],
    ['an event name that is a map', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: [{ toString: 'x' }, 1] })],
    ['an event name that is a number', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: [42, 1] })],
    ['the reserved event "disconnect"', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: ['disconnect', 'x'] })],
    ['the reserved event "connect"', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: ['connect'] })],
    // socket.io's own "error" event, whose listener expects an Error: this one took the process down.
    ['an event named "error" with a nil argument', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: ['error', null] })],
    ['an unknown packet type', (raw) => raw.sendPacket({ type: 9, nsp: '/', data: ['x'] })],
    ['a negative ack id', (raw) => raw.sendPacket({ type: 2, nsp: '/', id: -1, data: ['room:list', {}] })],
    ['an oversized string', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: ['chat:send', { text: 'x'.repeat(5000) }] })],
    ['an oversized array', (raw) => raw.sendPacket({ type: 2, nsp: '/', data: ['i', new Array(500).fill(1)] })],
    ['a payload over the HTTP buffer limit', (raw) => raw.sendBinary(new Uint8Array(64 * 1024).fill(0x90))],
    [
      'deeply nested values',
      (raw) => {
        // 900 nested one-element arrays, then nil: small in bytes, deep in structure.
        const bytes = new Uint8Array(1000).fill(0x91);
        bytes[900] = 0xc0;
        raw.sendBinary(bytes.subarray(0, 901));
      },
    ],
    ['a __proto__ key', (raw) => raw.sendBinary(protoPollutionPacket())],
  ];

  for (const [name, send] of cases) {
    it(`disconnects the sender of ${name}`, async () => {
      const raw = await rawInRoom();
      send(raw);
      expect(await raw.waitClosed(3000)).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await expectServerHealthy();
    });
  }
});

/** A socket.io packet as the raw socket decodes it. */
interface RawPacket {
  readonly type?: unknown;
  readonly nsp?: unknown;
  readonly data?: unknown;
}

function packetsOfType(raw: RawSocket, type: number): RawPacket[] {
  return (raw.received as RawPacket[]).filter((p) => typeof p === 'object' && p !== null && p.type === type);
}

// Packets socket.io accepts without limit unless the parser refuses them: each would otherwise cost the
// server an answer (CONNECT_ERROR), a new Socket and PlayerConnection (CONNECT), or nothing but CPU (ACK).
describe('every packet kind is limited', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    describe(`over ${transport}`, () => {
      async function raw(): Promise<RawSocket> {
        const socket = await RawSocket.connect(ts.port, undefined, { transport });
        rawSockets.push(socket);
        return socket;
      }

      it('closes a connection that sends acknowledgements the server never asked for', async () => {
        const socket = await raw();
        socket.sendFrames(Array.from({ length: 20 }, (_, i) => encoder.encode({ type: 3, nsp: '/', id: 1000 + i, data: [{ ok: true }] })));
        expect(await socket.waitClosed(3000)).toBe(true);
        await expectServerHealthy();
      });

      it('closes a connection that connects to a namespace the server does not serve', async () => {
        const socket = await raw();
        socket.sendFrames(Array.from({ length: 20 }, () => encoder.encode({ type: 0, nsp: '/admin', data: { protocol: PROTOCOL_VERSION } })));
        expect(await socket.waitClosed(3000)).toBe(true);
        expect(packetsOfType(socket, 4)).toHaveLength(0); // no CONNECT_ERROR "Invalid namespace" per packet
        await expectServerHealthy();
      });

      it('admits one session per connection: a burst of CONNECTs gets the connection closed', async () => {
        const socket = await RawSocket.open(ts.port, { transport });
        rawSockets.push(socket);
        const connect = encoder.encode({ type: 0, nsp: '/', data: { protocol: PROTOCOL_VERSION, name: 'burst' } });
        socket.sendFrames(new Array<Uint8Array>(30).fill(connect));
        expect(await socket.waitClosed(3000)).toBe(true);
        // Without the limit, each CONNECT sent while the first one's auth is pending becomes a session.
        expect(packetsOfType(socket, 0).length).toBeLessThanOrEqual(1);
        await expectServerHealthy();
      });

      it('does not let a connection cycle sessions with DISCONNECT and CONNECT', async () => {
        const socket = await raw();
        const sid = (packetsOfType(socket, 0)[0]?.data as { sid?: string } | undefined)?.sid;
        expect(sid).toBeTypeOf('string');
        socket.sendPacket({ type: 1, nsp: '/' });
        // socket.io keeps the engine.io connection after a DISCONNECT: once the session is gone, a CONNECT
        // would start a fresh one (a new PlayerConnection with fresh rate limits) on the same connection.
        await waitFor(() => !ts.server.io.sockets.sockets.has(sid!), 3000, 'the session to end');
        socket.sendPacket({ type: 0, nsp: '/', data: { protocol: PROTOCOL_VERSION, name: 'again' } });
        expect(await socket.waitClosed(3000)).toBe(true);
        expect(packetsOfType(socket, 0)).toHaveLength(1); // the first session's CONNECT only
        await expectServerHealthy();
      });
    });
  }
});

describe('requests with bad payloads get clear errors', () => {
  it('answers wrong payload types with BAD_REQUEST', async () => {
    const c = await client();
    const replies = await Promise.all([
      c.rawRequest(EV.joinRoom, { roomId: 5 }),
      c.rawRequest(EV.joinRoom, { roomId: 'abc', code: 'ABCDEF' }),
      c.rawRequest(EV.joinRoom, { code: 'lower!' }),
      c.rawRequest(EV.createRoom, { private: 'yes' }),
      c.rawRequest(EV.listRooms, [1, 2, 3]),
      c.rawRequest(EV.quickPlay, { extra: true }),
      c.rawRequest(EV.rejoinRoom, { token: 12 }),
    ]);
    for (const reply of replies) {
      expect(reply.ok).toBe(false);
      if (!reply.ok) {
        expect(reply.error.code).toBe('BAD_REQUEST');
        expect(reply.error.message.length).toBeGreaterThan(5);
      }
    }
    await expectServerHealthy();
  });

  it('answers an unknown event with UNKNOWN_EVENT', async () => {
    const c = await client();
    const reply = await c.rawRequest('room:explode', {});
    expect(reply).toEqual({ ok: false, error: { code: 'UNKNOWN_EVENT', message: 'unknown event "room:explode"' } });
    await expectServerHealthy();
  });

  it('refuses a forged or expired reconnect token', async () => {
    const c = await client();
    const reply = await c.rawRequest(EV.rejoinRoom, { token: 'room.1.99999999999999.forged' });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('BAD_TOKEN');
  });

  it('answers joining an unknown room and a full room clearly', async () => {
    const unknown = await client();
    const byId = await unknown.rawRequest(EV.joinRoom, { roomId: 'doesnotexist' });
    expect(byId).toMatchObject({ ok: false, error: { code: 'ROOM_NOT_FOUND' } });
    const byCode = await unknown.rawRequest(EV.joinRoom, { code: 'ZZZZZZ' });
    expect(byCode).toMatchObject({ ok: false, error: { code: 'ROOM_NOT_FOUND' } });

    const small = await startTestServer({ maxPlayersPerRoom: 2 });
    try {
      const a = await connectClient(small.url);
      const b = await connectClient(small.url);
      const c = await connectClient(small.url);
      const room = await a.createRoom(true);
      await b.joinRoom({ code: room.code! });
      const full = await c.rawRequest(EV.joinRoom, { code: room.code });
      expect(full).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });
      for (const x of [a, b, c]) x.close();
    } finally {
      await small.close();
    }
  });

  it('refuses a handshake with another protocol version or a malformed auth', async () => {
    const c = new NetClient({ url: ts.url, games: [arenaGame], reconnection: false });
    (c.socket.auth as Record<string, unknown>).protocol = PROTOCOL_VERSION + 1;
    await expect(c.connect(3000)).rejects.toThrow(/PROTOCOL_MISMATCH/);
    c.close();
    const d = new NetClient({ url: ts.url, games: [arenaGame], reconnection: false });
    (d.socket.auth as Record<string, unknown>).name = { evil: true };
    await expect(d.connect(3000)).rejects.toThrow(/BAD_REQUEST/);
    d.close();
    await expectServerHealthy();
  });
});

describe('inputs and floods', () => {
  it('rejects impossible inputs with a notice, then disconnects a persistent offender', async () => {
    const c = await client();
    await c.quickPlay();
    const notices: NoticeMessage[] = [];
    c.on('notice', (n) => notices.push(n));
    const bad: unknown[] = [
      [1, -1, 0, [1 << 20, 0]], // unknown key bits
      [2, -1, 0, [0, 1e9]], // aim out of range
      [3, -1, 0, [0.5, 0]], // float keys
      [0, -1, 0, [0, 0]], // seq must be >= 1
      ['4', -1, 0, [0, 0]], // string seq
      [5, -1, 0], // missing payload
      { seq: 6 }, // not a tuple
    ];
    for (const input of bad) c.socket.emit(EV.input, input);
    await waitFor(() => notices.length > 0, 2000, 'a notice about bad input');
    expect(notices[0]!.code).toBe('BAD_REQUEST');
    // Keep sending garbage: the server cuts the connection off.
    for (let i = 0; i < 40; i++) c.socket.emit(EV.input, [100 + i, -1, 0, ['x']]);
    await waitFor(() => !c.connected, 3000, 'the offender to be disconnected');
    await expectServerHealthy();
  });

  it('warns an input flood, then disconnects it', async () => {
    const c = await client();
    await c.quickPlay();
    const notices: NoticeMessage[] = [];
    c.on('notice', (n) => notices.push(n));
    for (let i = 1; i <= 2000; i++) c.socket.emit(EV.input, [i, -1, 0, [0, 0]]);
    await waitFor(() => !c.connected, 5000, 'the flooder to be disconnected');
    expect(notices.some((n) => n.code === 'RATE_LIMITED')).toBe(true);
    await expectServerHealthy();
  });

  it('rate-limits a chat flood with acks, then disconnects it', async () => {
    const c = await client();
    await c.quickPlay();
    const replies = [];
    for (let i = 0; i < 8; i++) replies.push(await c.rawRequest(EV.sendChat, { text: `spam ${i}` }));
    expect(replies.slice(0, 5).every((r) => r.ok)).toBe(true);
    expect(replies.slice(5).every((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toBe(true);
    for (let i = 0; i < 200 && c.connected; i++) c.socket.emit(EV.sendChat, { text: 'more' }, () => {});
    await waitFor(() => !c.connected, 5000, 'the chat flooder to be disconnected');
    await expectServerHealthy();
  });

  it('rejects chat that is too long or empty', async () => {
    const c = await client();
    await c.quickPlay();
    const long = await c.rawRequest(EV.sendChat, { text: 'y'.repeat(201) });
    expect(long).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const empty = await c.rawRequest(EV.sendChat, { text: '   \u200b ' });
    expect(empty).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('answers a malformed URL on the HTTP side without dying', async () => {
    const res = await fetch(`${ts.url}/%E0%A4%A`);
    expect(res.status).toBeLessThan(500);
    await expectServerHealthy();
  });
});

/** {type:2, nsp:"/", data:["room:list", {"__proto__": {"polluted": 1}}]} written byte by byte. */
function protoPollutionPacket(): Uint8Array {
  const enc = new Encoder();
  const head = enc.encode({ type: 2, nsp: '/' });
  // Rebuild as a 3-entry map: change fixmap count from 2 to 3 and append "data": [...]
  const data = [
    0xa4, 0x64, 0x61, 0x74, 0x61, // "data"
    0x92, 0xa9, ...new TextEncoder().encode('room:list'),
    0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x81, 0xa8, ...new TextEncoder().encode('polluted'), 0x01,
  ];
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out[0] = 0x83;
  out.set(data, head.length);
  return out;
}
