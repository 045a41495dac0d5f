// Debian's real nginx, running the configuration `npm run proxy-config` renders, in front of two real game
// servers: the page and the lobby through / (any node, ip_hash), socket.io over WebSocket and over
// long-polling through /node/<name>/ (exactly that node), a dead node skipped, X-Forwarded-For believed
// only by a node that trusts nginx, request bodies sized for engine.io, TLS ended by nginx.
// Which node answered is read from the servers themselves (the rooms each one holds).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientParser } from '../../shared/net/msgpack-parser.js';
import { EV, LIMITS, PROTOCOL_VERSION, type JoinInfo, type Reply, type RoomSummary } from '../../shared/protocol.js';
import type { ServerConfig } from '../config.js';
import { renderNginxConfig, type NginxTls } from '../proxy/nginx-config.js';
import type { ProxyNode } from '../proxy/proxy-nodes.js';
import { startNginx, type NginxProcess } from '../test-support/nginx.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import type { TestServer } from '../test-support/test-server.js';

type Transport = 'websocket' | 'polling';

const fixture = serverFixture();
const PAGE_MARKER = 'arena page through nginx';
let staticDir: string;

beforeAll(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'nginx-proxy-static-'));
  writeFileSync(join(staticDir, 'index.html'), `<!doctype html><title>${PAGE_MARKER}</title>`);
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

interface ProxiedCluster {
  readonly nginx: NginxProcess;
  /** The game servers, named as in the config (their ports: the CLI's default names). */
  readonly nodes: readonly { readonly name: string; readonly server: TestServer }[];
  /** The node running a room, by the servers' own room tables. */
  ownerOf(roomId: string): string | undefined;
}

/** Two game servers (`configs[i]` for node i) behind nginx. */
async function proxiedCluster(configs: Partial<ServerConfig>[] = [{}, {}], tls: NginxTls | null = null): Promise<ProxiedCluster> {
  const servers: TestServer[] = [];
  for (const config of configs) servers.push(await fixture.server({ staticDir, trustedProxies: ['127.0.0.1'], ...config }));
  const nodes = servers.map((server) => ({ name: String(server.port), server }));
  const proxyNodes: ProxyNode[] = nodes.map(({ name, server }) => ({ name, host: '127.0.0.1', port: server.port }));
  const nginx = await startNginx((port) => renderNginxConfig({ nodes: proxyNodes, listen: `127.0.0.1:${port}`, tls, standalone: true }));
  fixture.onCleanup(() => nginx.stop());
  return {
    nginx,
    nodes,
    ownerOf: (roomId) => nodes.find((n) => n.server.server.rooms.get(roomId) !== undefined)?.name,
  };
}

interface SocketChoice {
  /** Through /node/<name>/; absent: through / like the lobby. */
  readonly node?: string;
  readonly transports: readonly Transport[];
  /** Loopback source address of the WebSocket's connection to nginx. */
  readonly localAddress?: string;
  readonly extraHeaders?: Record<string, string>;
  /** For https through nginx's self-signed test certificate. */
  readonly insecureTls?: boolean;
}

/**
 * A socket.io client as the game opens one, but on a node's prefix: socket.io's `path` option
 * /node/<name>/socket.io. Counts the snapshots it receives. Disconnected after the test.
 */
function gameSocket(origin: string, choice: SocketChoice): Socket & { snapshots: () => number } {
  const options: Partial<ManagerOptions & SocketOptions> & { localAddress?: string } = {
    path: choice.node ? `/node/${choice.node}/socket.io` : '/socket.io',
    parser: clientParser,
    transports: [...choice.transports],
    auth: { protocol: PROTOCOL_VERSION, name: 'via-nginx' },
    reconnection: false,
    forceNew: true,
    autoConnect: false,
    ...(choice.extraHeaders ? { extraHeaders: choice.extraHeaders } : {}),
    ...(choice.localAddress ? { localAddress: choice.localAddress } : {}),
    ...(choice.insecureTls ? { rejectUnauthorized: false } : {}),
  };
  const socket = io(origin, options);
  let snapshots = 0;
  socket.on(EV.snapshot, (bytes: unknown) => {
    if (bytes instanceof Uint8Array) snapshots++;
  });
  fixture.onCleanup(() => void socket.disconnect());
  return Object.assign(socket, { snapshots: () => snapshots });
}

/** Connects; resolves with the server's refusal code instead when it refuses (e.g. TOO_MANY_CONNECTIONS). */
function connect(socket: Socket): Promise<'connected' | string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no connection within 10 s')), 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve('connected');
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      if (err.data?.code) resolve(err.data.code);
      else reject(err);
    });
    socket.connect();
  });
}

async function request<T extends object>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const reply = (await socket.timeout(5000).emitWithAck(event, payload)) as Reply<T>;
  if (!reply.ok) throw new Error(`${event}: ${reply.error.code} ${reply.error.message}`);
  return reply;
}

async function createRoom(socket: Socket): Promise<JoinInfo> {
  return (await request<{ join: JoinInfo }>(socket, EV.createRoom, { private: false })).join;
}

