// Reading a recording: prelude, then frame by frame (length, CRC-32, encoding, msgpack, record shape,
// record order). A file cut off mid-frame reads up to its last whole frame and says where it was cut; a
// damaged frame stops reading there with an error naming its offset and what is wrong. Only a file that
// is not a recording at all (or of another format version) throws.

import { Decoder } from '@msgpack/msgpack';
import { crc32 } from './crc32.js';
import { platformInflateRaw, type InflateFn } from './compression.js';
import {
  ENCODING_DEFLATE_RAW,
  ENCODING_MSGPACK,
  FRAME_HEADER_BYTES,
  MAX_FRAME_BODY_BYTES,
  PRELUDE_BYTES,
  READABLE_FORMAT_VERSIONS,
  RECORDING_FORMAT_VERSION,
  RECORDING_MAGIC,
  RecordingError,
  validateRecord,
  type EndRecord,
  type HeaderRecord,
  type RecordingRecord,
} from './format.js';

const recordDecoder = new Decoder({
  maxStrLength: 1 << 20,
  maxBinLength: MAX_FRAME_BODY_BYTES,
  maxArrayLength: 1 << 24,
  maxMapLength: 1 << 16,
  maxExtLength: 0,
});

export interface RecordEntry {
  /** Byte offset of the record's frame in the file. */
  readonly offset: number;
  /** Frame size in bytes (header included). */
  readonly size: number;
  readonly record: RecordingRecord;
}

export interface Recording {
  readonly version: number;
  readonly byteLength: number;
  readonly header: HeaderRecord;
  /** Every whole, valid record in file order; entries[0] is the header. */
  readonly entries: readonly RecordEntry[];
  readonly end: EndRecord | null;
  /** The last tick the readable records cover. */
  readonly lastTick: number;
  /** True when the recording ends with its end record and nothing is wrong with it. */
  readonly complete: boolean;
  /**
   * Where the readable part stops when the file was cut off: the offset of the incomplete frame, or the
   * file length when every frame is whole but the end record is missing (a crash between writes, or a
   * recording still being written). null for a complete recording.
   */
  readonly truncatedAt: number | null;
  /** Damage that stopped reading (the entries before it are sound), null if none. */
  readonly error: RecordingError | null;
}

export interface ReadOptions {
  readonly inflate?: InflateFn;
}

/** Checks magic and version; throws NOT_A_RECORDING, UNSUPPORTED_VERSION or TRUNCATED. */
export function readPrelude(bytes: Uint8Array): number {
  const magicLength = Math.min(bytes.length, RECORDING_MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== RECORDING_MAGIC[i]) {
      throw new RecordingError('NOT_A_RECORDING', 0, 'the file does not start with the recording magic bytes 89 47 52 45 43 0D 0A 1A ("\\x89GREC\\r\\n\\x1A")');
    }
  }
  if (bytes.length < PRELUDE_BYTES) {
    throw new RecordingError('TRUNCATED', 0, `the file is ${bytes.length} bytes long, shorter than the ${PRELUDE_BYTES}-byte prelude`);
  }
  const version = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (!READABLE_FORMAT_VERSIONS.includes(version)) {
    const readable = `versions ${listOf(READABLE_FORMAT_VERSIONS)}`;
    const which =
      version < RECORDING_FORMAT_VERSION
        ? `an older format than this build reads (${readable}); it cannot be replayed by this build — use the build that recorded it`
        : `newer than this build reads (${readable}); update the replay tools`;
    throw new RecordingError('UNSUPPORTED_VERSION', 8, `recording format version ${version} is ${which}`);
  }
  return version;
}

