// Wires the pieces together: HTTP routes, socket.io configured for games, handshake auth, this node's
// membership of the room directory (in memory, or Redis for a cluster), matchmaking, the rooms this node
// runs, the tick scheduler that steps them, drain and graceful shutdown.

import { randomInt } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer, type Socket } from 'socket.io';
import type { AnyGame } from '../shared/game/game-definition.js';
import { serverParser } from '../shared/net/msgpack-parser.js';
import { LIMITS, type ErrorBody } from '../shared/protocol.js';
import { authenticate, guestVerifier, isErrorBody, type AuthVerifier, type Identity } from './auth.js';
import { MemoryRoomDirectory, RedisRoomDirectory, MAX_LOCATE_IDS, type RoomDirectory } from './cluster/index.js';
import { nodePublicUrl, type ServerConfig } from './config.js';
import { ClusterApi } from './cluster-api.js';
import { ClientBufferGuard, type EngineClients } from './client-buffer-guard.js';
import { clientAddress } from './client-address.js';
import { ConnectionAdmission } from './connection-admission.js';
import { noteUpgradeResponses, releaseHandshakeRequest } from './handshake-release.js';
import { createHttpHandler } from './http-routes.js';
import { createLogger, type Logger } from './logger.js';
import { DirectoryMatchmaker, type Matchmaker } from './matchmaker.js';
import { ServerMetrics } from './metrics.js';
import { type ConnectionDeps, PlayerConnection } from './player-connection.js';
import { ReconnectTokens } from './reconnect-token.js';
import { Room, type RoomObserver, type RoomSnapshotSender } from './room.js';
import { handleRecordingApi } from './recording/http-api.js';
import { createMatchIndex, type MatchIndex } from './recording/match-index.js';
import { RecordingService, combineObservers } from './recording/service.js';
import { HostedGames } from './hosted-games.js';
import { RoomHost, type NewRoomSpec } from './room-host.js';
import { RoomQuotas } from './room-quotas.js';
import { receiveFramesDirectly } from './receive-direct.js';
import { takeSnapshotCounts } from './snapshot-sender.js';
import { ResourceMonitor } from './resource-monitor.js';
import { TcpAdmission } from './tcp-admission.js';
import { TickScheduler } from './tick-scheduler.js';

export interface GameServerOptions {
  readonly config: ServerConfig;
  /** The games this server hosts; the first is the default of a request that names none. */
  readonly games: readonly AnyGame[];
  readonly verifier?: AuthVerifier;
  readonly logger?: Logger;
  /** Creates the observer (e.g. a recorder) of each new room. */
  readonly observeRoom?: (roomId: string) => RoomObserver | undefined;
  /**
   * This node's room directory, given its public URL. Default: Redis when config.redisUrl is set, else the
   * embedded in-memory directory (one process). Tests pass MemoryRoomDirectory nodes sharing one store.
   */
  readonly directory?: (nodeUrl: string) => RoomDirectory;
  /**
   * Replaces how each room's snapshots reach its players (default: per-client acked deltas encoded by the
   * room's replicator). It exists for benchmark baselines, such as the full-state JSON server of
   * sim/bench/naive/; production never sets it.
   */
  readonly roomSnapshots?: RoomSnapshotStrategy;
  /** socket.io's packet parser (default: our validating msgpack parser, shared/net/msgpack-parser.ts). */
  readonly socketParser?: SocketParser;
}

/** Called once per new room; returns what sends each of that room's snapshot ticks. */
export type RoomSnapshotStrategy = (context: RoomSnapshotContext) => RoomSnapshotSender;

export interface RoomSnapshotContext {
  /**
   * The server's socket.io; each seated player's socket is in the socket.io room named `room.id` (joined
   * only when a strategy is set: the default path has no use for socket.io rooms).
   */
  readonly io: SocketServer;
  readonly room: Room;
  /**
   * Counts snapshots sent, one per client reached, in game_snapshots_sent_total{type="broadcast"}. (The
   * default path's are counted by snapshot-sender.ts.)
   */
  countSnapshotsSent(count: number): void;
}

