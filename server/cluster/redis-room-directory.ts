// The room directory of a cluster, in Redis: one instance per node process. Placement, redemption,
// reports, listings, leases and the reaper are each one Lua script (redis-scripts.ts); this class holds
// the node's side: its lease (lease-keeper.ts), the rooms it owns and their coalesced reports
// (owned-rooms.ts), the reaper timer, and the fail-fast connection (redis-script-runner.ts).
// docs/SCALING.md ("Directory") describes keys, leases, failures and costs.

import type { RedisOptions } from 'ioredis';
import { LIMITS } from '../../shared/protocol.js';
import { createLogger, type Logger } from '../logger.js';
import { DirectoryEventEmitter } from './directory-events.js';
import { newNodeId, newTicketId, placeWithFreshIds } from './directory-ids.js';
import { LeaseKeeper, type RenewOutcome } from './lease-keeper.js';
import { OwnedRooms, type ReportBatch } from './owned-rooms.js';
import {
  badRequest,
  checkLocateArgs,
  checkNewRoomArgs,
  checkNodeOptions,
  checkReport,
  clampListLimit,
  isSafeName,
  isValidRoomId,
  normalizeJoinCode,
} from './placement-rules.js';
import { errorOf, parseConflicts, parseLocations, parseNodes, parsePlacement, parsePublicRooms, parseRedeem, parseRegister } from './redis-replies.js';
import { RedisScriptRunner } from './redis-script-runner.js';
import {
  DEFAULT_TICKET_TTL_MS,
  DIRECTORY_OPS,
  type DirectoryEvents,
  type DirectoryNodeOptions,
  type DirectoryOp,
  type DirectoryReply,
  type NodeSummary,
  type Placement,
  type PublicRoom,
  type QuickPlayOptions,
  type RedeemedSeat,
  type RoomDirectory,
  type RoomLocation,
  type RoomReport,
} from './room-directory.js';

export interface RedisRoomDirectoryOptions extends DirectoryNodeOptions {
  /** redis://[user:password@]host:port[/db] */
  readonly redisUrl: string;
  /** Prefix of every key (default "arena:"): several clusters, or test runs, can share one Redis. */
  readonly prefix?: string;
  /** Lease lifetime (default 6 s); a node unheard of for this long is dead. */
  readonly leaseTtlMs?: number;
  /** Lease renewal period (default a third of the TTL: one missed beat changes nothing). */
  readonly heartbeatMs?: number;
  /** Period of this node's reaper run (default 3 s, jittered by ±20 %). */
  readonly reaperIntervalMs?: number;
  /** Reports are coalesced and sent at most this often (default 500 ms). */
  readonly reportIntervalMs?: number;
  /** A directory call not answered within this fails with DIRECTORY_UNAVAILABLE (default 1 s). */
  readonly commandTimeoutMs?: number;
  /** How long start() waits for the first registration (default 5 s). */
  readonly startTimeoutMs?: number;
  readonly log?: Logger;
  /** Overrides of the ioredis options (tests). */
  readonly redisOptions?: RedisOptions;
}

/** Room reports sent in one script call at most. */
const REPORT_BATCH = 100;
/** Dead nodes one reaper run removes at most. */
const REAP_BATCH = 16;

type PlacementReply = DirectoryReply<{ readonly placement: Placement }>;
type Registration = DirectoryEvents['registered'];

export class RedisRoomDirectory implements RoomDirectory {
  readonly nodeId: string;
  readonly events = new DirectoryEventEmitter();
  private readonly prefix: string;
  private readonly ticketTtlMs: number;
  private readonly leaseTtlMs: number;
  private readonly reaperIntervalMs: number;
  private readonly reportIntervalMs: number;
  private readonly startTimeoutMs: number;
  private readonly log: Logger;
  private readonly runner: RedisScriptRunner;
  private readonly lease: LeaseKeeper<Registration>;
  private readonly owned = new OwnedRooms();
  private isDraining = false;
  private started = false;
  private stopped = false;
  private reaperTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<unknown> | null = null;

