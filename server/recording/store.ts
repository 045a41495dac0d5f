// The recordings directory: one `<start>-<roomId>.rec` file per match (a room running several matches has several), an in-memory index of their
// metadata (built at start-up from each file's header and end record, kept current while recording),
// listing newest first, and retention by count and total bytes.

import { open, mkdir, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PlayerScore, ScoreColumn } from '../../shared/game/game-definition.js';
import {
  RECORDING_EXTENSION,
  findEndRecord,
  readHeader,
  readRecording,
  type EndRecord,
  type HeaderRecord,
} from '../../shared/recording/index.js';
import type { Logger } from '../logger.js';

export interface MatchPlayer {
  readonly playerId: number;
  readonly name: string;
}

/** What GET /api/matches lists for each recording. */
export interface MatchSummary {
  readonly id: string;
  readonly roomId: string;
  /** Which match of its room (from 1): a room running matches back to back has one recording per match. */
  readonly match: number;
  readonly game: string;
  readonly map: string | null;
  /** ISO 8601. */
  readonly startTime: string;
  readonly endTime: string | null;
  readonly durationSec: number;
  readonly ticks: number;
  readonly tickRate: number;
  /** Everyone who played, in join order. */
  readonly players: readonly MatchPlayer[];
  /** The game's score columns: the keys of each score's values, with their labels; the first ranks. */
  readonly scoreColumns: readonly ScoreColumn[];
  /** Final scores, best first (null while live, or when the recording has no end record). */
  readonly scores: readonly PlayerScore[] | null;
  /** Bytes of the file. */
  readonly size: number;
  /** Still being recorded by this server. */
  readonly live: boolean;
  /** Has its end record (false for live recordings and for files cut off by a crash). */
  readonly complete: boolean;
  readonly endReason: string | null;
}

interface Entry {
  id: string;
  file: string;
  header: HeaderRecord;
  lastTick: number;
  players: MatchPlayer[];
  end: EndRecord | null;
  size: number;
  live: boolean;
}

/**
 * A change of a listed recording, for observers that mirror the store (the cluster's match index):
 * 'progress' while it is being written (often: coalesce), 'updated' when it begins or finishes,
 * 'removed' when it is discarded or deleted by retention.
 */
export type StoreChange = 'progress' | 'updated' | 'removed';
export type StoreListener = (id: string, change: StoreChange) => void;

export interface RecordingStoreOptions {
  readonly dir: string;
  readonly maxCount: number;
  readonly maxBytes: number;
  readonly log?: Logger;
}

const ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[A-Za-z0-9_-]{1,64}$/;
const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 256 * 1024;

/** The recording id (and file name without extension): start time (ISO, ':' as '-') and room id. */
export function recordingId(startTime: number, roomId: string): string {
  return `${new Date(startTime).toISOString().replace(/:/g, '-')}-${roomId}`;
}

