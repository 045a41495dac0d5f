// Spatial interest management: a uniform grid over the entities of the latest tick.
//
// A client sees every entity in the (2R+1) x (2R+1) block of cells around the cell of its focus, where
// R = ceil(interestRadius / cellSize) (3x3 with the default cellSize = interestRadius), plus every entity
// of a global kind. That covers at least the square of half-side interestRadius around the focus. Because
// the visible set depends only on the focus *cell*, it is computed once per distinct cell per tick and
// shared by every client in that cell (a true radius test would cost a scan per client).
//
// A room's few dozen entities are not worth the grid: up to scanLimit entities, a list is built by testing
// each entity's cell against the focus block, in view order (ids ascending already, so nothing to sort),
// which costs less than looking up nine cells (keys above 2^31 are hashed as heap numbers) and sorting.
// Both ways give the same list.
//
// A list's ids are immutable and shared (clients' sent histories keep them): a cell that sees the same
// ids as before hands out the same array, so a steady room allocates no lists at all, and a tick whose
// entities are the previous tick's in the same cells does not even scan.
//
// Hysteresis: an entity the client already has is kept (not sent a leave) while it stays within
// R + keepCells cells of the focus cell, so a player wobbling across a cell border does not make a whole
// column of cells leave and re-enter every tick. The replicator applies that per client (keeps()).

import type { EntityView } from './schema.js';
import type { ReplicatorStats } from './replicator-stats.js';

/**
 * The entities visible from one focus cell: ids ascending, with their indices in the tick's views. `ids`
 * is immutable (clients' sent histories keep it) and the same array for as long as the cell sees the same
 * ids; `indices` are the current tick's, valid until the next commit (the cell's list object is reused).
 */
export interface InterestList {
  readonly ids: readonly number[];
  readonly indices: readonly number[];
}

/**
 * A focus cell's interest list, the very object handed out (one object per cached cell), and the last
 * generation (commit) it is known current at.
 */
interface CellList extends InterestList {
  currentAt: number;
  ids: readonly number[];
  readonly indices: number[];
}

/**
 * Every this many commits, the lists of cells no client focused on since the sweep before are forgotten:
 * the cache holds the cells in use (a few per room), not every cell players ever crossed, which over a
 * match is most of the map. A forgotten cell that comes back into focus is built again, once.
 */
const LIST_SWEEP_EVERY = 64;

/** Cell coordinates are clamped so that a cell key stays an exact integer (< 2^52). */
const CELL_LIMIT = 2 ** 24;
const KEY_OFFSET = 2 ** 25;
const KEY_SCALE = 2 ** 26;
/**
 * Cells within +-2^14 on both axes (every real map) get keys below 2^30: small integers, which V8 keeps
 * unboxed, so a Map lookup by cell allocates nothing (a key above 2^31 is a heap number: one per lookup,
 * i.e. per client per snapshot). The others keep the wide keys, all >= 2^50: the two ranges never meet.
 */
const SMALL_OFFSET = 2 ** 14;
const SMALL_SCALE = 2 ** 15;
const GLOBALS_ONLY_KEY = -1;
/** Up to this many entities in a tick, lists are built by scanning them (see above). */
export const DEFAULT_SCAN_LIMIT = 128;

export class InterestGrid {
  /** Cell coordinates of each entity of the current tick, by view index (0 for globals). */
  private cellX = new Int32Array(0);
  private cellY = new Int32Array(0);
  private readonly cells = new Map<number, number[]>();
  private readonly globals: number[] = [];
  /** The tick's ids by view index, and whether each is of a global kind: scans read these, not the views. */
  private ids = new Float64Array(0);
  private isGlobal = new Uint8Array(0);
  /** Entities of the current tick. */
  private count = 0;
  /**
   * The list of each focus cell, by cell key, kept from tick to tick (never cleared: clearing a Map
   * allocates a new table, and refilling it grows one, every tick): current when built at or after
   * layoutChangedAt; rebuilt otherwise, keeping its ids array when the cell sees the same ids. Cells out
   * of focus for a sweep period are dropped (LIST_SWEEP_EVERY).
   */
  private readonly lists = new Map<number, CellList>();
  /** Commits seen (rebuild calls). */
  private generation = 0;
  /**
   * The last generation whose entities (ids by index, cells, global or not) differ from the one before:
   * every list depends on those alone, so a list built since is still exact. Entities cross cells now
   * and then, so most ticks of a room need no list rebuilt at all.
   */
  private layoutChangedAt = 0;
  /** Scratch for a new list's ids (idsAt). */
  private readonly idsScratch: number[] = [];
  /** Scratch for gathering and sorting a list's indices (no typed-array allocation per list). */
  private gather = new Int32Array(256);

