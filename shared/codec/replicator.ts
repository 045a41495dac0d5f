// The server side of the snapshot codec: one Replicator per room turns committed world views into
// per-client snapshots (docs/SNAPSHOT-SPEC.md).
//
// Quake 3 / Source model: each client's delta is computed against the snapshot it last ACKNOWLEDGED,
// so a dropped snapshot never corrupts it; a client without a usable baseline gets a full snapshot.
// Work is shared between clients: enter pieces are encoded once per tick, change pieces once per
// (baseline, tick), interest lists once per focus cell; the per-client work is a merge of two sorted
// id lists and a copy of pre-encoded bytes into the output.
//
// What a delta leaves out: entities whose fields all match the baseline or, for velocity fields, the
// baseline's dead-reckoning prediction (an entity moving in a straight line costs nothing); events of
// earlier commits that are not of a reliable type (sent once, with their own commit).

import {
  DEFAULT_HISTORY_TICKS,
  DEFAULT_HYSTERESIS_CELLS,
  DELTA_VALUE_LIMIT,
  HEADER_LENGTH,
} from './format.js';
import { ByteSlab } from './byte-slab.js';
import { InterestGrid } from './interest-grid.js';
import { MsgpackWriter } from './msgpack-writer.js';
import { emptyStats, type ReplicatorStats } from './replicator-stats.js';
import { checkEvent, checkSchema, checkView, reliableEventTest, velocityIndices } from './schema-check.js';
import type { EntityView, GameEvent, ReplicationSchema } from './schema.js';
import { SentHistory } from './sent-history.js';
import { KIND_CHANGED, TickEncodingCache, type DeltaCache } from './tick-encoding-cache.js';
import { TickHistory, type CommittedTick, type TickEvent } from './tick-history.js';

export interface ReplicatorOptions {
  /**
   * The most committed ticks kept as possible baselines. Default 64. The ring holds as many as the
   * clients' acknowledgements lag behind (at least 8, or historyTicks if less): see sizeHistory.
   */
  readonly historyTicks?: number;
  /** World units: every entity within this distance (per axis) of a client's focus is sent to it. */
  readonly interestRadius: number;
  /** Interest grid cell size in world units. Default = interestRadius (a 3x3 block of cells is visible). */
  readonly cellSize?: number;
  /**
   * Extra rings of cells within which an entity the client already has is kept instead of sent a leave.
   * Default 1; 0 disables hysteresis.
   */
  readonly hysteresisCells?: number;
}

/** What the room tells each client about its inputs in every snapshot (for reconciliation). */
export interface SnapshotHeader {
  /** The last input sequence number the server applied for this client (0 for none; |seq| < 2^52). */
  readonly lastInputSeq: number;
  /** The tick at which it was applied (-1 for none). */
  readonly lastInputTick: number;
  /** Inputs received from this client and not yet applied. */
  readonly inputQueueDepth: number;
}

/** Opaque per-connection replication state; get one from Replicator.addClient. */
export interface ReplicationClient {
  /** Debugging id, unique within its Replicator. */
  readonly id: number;
  /** The tick of the last snapshot it acknowledged (its delta baseline), -1 for none. */
  readonly baselineTick: number;
}

/**
 * Commits the tick ring holds at first and at least (when historyTicks allows): ~0.27 s at 30 snapshots/s,
 * more than the round trip of a client on time (acknowledgements 2-6 commits behind); a later one grows it.
 */
const MIN_RING_TICKS = 8;
/** Commits in a row that the clients must stay within a quarter of the ring before it is halved (~10 s at 30/s). */
const SHRINK_AFTER_COMMITS = 300;
/** The most rings of cells an interest area may span (keeps a per-cell interest query bounded). */
const MAX_RINGS = 64;
const NO_IDS: readonly number[] = [];
/** Fills the slots of a spare sorted-views array between commits (see commitTick). */
const RELEASED_VIEW: EntityView = { id: -1, kind: 0, x: 0, y: 0, values: [] };

