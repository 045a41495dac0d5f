// A snapshot's whole socket.io packet, {type: EVENT, data: [EV.snapshot, <bytes>], nsp: "/"}, as msgpack
// built by concatenation: a constant head, the bin header, the snapshot bytes, a constant tail. Written
// to the connection pre-encoded, it skips socket.io building a packet object and our encoder walking it
// again for each of the 15,000+ snapshots a second a loaded server sends (the per-message cost is what
// limits how many players a core holds). Same bytes as our parser's encoder produces, in the wire format
// of socket.io-msgpack-parser.

import { Encoder } from '@msgpack/msgpack';
import { EVENT_PACKET_HEAD, MAIN_NAMESPACE_TAIL } from '../shared/net/event-packet-writer.js';
import { EV } from '../shared/protocol.js';

// fixmap(3) "type" 2 "data" fixarray(2) <event name>   ...   "nsp" "/"
const HEAD = Uint8Array.of(...EVENT_PACKET_HEAD, 0x92, ...new Encoder().encode(EV.snapshot));
const TAIL = MAIN_NAMESPACE_TAIL;

/** Bytes of the socket.io packet that carries a snapshot of `n` bytes. */
export function snapshotPacketLength(n: number): number {
  return HEAD.length + (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5) + n + TAIL.length;
}

/** Writes the packet of `snapshot` into `out` at `at` (snapshotPacketLength bytes). */
function writeSnapshotPacket(snapshot: Uint8Array, out: Uint8Array, at: number): void {
  const n = snapshot.byteLength;
  out.set(HEAD, at);
  at += HEAD.length;
  if (n < 0x100) {
    out[at++] = 0xc4;
    out[at++] = n;
  } else if (n < 0x10000) {
    out[at++] = 0xc5;
    out[at++] = n >>> 8;
    out[at++] = n & 0xff;
  } else {
    out[at++] = 0xc6;
    out[at++] = n >>> 24;
    out[at++] = (n >>> 16) & 0xff;
    out[at++] = (n >>> 8) & 0xff;
    out[at++] = n & 0xff;
  }
  out.set(snapshot, at);
  out.set(TAIL, at + n);
}

export function snapshotPacket(snapshot: Uint8Array): Uint8Array {
  const out = new Uint8Array(snapshotPacketLength(snapshot.byteLength));
  writeSnapshotPacket(snapshot, out, 0);
  return out;
}

/**
 * The whole WebSocket frame (server to client: FIN, binary, unmasked) carrying the snapshot's packet, in
 * one Buffer: written with a single write() call. Allocated from Node's Buffer pool, which is far cheaper
 * than a fresh ArrayBuffer for a packet of a few dozen bytes.
 */
export function snapshotFrame(snapshot: Uint8Array): Buffer {
  const length = snapshotPacketLength(snapshot.byteLength);
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x82;
  if (length < 126) frame[1] = length;
  else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  writeSnapshotPacket(snapshot, frame, header);
  return frame;
}
