// Entity interpolation: remote entities are drawn in the past, between the two buffered snapshots that
// bracket the render tick.
//
// - Position-like fields (InterpolationModel.lerpFields) are blended linearly, angles the short way
//   round; every other field takes the newer snapshot's value.
// - An entity that entered between two snapshots appears when the render tick reaches the snapshot it
//   first appears in, at that position (never slid in from an old position or the origin); one that
//   left stays where it was until the render tick reaches the snapshot it is gone from.
// - A jump farther than teleportDistance, or one the game flags as discontinuous (a respawn), is not
//   blended: the entity stays put until the newer snapshot's tick, then snaps.
// - Past the newest snapshot (the buffer ran dry: loss or a late packet) positions are extrapolated
//   from the last two snapshots' velocity, for at most maxExtrapolationMs, then held. When the real
//   snapshot shows up, the gap between where the entity was extrapolated to and where it really was is
//   smoothed out instead of snapped.

import type { EntityState, FieldValue } from '../codec/schema.js';
import { ErrorSmoother } from './error-smoother.js';
import type { InterpolationModel } from './session-types.js';

interface Buffered {
  readonly tick: number;
  readonly state: ReadonlyMap<number, EntityState>;
}

export interface InterpolationBufferOptions {
  readonly tickMs: number;
  readonly maxExtrapolationMs?: number;
  /** Smoothing of the error left by an extrapolation (default 100 ms). */
  readonly smoothingMs?: number;
  /** Snapshots kept at most (default 64). */
  readonly capacity?: number;
}

export interface Sample {
  readonly entities: Map<number, EntityState>;
  /** At least one entity was drawn extrapolated past the newest snapshot. */
  readonly extrapolated: boolean;
}

interface Track {
  /** Position of the last frame's sample, before any smoothing offset. */
  x: number;
  y: number;
  extrapolated: boolean;
  smoother: ErrorSmoother | null;
}

/** Where a render tick falls in the buffer. */
interface Bracket {
  /** Index of the newest snapshot at or before the tick (-1: before the oldest). */
  readonly index: number;
  /** Blend factor toward the next snapshot (interpolation) or ticks past the newest (extrapolation). */
  readonly t: number;
  readonly mode: 'before' | 'lerp' | 'extrapolate';
}

export class InterpolationBuffer {
  private snapshots: Buffered[] = [];
  private readonly tracks = new Map<number, Track>();
  private lastRenderTick: number | null = null;
  private readonly maxExtrapolationTicks: number;
  private readonly smoothingMs: number;
  private readonly capacity: number;

  constructor(
    private readonly model: InterpolationModel,
    options: InterpolationBufferOptions,
  ) {
    this.maxExtrapolationTicks = (options.maxExtrapolationMs ?? 100) / options.tickMs;
    this.smoothingMs = options.smoothingMs ?? 100;
    this.capacity = options.capacity ?? 64;
  }

  get newestTick(): number {
    return this.snapshots.length === 0 ? -1 : this.snapshots[this.snapshots.length - 1].tick;
  }

  get oldestTick(): number {
    return this.snapshots.length === 0 ? -1 : this.snapshots[0].tick;
  }

  get size(): number {
    return this.snapshots.length;
  }

  /** Buffers a snapshot's full entity state (snapshots arrive in tick order; older ones are ignored). */
  push(tick: number, state: ReadonlyMap<number, EntityState>): void {
    if (tick <= this.newestTick) return;
    this.snapshots.push({ tick, state });
    if (this.snapshots.length > this.capacity) this.snapshots.shift();
  }

  /** The entities as drawn at `renderTick` (fractional), except `excludeId` (the predicted local player). */
  sample(renderTick: number, now: number, excludeId?: number): Sample {
    const entities = new Map<number, EntityState>();
    if (this.snapshots.length === 0) return { entities, extrapolated: false };
    const bracket = this.bracket(renderTick);
    const previous = this.lastRenderTick === null ? null : this.bracket(this.lastRenderTick);
    let extrapolated = false;
    const seen = new Set<number>();

    for (const id of this.candidates(bracket)) {
      if (id === excludeId) continue;
      const drawn = this.entityAt(id, bracket);
      if (drawn === null) continue;
      seen.add(id);
      let entity = drawn.entity;
      const pos = this.model.positionFields(entity.kind);
      if (pos !== null) entity = this.smoothTrack(id, entity, pos, drawn.extrapolated, previous, now);
      if (drawn.extrapolated) extrapolated = true;
      entities.set(id, entity);
    }
    for (const id of this.tracks.keys()) if (!seen.has(id)) this.tracks.delete(id);
    this.lastRenderTick = renderTick;
    this.trim(bracket);
    return { entities, extrapolated };
  }

  reset(): void {
    this.snapshots = [];
    this.tracks.clear();
    this.lastRenderTick = null;
  }

  // ---- internals ----

  private bracket(renderTick: number): Bracket {
    const s = this.snapshots;
    if (renderTick < s[0].tick) return { index: -1, t: 0, mode: 'before' };
    let i = s.length - 1;
    while (i > 0 && s[i].tick > renderTick) i--;
    if (i === s.length - 1) {
      return { index: i, t: Math.min(renderTick - s[i].tick, this.maxExtrapolationTicks), mode: 'extrapolate' };
    }
    return { index: i, t: (renderTick - s[i].tick) / (s[i + 1].tick - s[i].tick), mode: 'lerp' };
  }

