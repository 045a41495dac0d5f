// Which recordings exist and on which node: what GET /api/matches lists and where /api/matches/:id is
// served. One process: its own RecordingStore (LocalMatchIndex). A cluster: every node mirrors its store
// into Redis and lists everyone's (RedisMatchIndex, redis-match-index.ts). createMatchIndex picks one.

import type { RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import { RedisMatchIndex, type RedisMatchIndexTuning } from './redis-match-index.js';
import type { MatchSummary, RecordingStore } from './store.js';

/** The node that holds a recording's file: its id and public URL (ends with '/', may have a path prefix). */
export interface MatchLocation {
  readonly nodeId: string;
  readonly nodeUrl: string;
}

/** A GET /api/matches entry: the summary and where its file is. */
export type IndexedMatch = MatchSummary & MatchLocation;

export interface MatchPage {
  /** Matches in the whole listing (not only this page). */
  readonly total: number;
  /** Newest first. */
  readonly matches: readonly IndexedMatch[];
  /** True when the cluster's index was unreachable and only this node's own recordings are listed. */
  readonly partial: boolean;
}

export interface MatchIndex extends MatchLocation {
  /** Begins mirroring (cluster); resolves once the first publication is done or has been given up for now. */
  start(): Promise<void>;
  /** Newest first; never rejects (falls back to this node's recordings, `partial: true`). */
  list(offset: number, limit: number): Promise<MatchPage>;
  /** The node holding a recording, null if none does; rejects when the cluster's index is unreachable. */
  locate(id: string): Promise<MatchLocation | null>;
  /** Publishes what is pending (cluster) and stops. */
  close(): Promise<void>;
}

export function withLocation(summary: MatchSummary, location: MatchLocation): IndexedMatch {
  return { ...summary, nodeId: location.nodeId, nodeUrl: location.nodeUrl };
}

/** This process's own recordings, nothing else: the single-process index, and the cluster's fallback. */
export class LocalMatchIndex implements MatchIndex {
  readonly nodeId: string;
  readonly nodeUrl: string;

  constructor(
    private readonly store: RecordingStore,
    location: MatchLocation,
  ) {
    if (!location.nodeUrl.endsWith('/')) throw new Error(`match index: the node URL must end with '/', got "${location.nodeUrl}"`);
    this.nodeId = location.nodeId;
    this.nodeUrl = location.nodeUrl;
  }

  async start(): Promise<void> {}

  async list(offset: number, limit: number): Promise<MatchPage> {
    const { total, matches } = this.store.list(offset, limit);
    return { total, matches: matches.map((m) => withLocation(m, this)), partial: false };
  }

  async locate(id: string): Promise<MatchLocation | null> {
    return this.store.get(id) ? { nodeId: this.nodeId, nodeUrl: this.nodeUrl } : null;
  }

  /** One of this node's recordings, or null. */
  get(id: string): IndexedMatch | null {
    const summary = this.store.get(id);
    return summary ? withLocation(summary, this) : null;
  }

  async close(): Promise<void> {}
}

export interface MatchIndexOptions extends MatchLocation {
  /** The cluster's Redis (REDIS_URL); null: this process's recordings only. */
  readonly redisUrl: string | null;
  /** Prefix of every Redis key (default "arena:"), as the room directory's. */
  readonly prefix?: string;
  readonly store: RecordingStore;
  readonly log: Logger;
  /** Timings and bounds of the Redis index (tests). */
  readonly tuning?: Partial<RedisMatchIndexTuning>;
  /** Overrides of the ioredis options (tests). */
  readonly redisOptions?: RedisOptions;
}

export function createMatchIndex(options: MatchIndexOptions): MatchIndex {
  const local = new LocalMatchIndex(options.store, options);
  if (options.redisUrl === null) return local;
  return new RedisMatchIndex({
    redisUrl: options.redisUrl,
    prefix: options.prefix ?? 'arena:',
    store: options.store,
    local,
    log: options.log,
    tuning: options.tuning ?? {},
    ...(options.redisOptions ? { redisOptions: options.redisOptions } : {}),
  });
}
