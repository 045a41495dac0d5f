// /api/matches across the nodes of a cluster: two nodes (each its own RecordingStore in a temp dir, its own
// HTTP server on an ephemeral port serving the real routes) share a real redis-server. Matches are played
// by bots in real Rooms and recorded by the real RoomRecorder. Either node lists both nodes' matches;
// asked for the other node's match it redirects there, and fetch() (Node's and Chromium's, across origins)
// follows to the bytes. Retention and discards leave the list, the index stays bounded, and a Redis crash
// degrades the list to the node's own (partial) until Redis is back and the nodes have republished.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { launchBrowser } from '../../game-client/test-support/browser.js';
import { createHttpHandler } from '../http-routes.js';
import { createLogger } from '../logger.js';
import { redisServerFixture } from '../test-support/redis-server.js';
import { BotMatch } from './bot-match.js';
import { handleRecordingApi } from './http-api.js';
import { createMatchIndex, type IndexedMatch, type MatchIndex } from './match-index.js';
import type { RedisMatchIndexTuning } from './redis-match-index.js';
import { RoomRecorder } from './recorder.js';
import { RecordingStore } from './store.js';

// Publication is coalesced to these intervals here (1 s and 5 s by default). Waits below are for a
// condition, bounded far above what they take here (< 0.5 s; the reconnection after a Redis restart ~1 s).
const TUNING: Partial<RedisMatchIndexTuning> = { flushIntervalMs: 50, liveUpdateIntervalMs: 200 };
const PROPAGATION_MS = 10_000;
const T0 = Date.parse('2030-01-01T10:00:00.000Z');

const fx = redisServerFixture();

/** A key prefix of its own per test: tests share the redis-server, never keys. */
function freshPrefix(): string {
  return `t${randomBytes(4).toString('hex')}:`;
}

interface TestNode {
  readonly dir: string;
  readonly store: RecordingStore;
  readonly index: MatchIndex;
  /** The node's public URL (ends with '/'). */
  readonly url: string;
}

interface NodeOptions {
  readonly redisUrl?: string | null;
  /** Serve under this path prefix too (as a reverse proxy routing /node/a/... to this node would). */
  readonly pathPrefix?: string;
  readonly maxCount?: number;
  readonly tuning?: Partial<RedisMatchIndexTuning>;
}

