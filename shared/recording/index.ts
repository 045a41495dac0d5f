// Match recordings: the format (docs/RECORDING-FORMAT.md), reading, writing, re-simulation and
// verification. Isomorphic: the server's recorder, the replay CLI and the browser viewer share it.

export * from './format.js';
export { crc32 } from './crc32.js';
export { stateDigest } from './digest.js';
export { platformDeflateRaw, platformInflateRaw, type DeflateFn, type InflateFn } from './compression.js';
export { ByteReader, ByteWriter } from './bytes.js';
export { EventDigestsEncoder, EventsDecodeError, EventsEncoder, decodeEventDigests, decodeEvents, ticksEventDigests, ticksEvents } from './events-codec.js';
export { InputDecodeError, InputsDecoder, newSeat, type AppliedInputLike, type SeatState } from './input-codec.js';
export { InputsEncoder, type InputPacker } from './input-encoder.js';
export {
  readRecording,
  readHeader,
  readPrelude,
  readFrameAt,
  findEndRecord,
  type ReadOptions,
  type RecordEntry,
  type Recording,
} from './reader.js';
export { encodeFrame, encodePrelude, encodeRecordFrame, encodeRecordPayload, encodeRecording, shouldCompress, concatBytes } from './writer.js';
export { rulesOfVersion, rulesVersionOf, simulatedRulesVersions } from './rules-version.js';
export { ReplayError, ReplaySimulator, type ReplayErrorCode, type ReplaySeat, type ReplayStep } from './simulator.js';
export { storedEventTest, tickEventsMismatch, verifyRecording, type Divergence, type DivergenceKind, type VerifyOptions, type VerifyResult } from './verify.js';
export { People, latestSeat, type Person, type Seat } from './people.js';
