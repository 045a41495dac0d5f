// The cluster's list of recordings, in Redis. Each node mirrors its own RecordingStore there (the store's
// observer hook; coalesced: a finished or deleted match within flushIntervalMs, a live one's progress at
// most every liveUpdateIntervalMs) and lists every node's from there. Redis unreachable: the list is this
// node's own (partial) and nothing is queued; when the connection is ready again the node republishes
// everything it holds (Redis may have restarted empty) and removes what it no longer holds.
//
// Keys (under the prefix): `matches` sorted set id -> start time (ms); `match:<id>` hash node, url,
// summary (MatchSummary JSON); `nodematches:<url>` set of the ids published by the node at that URL (the
// URL, not the id, owns them: it is what serves the files, and a restarted node keeps its URL but may get
// a new id). The index holds at most maxEntries matches: the oldest beyond it are dropped.

import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import type { IndexedMatch, LocalMatchIndex, MatchIndex, MatchLocation, MatchPage } from './match-index.js';
import type { MatchSummary, RecordingStore, StoreChange } from './store.js';

export interface RedisMatchIndexTuning {
  /** Begun, finished and deleted recordings are published within this (default 1 s). */
  readonly flushIntervalMs: number;
  /** A live recording's progress is published at most this often (default 5 s). */
  readonly liveUpdateIntervalMs: number;
  /** Matches the whole index holds at most, every node together (default 10,000); the oldest go first. */
  readonly maxEntries: number;
  /** A Redis call not answered within this fails (default 1 s): the list falls back to this node's. */
  readonly commandTimeoutMs: number;
  /** How long start() waits for the first publication (default 3 s); it goes on in the background. */
  readonly startTimeoutMs: number;
}

export interface RedisMatchIndexOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly store: RecordingStore;
  /** This node's own recordings: the fallback, and the fresh summaries of this node's entries. */
  readonly local: LocalMatchIndex;
  readonly log: Logger;
  readonly tuning: Partial<RedisMatchIndexTuning>;
  readonly redisOptions?: RedisOptions;
}

const DEFAULT_TUNING: RedisMatchIndexTuning = {
  flushIntervalMs: 1000,
  liveUpdateIntervalMs: 5000,
  maxEntries: 10_000,
  commandTimeoutMs: 1000,
  startTimeoutMs: 3000,
};

/** Matches published in one script call at most. */
const PUBLISH_BATCH = 200;
/** Oldest entries one publication drops at most (the rest go with the next ones). */
const TRIM_BATCH = 1000;
/** Most time between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1000;

// ARGV: prefix, nodeId, nodeUrl, maxEntries, n upserts, [id, startMs, summaryJson] x n, m removals, [id] x m.
// An upsert takes the id over from another URL (a collision of ids: the last writer wins); a removal only
// deletes the entry if this URL still owns it. Returns the number of entries trimmed.
const PUBLISH_LUA = `
local p, node, url = ARGV[1], ARGV[2], ARGV[3]
local index, mine = p .. 'matches', p .. 'nodematches:' .. url
local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local id = ARGV[i]
  local key = p .. 'match:' .. id
  local previous = redis.call('HGET', key, 'url')
  if previous and previous ~= url then redis.call('SREM', p .. 'nodematches:' .. previous, id) end
  redis.call('HSET', key, 'node', node, 'url', url, 'summary', ARGV[i + 2])
  redis.call('ZADD', index, ARGV[i + 1], id)
  redis.call('SADD', mine, id)
  i = i + 3
end
local removals = tonumber(ARGV[i])
i = i + 1
for _ = 1, removals do
  local id = ARGV[i]
  local key = p .. 'match:' .. id
  if redis.call('HGET', key, 'url') == url then
    redis.call('DEL', key)
    redis.call('ZREM', index, id)
  end
  redis.call('SREM', mine, id)
  i = i + 1
end
local excess = math.min(redis.call('ZCARD', index) - tonumber(ARGV[4]), ${TRIM_BATCH})
if excess <= 0 then return 0 end
local oldest = redis.call('ZRANGE', index, 0, excess - 1)
for _, id in ipairs(oldest) do
  local key = p .. 'match:' .. id
  local owner = redis.call('HGET', key, 'url')
  if owner then redis.call('SREM', p .. 'nodematches:' .. owner, id) end
  redis.call('DEL', key)
end
redis.call('ZREMRANGEBYRANK', index, 0, excess - 1)
return #oldest`;

// ARGV: prefix, offset, limit. Returns [total, (nodeId, nodeUrl, summaryJson) x page], newest first (equal
// start times: greater id first, as RecordingStore.list).
const LIST_LUA = `
local p = ARGV[1]
local index = p .. 'matches'
local first = tonumber(ARGV[2])
local out = { redis.call('ZCARD', index) }
for _, id in ipairs(redis.call('ZREVRANGE', index, first, first + tonumber(ARGV[3]) - 1)) do
  local f = redis.call('HMGET', p .. 'match:' .. id, 'node', 'url', 'summary')
  if f[1] and f[2] and f[3] then
    out[#out + 1] = f[1]
    out[#out + 1] = f[2]
    out[#out + 1] = f[3]
  end
end
return out`;

/** The scripts, defined on the connection with defineCommand (ioredis sends EVALSHA, EVAL after a NOSCRIPT). */
interface MatchScripts {
  matchesPublish(...args: (string | number)[]): Promise<unknown>;
  matchesList(prefix: string, offset: number, limit: number): Promise<unknown>;
}