/**
 * The output writer and slab, shared by every Replicator of the process: encodeFor is synchronous and
 * copies its result out of the writer, so one of each serves every room (one per room was 80 KB, 5 KB
 * per player of a full room). Created by the first Replicator: a process that only decodes never pays.
 */
let sharedOutput: { readonly writer: MsgpackWriter; readonly slab: ByteSlab } | null = null;

class ClientState implements ReplicationClient {
  baselineTick = -1;
  removed = false;
  readonly sent: SentHistory;

  constructor(
    readonly owner: Replicator,
    readonly id: number,
    historyTicks: number,
  ) {
    this.sent = new SentHistory(historyTicks);
  }
}

/** A reusable, growable list of numbers (the per-call scratch of encodeFor; never reallocated per client). */
class NumberList {
  data = new Float64Array(64);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  /** Whether `list` holds exactly these numbers. */
  equals(list: readonly number[]): boolean {
    if (list.length !== this.length) return false;
    for (let i = 0; i < this.length; i++) if (list[i] !== this.data[i]) return false;
    return true;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.data[i]);
    return out;
  }
}

export class Replicator {
  /** Counters of cache use and output, for tests and metrics. */
  readonly stats: ReplicatorStats = emptyStats();

  private readonly history: TickHistory;
  private readonly grid: InterestGrid;
  private readonly cache: TickEncodingCache;
  private readonly historyTicks: number;
  private readonly hysteresis: boolean;
  private readonly isReliable: (event: GameEvent) => boolean;
  private nextClientId = 1;
  /** Clients not removed: how far behind they acknowledge sizes the tick ring. */
  private readonly clients = new Set<ClientState>();
  /** Commits in a row during which every client stayed within a quarter of the ring. */
  private roomyCommits = 0;

  // Scratch reused by every encodeFor call.
  private readonly output = (sharedOutput ??= { writer: new MsgpackWriter(16 * 1024), slab: new ByteSlab() });
  private readonly changePieces = new NumberList(); // offset, length pairs into the arena
  private readonly enterPieces = new NumberList();
  private readonly leaves = new NumberList(); // ids
  private readonly nextIds = new NumberList();
  /**
   * The views of the tick being committed, sorted by id (one array for every commit). Emptied as soon as
   * the commit is made: the commit copies their values and the interest grid their cells, and a game's
   * views are new objects every tick, so holding them until the next commit kept a tick of them alive.
   */
  private readonly sortScratch: EntityView[] = [];
  private changeElements = 0;
  private enterElements = 0;
  private kept = 0;

  constructor(
    private readonly schema: ReplicationSchema,
    options: ReplicatorOptions,
  ) {
    checkSchema(schema);
    const historyTicks = options.historyTicks ?? DEFAULT_HISTORY_TICKS;
    const radius = options.interestRadius;
    const cellSize = options.cellSize ?? radius;
    const hysteresis = options.hysteresisCells ?? DEFAULT_HYSTERESIS_CELLS;
    if (!Number.isInteger(historyTicks) || historyTicks < 1) throw new RangeError('historyTicks must be >= 1');
    if (!(radius > 0 && Number.isFinite(radius))) throw new RangeError('interestRadius must be a positive number');
    if (!(cellSize > 0 && Number.isFinite(cellSize))) throw new RangeError('cellSize must be a positive number');
    if (!Number.isInteger(hysteresis) || hysteresis < 0) throw new RangeError('hysteresisCells must be >= 0');
    const rings = Math.max(1, Math.ceil(radius / cellSize));
    if (rings > MAX_RINGS) throw new RangeError(`interestRadius / cellSize must be <= ${MAX_RINGS}`);
    this.historyTicks = historyTicks;
    this.hysteresis = hysteresis > 0;
    this.history = new TickHistory(Math.min(historyTicks, MIN_RING_TICKS));
    const isGlobal = schema.kinds.map((kind) => kind.global === true);
    this.grid = new InterestGrid(cellSize, rings, hysteresis, isGlobal, this.stats);
    this.cache = new TickEncodingCache(schema, velocityIndices(schema), this.stats);
    this.isReliable = reliableEventTest(schema);
  }

