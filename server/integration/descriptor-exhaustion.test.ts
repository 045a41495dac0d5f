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

let child: ChildProcess;
let port = 0;
let exited: { code: number | null; signal: string | null } | null = null;
let output = '';
let staticDir: string;
const held: Socket[] = [];

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'fd-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>game</title>');
  writeFileSync(join(staticDir, 'assets', 'app-0123abcd.js'), 'console.log("app");\n'.repeat(200));
  child = spawn('bash', ['-c', `ulimit -n ${DESCRIPTOR_LIMIT} && exec node --import tsx server/main.ts`], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      STATIC_DIR: staticDir,
      RECORDINGS_DIR: 'off',
      LOG_LEVEL: 'info',
      // The flood comes from one address: this test is about the total, not the per-address cap.
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      HTTP_HEADERS_TIMEOUT_MS: '60000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const listening = /"msg":"listening".*?"port":(\d+)/;
  await waitFor(() => listening.test(output) || exited !== null, 60_000, 'the server to listen');
  port = Number(listening.exec(output)?.[1]);
  expect(port, output).toBeGreaterThan(0);
}, 90_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  if (exited === null) {
    child.kill('SIGTERM');
    await waitFor(() => exited !== null, 20_000, 'the server to exit').catch(() => child.kill('SIGKILL'));
  }
  rmSync(staticDir, { recursive: true, force: true });
});

interface OpenSocket {
  readonly socket: Socket;
  data(): string;
  closed(): boolean;
}

function openSocket(): Promise<OpenSocket> {
  return new Promise((resolveOpen) => {
    let data = '';
    let closed = false;
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => (closed = true));
    socket.on('connect', () => resolveOpen({ socket, data: () => data, closed: () => closed }));
    socket.on('error', () => resolveOpen({ socket, data: () => data, closed: () => true }));
  });
}

describe('descriptor exhaustion', () => {
  it(`survives ${FLOOD} connections under a ${DESCRIPTOR_LIMIT}-descriptor limit, refuses the excess with 503, and serves again after`, async () => {
    const flood: OpenSocket[] = [];
    for (let i = 0; i < FLOOD; i++) {
      const s = await openSocket();
      held.push(s.socket);
      flood.push(s);
    }
    await waitFor(() => flood.filter((s) => s.closed()).length > 0, 10_000, 'the excess to be refused');
    await sleep(500);
    const refused = flood.filter((s) => s.data().startsWith('HTTP/1.1 503 '));
    expect(refused.length).toBeGreaterThanOrEqual(FLOOD - DESCRIPTOR_LIMIT);
    expect(refused[0]!.data()).toContain('SERVER_FULL');
    expect(exited).toBeNull();

    // A page request now is refused politely (or served), never a crash.
    const during = await fetch(`http://127.0.0.1:${port}/assets/app-0123abcd.js`).then((r) => r.status, () => 0);
    expect([200, 503]).toContain(during);
    expect(exited).toBeNull();

    for (const s of held.splice(0)) s.destroy();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`http://127.0.0.1:${port}/assets/app-0123abcd.js`).catch(() => null))?.status ?? 0;
      if (status !== 200) await sleep(100);
    }
    expect(status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const player = await connectClient(`http://127.0.0.1:${port}`, { name: 'after' });
    try {
      await player.quickPlay();
      await waitFor(() => player.mirror.latestTick > 0, 10_000, 'a snapshot after the flood');
    } finally {
      player.close();
    }
    expect(exited).toBeNull();
    expect(output).toMatch(/MAX_CONNECTIONS lowered to fit the descriptor limit/);
  }, 120_000);
});
