// Prometheus metrics (prom-client): one registry per GameServer so tests can run several servers in one
// process. Served as text at GET /metrics.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DIRECTORY_OPS, type DirectoryOp, type RoomDirectory } from './cluster/room-directory.js';
import { RecentQuantiles } from './recent-quantiles.js';
import type { SnapshotCounts } from './snapshot-sender.js';

export class ServerMetrics {
  readonly registry = new Registry();

  readonly rooms = new Gauge({ name: 'game_rooms', help: 'Rooms open on this process', registers: [this.registry] });
  readonly players = new Gauge({
    name: 'game_players',
    help: 'Players seated in rooms (connected or within their reconnect grace)',
    registers: [this.registry],
  });
  readonly connections = new Gauge({
    name: 'game_connections',
    help: 'Open socket.io connections',
    registers: [this.registry],
  });
  readonly tickDuration = new Histogram({
    name: 'game_tick_duration_seconds',
    help: 'Time to simulate and broadcast one scheduler tick across all rooms',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.1],
    registers: [this.registry],
  });
  /** Exact recent quantiles of the same durations (the histogram's buckets are too coarse for benchmarks). */
  readonly tickDurationRecent = new RecentQuantiles({
    name: 'game_tick_duration_recent_seconds',
    help: 'Scheduler tick duration quantiles over the last 10 seconds',
    percentiles: [0.5, 0.9, 0.99, 1],
    maxAgeSeconds: 10,
    registers: [this.registry],
  });
  readonly tickLatenessRecent = new RecentQuantiles({
    name: 'game_tick_lateness_recent_seconds',
    help: 'Scheduler tick lateness quantiles over the last 10 seconds',
    percentiles: [0.5, 0.99, 1],
    maxAgeSeconds: 10,
    registers: [this.registry],
  });
  readonly tickLateness = new Histogram({
    name: 'game_tick_lateness_seconds',
    help: 'How late each scheduler tick started against its absolute target time',
    buckets: [0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.1, 0.25],
    registers: [this.registry],
  });
  readonly ticksDropped = new Counter({
    name: 'game_ticks_dropped_total',
    help: 'Scheduler ticks skipped because the process fell too far behind',
    registers: [this.registry],
  });
  readonly bytesSent = new Counter({
    name: 'game_bytes_sent_total',
    help: 'Bytes of engine.io packets written to clients (snapshots, chat, acks, pings)',
    registers: [this.registry],
  });
  readonly bytesReceived = new Counter({
    name: 'game_bytes_received_total',
    help: 'Bytes of socket.io packets received from clients',
    registers: [this.registry],
  });
  readonly snapshotsSent = new Counter({
    name: 'game_snapshots_sent_total',
    help:
      'Snapshots sent to clients (one per client per snapshot tick), by type: direct (one frame straight to the WebSocket), ' +
      'engine (through engine.io), broadcast (a room snapshot strategy, GameServerOptions.roomSnapshots: one per client reached)',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });
  readonly snapshotsDropped = new Counter({
    name: 'game_snapshots_dropped_total',
    help: 'Snapshots not sent because the client\'s connection was backed up or between long-polling requests (the next delta covers them)',
    registers: [this.registry],
  });
  readonly snapshotTicksSkipped = new Counter({
    name: 'game_snapshot_ticks_skipped_total',
    help: 'Room snapshot ticks skipped because the server was behind (the next tick was already due); the newest tick of the catch-up sends instead',
    registers: [this.registry],
  });
  readonly inputsApplied = new Counter({
    name: 'game_inputs_applied_total',
    help: 'Player inputs applied by the simulation',
    registers: [this.registry],
  });
  readonly inputsRejected = new Counter({
    name: 'game_inputs_rejected_total',
    help: 'Player inputs refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'game_requests_total',
    help: 'Acknowledged requests, by event and outcome',
    labelNames: ['event', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly packetsRejected = new Counter({
    name: 'game_packets_rejected_total',
    help: 'Connections closed by the parser for a malformed packet',
    registers: [this.registry],
  });
  readonly disconnectsForAbuse = new Counter({
    name: 'game_abuse_disconnects_total',
    help: 'Connections cut off for exceeding rate limits or sending invalid data',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly roomsCreated = new Counter({
    name: 'game_rooms_created_total',
    help: 'Rooms created, by kind (public, private)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly roomCreationsRefused = new Counter({
    name: 'game_room_creations_refused_total',
    help:
      'Room creations refused, by reason (server_full, private_rooms_full, open_rooms_per_address, open_rooms_per_user, ' +
      'creation_rate_per_address, creation_rate_per_user, shutting_down)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly roomsClosed = new Counter({
    name: 'game_rooms_closed_total',
    help: 'Rooms disposed of, by reason (empty, unattended: a private room nobody was connected to, error)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly connectionsRefused = new Counter({
    name: 'game_connections_refused_total',
    help: 'Connections refused at admission, by reason (server_full, per_address, server_busy, shutting_down)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly tcpConnections = new Gauge({
    name: 'game_tcp_connections',
    help: 'Open TCP connections to the HTTP server (game, long-polling and page requests)',
    registers: [this.registry],
  });
  readonly ioErrors = new Counter({
    name: 'game_io_errors_total',
    help: 'Errors from sockets, streams, files and timers that were handled instead of crashing, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  // ---- the cluster, as this node sees it ----
  readonly directoryUp = new Gauge({
    name: 'game_directory_up',
    help: '1 while this node holds its lease in the room directory (matchmaking works), else 0',
    registers: [this.registry],
  });
  readonly directoryFencings = new Counter({
    name: 'game_directory_fencings_total',
    help: 'Times this node lost its directory lease (frozen, or cut off from Redis) and fenced itself',
    registers: [this.registry],
  });
  readonly directoryCommands = new Counter({
    name: 'game_directory_commands_total',
    help: 'Room directory round trips (Redis scripts) sent by this node, by operation',
    labelNames: ['op'] as const,
    registers: [this.registry],
  });
  readonly clusterNodes = new Gauge({ name: 'game_cluster_nodes', help: 'Live nodes in the cluster', registers: [this.registry] });
  readonly clusterRooms = new Gauge({ name: 'game_cluster_rooms', help: 'Rooms on every live node', registers: [this.registry] });
  readonly clusterPlayers = new Gauge({ name: 'game_cluster_players', help: 'Players on every live node', registers: [this.registry] });
  private readonly directoryCommandsReported = new Map<DirectoryOp, number>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
  }

  /** Every metric carries the node id as a label, so one Prometheus can scrape the whole cluster. */
  setNode(nodeId: string): void {
    this.registry.setDefaultLabels({ node: nodeId });
  }

  /** Adds the snapshots tallied since the last scrape (snapshot-sender.ts, and a room snapshot strategy's). */
  countSnapshots(counts: SnapshotCounts, broadcast: number): void {
    if (counts.direct > 0) this.snapshotsSent.inc({ type: 'direct' }, counts.direct);
    if (counts.engine > 0) this.snapshotsSent.inc({ type: 'engine' }, counts.engine);
    if (broadcast > 0) this.snapshotsSent.inc({ type: 'broadcast' }, broadcast);
    if (counts.dropped > 0) this.snapshotsDropped.inc(counts.dropped);
  }

  /** Samples the directory's state and the cluster's totals (one directory read per scrape). */
  async observeDirectory(directory: RoomDirectory): Promise<void> {
    this.directoryUp.set(directory.fenced ? 0 : 1);
    const counts = directory.commandCounts();
    for (const op of DIRECTORY_OPS) {
      const delta = counts[op] - (this.directoryCommandsReported.get(op) ?? 0);
      if (delta > 0) this.directoryCommands.inc({ op }, delta);
      this.directoryCommandsReported.set(op, counts[op]);
    }
    const reply = await directory.nodes();
    if (!reply.ok) {
      this.directoryUp.set(0);
      return;
    }
    this.clusterNodes.set(reply.nodes.length);
    this.clusterRooms.set(reply.nodes.reduce((n, node) => n + node.rooms, 0));
    this.clusterPlayers.set(reply.nodes.reduce((n, node) => n + node.players, 0));
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
