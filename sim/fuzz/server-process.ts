// The game server as a separate node process (server/main.ts), for `npm run fuzz`: a crash is the
// process exiting, and every line it logs at level error is a finding.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FuzzTarget } from './fuzz-run.js';
import type { FuzzFailure } from './fuzz-stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
/** Lines of stderr kept to explain a crash. */
const STDERR_TAIL = 30;

export interface ServerProcess extends FuzzTarget {
  readonly pid: number;
  /** SIGTERM (SIGKILL if it takes too long); resolves once the process is gone. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Describes one JSON log line at level error (undefined for other lines). */
function errorLine(line: string): string | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null || (entry as { level?: unknown }).level !== 'error') return undefined;
  const { time: _time, level: _level, ...rest } = entry as Record<string, unknown>;
  return JSON.stringify(rest).slice(0, 800);
}

/** Starts `server/main.ts` on a free loopback port with `env` added, and resolves once /healthz answers 200. */
export async function spawnServer(env: Readonly<Record<string, string>>): Promise<ServerProcess> {
  const port = await freePort();
  const recordings = mkdtempSync(join(tmpdir(), 'fuzz-recordings-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    // Errors only: warnings (a line per rejected packet) would be most of the server's work.
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', RECORDINGS_DIR: recordings, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const problems: FuzzFailure[] = [];
  const tail: string[] = [];
  let stopping = false;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    // 'close', not 'exit': stderr is read to its end first, so a crash's stack trace is in the tail.
    child.once('close', (code, signal) => {
      exited = true;
      rmSync(recordings, { recursive: true, force: true });
      if (!stopping) problems.push({ kind: 'crash', message: `server exited (code ${code}, signal ${signal}); stderr:\n${tail.join('\n')}` });
      resolve();
    });
  });
  createInterface({ input: child.stderr! }).on('line', (line) => {
    tail.push(line.slice(0, 2000));
    if (tail.length > STDERR_TAIL) tail.shift();
    const error = errorLine(line);
    if (error !== undefined) problems.push({ kind: 'error-log', message: `server logged an error: ${error}` });
  });

  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`server exited while starting; stderr:\n${tail.join('\n')}`);
    const ready = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) break;
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${READY_TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    port,
    pid: child.pid!,
    newProblems: () => problems.splice(0),
    stop: async () => {
      if (exited) return;
      stopping = true;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(killer);
    },
  };
}
