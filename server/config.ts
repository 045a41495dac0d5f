// Server configuration from environment variables, validated once at start-up with clear errors.

import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { normalizeAddress } from './client-address.js';
import { LIMITS } from '../shared/protocol.js';

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly tickRate: number;
  readonly snapshotRate: number;
  /** Inputs the server asks each client to send per message (JoinInfo.inputsPerMessage): 1 keeps one message a tick. */
  readonly inputsPerMessage: number;
  readonly maxRooms: number;
  readonly maxPlayersPerRoom: number;
  /** While someone plays in a public room, its seats are topped up to this many with server-hosted bots (0: none). */
  readonly botFill: number;
  readonly reconnectGraceMs: number;
  readonly emptyRoomGraceMs: number;
  readonly lagCompensationMs: number;
  /** Secret for reconnect tokens; random per process when unset (tokens then die with the process). */
  readonly secret: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Built game client served at `/`. */
  readonly staticDir: string | null;
  /**
   * Directory of match recordings; null: recording off. RECORDINGS_DIR ("off" disables); when it is unset
   * configFromEnv leaves this null and the entry point (server/main.ts) uses data/recordings.
   */
  readonly recordingsDir: string | null;
  /** Retention: most recordings kept (RECORDINGS_MAX_COUNT). */
  readonly recordingsMaxCount: number;
  /** Retention: most bytes of recordings kept (RECORDINGS_MAX_BYTES). */
  readonly recordingsMaxBytes: number;
  // ---- admission control (server/connection-admission.ts, server/tcp-admission.ts, client addresses:
  //      server/client-address.ts, slow clients: server/client-buffer-guard.ts) ----
  /** Game connections in total (MAX_CONNECTIONS); lowered at start-up to fit the descriptor limit. */
  readonly maxConnections: number;
  /** Game connections per client address (MAX_CONNECTIONS_PER_ADDRESS); 0: no limit. */
  readonly maxConnectionsPerAddress: number;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES, comma-separated);
   * empty: the client address is always the TCP peer's.
   */
  readonly trustedProxies: readonly string[];
  /**
   * Client addresses exempt from every per-address limit (EXEMPT_ADDRESSES, comma-separated), e.g.
   * 127.0.0.1 for a local load test with `npm run bots`.
   */
  readonly exemptAddresses: readonly string[];
  /** Bytes the server may hold queued for one client before it is disconnected (MAX_CLIENT_BUFFER_BYTES). */
  readonly maxClientBufferBytes: number;
  /** Time a client has to send complete request headers (HTTP_HEADERS_TIMEOUT_MS). */
  readonly httpHeadersTimeoutMs: number;
  /** Time a client has to send a whole request, body included (HTTP_REQUEST_TIMEOUT_MS). */
  readonly httpRequestTimeoutMs: number;
  // ---- room quotas (server/room-quotas.ts, server/matchmaker.ts) ----
  /**
   * Private rooms at most (MAX_PRIVATE_ROOMS); the rest of maxRooms stays for public rooms, so quick play
   * is never starved by private rooms. Null: half of maxRooms, rounded down.
   */
  readonly maxPrivateRooms: number | null;
  /**
   * Rooms created by one client address (an IPv6 /64), or by one identity, that may be open at once
   * (MAX_ROOMS_PER_CLIENT); 0: no limit. Addresses in exemptAddresses skip the per-address count.
   */
  readonly maxRoomsPerClient: number;
  /** Rooms one client address, or one identity, may create a minute, at once or spread (ROOM_CREATIONS_PER_MINUTE); 0: no limit. */
  readonly roomCreationsPerMinute: number;
  /** A private room with no connected player for this long closes, seats held or not (PRIVATE_ROOM_UNATTENDED_MS). */
  readonly privateRoomUnattendedMs: number;
  // ---- cluster (docs/SCALING.md) ----
  /** Redis of the cluster's room directory (REDIS_URL); null: one process with the embedded in-memory directory. */
  readonly redisUrl: string | null;
  /**
   * Where players reach this node (PUBLIC_URL), e.g. https://play.example.com/node/3001/; "{port}" is replaced
   * by the node's port. Null: http://<HOST, or localhost for a wildcard HOST>:<port>/.
   */
  readonly publicUrl: string | null;
  /** This node's id in the cluster (NODE_ID); null: random at start. */
  readonly nodeId: string | null;
  /** Node processes to run on this machine (WORKERS: a number or "auto", one per core); each listens on PORT + its index. */
  readonly workers: number;
  /**
   * SIGTERM drains: no new rooms, running matches may go on this long before they are closed
   * (DRAIN_TIMEOUT_MS; default 60 s with REDIS_URL, 0 without: a lone process shuts down at once).
   */
  readonly drainTimeoutMs: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 3000,
  host: '0.0.0.0',
  tickRate: 30,
  snapshotRate: 30,
  inputsPerMessage: 1,
  maxRooms: 200,
  maxPlayersPerRoom: 16,
  botFill: 4,
  reconnectGraceMs: 20_000,
  emptyRoomGraceMs: 30_000,
  lagCompensationMs: 250,
  secret: null,
  logLevel: 'info',
  staticDir: null,
  recordingsDir: null,
  recordingsMaxCount: 500,
  recordingsMaxBytes: 1024 ** 3,
  maxConnections: 5000,
  maxConnectionsPerAddress: 32,
  trustedProxies: [],
  exemptAddresses: [],
  maxClientBufferBytes: 256 * 1024,
  httpHeadersTimeoutMs: 10_000,
  httpRequestTimeoutMs: 30_000,
  maxPrivateRooms: null,
  maxRoomsPerClient: 4,
  roomCreationsPerMinute: 10,
  privateRoomUnattendedMs: 10_000,
  redisUrl: null,
  publicUrl: null,
  nodeId: null,
  workers: 1,
  drainTimeoutMs: 0,
};