  /** The latest committed tick, -1 before the first commit. */
  get latestTick(): number {
    return this.history.latest?.tick ?? -1;
  }

  /**
   * Records the world view and game events of a snapshot tick. Ticks strictly increase; `events` are
   * those of every tick since the previous commit, each with its own tick in (previousTick, tick].
   * Throws TypeError/RangeError on views or events that break the schema contract.
   */
  commitTick(tick: number, views: readonly EntityView[], events: readonly TickEvent[]): void {
    const previous = this.history.latest;
    if (!Number.isSafeInteger(tick) || tick < 0) throw new RangeError(`tick ${tick} is not a non-negative integer`);
    if (previous !== undefined && tick <= previous.tick) {
      throw new RangeError(`tick ${tick} committed after tick ${previous.tick}`);
    }
    for (const view of views) checkView(this.schema, view);
    const lowestEventTick = previous === undefined ? -Infinity : previous.tick;
    for (const { tick: eventTick, event } of events) {
      if (!Number.isSafeInteger(eventTick) || eventTick <= lowestEventTick || eventTick > tick) {
        throw new RangeError(`event tick ${eventTick} is outside (${lowestEventTick}, ${tick}]`);
      }
      checkEvent(event);
    }
    let committed: CommittedTick;
    try {
      const sorted = sortById(views, this.sortScratch);
      this.sizeHistory();
      committed = this.history.push(tick, sorted, events, this.isReliable);
      this.grid.rebuild(sorted);
    } finally {
      // Released (the array's storage kept), so that no view outlives its commit, a throwing one included.
      this.sortScratch.fill(RELEASED_VIEW);
    }
    this.cache.reset(committed);
  }

  addClient(): ReplicationClient {
    const client = new ClientState(this, this.nextClientId++, this.historyTicks);
    this.clients.add(client);
    return client;
  }

  /** Forgets a client; using it afterwards throws. */
  removeClient(client: ReplicationClient): void {
    const state = this.own(client);
    state.removed = true;
    state.sent.clear();
    this.clients.delete(state);
  }

  /** Commits the tick ring holds (for tests and memory accounting). */
  get historyCapacity(): number {
    return this.history.capacity;
  }

  /**
   * Sizes the tick ring before a commit. A commit is still needed while some client may acknowledge it
   * or holds it as its baseline: it is in that client's sent history, which starts at its baseline. The
   * ring doubles (up to historyTicks) rather than evict such a commit, and halves (down to MIN_RING_TICKS)
   * once every client has stayed within a quarter of it for SHRINK_AFTER_COMMITS commits. Clients on time
   * acknowledge a round trip behind, a few commits: a room then keeps 8 commits, not 64 (most of the
   * memory a room holds per player).
   */
  private sizeHistory(): void {
    const history = this.history;
    const latest = history.latest;
    if (latest === undefined) return;
    let oldestNeeded = Infinity;
    for (const client of this.clients) {
      const oldest = client.sent.oldestTick;
      if (oldest >= 0 && oldest < oldestNeeded) oldestNeeded = oldest;
    }
    const capacity = history.capacity;
    const evicted = history.evictedByNextPush;
    if (evicted !== undefined && evicted.tick >= oldestNeeded && capacity < this.historyTicks) {
      history.resize(Math.min(this.historyTicks, capacity * 2));
      this.roomyCommits = 0;
      return;
    }
    if (capacity <= MIN_RING_TICKS) return;
    // Commits from the oldest needed one to the next (which the next push adds); all of the ring if the
    // oldest needed one has left it already.
    const oldest = oldestNeeded === Infinity ? latest : history.get(oldestNeeded);
    const span = oldest === undefined ? capacity : latest.seq - oldest.seq + 2;
    if (span > capacity / 4) this.roomyCommits = 0;
    else if (++this.roomyCommits >= SHRINK_AFTER_COMMITS) {
      history.resize(Math.max(MIN_RING_TICKS, Math.floor(capacity / 2)));
      this.roomyCommits = 0;
    }
  }