/** A socket.io parser module: its Encoder and Decoder classes (socket.io's own typing is `any`). */
export interface SocketParser {
  readonly Encoder: new () => unknown;
  readonly Decoder: new () => unknown;
}

/**
 * socket.io settings tuned for games: heartbeats in seconds, not 25 s; short connect and upgrade
 * timeouts; no per-message deflate (snapshots are already small and compressing them costs CPU); the
 * HTTP buffer sized to the largest legitimate client message.
 */
function socketOptions(parser: SocketParser) {
  return {
    parser,
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
    // A player matchmade on one node connects to another: from the page's origin, a cross-origin request
    // for long-polling. No cookies or credentials are involved (auth is in the handshake payload).
    cors: { origin: true, credentials: false },
  };
}

export class GameServer {
  readonly metrics = new ServerMetrics();
  /** This node's membership of the room directory; set by listen() (it needs the node's URL). */
  directory!: RoomDirectory;
  /** The rooms this node runs; set by listen(). */
  rooms!: RoomHost;
  private matchmaker!: Matchmaker;
  private clusterApi: ClusterApi | null = null;
  /** Recordings of every node (through Redis in a cluster), for /api/matches. */
  private matchIndex: MatchIndex | null = null;
  private readonly quotas: RoomQuotas;
  readonly http: HttpServer;
  readonly io: SocketServer;
  readonly scheduler: TickScheduler;
  private log: Logger;
  private readonly tokens: ReconnectTokens;
  private readonly connections = new Set<PlayerConnection>();
  private shuttingDown = false;
  private draining = false;
  private listening = false;
  private droppedReported = 0;
  private readonly wireBytes = { sent: 0, received: 0 };
  private readonly countReceivedBytes = (bytes: number): void => void (this.wireBytes.received += bytes);
  // Listeners every connection shares (one function each per server, not per connection).
  private readonly countSentBytes = (bytes: number): void => void (this.wireBytes.sent += bytes);
  private readonly countPacketSent = (packet: { data?: unknown }): void => this.countSentBytes(byteSize(packet.data));
  private readonly countPacketReceived = (packet: { data?: unknown }): void => this.countReceivedBytes(byteSize(packet.data));
  /** What every PlayerConnection is given: one object for all of them. */
  private connectionDeps!: ConnectionDeps;
  /** Snapshots sent by a room snapshot strategy since the last scrape (the default path's: snapshot-sender.ts). */
  private strategySnapshotsSent = 0;
  private readonly startedAt = Date.now();
  private readonly trustedProxies: ReadonlySet<string>;
  private readonly resources: ResourceMonitor;
  private readonly tcp: TcpAdmission;
  private readonly admission: ConnectionAdmission;
  private readonly bufferGuard: ClientBufferGuard;
  /** Match recording (config.recordingsDir), null when off. */
  readonly recordings: RecordingService | null;
  readonly games: HostedGames;

