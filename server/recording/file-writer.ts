// Appends framed records to a recording file, in order, off the tick: each record is encoded when
// appended (the recorder appends after the tick, from setImmediate), then written one frame per write
// call, so a crash leaves whole frames plus at most one partial frame (which readers report as the
// truncation point).
//
// The server writes every record plain. Ticks records are packed varints that deflate barely shrinks,
// and deflating the keyframes (even at level 1) took about a tenth of the recorder's CPU for 6 % of the
// file (sim/bench/recording-bench.ts), which the 5 % CPU budget cannot spare. Given a `deflate`, the
// writer compresses keyframes as the format allows (readers accept either encoding).

import { open, type FileHandle } from 'node:fs/promises';
import {
  ENCODING_DEFLATE_RAW,
  ENCODING_MSGPACK,
  encodeFrame,
  encodePrelude,
  encodeRecordPayload,
  shouldCompress,
  type RecordingRecord,
} from '../../shared/recording/index.js';

export type SyncDeflate = (data: Uint8Array) => Uint8Array;

export class RecordingFileWriter {
  private handle: Promise<FileHandle> | null = null;
  private chain: Promise<void> = Promise.resolve();
  private written = 0;
  private error: Error | null = null;
  private closed = false;

  constructor(
    readonly path: string,
    /** Compresses keyframes when given; null: every record plain (the server's choice). */
    private readonly deflate: SyncDeflate | null = null,
  ) {}

  /** Bytes on disk so far (frames whose write completed). */
  get bytesWritten(): number {
    return this.written;
  }

  /** The first write error, after which nothing more is written. */
  get failed(): Error | null {
    return this.error;
  }

  /** Encodes (and compresses) a record now and queues its frame for writing. Returns the frame size. */
  append(record: RecordingRecord): number {
    if (this.closed) throw new Error('recording file writer is closed');
    if (this.error) return 0;
    const payload = encodeRecordPayload(record);
    let frame: Uint8Array | null = null;
    if (this.deflate !== null && shouldCompress(record, payload)) {
      const packed = this.deflate(payload);
      if (packed.length < payload.length) frame = encodeFrame(ENCODING_DEFLATE_RAW, packed);
    }
    frame ??= encodeFrame(ENCODING_MSGPACK, payload);
    const bytes = frame;
    this.enqueue((fh) => this.writeAll(fh, bytes));
    return bytes.length;
  }

  /** Resolves when everything appended so far is on disk (or writing failed). */
  flushed(): Promise<void> {
    return this.chain;
  }

  /** Writes what is queued and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return this.chain;
    this.closed = true;
    await this.chain;
    if (this.handle) {
      const fh = await this.handle.catch(() => null);
      await fh?.close().catch(() => {});
    }
  }

  private enqueue(task: (fh: FileHandle) => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.error) return;
      try {
        await task(await this.open());
      } catch (err) {
        this.error = err as Error;
      }
    });
  }

  private open(): Promise<FileHandle> {
    if (!this.handle) {
      this.handle = open(this.path, 'wx').then(async (fh) => {
        await this.writeAll(fh, encodePrelude());
        return fh;
      });
    }
    return this.handle;
  }

  private async writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, null);
      done += bytesWritten;
    }
    this.written += bytes.length;
  }
}