  /**
   * The client has applied the snapshot of `tick` (carried on its inputs). Returns false, and changes
   * nothing, for a tick never sent to it, not newer than its current baseline, or out of the ring (and
   * for a tick that was encoded twice with different lastInputSeqs: the client may hold either).
   */
  acknowledge(client: ReplicationClient, tick: number): boolean {
    const state = this.own(client);
    if (!Number.isSafeInteger(tick) || tick <= state.baselineTick) return false;
    if (this.history.get(tick) === undefined || state.sent.idsAt(tick) === undefined) return false;
    if (Number.isNaN(state.sent.seqAt(tick))) return false;
    state.baselineTick = tick;
    state.sent.pruneBefore(tick);
    return true;
  }

  /**
   * Encodes the snapshot of the latest committed tick for `client`: a delta against its acknowledged
   * baseline if that is still in the ring, else a full snapshot. `focus` is the centre of its interest
   * area (null: global entities only). Encoding the same tick twice for a client repeats the entity set
   * of the first encoding, so whichever copy the client applies and acknowledges, its state is the same
   * (if the copies carry different lastInputSeqs, that tick cannot become the client's baseline).
   * The result is a view into a pooled buffer (see byte-slab.ts): honour its byteOffset, never write to it.
   */
  encodeFor(
    client: ReplicationClient,
    focus: { readonly x: number; readonly y: number } | null,
    header: SnapshotHeader,
  ): Uint8Array {
    const state = this.own(client);
    const now = this.history.latest;
    if (now === undefined) throw new Error('encodeFor before the first commitTick');
    checkHeader(now.tick, header);
    if (focus !== null && !(Number.isFinite(focus.x) && Number.isFinite(focus.y))) {
      throw new RangeError(`focus ${focus.x},${focus.y} is not finite`);
    }

    let base: CommittedTick | undefined;
    let baseIds = NO_IDS;
    let baseSeq = 0;
    if (state.baselineTick >= 0) {
      const candidate = this.history.get(state.baselineTick);
      const ids = state.sent.idsAt(state.baselineTick);
      const seq = state.sent.seqAt(state.baselineTick);
      if (candidate !== undefined && ids !== undefined && seq !== undefined && !Number.isNaN(seq)) {
        base = candidate;
        baseIds = ids;
        baseSeq = seq;
      }
    }

    const resent = state.sent.latestTick === now.tick ? state.sent.idsAt(now.tick) : undefined;
    let targetIds: readonly number[];
    let targetIndices: readonly number[] | null = null;
    if (resent !== undefined) {
      targetIds = resent;
    } else {
      const list = this.grid.listFor(focus);
      targetIds = list.ids;
      targetIndices = list.indices;
    }
    const delta = base === undefined ? null : this.cache.deltaAgainst(base);
    const keepFocus = resent === undefined && delta !== null && this.hysteresis ? focus : null;
    this.merge(now, delta, baseIds, targetIds, targetIndices, keepFocus);

    const bytes = this.write(now, base, baseSeq, header);
    if (resent === undefined) {
      // Share the interest list when nothing was kept beyond it (the common case): no per-client copy.
      // With entities kept, the list of the client's previous snapshot is usually the same: reuse it.
      let ids = targetIds;
      if (this.kept > 0) {
        const previous = state.sent.latestTick < 0 ? undefined : state.sent.idsAt(state.sent.latestTick);
        ids = previous !== undefined && this.nextIds.equals(previous) ? previous : this.nextIds.toArray();
      }
      state.sent.record(now.tick, ids, header.lastInputSeq);
    } else if (state.sent.seqAt(now.tick) !== header.lastInputSeq && state.baselineTick !== now.tick) {
      // Unless the client already acknowledged the first copy, it may apply either: its seq is unknown.
      state.sent.conflictSeq(now.tick);
    }
    if (base === undefined) this.stats.fullSnapshots++;
    else this.stats.deltaSnapshots++;
    this.stats.snapshotBytes += bytes.length;
    return bytes;
  }