  constructor(private readonly options: GameServerOptions) {
    const { config } = options;
    this.games = new HostedGames(options.games, config.tickRate);
    this.log = options.logger ?? createLogger(config.logLevel, { svc: 'game-server' });
    this.tokens = new ReconnectTokens(config.secret);
    this.trustedProxies = new Set(config.trustedProxies);
    const exempt: ReadonlySet<string> = new Set(config.exemptAddresses);
    this.recordings = config.recordingsDir
      ? new RecordingService({
          dir: config.recordingsDir,
          maxCount: config.recordingsMaxCount,
          maxBytes: config.recordingsMaxBytes,
          log: this.log,
        })
      : null;
    this.quotas = new RoomQuotas({
      maxOpenRooms: config.maxRoomsPerClient,
      creationsPerMinute: config.roomCreationsPerMinute,
      exemptAddresses: exempt,
      openRoomIds: (ids) => this.openRoomIds(ids),
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
        api: (req, res, url) => {
          if (!this.clusterApi?.handle(req, res, url)) handleRecordingApi(this.recordings?.store ?? null, req, res, url, this.matchIndex ?? undefined);
        },
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
    this.io = new SocketServer(this.http, socketOptions(options.socketParser ?? serverParser));
    this.io.use((socket, next) => this.admitConnection(socket, next));
    noteUpgradeResponses(this.io);
    this.bufferGuard = new ClientBufferGuard(this.io.engine as unknown as EngineClients, config.maxClientBufferBytes, this.metrics, this.log);
    this.io.on('connection', (socket) => this.onConnection(socket));
    this.scheduler = new TickScheduler(
      { tickRate: config.tickRate },
      (_tick, stale) => this.tickRooms(stale),
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
    const { config } = this.options;
    const { port, host } = config;
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
    const nodeUrl = nodePublicUrl(config, this.port);
    this.joinDirectory(nodeUrl);
    if (this.recordings) {
      const store = this.recordings.store;
      this.matchIndex = createMatchIndex({ redisUrl: config.redisUrl, nodeId: this.directory.nodeId, nodeUrl, store, log: this.log });
    }
    const [joined] = await Promise.all([this.directory.start(), this.matchIndex?.start()]);
    // Without Redis yet, the node keeps trying in the background; meanwhile matchmaking answers DIRECTORY_UNAVAILABLE.
    if (!joined.ok) this.log.warn('room directory not reachable yet; retrying', { err: joined.error.message });
    this.listening = true;
    const { tickRate } = config;
    this.log.info('listening', {
      port: this.port,
      host,
      tickRate,
      games: this.games.names,
      node: this.directory.nodeId,
      url: nodeUrl,
      directory: config.redisUrl ? 'redis' : 'memory',
    });
    return this.port;
  }

  /** This node's directory membership, matchmaking and rooms, once its public URL is known. */
  private joinDirectory(nodeUrl: string): void {
    const { config } = this.options;
    const maxRooms = config.maxRooms;
    const maxPrivateRooms = Math.min(maxRooms, config.maxPrivateRooms ?? Math.floor(maxRooms / 2));
    const node = { url: nodeUrl, games: this.games.names, maxRooms, maxPrivateRooms, ...(config.nodeId ? { nodeId: config.nodeId } : {}) };
    this.directory =
      this.options.directory?.(nodeUrl) ??
      (config.redisUrl
        ? new RedisRoomDirectory({ ...node, redisUrl: config.redisUrl, log: this.log })
        : new MemoryRoomDirectory(node));
    this.metrics.setNode(this.directory.nodeId);
    // Several nodes may log to one place (WORKERS): every line says which node wrote it.
    this.log = this.log.child({ node: this.directory.nodeId });
    this.directory.events.on('fenced', () => this.metrics.directoryFencings.inc());
    this.rooms = new RoomHost({
      directory: this.directory,
      newRoom: (spec, observer) => this.newRoom(spec, observer),
      metrics: this.metrics,
      log: this.log,
    });
    this.clusterApi = new ClusterApi(
      this.directory,
      this.games.all.map((g) => ({ name: g.name, title: g.title, maxPlayers: Math.min(config.maxPlayersPerRoom, g.maxPlayers) })),
    );
    this.matchmaker = new DirectoryMatchmaker({
      directory: this.directory,
      quotas: this.quotas,
      isShuttingDown: () => this.shuttingDown,
      metrics: this.metrics,
    });
    this.connectionDeps = {
      matchmaker: this.matchmaker,
      games: this.games,
      maxPlayersPerRoom: config.maxPlayersPerRoom,
      rooms: this.rooms,
      nodeId: this.directory.nodeId,
      tokens: this.tokens,
      metrics: this.metrics,
      log: this.log,
      tickRate: config.tickRate,
      inputsPerMessage: config.inputsPerMessage,
      countDirectBytes: this.countSentBytes,
      connectionClosed: this.connectionClosed,
      socketRooms: this.options.roomSnapshots !== undefined,
    };
  }

  /**
   * SIGTERM: this node takes no new rooms (the directory places them elsewhere; its rooms leave quick play
   * and the public list), its matches go on until their players leave or `timeoutMs` passes, then it
   * shuts down. Players can still rejoin their seats meanwhile.
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.draining || this.shuttingDown) return;
    this.draining = true;
    const marked = this.listening ? await this.directory.setDraining(true) : { ok: true };
    this.log.info('draining', { rooms: this.rooms?.size ?? 0, timeoutMs, directory: marked.ok ? 'told' : 'not reachable' });
    const deadline = performance.now() + timeoutMs;
    while (this.listening && performance.now() < deadline) {
      // Seats held for a reconnect keep their room; a room nobody holds a seat in is done.
      this.rooms.closeEmpty('room closed: the server is draining');
      if (this.rooms.size === 0) break;
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(10, deadline - performance.now()))));
    }
    await this.shutdown(this.rooms?.size ? 'server restarting: the match was ended; quick play again' : 'server stopping (drained)');
  }

  /** Stop accepting, tell every client, close rooms cleanly, then close sockets and HTTP. */
  async shutdown(reason = 'server shutting down'): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.log.info('shutting down', { reason, rooms: this.rooms?.size ?? 0 });
    this.scheduler.stop();
    this.bufferGuard.stop();
    this.resources.stop();
    this.tcp.server.close();
    this.rooms?.closeAll(reason);
    // Give the room:closed messages a moment to flush before the transports close; recordings finalize;
    // the node leaves the directory with its rooms (at once, instead of when its lease runs out).
    await Promise.all([
      new Promise((r) => setTimeout(r, 100)),
      // The index publishes the recordings that closing finalizes, so it closes after them.
      (async () => {
        await this.recordings?.close();
        await this.matchIndex?.close();
      })(),
      this.directory?.stop(),
    ]);
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
    // Counted in until the connection ends: connectionClosed releases it (the connection's one
    // 'disconnect' listener, in PlayerConnection), or here if it never becomes a connection.
    authenticate(socket.handshake.auth, this.options.verifier ?? guestVerifier).then(
      (result) => {
        if (isErrorBody(result)) {
          this.admission.release(address);
          refuse(result);
        } else if (socket.conn.readyState !== 'open') {
          this.admission.release(address); // gone while the verifier ran: socket.io drops it without a 'disconnect'
          next(new Error('connection closed during authentication'));
        } else {
          socket.data.identity = result;
          next();
        }
      },
      (err: unknown) => {
        this.admission.release(address);
        this.log.error('auth verifier failed', { err });
        refuse({ code: 'AUTH_FAILED', message: 'authentication failed' });
      },
    );
  }

  private onConnection(socket: Socket): void {
    const identity = socket.data.identity as Identity;
    const connection = new PlayerConnection(socket, identity, socket.data.address as string, this.connectionDeps);
    this.connections.add(connection);
    this.metrics.connections.inc();
    // Exact bytes on the wire, per engine.io packet (snapshots, chat, acks, pings). Summed in plain
    // numbers here and moved into the Prometheus counters at scrape time: a labelled counter increment
    // per packet costs more than the packet's encoding.
    socket.conn.on('packetCreate', this.countPacketSent);
    // Binary WebSocket frames (inputs above all) skip engine.io: counted here, the others by 'packet'.
    receiveFramesDirectly(socket, this.countReceivedBytes);
    socket.conn.on('packet', this.countPacketReceived);
    // Admission read the address from it: the rest of the connection's life needs none of it.
    releaseHandshakeRequest(socket);
  }

  /** A connection ended (its socket.io 'disconnect'): it no longer counts anywhere. */
  private readonly connectionClosed = (connection: PlayerConnection): void => {
    this.connections.delete(connection);
    this.metrics.connections.dec();
    this.admission.release(connection.address);
  };

  private newRoom(spec: NewRoomSpec, hostObserver: RoomObserver): Room {
    const { config, roomSnapshots: strategy } = this.options;
    // The directory only places rooms of the games this node registered.
    const game = this.games.get(spec.game);
    if (!game) throw new Error(`room ${spec.roomId} is of game "${spec.game}", which this node does not host`);
    // The scheduler runs while there are rooms to step (an idle server sleeps instead of waking 30 times a second).
    if (!this.shuttingDown) this.scheduler.start();
    const id = spec.roomId;
    // The configured rewind cap, never beyond the history the game keeps.
    const lagCompensationTicks = Math.min(
      game.lagCompensationTicks,
      Math.round((config.lagCompensationMs / 1000) * config.tickRate),
    );
    return new Room({
      id,
      code: spec.code,
      game,
      seed: randomInt(0, 0x7fffffff),
      tickRate: config.tickRate,
      snapshotRate: config.snapshotRate,
      maxPlayers: spec.maxPlayers,
      lagCompensationTicks,
      reconnectGraceMs: config.reconnectGraceMs,
      emptyRoomGraceMs: config.emptyRoomGraceMs,
      // Nobody can find a private room without its players: once none is connected it closes soon.
      unattendedGraceMs: spec.isPrivate ? config.privateRoomUnattendedMs : null,
      interestRadius: game.interestRadius ?? 1e9,
      // Friends in a private room play among themselves.
      botFill: spec.isPrivate ? 0 : config.botFill,
      observer: combineObservers(hostObserver, this.recordings?.observeRoom(id), this.options.observeRoom?.(id)),
      ...(strategy
        ? {
            snapshotSender: (room: Room) =>
              strategy({ io: this.io, room, countSnapshotsSent: (count) => void (this.strategySnapshotsSent += count) }),
          }
        : {}),
    });
  }

  /** One scheduler tick of every room; a stale one (the next is already due) skips its snapshots. */
  private tickRooms(stale: boolean): void {
    const { applied, snapshotsSkipped } = this.rooms.step(stale ? 'skip' : 'send');
    if (applied > 0) this.metrics.inputsApplied.inc(applied);
    if (snapshotsSkipped > 0) this.metrics.snapshotTicksSkipped.inc(snapshotsSkipped);
    if (this.rooms.size === 0) this.scheduler.stop();
  }

  /** Which of these rooms are open anywhere in the cluster (room quotas); null when the directory cannot say. */
  private async openRoomIds(ids: readonly string[]): Promise<ReadonlySet<string> | null> {
    const open = new Set<string>();
    for (let i = 0; i < ids.length; i += MAX_LOCATE_IDS) {
      const reply = await this.directory.locateRooms(ids.slice(i, i + MAX_LOCATE_IDS));
      if (!reply.ok) return null;
      for (const location of reply.rooms) if (location) open.add(location.roomId);
    }
    return open;
  }

  private health(): { ready: boolean; body: Record<string, unknown> } {
    const ready = this.listening && !this.shuttingDown && !this.draining;
    return {
      ready,
      body: {
        status: ready ? 'ok' : this.shuttingDown ? 'shutting_down' : this.draining ? 'draining' : 'starting',
        games: this.games.names,
        node: this.directory?.nodeId ?? null,
        rooms: this.rooms?.size ?? 0,
        connections: this.connections.size,
        uptimeSec: Math.round((Date.now() - this.startedAt) / 1000),
      },
    };
  }

  private async collectMetrics(): Promise<string> {
    this.metrics.rooms.set(this.rooms?.size ?? 0);
    this.metrics.players.set(this.rooms?.playerCount() ?? 0);
    if (this.directory) await this.metrics.observeDirectory(this.directory);
    this.metrics.ticksDropped.inc(this.scheduler.dropped - this.droppedReported);
    this.droppedReported = this.scheduler.dropped;
    this.metrics.bytesSent.inc(this.wireBytes.sent);
    this.metrics.bytesReceived.inc(this.wireBytes.received);
    this.wireBytes.sent = 0;
    this.wireBytes.received = 0;
    this.metrics.countSnapshots(takeSnapshotCounts(this.io), this.strategySnapshotsSent);
    this.strategySnapshotsSent = 0;
    return this.metrics.text();
  }
}

function byteSize(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof Uint8Array) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  return 0;
}