  constructor(
    readonly cellSize: number,
    /** R: rings of cells around the focus cell that are visible. */
    readonly rings: number,
    /** Extra rings within which an entity the client already has is kept. */
    readonly keepCells: number,
    private readonly isGlobalKind: readonly boolean[],
    private readonly stats: ReplicatorStats,
    private readonly scanLimit = DEFAULT_SCAN_LIMIT,
  ) {}

  /** Indexes the views (sorted by id) of a newly committed tick; lists stay current unless its entities moved cell. */
  rebuild(views: readonly EntityView[]): void {
    this.generation++;
    if (this.generation % LIST_SWEEP_EVERY === 0) {
      const idleBefore = this.generation - LIST_SWEEP_EVERY;
      for (const [key, cell] of this.lists) if (cell.currentAt < idleBefore) this.lists.delete(key);
    }
    // Emptied, not replaced (lists copy what they need from them); an empty Map is not cleared (that allocates).
    if (this.cells.size > 0) this.cells.clear();
    this.globals.length = 0;
    let changed = views.length !== this.count;
    if (this.cellX.length < views.length) {
      this.cellX = new Int32Array(views.length * 2);
      this.cellY = new Int32Array(views.length * 2);
      this.ids = new Float64Array(views.length * 2);
      this.isGlobal = new Uint8Array(views.length * 2);
      changed = true;
    }
    this.count = views.length;
    const indexCells = views.length > this.scanLimit;
    // Each entry is compared with the previous tick's before it is overwritten.
    for (let i = 0; i < views.length; i++) {
      const view = views[i];
      if (this.ids[i] !== view.id) changed = true;
      this.ids[i] = view.id;
      const global = this.isGlobalKind[view.kind] ? 1 : 0;
      const cx = global ? 0 : this.cellOf(view.x);
      const cy = global ? 0 : this.cellOf(view.y);
      if (this.isGlobal[i] !== global || this.cellX[i] !== cx || this.cellY[i] !== cy) changed = true;
      this.isGlobal[i] = global;
      this.cellX[i] = cx;
      this.cellY[i] = cy;
      if (global) {
        this.globals.push(i);
        continue;
      }
      if (!indexCells) continue;
      const key = cellKey(cx, cy);
      const cell = this.cells.get(key);
      if (cell === undefined) this.cells.set(key, [i]);
      else cell.push(i);
    }
    if (changed) this.layoutChangedAt = this.generation;
  }

  /** Focus cells whose lists are cached (for tests: bounded by the cells in recent focus, not by ticks or the map). */
  get cachedCells(): number {
    return this.lists.size;
  }

  cellOf(coordinate: number): number {
    const c = Math.floor(coordinate / this.cellSize);
    return c < -CELL_LIMIT ? -CELL_LIMIT : c > CELL_LIMIT ? CELL_LIMIT : c;
  }

  /** What a client focused at `focus` sees (cached per focus cell); null sees global entities only. */
  listFor(focus: { readonly x: number; readonly y: number } | null): InterestList {
    const cx = focus === null ? 0 : this.cellOf(focus.x);
    const cy = focus === null ? 0 : this.cellOf(focus.y);
    const key = focus === null ? GLOBALS_ONLY_KEY : cellKey(cx, cy);
    const cached = this.lists.get(key);
    if (cached !== undefined && cached.currentAt >= this.layoutChangedAt) {
      cached.currentAt = this.generation;
      this.stats.interestReused++;
      return cached;
    }
    this.stats.interestBuilt++;
    const count = this.count <= this.scanLimit ? this.scan(focus === null, cx, cy) : this.lookUp(focus === null, cx, cy);
    const gather = this.gather;
    if (cached === undefined) {
      const indices = Array.from(gather.subarray(0, count));
      const list: CellList = { currentAt: this.generation, ids: this.idsAt(gather, count), indices };
      this.lists.set(key, list);
      return list;
    }
    cached.currentAt = this.generation;
    // A new ids array only when the cell sees other ids: an array kept by sent histories for a few ticks
    // outlives the young generation, so each new one ends up as old-generation garbage.
    if (!sameIds(cached.ids, gather, count, this.ids)) cached.ids = this.idsAt(gather, count);
    const indices = cached.indices;
    for (let k = 0; k < count; k++) indices[k] = gather[k];
    indices.length = count;
    return cached;
  }

