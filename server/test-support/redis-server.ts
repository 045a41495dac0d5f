// A real redis-server (Debian's /usr/bin/redis-server) for tests: on a free loopback port, no persistence,
// in its own temporary directory. Ready once it answers PING; stop() sends SIGTERM, then SIGKILL; kill()
// is a crash (SIGKILL: every key is lost, as in a restart without persistence); restart() starts it again
// on the same port.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort } from './free-port.js';
import { tcpProbe } from './tcp-probe.js';

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
// Measured here: PING answers 10-30 ms after spawn, up to ~200 ms with both cores busy; stops take < 50 ms.
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3000;

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Pid of the running redis-server, null while stopped. */
  readonly pid: number | null;
  /** SIGKILL, as a crash; resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill()). */
  restart(): Promise<void>;
  /** SIGTERM, SIGKILL after a grace period; removes the temporary directory. */
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-test-'));
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const launch = async (): Promise<void> => {
    output = '';
    const proc = spawn(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    // A test process that exits without stopping it (a crash) must not leave it running.
    const killOnExit = () => {
      proc.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', killOnExit);
    proc.once('exit', () => process.off('exit', killOnExit));
    const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000));
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const spawnError = new Promise<never>((_, reject) => proc.once('error', reject));
    spawnError.catch(() => undefined); // handled by the race below while starting; ignored afterwards
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`redis-server exited at start:\n${output}`);
      if (await Promise.race([ping(port), spawnError])) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const signalAndWait = async (signal: NodeJS.Signals, graceMs: number): Promise<boolean> => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return true;
    proc.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    return done;
  };

  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      const proc = child;
      return proc && proc.exitCode === null && proc.signalCode === null ? (proc.pid ?? null) : null;
    },
    async kill() {
      await signalAndWait('SIGKILL', STOP_GRACE_MS);
      child = null;
    },
    async restart() {
      if (child) throw new Error('redis-server is running: kill() it first');
      await launch();
    },
    async stop() {
      if (!(await signalAndWait('SIGTERM', STOP_GRACE_MS))) await signalAndWait('SIGKILL', STOP_GRACE_MS);
      child = null;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RedisServerFixture {
  /** The file's redis-server (set once its tests start). */
  readonly redis: RedisServer;
  /** Runs `stop` after the current test (newest first). */
  onCleanup(stop: () => void | Promise<void>): void;
}

/**
 * One redis-server for a test file: started before its tests, stopped after them, and started again after
 * a test that left it down (a failed restart test must not take the next tests down with it).
 */
export function redisServerFixture(): RedisServerFixture {
  let redis: RedisServer | null = null;
  const cleanups: (() => void | Promise<void>)[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    if (redis && redis.pid === null) await redis.restart();
  });
  return {
    get redis() {
      if (!redis) throw new Error('redisServerFixture: redis-server not started yet (use it inside a test)');
      return redis;
    },
    onCleanup(stop) {
      cleanups.push(stop);
    },
  };
}

/** True if a Redis on the port answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return tcpProbe(port, 'PING\r\n', (reply) => (reply.includes('\r\n') ? reply.startsWith('+PONG') : null));
}
