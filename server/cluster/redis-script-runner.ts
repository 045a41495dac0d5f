// The directory's connection to Redis: runs the directory scripts (EVALSHA, EVAL once after a Redis restart
// emptied the script cache), counts round trips per operation, and fails fast. A call made while Redis is
// unreachable, restarting or slow answers DIRECTORY_UNAVAILABLE at once or after commandTimeoutMs: no
// offline queue, no retry of an unanswered command after a reconnect (a script that ran but whose answer
// was lost must not run twice), while the connection itself keeps reconnecting in the background.

import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.js';
import type { DirectoryError, DirectoryOp } from './room-directory.js';
import { SCRIPTS, type ScriptName } from './redis-scripts.js';

export interface ScriptRunnerOptions {
  readonly redisUrl: string;
  /** A call not answered within this is failed (it may still run in Redis). */
  readonly commandTimeoutMs: number;
  /** Overrides of the ioredis options (tests). */
  readonly redisOptions?: RedisOptions;
  readonly log: Logger;
  /** The first failure of an outage. */
  readonly onUnavailable: (message: string) => void;
  /** A call succeeded, or the connection is ready, after an outage. */
  readonly onAvailable: () => void;
  /** The connection is (again) ready: a good moment to renew or re-register. */
  readonly onReady: () => void;
}

export type ScriptOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: DirectoryError };

/** Most time between reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1000;

const SHAS = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, source]) => [name, createHash('sha1').update(source).digest('hex')]),
) as Record<ScriptName, string>;

export class RedisScriptRunner {
  private readonly client: Redis;
  private readonly counts = new Map<DirectoryOp, number>();
  private down = false;
  private closing = false;

  constructor(private readonly options: ScriptRunnerOptions) {
    this.client = new Redis(options.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 1000),
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 10), MAX_RECONNECT_DELAY_MS),
      disableClientInfo: true,
      ...options.redisOptions,
    });
    // Without an 'error' listener an unreachable Redis would crash the process.
    this.client.on('error', (err: Error) => {
      this.options.log.debug('directory connection error', { err: err.message });
      this.markDown(err.message);
    });
    this.client.on('close', () => this.markDown('connection to Redis closed'));
    this.client.on('ready', () => {
      this.markUp();
      this.options.onReady();
    });
  }

  connect(): void {
    // Connection failures are reported through the 'error' listener; ioredis keeps retrying.
    this.client.connect().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.client.status === 'ready') {
      await this.client.quit().catch(() => undefined);
    }
    this.client.disconnect();
  }

  /** Round trips per operation, NOSCRIPT fallbacks included. */
  count(op: DirectoryOp): number {
    return this.counts.get(op) ?? 0;
  }

  /**
   * Loads every script into Redis's cache (one pipelined round trip), after each (re)connection: after a
   * Redis restart the first calls then find their scripts instead of each sending its source again.
   */
  async loadScripts(): Promise<void> {
    this.counts.set('loadScripts', this.count('loadScripts') + 1);
    const pipeline = this.client.pipeline();
    for (const source of Object.values(SCRIPTS)) pipeline.script('LOAD', source);
    await pipeline.exec().catch(() => undefined); // a failure here only means EVAL fallbacks later
  }

  /** Runs one directory script; never rejects. */
  async run(op: DirectoryOp, name: ScriptName, args: readonly (string | number)[]): Promise<ScriptOutcome> {
    try {
      this.counts.set(op, this.count(op) + 1);
      let value: unknown;
      try {
        value = await this.client.evalsha(SHAS[name], 0, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        // Redis restarted (or flushed its scripts): send the source once, it is cached again.
        this.counts.set(op, this.count(op) + 1);
        value = await this.client.eval(SCRIPTS[name], 0, ...args);
      }
      this.markUp();
      return { ok: true, value };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!isAvailabilityError(message)) this.options.log.error('directory script failed', { op, err: message });
      this.markDown(message);
      return { ok: false, error: { code: 'DIRECTORY_UNAVAILABLE', message: `room directory unavailable: ${message}` } };
    }
  }

  private markDown(message: string): void {
    if (this.closing || this.down) return;
    this.down = true;
    this.options.onUnavailable(message);
  }

  private markUp(): void {
    if (!this.down) return;
    this.down = false;
    this.options.onAvailable();
  }
}

/** Errors of reaching Redis (as opposed to a bug in a script, which is logged as an error). */
function isAvailabilityError(message: string): boolean {
  return /timed out|closed|writeable|ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE|max retries|MaxRetries|LOADING|BUSY|READONLY|MASTERDOWN|OOM|abort/i.test(
    message,
  );
}