  /**
   * The ids of the entities at gather[0, count), in a new array of exactly that size (gathered in a scratch
   * array, then copied: an array grown by push keeps up to half again its length in spare slots, and every
   * list's ids are kept for a while by the grid and by clients' sent histories).
   */
  private idsAt(gather: Int32Array, count: number): number[] {
    const scratch = this.idsScratch;
    for (let k = 0; k < count; k++) scratch[k] = this.ids[gather[k]];
    return scratch.slice(0, count);
  }

  /** Gathers the list's indices by testing every entity (views are sorted by id, so they come out sorted); returns their count. */
  private scan(globalsOnly: boolean, cx: number, cy: number): number {
    const n = this.count;
    const r = this.rings;
    if (this.gather.length < n) this.gather = new Int32Array(n * 2);
    const gather = this.gather;
    const { isGlobal, cellX, cellY } = this;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (isGlobal[i] === 1 || (!globalsOnly && Math.abs(cellX[i] - cx) <= r && Math.abs(cellY[i] - cy) <= r)) gather[count++] = i;
    }
    return count;
  }

  /** Gathers the list's indices from the cells around the focus cell, sorted; returns their count. */
  private lookUp(globalsOnly: boolean, cx: number, cy: number): number {
    let count = this.append(0, this.globals);
    if (!globalsOnly) {
      const r = this.rings;
      for (let x = cx - r; x <= cx + r; x++) {
        for (let y = cy - r; y <= cy + r; y++) {
          const cell = this.cells.get(cellKey(x, y));
          if (cell !== undefined) count = this.append(count, cell);
        }
      }
    }
    // Views are sorted by id, so sorting indices numerically sorts by id (native numeric sort, in place).
    this.gather.subarray(0, count).sort();
    return count;
  }

  /** Appends `indices` to the gather scratch at `count`; returns the new count. */
  private append(count: number, indices: readonly number[]): number {
    if (count + indices.length > this.gather.length) {
      const grown = new Int32Array(Math.max(this.gather.length * 2, count + indices.length));
      grown.set(this.gather.subarray(0, count));
      this.gather = grown;
    }
    for (let i = 0; i < indices.length; i++) this.gather[count + i] = indices[i];
    return count + indices.length;
  }

  /**
   * Whether the entity at `index` is close enough to the focus cell (focusCx, focusCy) to be kept by a
   * client that already has it.
   */
  keeps(index: number, focusCx: number, focusCy: number): boolean {
    const reach = this.rings + this.keepCells;
    return Math.abs(this.cellX[index] - focusCx) <= reach && Math.abs(this.cellY[index] - focusCy) <= reach;
  }
}

/** Whether `listIds` are exactly the ids of the entities at gather[0, count) (`ids` by view index). */
function sameIds(listIds: readonly number[], gather: Int32Array, count: number, ids: Float64Array): boolean {
  if (listIds.length !== count) return false;
  for (let k = 0; k < count; k++) if (listIds[k] !== ids[gather[k]]) return false;
  return true;
}

function cellKey(cx: number, cy: number): number {
  if (cx >= -SMALL_OFFSET && cx < SMALL_OFFSET && cy >= -SMALL_OFFSET && cy < SMALL_OFFSET) {
    return (cx + SMALL_OFFSET) * SMALL_SCALE + (cy + SMALL_OFFSET);
  }
  return (cx + KEY_OFFSET) * KEY_SCALE + (cy + KEY_OFFSET);
}