/** DRAIN_TIMEOUT_MS when REDIS_URL is set (a cluster node has others to send new players to). */
export const CLUSTER_DRAIN_TIMEOUT_MS = 60_000;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`config: ${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

function addressListFrom(env: NodeJS.ProcessEnv, name: string): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
  for (const address of list) {
    if (isIP(address) === 0) throw new Error(`config: ${name} must list IP addresses separated by commas, got "${address}"`);
  }
  return list.map(normalizeAddress);
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const tickRate = intFrom(env, 'TICK_RATE', DEFAULT_CONFIG.tickRate, 1, 120);
  const snapshotRate = intFrom(env, 'SNAPSHOT_RATE', Math.min(DEFAULT_CONFIG.snapshotRate, tickRate), 1, tickRate);
  if (tickRate % snapshotRate !== 0) {
    throw new Error(`config: SNAPSHOT_RATE (${snapshotRate}) must divide TICK_RATE (${tickRate})`);
  }
  const httpHeadersTimeoutMs = intFrom(env, 'HTTP_HEADERS_TIMEOUT_MS', DEFAULT_CONFIG.httpHeadersTimeoutMs, 1000, 600_000);
  const httpRequestTimeoutMs = intFrom(env, 'HTTP_REQUEST_TIMEOUT_MS', Math.max(DEFAULT_CONFIG.httpRequestTimeoutMs, httpHeadersTimeoutMs), 1000, 3_600_000);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    throw new Error(`config: HTTP_HEADERS_TIMEOUT_MS (${httpHeadersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs})`);
  }
  const logLevel = (env.LOG_LEVEL ?? DEFAULT_CONFIG.logLevel) as ServerConfig['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new Error(`config: LOG_LEVEL must be debug|info|warn|error|silent, got "${env.LOG_LEVEL}"`);
  }
  return {
    port: intFrom(env, 'PORT', DEFAULT_CONFIG.port, 0, 65535),
    host: env.HOST && env.HOST.length > 0 ? env.HOST : DEFAULT_CONFIG.host,
    tickRate,
    snapshotRate,
    inputsPerMessage: intFrom(env, 'INPUTS_PER_MESSAGE', DEFAULT_CONFIG.inputsPerMessage, 1, LIMITS.maxInputsPerMessage),
    maxRooms: intFrom(env, 'MAX_ROOMS', DEFAULT_CONFIG.maxRooms, 1, 100_000),
    maxPlayersPerRoom: intFrom(env, 'MAX_PLAYERS_PER_ROOM', DEFAULT_CONFIG.maxPlayersPerRoom, 1, 250),
    botFill: intFrom(env, 'BOT_FILL', DEFAULT_CONFIG.botFill, 0, 250),
    reconnectGraceMs: intFrom(env, 'RECONNECT_GRACE_MS', DEFAULT_CONFIG.reconnectGraceMs, 0, 600_000),
    emptyRoomGraceMs: intFrom(env, 'EMPTY_ROOM_GRACE_MS', DEFAULT_CONFIG.emptyRoomGraceMs, 0, 3_600_000),
    lagCompensationMs: intFrom(env, 'LAG_COMPENSATION_MS', DEFAULT_CONFIG.lagCompensationMs, 0, 1000),
    secret: env.SECRET && env.SECRET.length > 0 ? env.SECRET : null,
    logLevel,
    staticDir: env.STATIC_DIR && env.STATIC_DIR.length > 0 ? env.STATIC_DIR : null,
    recordingsDir: env.RECORDINGS_DIR && env.RECORDINGS_DIR !== 'off' ? env.RECORDINGS_DIR : null,
    recordingsMaxCount: intFrom(env, 'RECORDINGS_MAX_COUNT', DEFAULT_CONFIG.recordingsMaxCount, 1, 1_000_000),
    recordingsMaxBytes: intFrom(env, 'RECORDINGS_MAX_BYTES', DEFAULT_CONFIG.recordingsMaxBytes, 1, Number.MAX_SAFE_INTEGER),
    maxConnections: intFrom(env, 'MAX_CONNECTIONS', DEFAULT_CONFIG.maxConnections, 1, 1_000_000),
    maxConnectionsPerAddress: intFrom(env, 'MAX_CONNECTIONS_PER_ADDRESS', DEFAULT_CONFIG.maxConnectionsPerAddress, 0, 1_000_000),
    trustedProxies: addressListFrom(env, 'TRUSTED_PROXIES'),
    exemptAddresses: addressListFrom(env, 'EXEMPT_ADDRESSES'),
    maxClientBufferBytes: intFrom(env, 'MAX_CLIENT_BUFFER_BYTES', DEFAULT_CONFIG.maxClientBufferBytes, 16 * 1024, 1024 ** 3),
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs,
    maxPrivateRooms: env.MAX_PRIVATE_ROOMS ? intFrom(env, 'MAX_PRIVATE_ROOMS', 0, 0, 100_000) : DEFAULT_CONFIG.maxPrivateRooms,
    maxRoomsPerClient: intFrom(env, 'MAX_ROOMS_PER_CLIENT', DEFAULT_CONFIG.maxRoomsPerClient, 0, 100_000),
    roomCreationsPerMinute: intFrom(env, 'ROOM_CREATIONS_PER_MINUTE', DEFAULT_CONFIG.roomCreationsPerMinute, 0, 100_000),
    privateRoomUnattendedMs: intFrom(env, 'PRIVATE_ROOM_UNATTENDED_MS', DEFAULT_CONFIG.privateRoomUnattendedMs, 0, 3_600_000),
    ...clusterConfigFrom(env),
  };
}

function clusterConfigFrom(env: NodeJS.ProcessEnv): Pick<ServerConfig, 'redisUrl' | 'publicUrl' | 'nodeId' | 'workers' | 'drainTimeoutMs'> {
  const redisUrl = env.REDIS_URL && env.REDIS_URL.length > 0 ? env.REDIS_URL : null;
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw new Error(`config: REDIS_URL must look like redis://host:6379 (or rediss:// for TLS), got "${redisUrl}"`);
  }
  const publicUrl = env.PUBLIC_URL && env.PUBLIC_URL.length > 0 ? env.PUBLIC_URL : null;
  if (publicUrl !== null && !isHttpUrl(publicUrl.replaceAll('{port}', '1'))) {
    throw new Error(`config: PUBLIC_URL must be an http(s) URL such as https://play.example.com/node/{port}/, got "${publicUrl}"`);
  }
  const nodeId = env.NODE_ID && env.NODE_ID.length > 0 ? env.NODE_ID : null;
  if (nodeId !== null && !/^[A-Za-z0-9_-]{1,40}$/.test(nodeId)) {
    throw new Error(`config: NODE_ID must be 1-40 letters, digits, '-' or '_', got "${nodeId}"`);
  }
  const workers = env.WORKERS === 'auto' ? availableParallelism() : intFrom(env, 'WORKERS', DEFAULT_CONFIG.workers, 1, 256);
  if (workers > 1 && redisUrl === null) {
    throw new Error(`config: WORKERS=${env.WORKERS} runs several node processes, which share rooms through Redis: set REDIS_URL too`);
  }
  if (workers > 1 && nodeId !== null) throw new Error('config: NODE_ID names one node; leave it unset with WORKERS (each worker gets its own)');
  return {
    redisUrl,
    publicUrl,
    nodeId,
    workers,
    // Alone, a process has nowhere else to send new players: SIGTERM then shuts down without draining.
    drainTimeoutMs: intFrom(env, 'DRAIN_TIMEOUT_MS', redisUrl === null ? DEFAULT_CONFIG.drainTimeoutMs : CLUSTER_DRAIN_TIMEOUT_MS, 0, 24 * 3_600_000),
  };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** This node's public URL: PUBLIC_URL with {port} filled in, or one derived from the bind address. */
export function nodePublicUrl(config: Pick<ServerConfig, 'publicUrl' | 'host'>, port: number): string {
  if (config.publicUrl !== null) {
    const url = config.publicUrl.replaceAll('{port}', String(port));
    return url.endsWith('/') ? url : `${url}/`;
  }
  const wildcard = config.host === '0.0.0.0' || config.host === '::' || config.host === '';
  const host = wildcard ? 'localhost' : isIP(config.host) === 6 ? `[${config.host}]` : config.host;
  return `http://${host}:${port}/`;
}
