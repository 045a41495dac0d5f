// A snapshot's whole socket.io packet, {type: EVENT, data: [EV.snapshot, <bytes>], nsp: "/"}, as msgpack
// built by concatenation: a constant head, the bin header, the snapshot bytes, a constant tail. Written
// to the connection pre-encoded, it skips socket.io building a packet object and our encoder walking it
// again for each of the 15,000+ snapshots a second a loaded server sends (the per-message cost is what
// limits how many players a core holds). Same bytes as our parser's encoder produces, in the wire format
// of socket.io-msgpack-parser.

import { Encoder } from '@msgpack/msgpack';
import { EV } from '../shared/protocol.js';

const EVENT = 2;
const encoder = new Encoder();
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

// fixmap(3) "type" 2 "data" fixarray(2) <event name>   ...   "nsp" "/"
const HEAD = concat(
  new Uint8Array([0x83]),
  encoder.encode('type'),
  encoder.encode(EVENT),
  encoder.encode('data'),
  new Uint8Array([0x92]),
  encoder.encode(EV.snapshot),
);
const TAIL = concat(encoder.encode('nsp'), encoder.encode('/'));

export function snapshotPacket(snapshot: Uint8Array): Uint8Array {
  const n = snapshot.byteLength;
  const binHeader = n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
  const out = new Uint8Array(HEAD.length + binHeader + n + TAIL.length);
  out.set(HEAD, 0);
  let at = HEAD.length;
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
  return out;
}