  /**
   * Walks the ids the client had at the baseline and the ids it should have now (both ascending) and
   * collects the pieces: in both -> change, only now -> enter, only at baseline -> leave (or, within
   * the hysteresis area, kept as a change).
   */
  private merge(
    now: CommittedTick,
    delta: DeltaCache | null,
    baseIds: readonly number[],
    targetIds: readonly number[],
    targetIndices: readonly number[] | null,
    keepFocus: { readonly x: number; readonly y: number } | null,
  ): void {
    this.changePieces.length = 0;
    this.enterPieces.length = 0;
    this.leaves.length = 0;
    this.nextIds.length = 0;
    this.changeElements = 0;
    this.enterElements = 0;
    this.kept = 0;
    const nb = baseIds.length;
    const nt = targetIds.length;
    const focusCx = keepFocus === null ? 0 : this.grid.cellOf(keepFocus.x);
    const focusCy = keepFocus === null ? 0 : this.grid.cellOf(keepFocus.y);
    let i = 0;
    let j = 0;
    while (i < nb || j < nt) {
      const idBase = i < nb ? baseIds[i] : Infinity;
      const idNow = j < nt ? targetIds[j] : Infinity;
      if (idNow < idBase) {
        this.addEnter(now, targetIndices === null ? indexOf(now, idNow) : targetIndices[j]);
        this.nextIds.push(idNow);
        j++;
      } else if (idBase < idNow) {
        if (keepFocus !== null && delta !== null) {
          const index = now.indexOf(idBase);
          const keep =
            index >= 0 && this.grid.keeps(index, focusCx, focusCy) && this.addChange(now, delta, index, false);
          if (keep) {
            this.nextIds.push(idBase);
            this.kept++;
            i++;
            continue;
          }
        }
        this.leaves.push(idBase);
        i++;
      } else {
        if (delta === null) throw new Error('internal: baseline ids without a baseline');
        this.addChange(now, delta, targetIndices === null ? indexOf(now, idNow) : targetIndices[j], true);
        this.nextIds.push(idNow);
        i++;
        j++;
      }
    }
  }

  private addEnter(now: CommittedTick, index: number): void {
    const offset = this.cache.enter(index);
    this.enterPieces.push(offset);
    this.enterPieces.push(this.cache.enterLength(index));
    this.enterElements += 2 + now.valueStart[index + 1] - now.valueStart[index];
  }

  /**
   * Adds the change piece of entity `index` (nothing when unchanged). An id now used by an entity of
   * another kind is sent as leave + enter when `enterOnKindChange`, else refused (returns false).
   */
  private addChange(now: CommittedTick, delta: DeltaCache, index: number, enterOnKindChange: boolean): boolean {
    this.cache.change(delta, index);
    const count = delta.counts[index];
    if (count === KIND_CHANGED) {
      if (!enterOnKindChange) return false;
      this.leaves.push(now.ids[index]);
      this.addEnter(now, index);
      return true;
    }
    if (count > 0) {
      this.changePieces.push(delta.offsets[index]);
      this.changePieces.push(delta.lengths[index]);
      this.changeElements += count;
    }
    return true;
  }

