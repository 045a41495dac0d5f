// Recording for a GameServer: the store, one RoomRecorder per room, the HTTP API, and finalization of
// every recording on shutdown.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GameEvent } from '../../shared/codec/schema.js';
import type { EntityView } from '../../shared/codec/schema.js';
import type { AppliedInput, Room, RoomObserver } from '../room.js';
import { handleRecordingApi } from './http-api.js';
import { RoomRecorder, type RoomRecorderOptions } from './recorder.js';
import { RecordingStore } from './store.js';

export interface RecordingServiceOptions extends Omit<RoomRecorderOptions, 'store'> {
  readonly dir: string;
  readonly maxCount: number;
  readonly maxBytes: number;
}

export class RecordingService {
  readonly store: RecordingStore;
  private readonly recorders = new Set<RoomRecorder>();
  private readonly rooms = new Map<RoomRecorder, Room>();

  constructor(private readonly options: RecordingServiceOptions) {
    this.store = new RecordingStore({ dir: options.dir, maxCount: options.maxCount, maxBytes: options.maxBytes, log: options.log });
  }

  /** Indexes the recordings directory (creating it) and applies retention. */
  start(): Promise<void> {
    return this.store.init();
  }

  /** The observer that records a new room (pass it at the room's creation). */
  observeRoom(roomId: string): RoomObserver {
    const recorder = new RoomRecorder(roomId, { ...this.options, store: this.store });
    this.recorders.add(recorder);
    void recorder.done.then(() => {
      this.recorders.delete(recorder);
      this.rooms.delete(recorder);
    });
    // Remember the room so close() can finalize one that was never closed.
    const remember = (room: Room) => {
      if (!this.rooms.has(recorder)) this.rooms.set(recorder, room);
    };
    return {
      onPlayerJoined: (room, tick, playerId, name) => {
        remember(room);
        recorder.onPlayerJoined(room, tick, playerId, name);
      },
      onPlayerLeft: (room, tick, playerId) => recorder.onPlayerLeft(room, tick, playerId),
      onTick: (room: Room, tick: number, applied: readonly AppliedInput[], events: readonly GameEvent[]) => {
        remember(room);
        recorder.onTick(room, tick, applied, events);
      },
      onClosed: (room, reason) => recorder.onClosed(room, reason),
    };
  }

  /** Live recordings. */
  get active(): number {
    return this.recorders.size;
  }

  /** Serves /api/matches...; answers 404 for other /api paths. */
  handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): void {
    handleRecordingApi(this.store, req, res, url);
  }

  /** Finalizes every recording (rooms still open are ended with reason 'shutdown') and waits for the files. */
  async close(): Promise<void> {
    for (const recorder of this.recorders) {
      const room = this.rooms.get(recorder);
      if (room && !recorder.isClosing) recorder.finalize(room, 'shutdown');
    }
    await Promise.all([...this.recorders].map((r) => r.done));
  }
}

/** One observer that calls several (e.g. the recorder and a test's observer), in order. */
export function combineObservers(...observers: (RoomObserver | undefined)[]): RoomObserver | undefined {
  const list = observers.filter((o): o is RoomObserver => o !== undefined);
  if (list.length <= 1) return list[0];
  return {
    onPlayerJoined: (room, tick, playerId, name) => list.forEach((o) => o.onPlayerJoined?.(room, tick, playerId, name)),
    onPlayerLeft: (room, tick, playerId) => list.forEach((o) => o.onPlayerLeft?.(room, tick, playerId)),
    onTick: (room, tick, applied, events) => list.forEach((o) => o.onTick?.(room, tick, applied, events)),
    onSnapshot: (room: Room, tick: number, views: readonly EntityView[]) => list.forEach((o) => o.onSnapshot?.(room, tick, views)),
    onClosed: (room, reason) => list.forEach((o) => o.onClosed?.(room, reason)),
  };
}
