// Server configuration from environment variables, validated once at start-up with clear errors.

export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly tickRate: number;
  readonly snapshotRate: number;
  readonly maxRooms: number;
  readonly maxPlayersPerRoom: number;
  readonly reconnectGraceMs: number;
  readonly emptyRoomGraceMs: number;
  readonly lagCompensationMs: number;
  /** Secret for reconnect tokens; random per process when unset (tokens then die with the process). */
  readonly secret: string | null;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Built game client served at `/`. */
  readonly staticDir: string | null;
  /**
   * Baseline mode for benchmarks: socket.io's default JSON parser and the full world state broadcast to
   * the whole room every snapshot tick, no deltas, no interest management.
   */
  readonly naive: boolean;
  /**
   * Directory of match recordings; null: recording off. RECORDINGS_DIR ("off" disables); when it is unset
   * configFromEnv leaves this null and the entry point (server/main.ts) uses data/recordings.
   */
  readonly recordingsDir: string | null;
  /** Retention: most recordings kept (RECORDINGS_MAX_COUNT). */
  readonly recordingsMaxCount: number;
  /** Retention: most bytes of recordings kept (RECORDINGS_MAX_BYTES). */
  readonly recordingsMaxBytes: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 3000,
  host: '0.0.0.0',
  tickRate: 30,
  snapshotRate: 30,
  maxRooms: 200,
  maxPlayersPerRoom: 16,
  reconnectGraceMs: 20_000,
  emptyRoomGraceMs: 30_000,
  lagCompensationMs: 250,
  secret: null,
  logLevel: 'info',
  staticDir: null,
  naive: false,
  recordingsDir: null,
  recordingsMaxCount: 500,
  recordingsMaxBytes: 1024 ** 3,
};

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`config: ${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const tickRate = intFrom(env, 'TICK_RATE', DEFAULT_CONFIG.tickRate, 1, 120);
  const snapshotRate = intFrom(env, 'SNAPSHOT_RATE', Math.min(DEFAULT_CONFIG.snapshotRate, tickRate), 1, tickRate);
  if (tickRate % snapshotRate !== 0) {
    throw new Error(`config: SNAPSHOT_RATE (${snapshotRate}) must divide TICK_RATE (${tickRate})`);
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
    maxRooms: intFrom(env, 'MAX_ROOMS', DEFAULT_CONFIG.maxRooms, 1, 100_000),
    maxPlayersPerRoom: intFrom(env, 'MAX_PLAYERS_PER_ROOM', DEFAULT_CONFIG.maxPlayersPerRoom, 1, 250),
    reconnectGraceMs: intFrom(env, 'RECONNECT_GRACE_MS', DEFAULT_CONFIG.reconnectGraceMs, 0, 600_000),
    emptyRoomGraceMs: intFrom(env, 'EMPTY_ROOM_GRACE_MS', DEFAULT_CONFIG.emptyRoomGraceMs, 0, 3_600_000),
    lagCompensationMs: intFrom(env, 'LAG_COMPENSATION_MS', DEFAULT_CONFIG.lagCompensationMs, 0, 1000),
    secret: env.SECRET && env.SECRET.length > 0 ? env.SECRET : null,
    logLevel,
    staticDir: env.STATIC_DIR && env.STATIC_DIR.length > 0 ? env.STATIC_DIR : null,
    naive: env.NAIVE === '1' || env.NAIVE === 'true',
    recordingsDir: env.RECORDINGS_DIR && env.RECORDINGS_DIR !== 'off' ? env.RECORDINGS_DIR : null,
    recordingsMaxCount: intFrom(env, 'RECORDINGS_MAX_COUNT', DEFAULT_CONFIG.recordingsMaxCount, 1, 1_000_000),
    recordingsMaxBytes: intFrom(env, 'RECORDINGS_MAX_BYTES', DEFAULT_CONFIG.recordingsMaxBytes, 1, Number.MAX_SAFE_INTEGER),
  };
}
