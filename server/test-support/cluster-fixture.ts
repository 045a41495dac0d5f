// A cluster on this machine for tests: a real redis-server and N real node processes of server/main.ts
// sharing it (REDIS_URL), each on its own loopback port with its own node id (n1..nN) and recordings
// folder. Nodes can be killed -9, frozen (SIGSTOP) and resumed, stopped and restarted. clusterFixture()
// stops whatever a test started after it, passed or failed: frozen nodes are resumed and killed, Redis is
// stopped and the temporary folders are removed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { startServerProcess, type ExitStatus, type ServerProcess } from './server-process.js';

export interface ClusterNode {
  /** n1, n2, ... */
  readonly nodeId: string;
  /** http://127.0.0.1:<port>; a restart keeps the port. */
  readonly url: string;
  readonly port: number;
  /** Pid of the node's current process. */
  readonly pid: number;
  /** Its RECORDINGS_DIR (kept across restarts; removed with the cluster). */
  readonly recordingsDir: string;
  /** The current process's newest output lines (JSON logs; stdout and stderr). */
  readonly logs: readonly string[];
  /** The current process's log entries with this message. */
  logged(msg: string): Record<string, unknown>[];
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM'): void;
  /** Resolves once the current process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** Starts the node again, same id, port and environment (killing it first if it still runs). */
  restart(): Promise<void>;
}

export interface Cluster {
  readonly redis: RedisServer;
  readonly nodes: readonly ClusterNode[];
  /** Kills every node (frozen ones too), stops Redis, removes the temporary folders. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  readonly nodes: number;
  /** Added to every node's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Added to one node's environment (index from 0). */
  readonly nodeEnv?: (index: number) => Readonly<Record<string, string>>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cluster-test-'));
  let redis: RedisServer;
  try {
    redis = await startRedisServer();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const processes: (ServerProcess | null)[] = Array.from({ length: options.nodes }, () => null);
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await Promise.all(processes.map((p) => p && kill(p)));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    })());

  const envOf = (index: number): NodeJS.ProcessEnv => ({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    NODE_ID: `n${index + 1}`,
    RECORDINGS_DIR: join(dir, `n${index + 1}`),
    LOG_LEVEL: 'info',
    EXEMPT_ADDRESSES: '127.0.0.1',
    ...options.env,
    ...options.nodeEnv?.(index),
  });
  const launch = async (index: number, port: number): Promise<ServerProcess> => {
    if (stopped) throw new Error('the cluster is stopped');
    const started = await startServerProcess({ env: { ...envOf(index), PORT: String(port) }, ownProcessGroup: true });
    processes[index] = started;
    if (stopped) await kill(started); // stop() ran while it was starting
    return started;
  };

  const nodes = Array.from({ length: options.nodes }, (_, index): ClusterNode => {
    const current = (): ServerProcess => processes[index] ?? failNotStarted(index);
    return {
      nodeId: `n${index + 1}`,
      recordingsDir: envOf(index).RECORDINGS_DIR!,
      get url() {
        return current().url;
      },
      get port() {
        return current().port;
      },
      get pid() {
        return current().pid;
      },
      get logs() {
        return current().lines;
      },
      logged: (msg) => current().lines.flatMap((line) => logEntryWith(line, msg)),
      signal: (signal) => current().signal(signal),
      get exited() {
        return current().exited;
      },
      async restart() {
        const previous = current();
        await kill(previous);
        await launch(index, previous.port);
      },
    };
  });

  try {
    await Promise.all(nodes.map((_, index) => launch(index, 0)));
  } catch (err) {
    await stop();
    throw err;
  }
  return { redis, nodes, stop };
}

/** startCluster() whose clusters are stopped after each test, whatever its outcome. */
export function clusterFixture(): (options: ClusterOptions) => Promise<Cluster> {
  const clusters: Cluster[] = [];
  afterEach(async () => {
    await Promise.all(clusters.splice(0).map((c) => c.stop()));
  });
  return async (options) => {
    const cluster = await startCluster(options);
    clusters.push(cluster);
    return cluster;
  };
}

/** GET `url` as JSON; throws with the status and body unless it answers 2xx (within `timeoutMs`). */
export async function getJson<T = unknown>(url: string, timeoutMs = 5000): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * Polls an async `condition` (an HTTP request, say) every `intervalMs` until it is true; a condition that
 * throws counts as false. Throws after `timeoutMs` with `what` and the last error.
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 100): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    if (performance.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** SIGKILL to the node's process group (after a SIGCONT, should it be frozen); waits for the exit. */
async function kill(node: ServerProcess): Promise<void> {
  node.signal('SIGCONT');
  await node.killGroup();
}

function failNotStarted(index: number): never {
  throw new Error(`node n${index + 1} has not started`);
}

function logEntryWith(line: string, msg: string): Record<string, unknown>[] {
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    return entry.msg === msg ? [entry] : [];
  } catch {
    return [];
  }
}