export class RedisMatchIndex implements MatchIndex {
  readonly nodeId: string;
  readonly nodeUrl: string;
  private readonly tuning: RedisMatchIndexTuning;
  private readonly prefix: string;
  private readonly store: RecordingStore;
  private readonly local: LocalMatchIndex;
  private readonly log: Logger;
  private readonly client: Redis;
  private readonly scripts: MatchScripts;
  /** Recordings to publish (or to remove, when the store no longer has them) -> earliest time to send. */
  private readonly pending = new Map<string, number>();
  /** When each recording was last published (paces live progress). */
  private readonly publishedAt = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private firstPublication: (() => void) | null = null;
  private down = false;
  private closing: Promise<void> | null = null;
  private closed = false;

  constructor(options: RedisMatchIndexOptions) {
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.prefix = options.prefix;
    this.store = options.store;
    this.local = options.local;
    this.nodeId = options.local.nodeId;
    this.nodeUrl = options.local.nodeUrl;
    this.log = options.log.child({ component: 'match-index' });
    // Fail fast, as the room directory's connection: no offline queue, no retried commands; the
    // connection itself keeps reconnecting in the background.
    this.client = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: this.tuning.commandTimeoutMs,
      connectTimeout: Math.max(this.tuning.commandTimeoutMs, 1000),
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), MAX_RECONNECT_DELAY_MS),
      disableClientInfo: true,
      ...options.redisOptions,
    });
    this.client.defineCommand('matchesPublish', { numberOfKeys: 0, lua: PUBLISH_LUA });
    this.client.defineCommand('matchesList', { numberOfKeys: 0, lua: LIST_LUA, readOnly: true });
    this.scripts = this.client as unknown as MatchScripts;
    // Without an 'error' listener an unreachable Redis would crash the process.
    this.client.on('error', (err: Error) => this.markDown(err.message));
    this.client.on('close', () => {
      // Nothing is queued while disconnected: the republication on 'ready' covers every change.
      this.pending.clear();
      this.publishedAt.clear();
      this.markDown('connection to Redis closed');
    });
    this.client.on('ready', () => void this.republish());
  }

  async start(): Promise<void> {
    this.unsubscribe = this.store.observe((id, change) => this.onStoreChange(id, change));
    this.timer = setInterval(() => {
      if (!this.flushing) void this.flush();
    }, this.tuning.flushIntervalMs);
    this.timer.unref();
    let timeout: NodeJS.Timeout | undefined;
    const published = await Promise.race([
      new Promise<boolean>((resolve) => (this.firstPublication = () => resolve(true))),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), this.tuning.startTimeoutMs))),
      this.client.connect().then(
        () => new Promise<boolean>(() => undefined),
        () => false,
      ),
    ]);
    clearTimeout(timeout);
    this.firstPublication = null;
    if (!published) this.log.warn('match index not published yet: /api/matches lists this node only until Redis answers', { prefix: this.prefix });
  }

  async list(offset: number, limit: number): Promise<MatchPage> {
    if (this.client.status === 'ready') {
      try {
        const page = this.parseList(await this.scripts.matchesList(this.prefix, offset, limit));
        this.markUp();
        return page;
      } catch (err) {
        this.markDown(messageOf(err));
      }
    }
    return { ...(await this.local.list(offset, limit)), partial: true };
  }

  async locate(id: string): Promise<MatchLocation | null> {
    if (this.local.get(id)) return { nodeId: this.nodeId, nodeUrl: this.nodeUrl };
    if (this.client.status !== 'ready') throw new Error(`the cluster's match index (Redis) is unreachable (${this.client.status})`);
    let node: string | null;
    let url: string | null;
    try {
      [node, url] = await this.client.hmget(`${this.prefix}match:${id}`, 'node', 'url');
      this.markUp();
    } catch (err) {
      this.markDown(messageOf(err));
      throw new Error(`the cluster's match index (Redis) is unreachable: ${messageOf(err)}`);
    }
    // Listed as this node's but no longer here: deleted, its removal not published yet.
    if (node === null || url === null || url === this.nodeUrl) return null;
    return { nodeId: node, nodeUrl: url };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    // Publish what is pending now (e.g. the recordings finalized by a shutdown), progress included.
    for (const id of this.pending.keys()) this.pending.set(id, 0);
    await this.flush();
    this.closed = true;
    if (this.client.status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
  }

  private onStoreChange(id: string, change: StoreChange): void {
    // While disconnected nothing is queued: the republication on 'ready' reads the whole store.
    if (this.client.status !== 'ready') return;
    if (change !== 'progress') this.pending.set(id, 0);
    else if (!this.pending.has(id)) this.pending.set(id, (this.publishedAt.get(id) ?? 0) + this.tuning.liveUpdateIntervalMs);
  }

  /** After every (re)connection: every recording of this store, and removal of what this URL published but no longer has. */
  private async republish(): Promise<void> {
    if (this.closed) return;
    let published: string[];
    try {
      published = await this.client.smembers(`${this.prefix}nodematches:${this.nodeUrl}`);
    } catch (err) {
      this.markDown(messageOf(err));
      return;
    }
    for (const id of published) this.pending.set(id, 0);
    for (const match of this.store.list(0, this.store.size).matches) this.pending.set(match.id, 0);
    const count = this.pending.size;
    const ok = await this.flush();
    if (!ok) return;
    this.log.info('match index published', { matches: this.store.size, removed: count - this.store.size });
    this.firstPublication?.();
  }

  /** Publishes what is due, one call at a time (a call during one runs after it); false if a call failed. */
  private flush(): Promise<boolean> {
    const run = (this.flushing ?? Promise.resolve()).then(() => this.publishDue());
    const tracked = run.then(
      () => undefined,
      () => undefined,
    );
    this.flushing = tracked;
    void tracked.then(() => {
      if (this.flushing === tracked) this.flushing = null;
    });
    return run;
  }

  private async publishDue(): Promise<boolean> {
    if (this.closed || this.client.status !== 'ready') return false;
    const now = Date.now();
    // Bounded: every pass takes up to a batch out of what is pending now.
    for (let passes = Math.ceil(this.pending.size / PUBLISH_BATCH); passes > 0; passes--) {
      const due: string[] = [];
      for (const [id, at] of this.pending) {
        if (at > now) continue;
        due.push(id);
        if (due.length === PUBLISH_BATCH) break;
      }
      if (due.length === 0) break;
      for (const id of due) this.pending.delete(id);
      const upserts: MatchSummary[] = [];
      const removals: string[] = [];
      for (const id of due) {
        const summary = this.store.get(id);
        if (summary) upserts.push(summary);
        else removals.push(id);
      }
      const args: (string | number)[] = [this.prefix, this.nodeId, this.nodeUrl, this.tuning.maxEntries, upserts.length];
      for (const s of upserts) args.push(s.id, Date.parse(s.startTime), JSON.stringify(s));
      args.push(removals.length, ...removals);
      try {
        const trimmed = await this.scripts.matchesPublish(...args);
        if (typeof trimmed === 'number' && trimmed > 0) this.log.debug('match index trimmed', { trimmed, maxEntries: this.tuning.maxEntries });
      } catch (err) {
        // Sent again with the next flush (publication is idempotent), unless the connection closed meanwhile.
        if (this.client.status === 'ready') for (const id of due) if (!this.pending.has(id)) this.pending.set(id, 0);
        this.markDown(messageOf(err));
        return false;
      }
      this.markUp();
      for (const s of upserts) this.publishedAt.set(s.id, now);
      for (const id of removals) this.publishedAt.delete(id);
    }
    return true;
  }

  private parseList(reply: unknown): MatchPage {
    if (!Array.isArray(reply) || typeof reply[0] !== 'number') throw new Error('unexpected reply to the match list');
    const matches: IndexedMatch[] = [];
    for (let i = 1; i + 2 < reply.length; i += 3) {
      const [nodeId, nodeUrl, json] = [reply[i], reply[i + 1], reply[i + 2]];
      if (typeof nodeId !== 'string' || typeof nodeUrl !== 'string' || typeof json !== 'string') continue;
      const summary = parseSummary(json);
      if (!summary) {
        this.log.warn('match index entry not readable', { nodeUrl });
        continue;
      }
      if (nodeUrl === this.nodeUrl) {
        // This node's own: the store's summary is fresher; gone from the store means deleted meanwhile.
        const own = this.local.get(summary.id);
        if (own) matches.push(own);
      } else {
        matches.push({ ...summary, nodeId, nodeUrl });
      }
    }
    return { total: reply[0], matches, partial: false };
  }

  private markDown(message: string): void {
    if (this.closed || this.down) return;
    this.down = true;
    this.log.warn('match index unavailable: /api/matches lists this node only', { err: message });
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info('match index available again');
  }
}

function parseSummary(json: string): MatchSummary | null {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value !== 'object' || value === null) return null;
    const { id, startTime } = value as { id?: unknown; startTime?: unknown };
    return typeof id === 'string' && typeof startTime === 'string' ? (value as MatchSummary) : null;
  } catch {
    return null;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
