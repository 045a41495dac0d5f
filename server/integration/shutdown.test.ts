// The real entry point (`npm start`'s server/main.ts) as a child process: it reports readiness on
// /healthz, logs structured JSON, and on SIGTERM tells its players, closes rooms and exits 0.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import type { RoomClosedMessage } from '../../shared/protocol.js';
import { connectClient } from '../test-support/test-client.js';

let child: ChildProcess | null = null;

afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

function startMain(env: Record<string, string>): Promise<{ port: number; logs: Record<string, unknown>[] }> {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not log "listening" within 15 s')), 15_000);
    createInterface({ input: child!.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') {
        clearTimeout(timer);
        resolve({ port: entry.port as number, logs });
      }
    });
    child!.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
}

it('starts on a chosen PORT, then shuts down gracefully on SIGTERM with exit code 0', async () => {
  const recordings = mkdtempSync(join(tmpdir(), 'shutdown-rec-'));
  const { port, logs } = await startMain({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', RECORDINGS_DIR: recordings });
  expect(port).toBeGreaterThan(0);
  const url = `http://127.0.0.1:${port}`;
  expect((await fetch(`${url}/healthz`)).status).toBe(200);

  const player = await connectClient(url, { name: 'leaver' });
  await player.quickPlay();
  const closed = player.next('roomClosed', 5000);
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child!.kill('SIGTERM');
  const message: RoomClosedMessage = await closed;
  expect(message.reason).toBe('shutdown');
  expect(await exited).toBe(0);
  player.close();
  expect(logs.some((l) => l.msg === 'player joined' && l.level === 'info')).toBe(true);
  // The match was recorded and finalized on the way down.
  expect(readdirSync(recordings).some((f) => f.endsWith('.rec'))).toBe(true);
});
