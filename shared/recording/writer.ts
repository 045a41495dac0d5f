// Encoding records into frames and whole recordings. The server's recorder streams frames to a file
// (server/recording/recorder.ts); encodeRecording builds a file in memory (tools and tests).

import { Encoder } from '@msgpack/msgpack';
import { crc32 } from './crc32.js';
import { platformDeflateRaw, type DeflateFn } from './compression.js';
import {
  ENCODING_DEFLATE_RAW,
  ENCODING_MSGPACK,
  FRAME_HEADER_BYTES,
  PRELUDE_BYTES,
  RECORDING_FORMAT_VERSION,
  RECORDING_MAGIC,
  type RecordingRecord,
} from './format.js';

const recordEncoder = new Encoder({ ignoreUndefined: true });

/** Payloads at least this large are worth trying to deflate. */
export const COMPRESS_MIN_BYTES = 96;

/** Magic + version: the first 12 bytes of every recording. */
export function encodePrelude(version = RECORDING_FORMAT_VERSION): Uint8Array {
  const out = new Uint8Array(PRELUDE_BYTES);
  out.set(RECORDING_MAGIC, 0);
  new DataView(out.buffer).setUint32(8, version, true);
  return out;
}

/** The msgpack of a record (a map with its `type` first). */
export function encodeRecordPayload(record: RecordingRecord): Uint8Array {
  return recordEncoder.encode(record);
}

/** [u32 LE body length][u32 LE CRC-32 of body][body = encoding byte + payload]. */
export function encodeFrame(encoding: number, payload: Uint8Array): Uint8Array {
  const bodyLength = payload.length + 1;
  const out = new Uint8Array(FRAME_HEADER_BYTES + bodyLength);
  out[FRAME_HEADER_BYTES] = encoding;
  out.set(payload, FRAME_HEADER_BYTES + 1);
  const view = new DataView(out.buffer);
  view.setUint32(0, bodyLength, true);
  view.setUint32(4, crc32(out, FRAME_HEADER_BYTES, out.length), true);
  return out;
}

/**
 * Which records a compressing writer compresses: keyframes. Ticks records are already packed varints:
 * deflate took 25% off their size for 60% of the recorder's CPU (sim/bench/recording-bench.ts). The
 * server's recorder compresses nothing (server/recording/file-writer.ts).
 */
export function shouldCompress(record: RecordingRecord, payload: Uint8Array): boolean {
  return record.type === 'keyframe' && payload.length >= COMPRESS_MIN_BYTES;
}

/** Encodes and frames one record, deflating it when that makes it smaller. */
export async function encodeRecordFrame(record: RecordingRecord, deflate: DeflateFn = platformDeflateRaw): Promise<Uint8Array> {
  const payload = encodeRecordPayload(record);
  if (shouldCompress(record, payload)) {
    const packed = await deflate(payload);
    if (packed.length < payload.length) return encodeFrame(ENCODING_DEFLATE_RAW, packed);
  }
  return encodeFrame(ENCODING_MSGPACK, payload);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A whole recording in memory: prelude then one frame per record. */
export async function encodeRecording(records: readonly RecordingRecord[], deflate: DeflateFn = platformDeflateRaw): Promise<Uint8Array> {
  const frames = await Promise.all(records.map((r) => encodeRecordFrame(r, deflate)));
  return concatBytes([encodePrelude(), ...frames]);
}
