// Admission control on a real server: caps on game connections in total and per client address (the
// address from X-Forwarded-For only behind a trusted proxy), caps on TCP connections before HTTP sees them,
// deadlines for slow HTTP clients, and a bound on what the server holds for a client that does not read.

import { Encoder } from '@msgpack/msgpack';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestError, type NetClient } from '../../shared/client/net-client.js';
import { clientParser } from '../../shared/net/msgpack-parser.js';
import { EV, PROTOCOL_VERSION } from '../../shared/protocol.js';
import type { ServerConfig } from '../config.js';
import { RawSocket } from '../test-support/raw-socket.js';
import { metricValue, serverFixture } from '../test-support/server-fixture.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import type { TestServer } from '../test-support/test-server.js';

const fixture = serverFixture();
const sockets: TcpSocket[] = [];
const ioSockets: ClientSocket[] = [];
const rawSockets: RawSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of ioSockets.splice(0)) s.disconnect();
  for (const r of rawSockets.splice(0)) r.close();
});

function server(overrides: Partial<ServerConfig>): Promise<TestServer> {
  return fixture.server(overrides);
}

function player(url: string, name = 'p'): Promise<NetClient> {
  return fixture.client(url, name);
}

async function refusal(url: string): Promise<RequestError> {
  const err = await fixture.client(url, 'refused').then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RequestError);
  return err as RequestError;
}