function transportOf(socket: Socket): string | undefined {
  return socket.io.engine?.transport?.name;
}

describe('nginx in front of two nodes (Debian nginx, npm run proxy-config)', () => {
  it('serves the page and /healthz through /, and one node’s own through /node/<name>/', async () => {
    const { nginx, nodes } = await proxiedCluster();
    const page = await fetch(`${nginx.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(PAGE_MARKER);
    const health = await fetch(`${nginx.url}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');

    // A room on the second node only: its /healthz counts it, the first node's does not.
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const onB = gameSocket(nginx.url, { node: b.name, transports: ['websocket'] });
    expect(await connect(onB)).toBe('connected');
    await createRoom(onB);
    const rooms = async (name: string) => ((await (await fetch(`${nginx.url}/node/${name}/healthz`)).json()) as { rooms: number }).rooms;
    expect(await rooms(b.name)).toBe(1);
    expect(await rooms(a.name)).toBe(0);
    expect(await (await fetch(`${nginx.url}/node/${a.name}/`)).text()).toContain(PAGE_MARKER);
    expect((await fetch(`${nginx.url}/node/no-such-node/healthz`)).status).toBe(404);
    // The prefix without its slash is redirected to it (nginx does so for proxied prefix locations).
    const bare = await fetch(`${nginx.url}/node/${a.name}`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(new URL(bare.headers.get('location')!).pathname).toBe(`/node/${a.name}/`);
  });

  it('takes socket.io over WebSocket and over long-polling to exactly the node of the prefix, and streams its snapshots back', async () => {
    const cluster = await proxiedCluster();
    for (const { name } of cluster.nodes) {
      for (const transport of ['websocket', 'polling'] as const) {
        const socket = gameSocket(cluster.nginx.url, { node: name, transports: [transport] });
        expect(await connect(socket)).toBe('connected');
        expect(transportOf(socket)).toBe(transport);
        const join = await createRoom(socket);
        expect(cluster.ownerOf(join.roomId), `${transport} through /node/${name}/`).toBe(name);
        await waitFor(() => socket.snapshots() >= 30, 15_000, `30 snapshots over ${transport} through /node/${name}/`);
      }
    }
  });

  it('takes the lobby’s socket.io through / to one node for one client, WebSocket or long-polling', async () => {
    const cluster = await proxiedCluster();
    const owners = [];
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = gameSocket(cluster.nginx.url, { transports: [transport] });
      expect(await connect(socket)).toBe('connected');
      const join = await createRoom(socket);
      owners.push(cluster.ownerOf(join.roomId));
      await waitFor(() => socket.snapshots() >= 30, 15_000, `30 snapshots over ${transport} through /`);
    }
    // ip_hash: the same client address lands on the same node, whatever the transport.
    expect(owners[0]).toBeDefined();
    expect(owners[1]).toBe(owners[0]);
  });

  it('keeps a long-polling session through / on its node across hundreds of requests and idle ping intervals (ip_hash)', async () => {
    const cluster = await proxiedCluster();
    const socket = gameSocket(cluster.nginx.url, { transports: ['polling'] });
    expect(await connect(socket)).toBe('connected');
    const sid = socket.io.engine.id;
    let disconnected: string | null = null;
    socket.on('disconnect', (reason) => (disconnected = reason));

    // Playing: snapshots complete a held GET about 30 times a second.
    const join = await createRoom(socket);
    await waitFor(() => socket.snapshots() >= 150, 30_000, '150 snapshots over long-polling');
    // Idle in the lobby for longer than a ping interval: the GET is held until the ping (5 s), then renewed.
    await request(socket, EV.leaveRoom, {});
    await sleep(6500);
    const listed = await request<{ rooms: RoomSummary[] }>(socket, EV.listRooms, {});
    expect(listed.rooms.map((r) => r.roomId)).toContain(join.roomId);
    expect(disconnected).toBeNull();
    expect(socket.io.engine.id).toBe(sid);

    // Every request of the session went through nginx and was answered by the node that knows the session
    // (any other would have answered 400 "Session ID unknown").
    const lines = cluster.nginx.accessLog().split('\n').filter((l) => l.includes(`sid=${sid}`));
    expect(lines.length).toBeGreaterThan(150);
    expect(lines.filter((l) => !/" 200 /.test(l))).toEqual([]);
  });

  it('skips a dead node for the page and the lobby; the dead node’s prefix answers 502', async () => {
    const cluster = await proxiedCluster();
    // Find the node ip_hash gives this client, and stop it.
    const first = gameSocket(cluster.nginx.url, { transports: ['websocket'] });
    expect(await connect(first)).toBe('connected');
    const deadName = cluster.ownerOf((await createRoom(first)).roomId)!;
    const dead = cluster.nodes.find((n) => n.name === deadName)!;
    const alive = cluster.nodes.find((n) => n.name !== deadName)!;
    first.disconnect();
    await dead.server.close();

    for (let i = 0; i < 5; i++) {
      const page = await fetch(`${cluster.nginx.url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(PAGE_MARKER);
    }
    for (const transport of ['polling', 'websocket'] as const) {
      const socket = gameSocket(cluster.nginx.url, { transports: [transport] });
      expect(await connect(socket)).toBe('connected');
      expect(cluster.ownerOf((await createRoom(socket)).roomId)).toBe(alive.name);
    }
    expect((await fetch(`${cluster.nginx.url}/node/${dead.name}/healthz`)).status).toBe(502);
    expect((await fetch(`${cluster.nginx.url}/node/${alive.name}/healthz`)).status).toBe(200);
  });

  it('gives X-Forwarded-For to the nodes: one that trusts nginx limits each client address, one that does not sees only nginx', async () => {
    // Clients come from distinct loopback addresses; nginx connects to the nodes from 127.0.0.1.
    const cluster = await proxiedCluster([
      { maxConnectionsPerAddress: 2, trustedProxies: ['127.0.0.1'] },
      { maxConnectionsPerAddress: 2, trustedProxies: [] },
    ]);
    const [trusting, untrusting] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const from = (node: string, localAddress: string, extraHeaders?: Record<string, string>) =>
      connect(gameSocket(cluster.nginx.url, { node, transports: ['websocket'], localAddress, ...(extraHeaders ? { extraHeaders } : {}) }));

    expect(await from(trusting.name, '127.0.0.2')).toBe('connected');
    expect(await from(trusting.name, '127.0.0.2')).toBe('connected');
    expect(await from(trusting.name, '127.0.0.2')).toBe('TOO_MANY_CONNECTIONS');
    expect(await from(trusting.name, '127.0.0.3')).toBe('connected');
    // A client cannot pass itself off as another: nginx appends the address it sees, which the node reads.
    expect(await from(trusting.name, '127.0.0.4', { 'X-Forwarded-For': '127.0.0.3' })).toBe('connected');
    expect(await from(trusting.name, '127.0.0.4', { 'X-Forwarded-For': '127.0.0.3' })).toBe('connected');
    expect(await from(trusting.name, '127.0.0.4')).toBe('TOO_MANY_CONNECTIONS');

    // Without TRUSTED_PROXIES every player is nginx's address: two players in all.
    expect(await from(untrusting.name, '127.0.0.2')).toBe('connected');
    expect(await from(untrusting.name, '127.0.0.3')).toBe('connected');
    expect(await from(untrusting.name, '127.0.0.4')).toBe('TOO_MANY_CONNECTIONS');
  });

  it('passes a long-polling POST as large as engine.io takes, and refuses a far larger one itself', async () => {
    const { nginx, nodes } = await proxiedCluster();
    const base = `${nginx.url}/node/${nodes[0]!.name}/socket.io/?EIO=4&transport=polling`;
    const open = await (await fetch(base)).text();
    const { sid } = JSON.parse(open.slice(1)) as { sid: string };
    // Pong packets ("3") joined by engine.io's record separator, just under maxHttpBufferSize.
    const pongs = Math.floor((LIMITS.maxHttpBufferSize + 1) / 2);
    const full = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: Array(pongs).fill('3').join('\x1e') });
    expect(full.status).toBe(200);
    expect(await full.text()).toBe('ok');
    const huge = await fetch(`${base}&sid=${sid}`, { method: 'POST', body: 'x'.repeat(4 * LIMITS.maxHttpBufferSize) });
    expect(huge.status).toBe(413);
    expect(await huge.text()).toMatch(/<center>nginx<\/center>/); // nginx's page: the node never saw it
  });
});

describe('nginx ending TLS in front of the nodes', () => {
  let certDir: string;
  let tls: NginxTls;
  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'nginx-proxy-tls-'));
    tls = { certificate: join(certDir, 'cert.pem'), key: join(certDir, 'key.pem') };
    // A throwaway self-signed certificate (~100 ms of openssl).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', tls.key, '-out', tls.certificate], { stdio: 'ignore' });
  });
  afterAll(() => rmSync(certDir, { recursive: true, force: true }));

  it('serves the page over https and socket.io over wss and https long-polling, unchanged, to the node of the prefix', async () => {
    const cluster = await proxiedCluster([{}, {}], tls);
    const origin = cluster.nginx.url.replace('http://', 'https://');
    expect(await httpsGet(`${origin}/`)).toContain(PAGE_MARKER);
    for (const [i, transport] of (['websocket', 'polling'] as const).entries()) {
      const name = cluster.nodes[i]!.name;
      const socket = gameSocket(origin, { node: name, transports: [transport], insecureTls: true });
      expect(await connect(socket)).toBe('connected');
      expect(transportOf(socket)).toBe(transport);
      expect(cluster.ownerOf((await createRoom(socket)).roomId)).toBe(name);
      await waitFor(() => socket.snapshots() >= 30, 15_000, `30 snapshots over ${transport} through TLS`);
    }
  });
});

/** GET over https, trusting the test's self-signed certificate. */
function httpsGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { rejectUnauthorized: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}