export function isRecordingId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export class RecordingStore {
  readonly dir: string;
  private readonly entries = new Map<string, Entry>();
  /**
   * Files named like recordings that this build cannot read (another format version, a damaged header):
   * not listed, but counted by retention and deleted by it like the others, oldest first.
   */
  private readonly unreadable = new Map<string, { file: string; size: number }>();
  private readonly log: Logger | undefined;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly options: RecordingStoreOptions) {
    this.dir = resolve(options.dir);
    this.log = options.log;
  }

  /** Creates the directory, indexes the recordings in it and applies retention. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((n) => n.endsWith(RECORDING_EXTENSION));
    for (const name of names) {
      const id = name.slice(0, -RECORDING_EXTENSION.length);
      if (!isRecordingId(id) || this.entries.has(id)) continue;
      try {
        const entry = await this.indexFile(id, join(this.dir, name));
        this.entries.set(id, entry);
      } catch (err) {
        const file = join(this.dir, name);
        this.unreadable.set(id, { file, size: (await stat(file)).size });
        this.log?.warn('recording not indexed (kept until retention deletes it)', { file: name, err: (err as Error).message });
      }
    }
    await this.applyRetention();
  }

  /** Calls listener on every change of a listed recording (it must be cheap and must not throw); returns the unsubscribe. */
  observe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(id: string, change: StoreChange): void {
    for (const listener of this.listeners) listener(id, change);
  }

  private async indexFile(id: string, file: string): Promise<Entry> {
    const { size } = await stat(file);
    const fh = await open(file, 'r');
    try {
      const head = new Uint8Array(Math.min(size, HEAD_BYTES));
      await fh.read(head, 0, head.length, 0);
      const header = await readHeader(head);
      const tailStart = Math.max(0, size - TAIL_BYTES);
      const tail = new Uint8Array(size - tailStart);
      await fh.read(tail, 0, tail.length, tailStart);
      const found = await findEndRecord(tail, tailStart);
      if (found) {
        const end = found.record;
        return { id, file, header, lastTick: end.tick, players: end.players.map(({ playerId, name }) => ({ playerId, name })), end, size, live: false };
      }
    } finally {
      await fh.close();
    }
    // No end record: a recording cut off by a crash. Read it whole for its length and players.
    const recording = await readRecording(new Uint8Array(await readFile(file)));
    const players: MatchPlayer[] = [];
    for (const { record } of recording.entries) {
      if (record.type === 'join') players.push({ playerId: record.playerId, name: record.name });
    }
    return { id, file, header: recording.header, lastTick: recording.lastTick, players, end: null, size, live: false };
  }

  /** Registers a recording about to be written; returns its id and file path. */
  begin(header: HeaderRecord): { id: string; file: string } {
    let id = recordingId(header.startTime, header.roomId);
    for (let n = 2; this.entries.has(id); n++) id = recordingId(header.startTime, `${header.roomId}-${n}`);
    const file = join(this.dir, `${id}${RECORDING_EXTENSION}`);
    this.entries.set(id, { id, file, header, lastTick: header.startTick, players: [], end: null, size: 0, live: true });
    this.notify(id, 'updated');
    return { id, file };
  }

  /** Live progress of a recording being written. */
  progress(id: string, lastTick: number, players: readonly MatchPlayer[], size: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.lastTick = lastTick;
    entry.players = players.map(({ playerId, name }) => ({ playerId, name }));
    entry.size = size;
    this.notify(id, 'progress');
  }

  /**
   * The recording is finished. end is null when it stopped without an end record (a write error, a failed
   * tick); lastTick is then the last tick it holds, when known.
   */
  async finish(id: string, end: EndRecord | null, size: number, lastTick?: number): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.live = false;
    entry.end = end;
    entry.size = size;
    if (lastTick !== undefined) entry.lastTick = lastTick;
    if (end) {
      entry.lastTick = end.tick;
      entry.players = end.players.map(({ playerId, name }) => ({ playerId, name }));
    }
    this.notify(id, 'updated');
    await this.applyRetention();
  }

  /** Forgets a recording and deletes its file (e.g. a room nobody ever joined). */
  async discard(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.notify(id, 'removed');
    await unlink(entry.file).catch(() => {});
  }

  get size(): number {
    return this.entries.size;
  }

  get totalBytes(): number {
    let n = 0;
    for (const e of this.entries.values()) n += e.size;
    return n;
  }

  /** Newest first. */
  list(offset = 0, limit = 50): { total: number; matches: MatchSummary[] } {
    const all = [...this.entries.values()].sort(newestFirst);
    return { total: all.length, matches: all.slice(offset, offset + limit).map(summaryOf) };
  }

  get(id: string): MatchSummary | null {
    const entry = this.entries.get(id);
    return entry ? summaryOf(entry) : null;
  }

  /** The file of a recording and its current size, or null. */
  fileOf(id: string): { file: string; size: number; live: boolean } | null {
    const entry = this.entries.get(id);
    return entry ? { file: entry.file, size: entry.size, live: entry.live } : null;
  }

  /**
   * Deletes the oldest finished recordings beyond maxCount or maxBytes (live ones are never deleted);
   * unreadable files count and go by the start time in their name.
   */
  async applyRetention(): Promise<void> {
    const files = [
      ...[...this.entries.values()].map((e) => ({ id: e.id, file: e.file, size: e.size, live: e.live, time: e.header.startTime })),
      ...[...this.unreadable].map(([id, u]) => ({ id, file: u.file, size: u.size, live: false, time: idTime(id) })),
    ].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    let count = files.length;
    let bytes = files.reduce((n, f) => n + f.size, 0);
    for (const f of files) {
      if (count <= this.options.maxCount && bytes <= this.options.maxBytes) break;
      if (f.live) continue;
      if (this.entries.delete(f.id)) this.notify(f.id, 'removed');
      this.unreadable.delete(f.id);
      count--;
      bytes -= f.size;
      try {
        await unlink(f.file);
        this.log?.info('recording deleted by retention', { id: f.id, size: f.size });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log?.warn('recording not deleted', { id: f.id, err: (err as Error).message });
      }
    }
  }
}

/** The start time a recording id names (its first 24 characters, ':' written as '-'). */
function idTime(id: string): number {
  return Date.parse(id.slice(0, 24).replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));
}

function newestFirst(a: Entry, b: Entry): number {
  return b.header.startTime - a.header.startTime || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

function summaryOf(e: Entry): MatchSummary {
  const ticks = e.lastTick - e.header.startTick;
  return {
    id: e.id,
    roomId: e.header.roomId,
    match: e.header.match,
    game: e.header.game,
    map: e.header.map,
    startTime: new Date(e.header.startTime).toISOString(),
    endTime: e.end ? new Date(e.end.endTime).toISOString() : null,
    durationSec: Math.round((ticks / e.header.tickRate) * 10) / 10,
    ticks,
    tickRate: e.header.tickRate,
    players: e.players,
    scoreColumns: e.header.scoreColumns,
    scores: e.end ? e.end.scores : null,
    size: e.size,
    live: e.live,
    complete: e.end !== null,
    endReason: e.end ? e.end.reason : null,
  };
}
