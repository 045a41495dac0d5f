// Wires the pieces together: HTTP routes, socket.io configured for games, handshake auth, the room
// registry and matchmaker, the tick scheduler that steps every room, and graceful shutdown.

import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer, type Socket } from 'socket.io';
import { fullStateMessage } from '../shared/codec/full-state.js';
import type { EntityView } from '../shared/codec/schema.js';
import type { AnyGame } from '../shared/game/game-definition.js';
import { serverParser } from '../shared/net/msgpack-parser.js';
import { JOIN_CODE_ALPHABET, LIMITS, NAIVE_STATE_EVENT } from '../shared/protocol.js';
import { authenticate, guestVerifier, isErrorBody, type AuthVerifier, type Identity } from './auth.js';
import type { ServerConfig } from './config.js';
import { createHttpHandler } from './http-routes.js';
import { createLogger, type Logger } from './logger.js';
import { LocalMatchmaker, type Matchmaker } from './matchmaker.js';
import { ServerMetrics } from './metrics.js';
import { PlayerConnection } from './player-connection.js';
import { ReconnectTokens } from './reconnect-token.js';
import { Room, type RoomObserver } from './room.js';
import { handleRecordingApi } from './recording/http-api.js';
import { RecordingService, combineObservers } from './recording/service.js';
import { InMemoryRoomRegistry, type RoomRegistry } from './room-registry.js';
import { TickScheduler } from './tick-scheduler.js';

export interface GameServerOptions {
  readonly config: ServerConfig;
  readonly game: AnyGame;
  readonly verifier?: AuthVerifier;
  readonly logger?: Logger;
  /** Creates the observer (e.g. a recorder) of each new room. */
  readonly observeRoom?: (roomId: string) => RoomObserver | undefined;
  readonly registry?: RoomRegistry;
  /** Map name written into match recordings (the game interface has no notion of maps). */
  readonly mapName?: string;
}

/** socket.io settings tuned for games (see DESIGN.md "The wire"). The naive baseline keeps the default JSON parser. */
function socketOptions(naive: boolean) {
  return {
    ...(naive ? {} : { parser: serverParser }),
    // WebSocket first; a client that cannot open one falls back to long-polling.
    transports: ['polling', 'websocket'] as ('polling' | 'websocket')[],
    maxHttpBufferSize: LIMITS.maxHttpBufferSize,
    pingInterval: 5_000,
    pingTimeout: 5_000,
    connectTimeout: 5_000,
    upgradeTimeout: 5_000,
    perMessageDeflate: false,
    httpCompression: false,
    serveClient: false,
    allowEIO3: false,
    cleanupEmptyChildNamespaces: true,
  };
}

export class GameServer {
  readonly metrics = new ServerMetrics();
  readonly registry: RoomRegistry;
  readonly matchmaker: Matchmaker;
  readonly http: HttpServer;
  readonly io: SocketServer;
  readonly scheduler: TickScheduler;
  private readonly log: Logger;
  private readonly tokens: ReconnectTokens;
  private readonly connections = new Set<PlayerConnection>();
  private shuttingDown = false;
  private listening = false;
  private droppedReported = 0;
  private readonly wireBytes = { sent: 0, received: 0 };
  private readonly startedAt = Date.now();
  /** Match recording (config.recordingsDir), null when off. */
  readonly recordings: RecordingService | null;