/** "2, 3 and 4". */
function listOf(items: readonly number[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

interface RawFrame {
  readonly offset: number;
  readonly size: number;
  readonly encoding: number;
  readonly payload: Uint8Array;
}

interface FrameScan {
  readonly frames: RawFrame[];
  /** Offset of an incomplete frame at the end of the data, if any. */
  readonly truncatedAt: number | null;
  readonly error: RecordingError | null;
}

/** Parses one frame at `offset`: a frame, 'truncated' if it runs past the end, or throws RecordingError. */
export function readFrameAt(bytes: Uint8Array, offset: number): RawFrame | 'truncated' {
  if (bytes.length - offset < FRAME_HEADER_BYTES) return 'truncated';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bodyLength = view.getUint32(offset, true);
  if (bodyLength < 1 || bodyLength > MAX_FRAME_BODY_BYTES) {
    throw new RecordingError('BAD_LENGTH', offset, `record length ${bodyLength} is impossible (1..${MAX_FRAME_BODY_BYTES}): the length field is corrupted`);
  }
  const start = offset + FRAME_HEADER_BYTES;
  const end = start + bodyLength;
  if (end > bytes.length) return 'truncated';
  const expected = view.getUint32(offset + 4, true);
  const actual = crc32(bytes, start, end);
  if (actual !== expected) {
    throw new RecordingError(
      'BAD_CHECKSUM',
      offset,
      `record of ${bodyLength} bytes fails its CRC-32 (stored ${hex(expected)}, computed ${hex(actual)}): the record is corrupted`,
    );
  }
  const encoding = bytes[start]!;
  if (encoding !== ENCODING_MSGPACK && encoding !== ENCODING_DEFLATE_RAW) {
    throw new RecordingError('BAD_ENCODING', offset, `unknown record encoding ${encoding} (0: msgpack, 1: deflate-raw)`);
  }
  return { offset, size: end - offset, encoding, payload: bytes.subarray(start + 1, end) };
}

function scanFrames(bytes: Uint8Array, from: number): FrameScan {
  const frames: RawFrame[] = [];
  let offset = from;
  while (offset < bytes.length) {
    let frame: RawFrame | 'truncated';
    try {
      frame = readFrameAt(bytes, offset);
    } catch (err) {
      if (err instanceof RecordingError) return { frames, truncatedAt: null, error: err };
      throw err;
    }
    if (frame === 'truncated') return { frames, truncatedAt: offset, error: null };
    frames.push(frame);
    offset += frame.size;
  }
  return { frames, truncatedAt: null, error: null };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

/** Turns a frame's payload into a validated record of a file of `formatVersion` (inflating it first when needed). */
export async function decodeFrame(frame: RawFrame, formatVersion: number, inflate: InflateFn = platformInflateRaw): Promise<RecordingRecord> {
  let payload = frame.payload;
  if (frame.encoding === ENCODING_DEFLATE_RAW) {
    try {
      payload = await inflate(payload, MAX_FRAME_BODY_BYTES);
    } catch (err) {
      throw new RecordingError('BAD_COMPRESSION', frame.offset, `compressed record does not inflate: ${(err as Error).message}`);
    }
  }
  return decodePayload(payload, frame.offset, formatVersion);
}

function decodePayload(payload: Uint8Array, offset: number, formatVersion: number): RecordingRecord {
  let value: unknown;
  try {
    value = recordDecoder.decode(payload);
  } catch (err) {
    throw new RecordingError('BAD_MSGPACK', offset, `record is not valid msgpack: ${(err as Error).message}`);
  }
  try {
    return validateRecord(value, formatVersion);
  } catch (err) {
    throw new RecordingError('BAD_RECORD', offset, (err as Error).message);
  }
}

/** Follows the tick through the records; returns an error message when `record` is out of order. */
class OrderCheck {
  tick = 0;
  private sawHeader = false;
  private sawEnd = false;
  /** A recording that starts after tick 0 starts from a keyframe of its start tick: the record after the header. */
  private needKeyframe = false;

  check(record: RecordingRecord): string | null {
    if (!this.sawHeader) {
      if (record.type !== 'header') return `the first record must be the header, found a ${record.type} record`;
      this.sawHeader = true;
      this.tick = record.startTick;
      this.needKeyframe = record.startTick > 0;
      return null;
    }
    if (this.sawEnd) return `a ${record.type} record follows the end record`;
    if (this.needKeyframe) {
      if (record.type !== 'keyframe' || record.tick !== this.tick) {
        return `a recording starting at tick ${this.tick} must continue with a keyframe of that tick, found a ${record.type} record`;
      }
      this.needKeyframe = false;
    }
    switch (record.type) {
      case 'header':
        return 'a second header record';
      case 'ticks':
        if (record.from !== this.tick + 1) return `ticks record starts at tick ${record.from}, expected ${this.tick + 1}`;
        this.tick = record.from + record.count - 1;
        return null;
      case 'end':
      case 'join':
      case 'leave':
      case 'keyframe':
        // These happen after the current tick was stepped.
        if (record.type === 'end') this.sawEnd = true;
        return record.tick === this.tick ? null : `${record.type} record at tick ${record.tick}, expected tick ${this.tick}`;
    }
  }
}

/** Reads a whole recording. Throws RecordingError only when the file is not a readable recording at all. */
export async function readRecording(bytes: Uint8Array, options: ReadOptions = {}): Promise<Recording> {
  const version = readPrelude(bytes);
  const scan = scanFrames(bytes, PRELUDE_BYTES);
  if (scan.frames.length === 0) {
    if (scan.error) throw scan.error;
    throw new RecordingError('TRUNCATED', PRELUDE_BYTES, 'the file ends before its header record is complete');
  }
  const inflate = options.inflate ?? platformInflateRaw;
  // Inflate in parallel, then check in order; the first failure ends the readable part.
  const decoded = await Promise.all(
    scan.frames.map((f) => decodeFrame(f, version, inflate).then((record) => record, (err: unknown) => err as Error)),
  );
  const entries: { offset: number; size: number; record: RecordingRecord }[] = [];
  const order = new OrderCheck();
  let error: RecordingError | null = scan.error;
  let truncatedAt = scan.truncatedAt;
  let end: EndRecord | null = null;
  for (let i = 0; i < decoded.length; i++) {
    const frame = scan.frames[i]!;
    const result = decoded[i]!;
    if (result instanceof Error) {
      if (!(result instanceof RecordingError)) throw result;
      error = result;
      truncatedAt = null;
      break;
    }
    const problem = order.check(result);
    if (problem) {
      error = new RecordingError('OUT_OF_ORDER', frame.offset, problem);
      truncatedAt = null;
      break;
    }
    if (result.type === 'end') {
      end = result;
      const after = frame.offset + frame.size;
      if (after < bytes.length) {
        error = new RecordingError('TRAILING_DATA', after, `${bytes.length - after} bytes follow the end record`);
        truncatedAt = null;
      }
    }
    entries.push({ offset: frame.offset, size: frame.size, record: result });
    if (end) break;
  }
  if (entries.length === 0) throw error ?? new RecordingError('TRUNCATED', PRELUDE_BYTES, 'no readable header record');
  const header = entries[0]!.record as HeaderRecord;
  if (!end && !error && truncatedAt === null) truncatedAt = bytes.length;
  return {
    version,
    byteLength: bytes.length,
    header,
    entries,
    end,
    lastTick: order.tick,
    complete: end !== null && error === null,
    truncatedAt,
    error,
  };
}

/** The header record of a file, from its first bytes (the store indexes files without reading them whole). */
export async function readHeader(head: Uint8Array, inflate?: InflateFn): Promise<HeaderRecord> {
  const version = readPrelude(head);
  const frame = readFrameAt(head, PRELUDE_BYTES);
  if (frame === 'truncated') throw new RecordingError('TRUNCATED', PRELUDE_BYTES, 'the header record is incomplete');
  const record = await decodeFrame(frame, version, inflate);
  if (record.type !== 'header') throw new RecordingError('OUT_OF_ORDER', PRELUDE_BYTES, `the first record is a ${record.type} record, not the header`);
  return record;
}

/**
 * The end record, found from the file's last bytes without reading the rest: the end record is the last
 * frame, so it is the frame whose length field reaches exactly to the end of the file (and whose CRC-32
 * matches). `tail` holds the file's bytes from `tailOffset` to its end. null when there is none.
 */
export async function findEndRecord(tail: Uint8Array, tailOffset: number, inflate?: InflateFn): Promise<{ record: EndRecord; offset: number } | null> {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.length - FRAME_HEADER_BYTES - 1; at >= 0; at--) {
    if (view.getUint32(at, true) !== tail.length - at - FRAME_HEADER_BYTES) continue;
    let frame: RawFrame | 'truncated';
    try {
      frame = readFrameAt(tail, at);
    } catch {
      continue;
    }
    if (frame === 'truncated') continue;
    try {
      // The file's version is not known here: an end record reads the same in every readable version.
      const record = await decodeFrame(frame, RECORDING_FORMAT_VERSION, inflate);
      if (record.type === 'end') return { record, offset: tailOffset + at };
    } catch {
      // not a frame after all
    }
    return null;
  }
  return null;
}
