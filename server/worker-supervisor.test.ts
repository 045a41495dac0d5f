// WORKERS=N: `npm start`'s server/main.ts as a supervisor of real node processes, sharing a real
// redis-server with a node started on its own: one cluster. Each worker answers on its own port with its
// own environment; a worker killed -9 comes back on its port while the other runs on; one that cannot start
// is given up on after a bounded number of tries; SIGTERM stops them all, exit code 0.

import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { configFromEnv } from './config.js';
import type { LogFields, Logger } from './logger.js';
import { clusterFixture, getJson, waitUntil } from './test-support/cluster-fixture.js';
import { freePort } from './test-support/free-port.js';
import { isRunning, processTree } from './test-support/process-tree.js';
import { SERVER_MAIN, startServerProcess } from './test-support/server-process.js';
import { waitFor } from './test-support/test-client.js';
import { superviseWorkers, type SuperviseWorkersOptions, type WorkerSupervisor } from './worker-supervisor.js';

// Measured here: a worker answers /healthz 1-2 s after spawn when idle, up to ~5 s with both cores busy;
// stopping two idle workers takes ~0.5 s. Every wait is bounded at 10x that or more.
const START_MS = 60_000;
const STOP_MS = 30_000;

const startCluster = clusterFixture();
const supervisors: WorkerSupervisor[] = [];
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop('SIGKILL')));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface LogEntry extends LogFields {
  readonly level: string;
  readonly msg: string;
}

/** The supervisor's log as entries, to check what it said it did. */
function recordingLogger(entries: LogEntry[] = [], base: LogFields = {}): Logger & { readonly entries: readonly LogEntry[] } {
  const write = (level: string) => (msg: string, fields?: LogFields) => void entries.push({ ...base, ...fields, level, msg });
  return { entries, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (fields) => recordingLogger(entries, { ...base, ...fields }) };
}

/**
 * superviseWorkers() as server/main.ts calls it with `env`, in the test process: each worker runs
 * server/main.ts. The test process must not take over the test runner's signals.
 */
function supervise(env: NodeJS.ProcessEnv, options: Pick<SuperviseWorkersOptions, 'log' | 'restartPolicy'>): WorkerSupervisor {
  const supervisor = superviseWorkers({ ...options, config: configFromEnv(env), env, args: ['--import', 'tsx', SERVER_MAIN], handleSignals: false });
  supervisors.push(supervisor);
  return supervisor;
}

/** The environment of `WORKERS=2 PORT=<base> REDIS_URL=<redis> npm start`, with `extra`. */
function workersEnv(base: number, redisUrl: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, WORKERS: '2', PORT: String(base), HOST: '127.0.0.1', REDIS_URL: redisUrl, DRAIN_TIMEOUT_MS: '5000', ...extra };
}

function temporaryDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function listen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** A port p with p + 1 free too, a moment ago (the workers of WORKERS=2 listen on PORT and PORT + 1). */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    const next = port < 65_535 ? await listen(port + 1) : null;
    if (next) {
      await new Promise((r) => next.close(r));
      return port;
    }
  }
  throw new Error('no two consecutive free ports in 50 tries');
}

async function healthy(port: number): Promise<boolean> {
  return (await getJson<{ status: string }>(`http://127.0.0.1:${port}/healthz`)).status === 'ok';
}

interface NodesReply {
  readonly nodes: readonly { readonly nodeId: string; readonly url: string }[];
}

