// Per-test cleanup for integration tests on real servers: whatever a test starts through the fixture
// (servers, players, anything registered with onCleanup) is stopped after each test, players first.

import { afterEach } from 'vitest';
import type { NetClient, NetClientOptions } from '../../shared/client/net-client.js';
import { connectClient } from './test-client.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface ServerFixture {
  server(...args: Parameters<typeof startTestServer>): Promise<TestServer>;
  /** A connected player (NetClient without automatic reconnection unless asked). */
  client(url: string, name: string, options?: Partial<NetClientOptions>): Promise<NetClient>;
  /** Adds a client connected some other way, to be closed after the test. */
  track(client: NetClient): NetClient;
  /** Runs `stop` after the current test (once). */
  onCleanup(stop: () => void | Promise<void>): void;
}

export function serverFixture(): ServerFixture {
  const servers: TestServer[] = [];
  const clients: NetClient[] = [];
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of cleanups.splice(0)) await stop();
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    async server(...args) {
      const s = await startTestServer(...args);
      servers.push(s);
      return s;
    },
    async client(url, name, options = {}) {
      const c = await connectClient(url, { name, ...options });
      clients.push(c);
      return c;
    },
    track(client) {
      clients.push(client);
      return client;
    },
    onCleanup(stop) {
      cleanups.push(stop);
    },
  };
}

/** One sample of the server's /metrics, e.g. metricValue(url, 'game_x_total{reason="y"}'); 0 when absent. */
export async function metricValue(url: string, sample: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').map(withoutNodeLabel).find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/** A sample line without the node="..." label every metric carries (`game_rooms{node="a"} 1` -> `game_rooms 1`). */
export function withoutNodeLabel(line: string): string {
  return line.replace(/(,?)node="[^"]*"(,?)/, (_m, before: string, after: string) => (before && after ? ',' : '')).replace('{}', '');
}
