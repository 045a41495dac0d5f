// A real server process started with a low descriptor limit (ulimit -n), flooded with more TCP connections
// than it has descriptors for. It must stay up, refuse the excess with a clear status instead of failing
// on EMFILE, keep its own page and game working, and serve normally again once the flood is gone.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, sleep, waitFor } from '../test-support/test-client.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DESCRIPTOR_LIMIT = 300;
const FLOOD = 400;

interface LimitedServer {
  readonly port: number;
  exited(): { code: number | null; signal: string | null } | null;
  output(): string;
  stop(): Promise<void>;
}

const held: Socket[] = [];
let staticDir: string;

/** server/main.ts as its own process under `ulimit -n`, serving a small built client. */
async function startLimitedServer(descriptors: number, env: Record<string, string>): Promise<LimitedServer> {
  let output = '';
  let exited: { code: number | null; signal: string | null } | null = null;
  const child: ChildProcess = spawn('bash', ['-c', `ulimit -n ${descriptors} && exec node --import tsx server/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STATIC_DIR: staticDir, RECORDINGS_DIR: 'off', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const listening = /"msg":"listening".*?"port":(\d+)/;
  await waitFor(() => listening.test(output) || exited !== null, 60_000, 'the server to listen');
  const port = Number(listening.exec(output)?.[1]);
  expect(port, output).toBeGreaterThan(0);
  return {
    port,
    exited: () => exited,
    output: () => output,
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      await waitFor(() => exited !== null, 20_000, 'the server to exit').catch(() => child.kill('SIGKILL'));
    },
  };
}

const servers: LimitedServer[] = [];

beforeAll(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'fd-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>game</title>');
  writeFileSync(join(staticDir, 'assets', 'app-0123abcd.js'), 'console.log("app");\n'.repeat(200));
});

afterAll(async () => {
  for (const s of held.splice(0)) s.destroy();
  for (const s of servers.splice(0)) await s.stop();
  rmSync(staticDir, { recursive: true, force: true });
});

interface OpenSocket {
  readonly socket: Socket;
  data(): string;
  closed(): boolean;
}

function openSocket(port: number, localAddress = '127.0.0.1'): Promise<OpenSocket> {
  return new Promise((resolveOpen) => {
    let data = '';
    let closed = false;
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => (closed = true));
    socket.on('connect', () => resolveOpen({ socket, data: () => data, closed: () => closed }));
    socket.on('error', () => resolveOpen({ socket, data: () => data, closed: () => true }));
  });
}

/** Polls `url` until it answers 200 (bounded); returns the last status (0: no answer). */
async function statusOnceFree(url: string): Promise<number> {
  let status = 0;
  for (let i = 0; i < 100 && status !== 200; i++) {
    status = (await fetch(url).catch(() => null))?.status ?? 0;
    if (status !== 200) await sleep(100);
  }
  return status;
}

describe('descriptor exhaustion', () => {
  it(`survives ${FLOOD} connections under a ${DESCRIPTOR_LIMIT}-descriptor limit, refuses the excess with 503, and serves again after`, async () => {
    // The flood comes from one address: this case is about the total, not the per-address cap.
    const server = await startLimitedServer(DESCRIPTOR_LIMIT, { MAX_CONNECTIONS_PER_ADDRESS: '0', HTTP_HEADERS_TIMEOUT_MS: '60000' });
    servers.push(server);
    const { port } = server;
    const flood: OpenSocket[] = [];
    for (let i = 0; i < FLOOD; i++) {
      const s = await openSocket(port);
      held.push(s.socket);
      flood.push(s);
    }
    await waitFor(() => flood.filter((s) => s.closed()).length > 0, 10_000, 'the excess to be refused');
    await sleep(500);
    const refused = flood.filter((s) => s.data().startsWith('HTTP/1.1 503 '));
    expect(refused.length).toBeGreaterThanOrEqual(FLOOD - DESCRIPTOR_LIMIT);
    expect(refused[0]!.data()).toContain('SERVER_FULL');
    expect(server.exited()).toBeNull();

    // A page request now is refused politely (or served), never a crash.
    const during = await fetch(`http://127.0.0.1:${port}/assets/app-0123abcd.js`).then((r) => r.status, () => 0);
    expect([200, 503]).toContain(during);
    expect(server.exited()).toBeNull();

    for (const s of held.splice(0)) s.destroy();
    expect(await statusOnceFree(`http://127.0.0.1:${port}/assets/app-0123abcd.js`)).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const player = await connectClient(`http://127.0.0.1:${port}`, { name: 'after' });
    try {
      await player.quickPlay();
      await waitFor(() => player.mirror.latestTick > 0, 10_000, 'a snapshot after the flood');
    } finally {
      player.close();
    }
    expect(server.exited()).toBeNull();
    expect(server.output()).toMatch(/MAX_CONNECTIONS lowered to fit the descriptor limit/);
  }, 120_000);

  it('with the defaults and 1,024 descriptors, a flood of 3,000 connections from one address that never read leaves other players served', async () => {
    const server = await startLimitedServer(1024, {});
    servers.push(server);
    const { port } = server;
    // Opened as fast as the loop goes, never read, never closed by the client.
    const flood = await Promise.all(Array.from({ length: 3000 }, () => openSocket(port, '127.0.0.1')));
    held.push(...flood.map((f) => f.socket));
    expect(server.exited()).toBeNull();
    // Another address is served while the flood is held open: its page and a game.
    const other = await openSocket(port, '127.0.0.2');
    held.push(other.socket);
    other.socket.write('GET /assets/app-0123abcd.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await waitFor(() => other.closed(), 10_000, 'the page for another address');
    expect(other.data()).toMatch(/^HTTP\/1\.1 200 /);
    // The flooding address is refused with a reason, not crashed on.
    const refused = flood.filter((f) => f.data().startsWith('HTTP/1.1 429 '));
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.data()).toContain('TOO_MANY_CONNECTIONS');
    for (const s of held.splice(0)) s.destroy();
    expect(await statusOnceFree(`http://127.0.0.1:${port}/healthz`)).toBe(200);
    expect(server.exited()).toBeNull();
  }, 120_000);
});