/** A raw TCP connection that has been accepted (and possibly answered) by the server. */
function openTcp(port: number): Promise<{ socket: TcpSocket; received: () => string }> {
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = tcpConnect(port, '127.0.0.1', () => resolve({ socket, received: () => data }));
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

describe('game connections', () => {
  it('refuses connections past the per-address cap with TOO_MANY_CONNECTIONS, and admits again once one closes', async () => {
    const ts = await server({ maxConnectionsPerAddress: 3 });
    const admitted = [await player(ts.url), await player(ts.url), await player(ts.url)];
    const err = await refusal(ts.url);
    expect(err.code).toBe('TOO_MANY_CONNECTIONS');
    expect(err.message).toMatch(/limit is 3/);
    expect(await metricValue(ts.url, 'game_connections_refused_total{reason="per_address"}')).toBe(1);
    admitted[0]!.close();
    await waitFor(() => ts.server.io.engine.clientsCount === 2, 5000, 'the closed connection to be released');
    const again = await player(ts.url);
    expect(again.connected).toBe(true);
  });

  it('lets exempt addresses past the per-address cap', async () => {
    const ts = await server({ maxConnectionsPerAddress: 1, exemptAddresses: ['127.0.0.1'] });
    await player(ts.url);
    const second = await player(ts.url);
    expect(second.connected).toBe(true);
  });

  it('refuses connections past MAX_CONNECTIONS with SERVER_FULL', async () => {
    const ts = await server({ maxConnections: 2 });
    await player(ts.url);
    await player(ts.url);
    expect((await refusal(ts.url)).code).toBe('SERVER_FULL');
  });

  it('keys per-address limits on X-Forwarded-For only when the proxy is trusted', async () => {
    const connectVia = (url: string, forwardedFor: string) =>
      new Promise<{ ok: boolean; code?: string }>((resolve) => {
        const socket = ioClient(url, {
          parser: clientParser,
          transports: ['websocket'],
          extraHeaders: { 'x-forwarded-for': forwardedFor },
          auth: { protocol: PROTOCOL_VERSION },
          reconnection: false,
        });
        ioSockets.push(socket);
        socket.on('connect', () => resolve({ ok: true }));
        socket.on('connect_error', (e: Error & { data?: { code?: string } }) => resolve({ ok: false, code: e.data?.code }));
      });
    const behindProxy = await server({ maxConnectionsPerAddress: 1, trustedProxies: ['127.0.0.1'] });
    expect(await connectVia(behindProxy.url, '203.0.113.1')).toEqual({ ok: true });
    expect(await connectVia(behindProxy.url, '203.0.113.2')).toEqual({ ok: true });
    expect(await connectVia(behindProxy.url, '198.51.100.7, 203.0.113.1')).toEqual({ ok: false, code: 'TOO_MANY_CONNECTIONS' });

    const direct = await server({ maxConnectionsPerAddress: 1 });
    expect(await connectVia(direct.url, '203.0.113.1')).toEqual({ ok: true });
    // Anyone can write the header: without a trusted proxy it is ignored and the TCP peer counts.
    expect(await connectVia(direct.url, '203.0.113.2')).toEqual({ ok: false, code: 'TOO_MANY_CONNECTIONS' });
  });
});

describe('connections without a session', () => {
  it('closes the connection of a client that leaves the namespace but keeps its transport open', async () => {
    const ts = await server({});
    const raw = await RawSocket.connect(ts.port);
    rawSockets.push(raw);
    raw.sendPacket({ type: 1, nsp: '/' }); // socket.io DISCONNECT: leaves the session, not the transport
    expect(await raw.waitClosed(10_000)).toBe(true);
    await waitFor(() => ts.server.io.engine.clientsCount === 0, 5000, 'the engine.io connection to close');
  });
});

describe('TCP connections', () => {
  it('answers connections past the per-address TCP cap with a 429 before HTTP sees them', async () => {
    // maxConnectionsPerAddress 2 allows 2 * 2 + 16 = 20 TCP connections per address.
    const ts = await server({ maxConnectionsPerAddress: 2 });
    const held = [];
    for (let i = 0; i < 20; i++) held.push(await openTcp(ts.port));
    const extra = await openTcp(ts.port);
    await waitFor(() => extra.received().length > 0, 5000, 'the refusal');
    expect(extra.received()).toMatch(/^HTTP\/1\.1 429 /);
    expect(extra.received()).toContain('TOO_MANY_CONNECTIONS');
    for (const h of held) h.socket.destroy();
    // Serving resumes as soon as the connections are gone.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${ts.url}/healthz`)).status;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
  });
});

/** Whether the server closes `socket` within `timeoutMs`, while `drip` (if any) trickles bytes into it. */
async function closedWithin(socket: TcpSocket, timeoutMs: number, drip?: () => void): Promise<'closed' | 'still open'> {
  const closed = new Promise<'closed'>((resolve) => socket.on('close', () => resolve('closed')));
  const timer = drip ? setInterval(() => socket.writable && drip(), 200) : undefined;
  try {
    return await Promise.race([closed, sleep(timeoutMs).then(() => 'still open' as const)]);
  } finally {
    clearInterval(timer);
  }
}

/** Opens an engine.io long-polling session and returns its id. */
async function pollingSession(url: string): Promise<string> {
  const open = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
  return (JSON.parse(open.slice(1)) as { sid: string }).sid;
}

describe('slow HTTP clients', () => {
  it('closes a connection that sends its headers too slowly (slowloris) and keeps serving others', async () => {
    const ts = await server({ httpHeadersTimeoutMs: 1000 });
    const slow = await openTcp(ts.port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect(await closedWithin(slow.socket, 15_000, () => slow.socket.write('X-Slow: 1\r\n'))).toBe('closed');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect((await fetch(`${ts.url}/healthz`)).status).toBe(200);
  });

  it('closes a connection that sends its request body too slowly', async () => {
    const ts = await server({ httpHeadersTimeoutMs: 1000, httpRequestTimeoutMs: 2000 });
    // A long-polling session's POST: engine.io reads its body, however slowly it comes.
    const sid = await pollingSession(ts.url);
    const slow = await openTcp(ts.port);
    slow.socket.write(`POST /socket.io/?EIO=4&transport=polling&sid=${sid} HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n`);
    expect(await closedWithin(slow.socket, 20_000, () => slow.socket.write('x'))).toBe('closed');
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that never sends a request', async () => {
    const ts = await server({ httpHeadersTimeoutMs: 1000 });
    const idle = await openTcp(ts.port);
    expect(await closedWithin(idle.socket, 15_000)).toBe('closed');
  });
});

/** Public rooms make room:list replies large (about 70 bytes a room), so a stalled client backs up fast. */
async function openPublicRooms(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await (await player(url, `r${i}`)).createRoom(false);
}

describe('a client that sends but never reads', () => {
  it('is disconnected once the server holds more than MAX_CLIENT_BUFFER_BYTES for it (long-polling)', async () => {
    const ts = await server({ maxClientBufferBytes: 16 * 1024, exemptAddresses: ['127.0.0.1'] });
    await openPublicRooms(ts.url, 40);
    const base = `${ts.url}/socket.io/?EIO=4&transport=polling`;
    const sid = await pollingSession(ts.url);
    const encoder = new Encoder();
    const post = async (packets: Uint8Array[]): Promise<number> => {
      // engine.io v4 polling payload: packets separated by \x1e, binary ones base64 with a "b" prefix.
      // A pong with every post: engine.io's heartbeat would otherwise close a session that never polls.
      const body = ['3', ...packets.map((p) => 'b' + Buffer.from(p).toString('base64'))].join('\x1e');
      const res = await fetch(`${base}&sid=${sid}`, { method: 'POST', body });
      await res.text();
      return res.status;
    };
    expect(await post([encoder.encode({ type: 0, nsp: '/', data: { protocol: PROTOCOL_VERSION, name: 'reader' } })])).toBe(200);
    // Never GET: every reply stays in the server's buffer. Requests within the rate limit, pongs to stay alive.
    let id = 0;
    let status = 200;
    const deadline = Date.now() + 60_000;
    while (status === 200 && Date.now() < deadline) {
      const batch = [];
      for (let i = 0; i < 5; i++) batch.push(encoder.encode({ type: 2, nsp: '/', id: id++, data: [EV.listRooms, {}] }));
      status = await post(batch).catch(() => 0);
      await sleep(600);
    }
    expect(status).not.toBe(200); // the session is gone: engine.io answers 400 "Session ID unknown"
    expect(await metricValue(ts.url, 'game_abuse_disconnects_total{reason="slow_consumer"}')).toBe(1);
    expect(ts.server.io.engine.clientsCount).toBe(40); // the room creators, not the staller
  });

  it('is disconnected once its WebSocket backs up past the limit, and a reading player is not', async () => {
    const ts = await server({ maxClientBufferBytes: 256 * 1024 });
    const reader = await player(ts.url, 'reader');
    const staller = await player(ts.url, 'staller');
    // Stop reading at the TCP level: the kernel's buffers fill, then the server's.
    const engineSocket = staller.socket.io.engine as unknown as { transport: { name: string; ws: { _socket: TcpSocket } } };
    expect(engineSocket.transport.name).toBe('websocket');
    engineSocket.transport.ws._socket.pause();
    // Request replies are small and rate-limited, so filling the kernel's buffers (megabytes on loopback)
    // would take minutes; the server pushes a few megabytes to both players instead.
    const blob = new Uint8Array(256 * 1024); // under the client's packet size limit
    for (const socket of ts.server.io.of('/').sockets.values()) for (let i = 0; i < 64; i++) socket.emit('blob', blob);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && ts.server.io.of('/').sockets.size > 1) await sleep(100);
    expect(await metricValue(ts.url, 'game_abuse_disconnects_total{reason="slow_consumer"}')).toBe(1);
    expect(reader.connected).toBe(true);
    expect([...ts.server.io.of('/').sockets.values()].map((s) => s.id)).toEqual([reader.socket.id]);
  });
});
