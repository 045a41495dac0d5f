// The owner's side of the directory: the latest report of every room this node owns (republished whole
// after a re-registration or a Redis restart: that is how the directory is rebuilt), the changes not yet
// sent (coalesced: one entry per room, latest state wins), and the tickets redeemed since a room's last
// report. A redeemed ticket keeps its seat counted in the directory until a report that already includes
// its player arrives ("settles" it), so there is no moment at which the seat counts neither as a
// reservation nor as a player.

import type { RoomReport } from './room-directory.js';

export interface ReportBatch {
  /** Rooms to write, each with the tickets whose players its report includes. */
  readonly updates: readonly { readonly report: RoomReport; readonly settled: readonly string[] }[];
  /** Rooms this node closed. */
  readonly removals: readonly string[];
}

export class OwnedRooms {
  private readonly rooms = new Map<string, RoomReport>();
  /** Tickets redeemed whose players no report has included yet, per room. */
  private readonly redeemed = new Map<string, string[]>();
  /** Rooms changed since the last batch -> tickets their next report settles. */
  private readonly dirty = new Map<string, string[]>();
  private readonly removed = new Set<string>();

  get hasPending(): boolean {
    return this.dirty.size > 0 || this.removed.size > 0;
  }

  /** Every room this node owns, as last reported. */
  all(): RoomReport[] {
    return [...this.rooms.values()];
  }

  noteRedeemed(roomId: string, ticket: string): void {
    const list = this.redeemed.get(roomId);
    if (list) list.push(ticket);
    else this.redeemed.set(roomId, [ticket]);
  }

  report(report: RoomReport): void {
    this.rooms.set(report.roomId, report);
    this.removed.delete(report.roomId);
    const settled = this.dirty.get(report.roomId) ?? [];
    const redeemed = this.redeemed.get(report.roomId);
    if (redeemed) {
      settled.push(...redeemed);
      this.redeemed.delete(report.roomId);
    }
    this.dirty.set(report.roomId, settled);
  }

  remove(roomId: string): void {
    this.rooms.delete(roomId);
    this.redeemed.delete(roomId);
    this.dirty.delete(roomId);
    this.removed.add(roomId);
  }

  /** Takes up to `max` pending changes out, to send. */
  takeBatch(max: number): ReportBatch {
    const updates: { report: RoomReport; settled: string[] }[] = [];
    const removals: string[] = [];
    for (const [roomId, settled] of this.dirty) {
      if (updates.length >= max) break;
      const report = this.rooms.get(roomId);
      if (report) updates.push({ report, settled });
      this.dirty.delete(roomId);
    }
    for (const roomId of this.removed) {
      if (updates.length + removals.length >= max) break;
      removals.push(roomId);
      this.removed.delete(roomId);
    }
    return { updates, removals };
  }

  /** Puts a batch that could not be sent back, under any change made since. */
  restore(batch: ReportBatch): void {
    for (const { report, settled } of batch.updates) {
      if (!this.rooms.has(report.roomId)) continue; // removed meanwhile: the removal is pending
      this.dirty.set(report.roomId, [...settled, ...(this.dirty.get(report.roomId) ?? [])]);
    }
    for (const roomId of batch.removals) if (!this.rooms.has(roomId)) this.removed.add(roomId);
  }

  /**
   * Every room, for a (re)registration that republishes them all: pending changes are part of it and are
   * dropped, and so are tickets redeemed under the previous registration (the republished player counts
   * include their players). Changes made after this call stay pending.
   */
  takeAllForRepublish(): RoomReport[] {
    this.dirty.clear();
    this.redeemed.clear();
    this.removed.clear();
    return this.all();
  }
}