function equal(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function parseLine(line: string): LogEntry | null {
  try {
    return JSON.parse(line) as LogEntry;
  } catch {
    return null;
  }
}

function environOf(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((p) => p.includes('='));
  return Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

it('WORKERS=2: one node per port, a worker killed -9 comes back on its port, SIGTERM stops every process with exit code 0', async () => {
  const cluster = await startCluster({ nodes: 1 });
  const base = await freePortPair();
  const recordings = temporaryDir('workers-rec-');
  // server/main.ts as `npm start` runs it; in a process group of its own, so that the cleanup of a failed
  // test reaches the workers too.
  const supervisor = await startServerProcess({ env: workersEnv(base, cluster.redis.url, { LOG_LEVEL: 'info', RECORDINGS_DIR: recordings }), ownProcessGroup: true });
  cleanups.push(() => supervisor.killGroup());
  await waitUntil(async () => (await healthy(base)) && (await healthy(base + 1)), START_MS, 'both workers to answer /healthz');
  // The workers write to the supervisor's stdout and stderr: their lines are among its lines.
  const logged = (svc: string, msg: string) => supervisor.lines.map(parseLine).filter((e) => e?.svc === svc && e.msg === msg) as LogEntry[];
  const workerPid = (index: number) => logged('worker-supervisor', 'worker started').filter((e) => e.worker === index).at(-1)?.pid as number;

  // Each worker: one node (WORKERS=1) on PORT + index, recording into a folder of its own.
  const pids = [workerPid(0), workerPid(1)];
  pids.forEach((pid, index) => {
    const env = environOf(pid);
    expect({ WORKERS: env.WORKERS, WORKER_INDEX: env.WORKER_INDEX, PORT: env.PORT, RECORDINGS_DIR: env.RECORDINGS_DIR }).toEqual({
      WORKERS: '1',
      WORKER_INDEX: String(index),
      PORT: String(base + index),
      RECORDINGS_DIR: join(recordings, `node-${index}`),
    });
  });

  // The workers and the node started on its own are one cluster: any node lists all three.
  const urls = [`http://127.0.0.1:${base}/`, `http://127.0.0.1:${base + 1}/`, `${cluster.nodes[0]!.url}/`].sort();
  const listedUrls = async (url: string) => (await getJson<NodesReply>(`${url}/api/nodes`)).nodes.map((n) => n.url).sort();
  await waitUntil(async () => equal(await listedUrls(`http://127.0.0.1:${base + 1}`), urls), START_MS, 'GET /api/nodes to list both workers and n1');
  const before = await getJson<NodesReply>(`${cluster.nodes[0]!.url}/api/nodes`);
  expect(before.nodes.map((n) => n.url).sort()).toEqual(urls);

  // kill -9 of worker 1: it is started again on its port (a new node of the cluster there, once the dead
  // one's lease has run out); worker 0 is left alone.
  process.kill(pids[1]!, 'SIGKILL');
  await waitUntil(async () => workerPid(1) !== pids[1] && (await healthy(base + 1)), START_MS, 'worker 1 to be restarted and answer on its port');
  expect(logged('worker-supervisor', 'worker exited unexpectedly; restarting it')).toMatchObject([{ worker: 1, pid: pids[1], signal: 'SIGKILL' }]);
  expect(workerPid(0)).toBe(pids[0]);
  expect(await healthy(base)).toBe(true);
  const deadNode = before.nodes.find((n) => n.url === `http://127.0.0.1:${base + 1}/`)!.nodeId;
  await waitUntil(async () => {
    const { nodes } = await getJson<NodesReply>(`${cluster.nodes[0]!.url}/api/nodes`);
    return equal(nodes.map((n) => n.url).sort(), urls) && !nodes.some((n) => n.nodeId === deadNode);
  }, START_MS, 'GET /api/nodes to list the restarted worker instead of the dead one');

  // SIGTERM to the supervisor: forwarded to every worker, each shuts down cleanly, nothing is left running.
  const tree = processTree(supervisor.pid);
  expect(tree.filter((p) => p.comm === 'node').map((p) => p.pid)).toEqual(expect.arrayContaining([supervisor.pid, pids[0], workerPid(1)]));
  supervisor.signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const status = await Promise.race([supervisor.exited, new Promise((r) => (timer = setTimeout(() => r('still running'), STOP_MS)))]);
  clearTimeout(timer);
  expect(status).toEqual({ code: 0, signal: null });
  await waitFor(() => tree.every((p) => !isRunning(p.pid)), STOP_MS, 'every process of the tree to exit');
  expect(logged('game-server', 'signal received')).toHaveLength(2);
}, 180_000);

it('gives up on a worker that keeps failing to start, after a bounded number of tries, and keeps the other running', async () => {
  const cluster = await startCluster({ nodes: 0 });
  const base = await freePortPair();
  // Worker 1's port is taken: it exits at start every time.
  const squatter = await listen(base + 1);
  expect(squatter).not.toBeNull();
  cleanups.push(() => squatter!.close());
  const log = recordingLogger();
  const supervisor = supervise(workersEnv(base, cluster.redis.url, { LOG_LEVEL: 'silent', RECORDINGS_DIR: 'off' }), {
    log,
    restartPolicy: { maxCrashes: 3, windowMs: 600_000, backoffMs: 50 },
  });
  await waitUntil(() => log.entries.some((e) => e.msg === 'worker keeps exiting; not restarting it'), START_MS * 3, 'worker 1 to be given up on');
  expect(log.entries.filter((e) => e.msg === 'worker started').map((e) => e.worker).sort()).toEqual([0, 1, 1, 1]);
  expect(log.entries.filter((e) => e.level === 'warn').map((e) => e.delayMs)).toEqual([50, 100]);
  expect(supervisor.pids()[1]).toBeNull();
  await waitUntil(() => healthy(base), START_MS, 'worker 0 to answer /healthz');

  // A worker given up on makes the supervisor's exit code 1, even when the others stop cleanly.
  expect(await supervisor.stop('SIGTERM')).toBe(1);
  expect(supervisor.pids()).toEqual([null, null]);
}, 240_000);