  constructor(private readonly options: RedisRoomDirectoryOptions) {
    checkNodeOptions(options);
    this.nodeId = options.nodeId ?? newNodeId();
    this.prefix = options.prefix ?? 'arena:';
    this.ticketTtlMs = options.ticketTtlMs ?? DEFAULT_TICKET_TTL_MS;
    this.leaseTtlMs = options.leaseTtlMs ?? 6000;
    const heartbeatMs = options.heartbeatMs ?? Math.round(this.leaseTtlMs / 3);
    if (heartbeatMs * 2 > this.leaseTtlMs) throw new Error('room directory: the lease TTL must cover at least two heartbeats (three recommended)');
    this.reaperIntervalMs = options.reaperIntervalMs ?? 3000;
    this.reportIntervalMs = options.reportIntervalMs ?? 500;
    this.startTimeoutMs = options.startTimeoutMs ?? 5000;
    this.log = (options.log ?? createLogger('silent')).child({ component: 'directory', node: this.nodeId });
    this.runner = new RedisScriptRunner({
      redisUrl: options.redisUrl,
      commandTimeoutMs: options.commandTimeoutMs ?? 1000,
      ...(options.redisOptions ? { redisOptions: options.redisOptions } : {}),
      log: this.log,
      onUnavailable: (message) => {
        this.log.warn('room directory unavailable', { err: message });
        this.events.fire('unavailable', { message });
      },
      onAvailable: () => {
        this.log.info('room directory available again');
        this.events.fire('available', {});
      },
      onReady: () => void this.runner.loadScripts().then(() => this.lease.beatNow()),
    });
    this.lease = new LeaseKeeper({
      leaseTtlMs: this.leaseTtlMs,
      heartbeatMs,
      register: () => this.register(),
      renew: (epoch) => this.renew(epoch),
      onRegistered: (registration) => this.events.fire('registered', registration),
      onFenced: (epoch, reason) => {
        this.log.warn('node fenced: lease lost; registering again', { epoch, reason });
        this.events.fire('fenced', { epoch, reason });
      },
    });
  }

  get epoch(): number {
    return this.lease.epoch;
  }

  get fenced(): boolean {
    return this.lease.fenced;
  }

  get draining(): boolean {
    return this.isDraining;
  }