  constructor(private readonly options: GameServerOptions) {
    const { config, game } = options;
    if (config.tickRate !== game.tickRate) {
      // Game rules are tuned per tick: stepping them faster would make the whole game faster.
      throw new Error(`config: TICK_RATE is ${config.tickRate} but the "${game.name}" game is tuned for ${game.tickRate} Hz`);
    }
    this.log = options.logger ?? createLogger(config.logLevel, { svc: 'game-server' });
    this.registry = options.registry ?? new InMemoryRoomRegistry();
    this.tokens = new ReconnectTokens(config.secret);
    this.recordings = config.recordingsDir
      ? new RecordingService({
          dir: config.recordingsDir,
          maxCount: config.recordingsMaxCount,
          maxBytes: config.recordingsMaxBytes,
          log: this.log,
          map: options.mapName ?? null,
        })
      : null;
    this.matchmaker = new LocalMatchmaker(
      this.registry,
      (isPrivate) => this.newRoom(isPrivate),
      config.maxRooms,
      () => this.shuttingDown,
    );
    this.http = createServer(
      createHttpHandler({
        health: () => this.health(),
        metricsText: () => this.collectMetrics(),
        metricsContentType: this.metrics.contentType,
        staticDir: config.staticDir,
        api: (req, res, url) => handleRecordingApi(this.recordings?.store ?? null, req, res, url),
      }),
    );
    this.io = new SocketServer(this.http, socketOptions(config.naive));
    this.io.use((socket, next) => {
      void this.admit(socket).then(
        (identity) => {
          socket.data.identity = identity;
          next();
        },
        (err: Error) => next(err),
      );
    });
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.scheduler = new TickScheduler(
      { tickRate: config.tickRate },
      () => this.tickAllRooms(),
      (report) => {
        this.metrics.tickDuration.observe(report.durationMs / 1000);
        this.metrics.tickDurationRecent.observe(report.durationMs / 1000);
        this.metrics.tickLateness.observe(report.latenessMs / 1000);
        this.metrics.tickLatenessRecent.observe(report.latenessMs / 1000);
      },
    );
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  async listen(): Promise<number> {
    const { port, host } = this.options.config;
    await this.recordings?.start();
    await new Promise<void>((resolveListen, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        resolveListen();
      });
    });
    this.scheduler.start();
    this.listening = true;
    const { tickRate, naive } = this.options.config;
    this.log.info('listening', { port: this.port, host, tickRate, game: this.options.game.name, naive });
    return this.port;
  }

  /** Stop accepting, tell every client, close rooms cleanly, then close sockets and HTTP. */
  async shutdown(reason = 'server shutting down'): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.log.info('shutting down', { reason, rooms: this.registry.size });
    this.scheduler.stop();
    for (const room of [...this.registry.all()]) {
      room.close('shutdown', reason);
      this.registry.remove(room.id);
    }
    // Give the room:closed messages a moment to flush before the transports close; recordings finalize.
    await Promise.all([new Promise((r) => setTimeout(r, 100)), this.recordings?.close()]);
    await new Promise<void>((resolveClose) => {
      this.io.close(() => resolveClose());
    });
    this.http.closeAllConnections?.();
    this.listening = false;
  }

  private async admit(socket: Socket): Promise<Identity> {
    if (this.shuttingDown) throw Object.assign(new Error('SHUTTING_DOWN'), { data: { code: 'SHUTTING_DOWN', message: 'server is shutting down' } });
    const verifier = this.options.verifier ?? guestVerifier;
    const result = await authenticate(socket.handshake.auth, verifier);
    if (isErrorBody(result)) throw Object.assign(new Error(result.code), { data: result });
    return result;
  }

  private onConnection(socket: Socket): void {
    const identity = socket.data.identity as Identity;
    const connection = new PlayerConnection(socket, identity, {
      matchmaker: this.matchmaker,
      registry: this.registry,
      tokens: this.tokens,
      metrics: this.metrics,
      log: this.log,
      tickRate: this.options.config.tickRate,
      tokenLifetimeMs: 24 * 3600_000,
      countDirectBytes: (bytes) => void (this.wireBytes.sent += bytes),
    });
    this.connections.add(connection);
    this.metrics.connections.inc();
    // Exact bytes on the wire, per engine.io packet (snapshots, chat, acks, pings). Summed in plain
    // numbers here and moved into the Prometheus counters at scrape time: a labelled counter increment
    // per packet costs more than the packet's encoding.
    socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
      this.wireBytes.sent += byteSize(packet.data);
    });
    socket.conn.on('packet', (packet: { data?: unknown }) => {
      this.wireBytes.received += byteSize(packet.data);
    });
    socket.on('disconnect', () => {
      this.connections.delete(connection);
      this.metrics.connections.dec();
    });
  }

  private newRoom(isPrivate: boolean): Room {
    const { config, game } = this.options;
    const id = randomBytes(6).toString('base64url');
    // The configured rewind cap, never beyond the history the game keeps.
    const lagCompensationTicks = Math.min(
      game.lagCompensationTicks,
      Math.round((config.lagCompensationMs / 1000) * config.tickRate),
    );
    return new Room({
      id,
      code: isPrivate ? this.newJoinCode() : null,
      game,
      seed: randomInt(0, 0x7fffffff),
      tickRate: config.tickRate,
      snapshotRate: config.snapshotRate,
      maxPlayers: Math.min(config.maxPlayersPerRoom, game.maxPlayers),
      lagCompensationTicks,
      reconnectGraceMs: config.reconnectGraceMs,
      emptyRoomGraceMs: config.emptyRoomGraceMs,
      interestRadius: game.interestRadius ?? 1e9,
      observer: combineObservers(this.recordings?.observeRoom(id), this.options.observeRoom?.(id)),
      ...(config.naive
        ? { broadcast: (room: Room, tick: number, views: readonly EntityView[]) => {
              this.io.to(room.id).emit(NAIVE_STATE_EVENT, fullStateMessage(tick, views, game.schema));
            } }
        : {}),
    });
  }

  private newJoinCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < LIMITS.joinCodeLength; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
      if (!this.registry.getByCode(code)) return code;
    }
  }

  private tickAllRooms(): void {
    let applied = 0;
    // Removing the current room while iterating is safe: Map iteration skips deleted entries.
    for (const room of this.registry.all()) {
      try {
        applied += room.step();
      } catch (err) {
        // A bug in one room's simulation must not stop the others.
        this.log.error('room step failed; closing room', { room: room.id, err });
        room.close('disposed', 'the room hit an internal error');
        this.registry.remove(room.id);
        continue;
      }
      if (room.shouldDispose()) {
        room.close('disposed', 'room closed after being empty');
        this.registry.remove(room.id);
        this.log.info('room disposed', { room: room.id });
      }
    }
    if (applied > 0) this.metrics.inputsApplied.inc(applied);
  }

  private health(): { ready: boolean; body: Record<string, unknown> } {
    const ready = this.listening && !this.shuttingDown;
    return {
      ready,
      body: {
        status: ready ? 'ok' : this.shuttingDown ? 'shutting_down' : 'starting',
        game: this.options.game.name,
        rooms: this.registry.size,
        connections: this.connections.size,
        uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
      },
    };
  }

  private collectMetrics(): Promise<string> {
    let players = 0;
    for (const room of this.registry.all()) players += room.playerCount;
    this.metrics.rooms.set(this.registry.size);
    this.metrics.players.set(players);
    this.metrics.ticksDropped.inc(this.scheduler.dropped - this.droppedReported);
    this.droppedReported = this.scheduler.dropped;
    this.metrics.bytesSent.inc(this.wireBytes.sent);
    this.metrics.bytesReceived.inc(this.wireBytes.received);
    this.wireBytes.sent = 0;
    this.wireBytes.received = 0;
    return this.metrics.text();
  }
}

function byteSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof Uint8Array) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
