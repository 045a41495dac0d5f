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
import { JOIN_CODE_ALPHABET, LIMITS, NAIVE_STATE_EVENT, type ErrorBody } from '../shared/protocol.js';
import { authenticate, guestVerifier, isErrorBody, type AuthVerifier, type Identity } from './auth.js';
import type { ServerConfig } from './config.js';
import { ClientBufferGuard, type EngineClients } from './client-buffer-guard.js';
import { clientAddress } from './client-address.js';
import { ConnectionAdmission } from './connection-admission.js';
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
import { RoomQuotas } from './room-quotas.js';
import { ResourceMonitor } from './resource-monitor.js';
import { TcpAdmission } from './tcp-admission.js';
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

/**
 * socket.io settings tuned for games: heartbeats in seconds, not 25 s; short connect and upgrade
 * timeouts; no per-message deflate (snapshots are already small and compressing them costs CPU); the
 * HTTP buffer sized to the largest legitimate client message. The naive baseline keeps the default JSON parser.
 */
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
  private readonly trustedProxies: ReadonlySet<string>;
  private readonly resources: ResourceMonitor;
  private readonly tcp: TcpAdmission;
  private readonly admission: ConnectionAdmission;
  private readonly bufferGuard: ClientBufferGuard;
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
    this.trustedProxies = new Set(config.trustedProxies);
    const exempt: ReadonlySet<string> = new Set(config.exemptAddresses);
    this.recordings = config.recordingsDir
      ? new RecordingService({
          dir: config.recordingsDir,
          maxCount: config.recordingsMaxCount,
          maxBytes: config.recordingsMaxBytes,
          log: this.log,
          map: options.mapName ?? null,
        })
      : null;
    this.matchmaker = new LocalMatchmaker({
      registry: this.registry,
      newRoom: (isPrivate) => this.newRoom(isPrivate),
      maxRooms: config.maxRooms,
      maxPrivateRooms: Math.min(config.maxRooms, config.maxPrivateRooms ?? Math.floor(config.maxRooms / 2)),
      quotas: new RoomQuotas({
        maxOpenRooms: config.maxRoomsPerClient,
        creationsPerMinute: config.roomCreationsPerMinute,
        exemptAddresses: exempt,
      }),
      isShuttingDown: () => this.shuttingDown,
      metrics: this.metrics,
    });
    this.http = createServer(
      {
        // Slow clients (slowloris) are cut off: headers and whole requests have a deadline, checked often.
        headersTimeout: Math.min(config.httpHeadersTimeoutMs, config.httpRequestTimeoutMs),
        requestTimeout: config.httpRequestTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, config.httpHeadersTimeoutMs / 2),
      },
      createHttpHandler({
        health: () => this.health(),
        metricsText: () => this.collectMetrics(),
        metricsContentType: this.metrics.contentType,
        staticDir: config.staticDir,
        api: (req, res, url) => handleRecordingApi(this.recordings?.store ?? null, req, res, url),
        onError: (err) => {
          this.metrics.ioErrors.inc({ source: 'http_route' });
          this.log.error('http route failed', { err });
        },
      }),
    );
    this.resources = new ResourceMonitor();
    const { maxSockets, maxConnections } = this.connectionBudget();
    this.admission = new ConnectionAdmission({
      maxConnections,
      maxConnectionsPerAddress: config.maxConnectionsPerAddress,
      exemptAddresses: exempt,
      resources: this.resources,
      metrics: this.metrics,
    });
    this.tcp = new TcpAdmission({
      maxSockets,
      // A browser opens a few page and long-polling connections beside its game connection.
      maxSocketsPerAddress: config.maxConnectionsPerAddress > 0 ? config.maxConnectionsPerAddress * 2 + 16 : 0,
      unlimitedPeers: new Set([...exempt, ...this.trustedProxies]),
      resources: this.resources,
      metrics: this.metrics,
      log: this.log,
      admitted: (socket) => this.http.emit('connection', socket),
    });
    this.io = new SocketServer(this.http, socketOptions(config.naive));
    this.io.use((socket, next) => this.admitConnection(socket, next));
    this.bufferGuard = new ClientBufferGuard(this.io.engine as unknown as EngineClients, config.maxClientBufferBytes, this.metrics, this.log);
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
    return (this.tcp.server.address() as AddressInfo).port;
  }

  async listen(): Promise<number> {
    const { port, host } = this.options.config;
    await this.recordings?.start();
    await new Promise<void>((resolveListen, reject) => {
      const server = this.tcp.server;
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        // The HTTP server never listens itself (connections come through TcpAdmission); its 'listening'
        // event is what starts Node's header and request deadline checks.
        this.http.emit('listening');
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
    this.bufferGuard.stop();
    this.resources.stop();
    this.tcp.server.close();
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

  /**
   * Descriptors are the hard limit: TCP connections get the budget (less one recording file per room),
   * game connections at most that. MAX_CONNECTIONS above it is lowered, and said so.
   */
  private connectionBudget(): { maxSockets: number; maxConnections: number } {
    const { config } = this.options;
    const budget = this.resources.descriptorBudget;
    if (budget === null) return { maxSockets: Number.MAX_SAFE_INTEGER, maxConnections: config.maxConnections };
    const maxSockets = Math.max(16, budget - (config.recordingsDir ? config.maxRooms : 0));
    if (config.maxConnections > maxSockets) {
      this.log.warn('MAX_CONNECTIONS lowered to fit the descriptor limit (raise it with ulimit -n)', {
        configured: config.maxConnections,
        effective: maxSockets,
        descriptorLimit: this.resources.descriptorLimit,
      });
    }
    return { maxSockets, maxConnections: Math.min(config.maxConnections, maxSockets) };
  }

  /** socket.io handshake middleware: admission (caps, resources), then authentication. */
  private admitConnection(socket: Socket, next: (err?: Error) => void): void {
    // The client's address (X-Forwarded-For from a trusted proxy only): per-address limits key on it.
    const address = clientAddress(socket.request, this.trustedProxies);
    socket.data.address = address;
    const refuse = (body: ErrorBody) => next(Object.assign(new Error(body.code), { data: body }));
    if (this.shuttingDown) {
      this.metrics.connectionsRefused.inc({ reason: 'shutting_down' });
      refuse({ code: 'SHUTTING_DOWN', message: 'server is shutting down' });
      return;
    }
    const refused = this.admission.admit(address);
    if (refused) {
      refuse(refused);
      return;
    }
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.admission.release(address);
    };
    authenticate(socket.handshake.auth, this.options.verifier ?? guestVerifier).then(
      (result) => {
        if (isErrorBody(result)) {
          release();
          refuse(result);
        } else if (socket.conn.readyState !== 'open') {
          release(); // gone while the verifier ran: socket.io drops it without a 'disconnect'
          next(new Error('connection closed during authentication'));
        } else {
          socket.data.identity = result;
          socket.once('disconnect', release);
          next();
        }
      },
      (err: unknown) => {
        release();
        this.log.error('auth verifier failed', { err });
        refuse({ code: 'AUTH_FAILED', message: 'authentication failed' });
      },
    );
  }

  private onConnection(socket: Socket): void {
    const identity = socket.data.identity as Identity;
    const connection = new PlayerConnection(socket, identity, socket.data.address as string, {
      matchmaker: this.matchmaker,
      registry: this.registry,
      tokens: this.tokens,
      metrics: this.metrics,
      log: this.log,
      tickRate: this.options.config.tickRate,
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
    socket.on('disconnect', (reason) => {
      this.connections.delete(connection);
      this.metrics.connections.dec();
      // A client that leaves the namespace but keeps its engine.io connection would hold it, uncounted
      // by admission, for as long as it answers pings: it gets no second session, so close it.
      if (reason === 'client namespace disconnect') socket.conn.close();
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
      // Nobody can find a private room without its players: once none is connected it closes soon.
      unattendedGraceMs: isPrivate ? config.privateRoomUnattendedMs : null,
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
        this.metrics.roomsClosed.inc({ reason: 'error' });
        continue;
      }
      const disposal = room.disposalReason();
      if (disposal) {
        room.close('disposed', disposal === 'empty' ? 'room closed after being empty' : 'room closed: nobody was connected');
        this.registry.remove(room.id);
        this.metrics.roomsClosed.inc({ reason: disposal });
        this.log.info('room disposed', { room: room.id, reason: disposal });
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