async function startNode(nodeId: string, prefix: string, options: NodeOptions = {}): Promise<TestNode> {
  const dir = mkdtempSync(join(tmpdir(), `match-index-${nodeId}-`));
  fx.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const store = new RecordingStore({ dir, maxCount: options.maxCount ?? 100, maxBytes: 1e12 });
  await store.init();
  let index: MatchIndex | undefined;
  const handler = createHttpHandler({
    health: () => ({ ready: true, body: {} }),
    metricsText: async () => '',
    metricsContentType: 'text/plain',
    staticDir: null,
    api: (req, res, url) => handleRecordingApi(store, req, res, url, index),
  });
  const pathPrefix = options.pathPrefix ?? '/';
  const server = createServer((req, res) => {
    if (req.url?.startsWith(pathPrefix)) req.url = req.url.slice(pathPrefix.length - 1);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fx.onCleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${pathPrefix}`;
  const created = createMatchIndex({
    redisUrl: options.redisUrl === undefined ? fx.redis.url : options.redisUrl,
    prefix,
    nodeId,
    nodeUrl: url,
    store,
    log: createLogger('silent'),
    tuning: { ...TUNING, ...options.tuning },
  });
  fx.onCleanup(() => created.close());
  await created.start();
  index = created;
  return { dir, store, index: created, url };
}

/** Bots play a match in a real Room recorded into the store; the room is closed after `ticks` unless `live`. */
async function recordMatch(store: RecordingStore, roomId: string, startTime: number, options: { ticks?: number; live?: boolean; players?: number } = {}) {
  const recorder = new RoomRecorder(roomId, { store, keyframeSeconds: 5, batchSeconds: 1, now: () => startTime });
  const match = new BotMatch({ observer: recorder, seed: 5, roomId });
  fx.onCleanup(async () => {
    if (!match.room.isClosed) match.room.close('disposed', 'test over');
    await recorder.done;
  });
  for (let i = 0; i < (options.players ?? 2); i++) match.join(`${roomId}-p${i}`);
  for (let t = 0; t < (options.ticks ?? 45); t++) {
    match.step();
    await new Promise((r) => setImmediate(r));
  }
  const id = recorder.recordingId!;
  const finish = async () => {
    match.room.close('disposed', 'test over');
    await recorder.done;
  };
  if (!options.live) await finish();
  return { id, finish, match };
}

interface ListBody {
  total: number;
  offset: number;
  limit: number;
  next: string | null;
  partial: boolean;
  matches: IndexedMatch[];
}

async function list(node: TestNode, query = ''): Promise<ListBody> {
  const res = await fetch(`${node.url}api/matches${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('*');
  return (await res.json()) as ListBody;
}

async function ids(node: TestNode, query = ''): Promise<string[]> {
  return (await list(node, query)).matches.map((m) => m.id);
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('the match index of a cluster (Redis)', () => {
  it("lists every node's matches from any node; another node's match redirects to its URL and the redirect returns its bytes", { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    const a = await startNode('node-a', prefix, { pathPrefix: '/node/a/' });
    const b = await startNode('node-b', prefix);
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/node\/a\/$/);
    const a1 = await recordMatch(a.store, 'ra1', T0);
    const b1 = await recordMatch(b.store, 'rb1', T0 + 1000);
    const a2 = await recordMatch(a.store, 'ra2', T0 + 2000, { live: true });

    await vi.waitFor(async () => expect(await ids(b)).toEqual([a2.id, b1.id, a1.id]), { timeout: PROPAGATION_MS, interval: 50 });
    const fromB = await list(b);
    const fromA = await list(a);
    expect(fromB.partial).toBe(false);
    expect(fromB.total).toBe(3);
    expect(fromB.matches.map((m) => [m.nodeId, m.nodeUrl])).toEqual([
      ['node-a', a.url],
      ['node-b', b.url],
      ['node-a', a.url],
    ]);
    expect(fromB.matches[0]).toMatchObject({ live: true, complete: false });
    expect(fromB.matches[2]).toMatchObject({ live: false, complete: true, endReason: 'disposed', players: [{ name: 'ra1-p0' }, { name: 'ra1-p1' }] });
    // Finished matches read the same from both nodes (the live one differs by the progress not yet published).
    expect(fromA.matches.slice(1)).toEqual(fromB.matches.slice(1));

    // Pages run across nodes.
    const page = await list(b, '?limit=2');
    expect(page.matches.map((m) => m.id)).toEqual([a2.id, b1.id]);
    expect(page.next).toBe('/api/matches?offset=2&limit=2');
    expect(await ids(b, '?offset=2&limit=2')).toEqual([a1.id]);

    // A's recording asked of B: 307 to A's public URL, path prefix included; followed, A's bytes.
    const path = `api/matches/${a1.id}/recording`;
    const redirect = await fetch(`${b.url}${path}`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`${a.url}${path}`);
    const download = await fetch(`${b.url}${path}`);
    expect(download.status).toBe(200);
    expect(download.url).toBe(`${a.url}${path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(readFileSync(join(a.dir, `${a1.id}.rec`)))).toBe(true);
    const head = await fetch(`${b.url}${path}`, { method: 'HEAD', redirect: 'manual' });
    expect([head.status, head.headers.get('location')]).toEqual([307, `${a.url}${path}`]);
    // The detail too, and it is the entry of the list.
    const detail = await fetch(`${b.url}api/matches/${a1.id}`);
    expect(detail.url).toBe(`${a.url}api/matches/${a1.id}`);
    expect(await detail.json()).toEqual(fromB.matches[2]);
    // B's own match is served by B; a match nobody has is a 404 on every node.
    expect((await fetch(`${b.url}api/matches/${b1.id}/recording`, { redirect: 'manual' })).status).toBe(200);
    const nowhere = await fetch(`${b.url}api/matches/2030-01-01T00-00-00.000Z-nope/recording`, { redirect: 'manual' });
    expect([nowhere.status, await errorOf(nowhere)]).toEqual([404, 'NOT_FOUND']);

    // The live match ends on A: B lists it finished.
    await a2.finish();
    await vi.waitFor(async () => expect((await list(b)).matches[0]).toMatchObject({ id: a2.id, live: false, complete: true }), {
      timeout: PROPAGATION_MS,
      interval: 50,
    });
  });

  it("a page on one node downloads another node's match (another origin) through the redirect with fetch(), in Chromium", { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    const a = await startNode('node-a', prefix);
    const b = await startNode('node-b', prefix);
    const a1 = await recordMatch(a.store, 'ra1', T0);
    await vi.waitFor(async () => expect(await ids(b)).toEqual([a1.id]), { timeout: PROPAGATION_MS, interval: 50 });
    const browser = await launchBrowser();
    fx.onCleanup(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`${b.url}api/matches`);
    // What the lobby and the replay viewer do: fetch() from the page's origin.
    const fetched = await page.evaluate(async (id: string) => {
      const list = (await (await fetch('/api/matches?limit=6', { cache: 'no-cache' })).json()) as { matches: { id: string }[] };
      const rec = await fetch(`/api/matches/${encodeURIComponent(id)}/recording`, { cache: 'no-cache' });
      const detail = await fetch(`/api/matches/${encodeURIComponent(id)}`);
      return {
        listed: list.matches.map((m) => m.id),
        status: rec.status,
        url: rec.url,
        bytes: (await rec.arrayBuffer()).byteLength,
        detail: ((await detail.json()) as { id: string }).id,
      };
    }, a1.id);
    expect(fetched).toEqual({
      listed: [a1.id],
      status: 200,
      url: `${a.url}api/matches/${a1.id}/recording`,
      bytes: a.store.get(a1.id)!.size,
      detail: a1.id,
    });
  });

  it('matches discarded or deleted by retention leave every list; the index is bounded', { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    const a = await startNode('node-a', prefix, { maxCount: 2, tuning: { maxEntries: 4 } });
    const b = await startNode('node-b', prefix, { tuning: { maxEntries: 4 } });
    const a1 = await recordMatch(a.store, 'ra1', T0);
    const a2 = await recordMatch(a.store, 'ra2', T0 + 1000);
    await vi.waitFor(async () => expect(await ids(b)).toEqual([a2.id, a1.id]), { timeout: PROPAGATION_MS, interval: 50 });
    // A third match on A: its retention (2 files) deletes the oldest, everywhere.
    const a3 = await recordMatch(a.store, 'ra3', T0 + 2000);
    await vi.waitFor(async () => expect(await ids(b)).toEqual([a3.id, a2.id]), { timeout: PROPAGATION_MS, interval: 50 });
    const gone = await fetch(`${b.url}api/matches/${a1.id}/recording`, { redirect: 'manual' });
    expect([gone.status, await errorOf(gone)]).toEqual([404, 'NOT_FOUND']);

    // A room nobody played in is listed while live, and leaves the list when its recording is discarded.
    const empty = await recordMatch(a.store, 'rempty', T0 + 3000, { live: true, players: 0 });
    await vi.waitFor(async () => expect(await ids(b)).toContain(empty.id), { timeout: PROPAGATION_MS, interval: 50 });
    await empty.finish();
    expect(a.store.get(empty.id)).toBeNull();
    await vi.waitFor(async () => expect(await ids(b)).toEqual([a3.id, a2.id]), { timeout: PROPAGATION_MS, interval: 50 });

    // Three matches on B: five in the cluster, the index keeps the newest four (A still has a2's file).
    const bs = [];
    for (let i = 1; i <= 3; i++) bs.push((await recordMatch(b.store, `rb${i}`, T0 + 3000 + i * 1000)).id);
    const newest = [...bs].reverse().concat(a3.id);
    await vi.waitFor(async () => expect(await ids(a)).toEqual(newest), { timeout: PROPAGATION_MS, interval: 50 });
    expect((await list(b)).total).toBe(4);
    const raw = new Redis(fx.redis.url);
    fx.onCleanup(() => void raw.disconnect());
    expect(await raw.zcard(`${prefix}matches`)).toBe(4);
    expect((await raw.keys(`${prefix}match:*`)).length).toBe(4);
    expect(await raw.smembers(`${prefix}nodematches:${a.url}`)).toEqual([a3.id]);
  });

  it('Redis down: each node lists its own matches (partial), other nodes\' matches answer 503; Redis back: every node republishes', { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    const a = await startNode('node-a', prefix);
    const b = await startNode('node-b', prefix);
    const a1 = await recordMatch(a.store, 'ra1', T0);
    const b1 = await recordMatch(b.store, 'rb1', T0 + 1000);
    await vi.waitFor(async () => expect(await ids(b)).toEqual([b1.id, a1.id]), { timeout: PROPAGATION_MS, interval: 50 });

    await fx.redis.kill(); // every key is lost, as in a restart without persistence
    await vi.waitFor(async () => expect(await list(b)).toMatchObject({ partial: true, total: 1, matches: [{ id: b1.id, nodeId: 'node-b', nodeUrl: b.url }] }), {
      timeout: PROPAGATION_MS,
      interval: 50,
    });
    const unavailable = await fetch(`${b.url}api/matches/${a1.id}/recording`, { redirect: 'manual' });
    expect([unavailable.status, await errorOf(unavailable)]).toEqual([503, 'MATCH_INDEX_UNAVAILABLE']);
    // A node still serves its own files, and records meanwhile.
    expect((await fetch(`${a.url}api/matches/${a1.id}/recording`)).status).toBe(200);
    const a2 = await recordMatch(a.store, 'ra2', T0 + 2000);
    expect(await list(a)).toMatchObject({ partial: true, total: 2 });

    await fx.redis.restart(); // empty
    await vi.waitFor(async () => expect(await list(b)).toMatchObject({ partial: false, total: 3 }), { timeout: PROPAGATION_MS, interval: 50 });
    expect(await ids(b)).toEqual([a2.id, b1.id, a1.id]);
    const download = await fetch(`${b.url}api/matches/${a2.id}/recording`);
    expect([download.status, download.url]).toEqual([200, `${a.url}api/matches/${a2.id}/recording`]);
  });

  it('a node started while Redis is down lists its own matches, and publishes them once Redis is up', { timeout: 60_000 }, async () => {
    const prefix = freshPrefix();
    await fx.redis.kill();
    const a = await startNode('node-a', prefix, { tuning: { startTimeoutMs: 500 } });
    const a1 = await recordMatch(a.store, 'ra1', T0);
    expect(await list(a)).toMatchObject({ partial: true, total: 1, matches: [{ id: a1.id }] });
    await fx.redis.restart();
    const b = await startNode('node-b', prefix);
    await vi.waitFor(async () => expect(await list(b)).toMatchObject({ partial: false, matches: [{ id: a1.id, nodeUrl: a.url }] }), {
      timeout: PROPAGATION_MS,
      interval: 50,
    });
  });
});

describe('the match index of one process (no Redis)', () => {
  it('lists the store as before, with this node as the location of every match; nothing redirects', async () => {
    const node = await startNode('solo', freshPrefix(), { redisUrl: null });
    const m1 = await recordMatch(node.store, 'r1', T0);
    const m2 = await recordMatch(node.store, 'r2', T0 + 1000);
    const body = await list(node);
    expect(body).toMatchObject({ total: 2, offset: 0, limit: 50, next: null, partial: false });
    expect(body.matches).toEqual(node.store.list().matches.map((m) => ({ ...m, nodeId: 'solo', nodeUrl: node.url })));
    expect(body.matches.map((m) => m.id)).toEqual([m2.id, m1.id]);
    expect(await (await fetch(`${node.url}api/matches/${m1.id}`)).json()).toEqual(body.matches[1]);
    const missing = await fetch(`${node.url}api/matches/2030-01-01T00-00-00.000Z-nope`, { redirect: 'manual' });
    expect([missing.status, await errorOf(missing)]).toEqual([404, 'NOT_FOUND']);
  });
});