  private write(
    now: CommittedTick,
    base: CommittedTick | undefined,
    baseSeq: number,
    header: SnapshotHeader,
  ): Uint8Array {
    // Every event of this commit, and the reliable events of the earlier commits in (baseline, now]
    // (the client may have missed their snapshots). A full snapshot carries only this commit's events.
    let eventCount = 0;
    const firstSeq = base === undefined ? now.seq : base.seq + 1;
    for (let seq = firstSeq; seq <= now.seq; seq++) {
      const committed = this.committedAt(seq);
      eventCount += seq === now.seq ? committed.eventCount : committed.reliableCount;
    }

    const sections =
      eventCount > 0
        ? 4
        : this.leaves.length > 0
          ? 3
          : this.enterPieces.length > 0
            ? 2
            : this.changePieces.length > 0
              ? 1
              : 0;
    const w = this.output.writer;
    w.reset();
    w.writeArrayHeader(HEADER_LENGTH + sections);
    w.writeInt(now.tick);
    if (base === undefined) w.writeNil();
    else w.writeInt(now.tick - base.tick);
    // In a delta, relative to the baseline's (the client holds it): small, as inputs come once per tick.
    w.writeInt(base === undefined ? header.lastInputSeq : header.lastInputSeq - baseSeq);
    w.writeInt(now.tick - header.lastInputTick);
    w.writeInt(header.inputQueueDepth);
    const arena = this.cache.arena.bytes;
    if (sections >= 1) {
      w.writeArrayHeader(this.changeElements);
      writePieces(w, arena, this.changePieces);
    }
    if (sections >= 2) {
      w.writeArrayHeader(this.enterElements);
      writePieces(w, arena, this.enterPieces);
    }
    if (sections >= 3) {
      w.writeArrayHeader(this.leaves.length);
      for (let k = 0; k < this.leaves.length; k++) w.writeInt(this.leaves.data[k]);
    }
    if (sections >= 4) {
      w.writeArrayHeader(eventCount * 2);
      for (let seq = firstSeq; seq <= now.seq; seq++) {
        const committed = this.committedAt(seq);
        const all = seq === now.seq;
        if (!all && committed.reliableCount === 0) continue;
        let start = 0;
        for (let e = 0; e < committed.eventCount; e++) {
          const end = committed.eventEnds[e];
          if (all || committed.eventReliable[e] === 1) {
            w.writeInt(now.tick - committed.eventTicks[e]);
            w.writeRaw(committed.eventBytes, start, end - start);
          }
          start = end;
        }
      }
    }
    return this.output.slab.copy(w.bytes, w.pos);
  }

  private committedAt(seq: number): CommittedTick {
    const committed = this.history.bySeq(seq);
    if (committed === undefined) throw new Error(`internal: commit #${seq} is not in the ring`);
    return committed;
  }

  private own(client: ReplicationClient): ClientState {
    if (!(client instanceof ClientState) || client.owner !== this) {
      throw new TypeError('client does not belong to this Replicator');
    }
    if (client.removed) throw new Error(`client ${client.id} was removed`);
    return client;
  }
}

function writePieces(w: MsgpackWriter, arena: Uint8Array, pieces: NumberList): void {
  const data = pieces.data;
  for (let k = 0; k < pieces.length; k += 2) w.writeRaw(arena, data[k], data[k + 1]);
}

function indexOf(tick: CommittedTick, id: number): number {
  const index = tick.indexOf(id);
  if (index < 0) throw new Error(`internal: entity ${id} is not in tick ${tick.tick}`);
  return index;
}

/** Fills `into` (reused from commit to commit: no array per commit) with `views` sorted by id. */
function sortById(views: readonly EntityView[], into: EntityView[]): EntityView[] {
  let sorted = true;
  into.length = views.length;
  for (let i = 0; i < views.length; i++) {
    into[i] = views[i];
    if (i > 0 && views[i].id <= views[i - 1].id) sorted = false;
  }
  if (sorted) return into;
  into.sort(byId);
  for (let i = 1; i < into.length; i++) {
    if (into[i].id === into[i - 1].id) throw new TypeError(`duplicate entity id ${into[i].id}`);
  }
  return into;
}

const byId = (a: EntityView, b: EntityView): number => a.id - b.id;

function checkHeader(tick: number, header: SnapshotHeader): void {
  if (
    !Number.isSafeInteger(header.lastInputSeq) ||
    // A delta sends it relative to the baseline's: keep every difference of two of them a safe integer.
    Math.abs(header.lastInputSeq) >= DELTA_VALUE_LIMIT ||
    !Number.isSafeInteger(header.lastInputTick) ||
    !Number.isSafeInteger(tick - header.lastInputTick) ||
    !Number.isSafeInteger(header.inputQueueDepth) ||
    header.inputQueueDepth < 0
  ) {
    throw new RangeError(
      `bad snapshot header ${header.lastInputSeq}/${header.lastInputTick}/${header.inputQueueDepth}`,
    );
  }
}