  async start(): Promise<DirectoryReply<{ readonly epoch: number }>> {
    if (this.started) throw new Error('room directory: start() called twice');
    this.started = true;
    const registered = this.events.next('registered', this.startTimeoutMs).then(
      () => true,
      () => false,
    );
    this.lease.start();
    this.runner.connect();
    this.scheduleReaper();
    if (await registered) return { ok: true, epoch: this.lease.epoch };
    return {
      ok: false,
      error: { code: 'DIRECTORY_UNAVAILABLE', message: `no registration within ${this.startTimeoutMs} ms; still trying` },
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (!this.started) return this.runner.close();
    if (this.reaperTimer) clearTimeout(this.reaperTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.lease.stop();
    await this.flushing;
    if (!this.lease.fenced) {
      const out = await this.runner.run('deregister', 'deregister', [this.prefix, this.nodeId, this.lease.epoch]);
      if (!out.ok) this.log.warn('could not deregister; the reaper removes this node after its lease', { err: out.error.message });
    }
    await this.runner.close();
  }

  // ---- placement (from any node) ----

  async quickPlay(game: string, maxPlayers: number, options: QuickPlayOptions = {}): Promise<PlacementReply> {
    const refusal = checkNewRoomArgs(game, maxPlayers);
    if (refusal) return refusal;
    const allowCreate = options.allowCreate ?? true;
    return placeWithFreshIds(false, (ids) =>
      this.place('quickPlay', [game, maxPlayers, ids.roomId, ids.ticket, this.ticketTtlMs, allowCreate ? 1 : 0]),
    );
  }

  async createRoom(game: string, isPrivate: boolean, maxPlayers: number): Promise<PlacementReply> {
    const refusal = checkNewRoomArgs(game, maxPlayers);
    if (refusal) return refusal;
    return placeWithFreshIds(isPrivate, (ids) =>
      this.place('createRoom', [game, isPrivate ? 1 : 0, ids.code ?? '', maxPlayers, ids.roomId, ids.ticket, this.ticketTtlMs]),
    );
  }

  async joinByCode(code: string): Promise<PlacementReply> {
    const normalized = normalizeJoinCode(code);
    if (!normalized) return badRequest(`"${code}" is not a join code`);
    return this.place('joinByCode', [normalized, newTicketId(), this.ticketTtlMs]);
  }

  async joinById(roomId: string): Promise<PlacementReply> {
    if (!isValidRoomId(roomId)) return badRequest(`"${roomId}" is not a room id`);
    return this.place('joinById', [roomId, newTicketId(), this.ticketTtlMs]);
  }

  // ---- the owner's side ----

  async redeem(ticket: string): Promise<DirectoryReply<{ readonly seat: RedeemedSeat }>> {
    if (!this.lease.holdsLease()) {
      return { ok: false, error: { code: 'NODE_FENCED', message: 'this node holds no lease; it registers again' } };
    }
    if (!isSafeName(ticket)) return { ok: false, error: { code: 'TICKET_INVALID', message: 'malformed ticket' } };
    const epoch = this.lease.epoch;
    const out = await this.runner.run('redeem', 'redeem', [this.prefix, ticket, this.nodeId, epoch]);
    if (!out.ok) return out;
    const reply = parseRedeem(out.value);
    if (reply.ok) this.owned.noteRedeemed(reply.seat.roomId, ticket);
    else if (reply.error.code === 'NODE_FENCED') this.lease.leaseLost(epoch);
    return reply;
  }

  reportRoom(report: RoomReport): void {
    checkReport(report);
    this.owned.report(report);
    this.scheduleFlush();
  }

  removeRoom(roomId: string): void {
    this.owned.remove(roomId);
    this.scheduleFlush();
  }

  flush(): Promise<DirectoryReply<object>> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    // One flush at a time; a call during one waits for it, then sends what came after.
    const run = (this.flushing ?? Promise.resolve()).then(() => this.flushPending());
    const tracked: Promise<unknown> = run.finally(() => {
      if (this.flushing === tracked) this.flushing = null;
    });
    this.flushing = tracked;
    return run;
  }

  async setDraining(draining: boolean): Promise<DirectoryReply<object>> {
    this.isDraining = draining;
    // The flag rides on the lease renewal: if this beat fails, the next one (or the next registration) applies it.
    if (this.stopped || !this.started) return { ok: true };
    const held = await this.lease.beatNow();
    return held
      ? { ok: true }
      : { ok: false, error: { code: 'DIRECTORY_UNAVAILABLE', message: 'draining is set locally; the directory learns it with the next successful beat' } };
  }

  // ---- listings ----

  async publicRooms(game?: string, limit: number = LIMITS.maxListedRooms): Promise<DirectoryReply<{ readonly rooms: readonly PublicRoom[] }>> {
    if (game !== undefined && !isSafeName(game)) return badRequest(`bad game name "${game}"`);
    const out = await this.runner.run('publicRooms', 'publicRooms', [this.prefix, game ?? '', clampListLimit(limit)]);
    return out.ok ? { ok: true, rooms: parsePublicRooms(out.value) } : out;
  }

  async nodes(limit = 100): Promise<DirectoryReply<{ readonly nodes: readonly NodeSummary[] }>> {
    const out = await this.runner.run('nodes', 'nodes', [this.prefix, clampListLimit(limit)]);
    return out.ok ? { ok: true, nodes: parseNodes(out.value) } : out;
  }

  async locateRooms(roomIds: readonly string[]): Promise<DirectoryReply<{ readonly rooms: readonly (RoomLocation | null)[] }>> {
    const refusal = checkLocateArgs(roomIds);
    if (refusal) return refusal;
    if (roomIds.length === 0) return { ok: true, rooms: [] };
    const out = await this.runner.run('locate', 'locate', [this.prefix, ...roomIds]);
    return out.ok ? { ok: true, rooms: parseLocations(out.value) } : out;
  }

  commandCounts(): Readonly<Record<DirectoryOp, number>> {
    return Object.fromEntries(DIRECTORY_OPS.map((op) => [op, this.runner.count(op)])) as Record<DirectoryOp, number>;
  }

  // ---- internals ----

  private async place(op: 'quickPlay' | 'createRoom' | 'joinByCode' | 'joinById', args: readonly (string | number)[]): Promise<PlacementReply> {
    const out = await this.runner.run(op, op, [this.prefix, ...args]);
    return out.ok ? parsePlacement(out.value) : out;
  }

  /** Registers the node with every room it runs (the directory is rebuilt from this). */
  private async register(): Promise<Registration | null> {
    const rooms = this.owned.takeAllForRepublish();
    const args: (string | number)[] = [
      this.prefix,
      this.nodeId,
      this.options.url,
      this.options.games.join(','),
      this.options.maxRooms,
      this.options.maxPrivateRooms ?? this.options.maxRooms,
      this.isDraining ? 1 : 0,
      this.leaseTtlMs,
      rooms.length,
    ];
    for (const r of rooms) args.push(r.roomId, r.game, r.isPrivate ? 1 : 0, r.code ?? '', r.players, r.maxPlayers);
    const out = await this.runner.run('register', 'register', args);
    if (!out.ok) {
      // The pending changes were dropped with the snapshot: the next registration republishes everything.
      return null;
    }
    const { epoch, conflicts } = parseRegister(out.value);
    this.log.info('node registered', { epoch, rooms: rooms.length, conflicts: conflicts.length });
    for (const c of conflicts) this.log.warn('republished room conflicts with the directory', { room: c.roomId, kind: c.kind });
    return { epoch, rooms: rooms.length, conflicts };
  }

  private async renew(epoch: number): Promise<RenewOutcome> {
    const out = await this.runner.run('renew', 'renew', [this.prefix, this.nodeId, epoch, this.leaseTtlMs, this.isDraining ? 1 : 0]);
    if (!out.ok) return 'failed';
    return out.value === 1 ? 'renewed' : 'lost';
  }

  private scheduleReaper(): void {
    if (this.stopped) return;
    const jitter = 0.8 + Math.random() * 0.4;
    this.reaperTimer = setTimeout(() => void this.reap().finally(() => this.scheduleReaper()), this.reaperIntervalMs * jitter);
    this.reaperTimer.unref();
  }

  private async reap(): Promise<void> {
    const out = await this.runner.run('reap', 'reap', [this.prefix, REAP_BATCH]);
    if (!out.ok || !Array.isArray(out.value) || out.value.length === 0) return;
    const nodeIds = out.value.map(String);
    this.log.info('reaped dead nodes', { nodes: nodeIds });
    this.events.fire('reaped', { nodeIds });
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.stopped) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.reportIntervalMs);
    this.flushTimer.unref();
  }

  private async flushPending(): Promise<DirectoryReply<object>> {
    while (this.owned.hasPending) {
      // A fenced node writes nothing: its next registration republishes every room.
      if (!this.lease.holdsLease()) return { ok: false, error: { code: 'NODE_FENCED', message: 'this node holds no lease; it registers again' } };
      const epoch = this.lease.epoch;
      const batch = this.owned.takeBatch(REPORT_BATCH);
      const out = await this.runner.run('report', 'report', [this.prefix, this.nodeId, epoch, ...reportArgs(batch)]);
      if (!out.ok) {
        this.owned.restore(batch);
        this.scheduleFlush();
        return out;
      }
      const reply = Array.isArray(out.value) ? out.value : [];
      const error = errorOf(reply, 'report');
      if (error) {
        // Fenced between the check and the write: the registration that follows republishes everything.
        this.lease.leaseLost(epoch);
        return { ok: false, error };
      }
      for (const c of parseConflicts(reply, 1)) this.log.warn('reported room conflicts with the directory', { room: c.roomId, kind: c.kind });
    }
    return { ok: true };
  }
}

function reportArgs(batch: ReportBatch): (string | number)[] {
  const args: (string | number)[] = [batch.updates.length];
  for (const { report: r, settled } of batch.updates) {
    args.push(r.roomId, r.game, r.isPrivate ? 1 : 0, r.code ?? '', r.players, r.maxPlayers, settled.length, ...settled);
  }
  args.push(batch.removals.length, ...batch.removals);
  return args;
}