  private candidates(b: Bracket): Iterable<number> {
    const s = this.snapshots;
    if (b.mode === 'before') return s[0].state.keys();
    if (b.mode === 'extrapolate') return s[b.index].state.keys();
    // Entities in the older snapshot (held or blended); those only in the newer one enter later.
    return s[b.index].state.keys();
  }

  /** One entity at a bracket; null when it is not drawn there. */
  private entityAt(id: number, b: Bracket): { entity: EntityState; extrapolated: boolean } | null {
    const s = this.snapshots;
    if (b.mode === 'before') {
      const e = s[0].state.get(id);
      return e ? { entity: e, extrapolated: false } : null;
    }
    const older = s[b.index].state.get(id);
    if (!older) return null;
    if (b.mode === 'lerp') {
      const newer = s[b.index + 1].state.get(id);
      // Left (or replaced by another kind) at the newer snapshot: hold until then.
      if (!newer || newer.kind !== older.kind || this.isJump(older, newer)) return { entity: older, extrapolated: false };
      return { entity: this.blend(older, newer, b.t), extrapolated: false };
    }
    // Extrapolate from the velocity between the two newest snapshots holding the entity.
    if (b.t <= 0 || b.index === 0) return { entity: older, extrapolated: false };
    const pos = this.model.positionFields(older.kind);
    const before = s[b.index - 1].state.get(id);
    if (pos === null || !before || before.kind !== older.kind || this.isJump(before, older)) {
      return { entity: older, extrapolated: false };
    }
    const span = s[b.index].tick - s[b.index - 1].tick;
    const values = older.values.slice();
    let moved = false;
    for (const f of [pos.x, pos.y]) {
      const a = before.values[f];
      const c = older.values[f];
      if (typeof a !== 'number' || typeof c !== 'number' || a === c) continue;
      values[f] = c + ((c - a) / span) * b.t;
      moved = true;
    }
    return moved ? { entity: { id, kind: older.kind, values }, extrapolated: true } : { entity: older, extrapolated: false };
  }

  private isJump(older: EntityState, newer: EntityState): boolean {
    if (this.model.discontinuous?.(older, newer)) return true;
    const pos = this.model.positionFields(older.kind);
    if (pos === null) return false;
    const dx = num(newer.values[pos.x]) - num(older.values[pos.x]);
    const dy = num(newer.values[pos.y]) - num(older.values[pos.y]);
    return dx * dx + dy * dy > this.model.teleportDistance * this.model.teleportDistance;
  }

  private blend(older: EntityState, newer: EntityState, t: number): EntityState {
    const values: FieldValue[] = newer.values.slice();
    for (const f of this.model.lerpFields(older.kind)) {
      const a = older.values[f];
      const b = newer.values[f];
      if (typeof a === 'number' && typeof b === 'number') values[f] = a + (b - a) * t;
    }
    for (const { index, steps } of this.model.angleFields(older.kind)) {
      const a = older.values[index];
      const b = newer.values[index];
      if (typeof a !== 'number' || typeof b !== 'number') continue;
      let d = (b - a) % steps;
      if (d > steps / 2) d -= steps;
      else if (d < -steps / 2) d += steps;
      const v = (a + d * t) % steps;
      values[index] = v < 0 ? v + steps : v;
    }
    return { id: newer.id, kind: newer.kind, values };
  }

  /**
   * Continuity across extrapolation: when an entity drawn extrapolated last frame is now drawn from
   * real data, the difference between where it was drawn and where the real data puts it at that same
   * render tick becomes an offset that decays (snapping beyond the teleport distance).
   */
  private smoothTrack(
    id: number,
    entity: EntityState,
    pos: { x: number; y: number },
    extrapolated: boolean,
    previous: Bracket | null,
    now: number,
  ): EntityState {
    const x = num(entity.values[pos.x]);
    const y = num(entity.values[pos.y]);
    let track = this.tracks.get(id);
    if (track === undefined) {
      track = { x, y, extrapolated, smoother: null };
      this.tracks.set(id, track);
      return entity;
    }
    if (track.extrapolated && previous !== null) {
      const redrawn = this.entityAt(id, previous);
      if (redrawn !== null && !redrawn.extrapolated) {
        const dx = track.x - num(redrawn.entity.values[pos.x]);
        const dy = track.y - num(redrawn.entity.values[pos.y]);
        track.smoother ??= new ErrorSmoother(this.smoothingMs, this.model.teleportDistance);
        track.smoother.add(dx, dy, now);
      }
    }
    track.x = x;
    track.y = y;
    track.extrapolated = extrapolated;
    if (track.smoother !== null) {
      const o = track.smoother.offset(now);
      if (o.x !== 0 || o.y !== 0) {
        const values = entity.values.slice();
        values[pos.x] = x + o.x;
        values[pos.y] = y + o.y;
        entity = { id: entity.id, kind: entity.kind, values };
      }
    }
    return entity;
  }

  /** Drops snapshots older than the one before the bracket (kept to redraw the previous frame). */
  private trim(b: Bracket): void {
    const drop = b.index - 2;
    if (drop > 0) this.snapshots.splice(0, drop);
  }
}

function num(v: FieldValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}
