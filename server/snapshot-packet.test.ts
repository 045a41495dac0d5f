import stockParser from 'socket.io-msgpack-parser';
import { describe, expect, it } from 'vitest';
import { clientParser, serverParser } from '../shared/net/msgpack-parser.js';
import { EV } from '../shared/protocol.js';
import { snapshotFrame, snapshotPacket, snapshotPacketLength } from './snapshot-packet.js';

function decodeWith(parser: { Decoder: new () => { on(e: string, f: (p: unknown) => void): void; add(d: unknown): void } }, bytes: Uint8Array): unknown {
  const decoder = new parser.Decoder();
  let packet: unknown;
  decoder.on('decoded', (p) => (packet = p));
  decoder.add(bytes);
  return packet;
}

describe('snapshotPacket', () => {
  for (const size of [0, 1, 255, 256, 65535, 65536, 200_000]) {
    it(`is the packet our encoder would write, for a ${size}-byte snapshot`, () => {
      const snapshot = Uint8Array.from({ length: size }, (_, i) => (i * 31) & 0xff);
      const bytes = snapshotPacket(snapshot);
      const [reference] = new serverParser.Encoder().encode({ type: 2, nsp: '/', data: [EV.snapshot, snapshot] });
      expect(decodeWith(clientParser, bytes)).toEqual(decodeWith(clientParser, reference!));
      const decoded = decodeWith(clientParser, bytes) as { type: number; nsp: string; data: [string, Uint8Array] };
      expect(decoded.type).toBe(2);
      expect(decoded.data[0]).toBe(EV.snapshot);
      expect(Array.from(decoded.data[1])).toEqual(Array.from(snapshot));
      // A client on the stock socket.io-msgpack-parser reads it too (it needs a Node Buffer).
      const stock = decodeWith(stockParser as never, Buffer.from(bytes)) as { data: [string, Uint8Array] };
      expect(stock.data[0]).toBe(EV.snapshot);
      expect(Buffer.from(stock.data[1]).equals(Buffer.from(snapshot))).toBe(true);
    });
  }
});

describe('snapshotFrame', () => {
  // Packet lengths around the WebSocket header's size classes (7-bit, 16-bit, 64-bit lengths).
  for (const packetLength of [23, 125, 126, 65535, 65536, 200_000]) {
    it(`is one unmasked binary WebSocket frame around the packet, for a ${packetLength}-byte packet`, () => {
      let size = packetLength - snapshotPacketLength(0);
      while (snapshotPacketLength(size) > packetLength) size--;
      const snapshot = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
      const packet = snapshotPacket(snapshot);
      const frame = snapshotFrame(snapshot);
      expect(frame[0]).toBe(0x82); // FIN, binary
      const len7 = frame[1]! & 0x7f;
      expect(frame[1]! & 0x80).toBe(0); // unmasked
      const [length, header] =
        len7 < 126 ? [len7, 2] : len7 === 126 ? [frame.readUInt16BE(2), 4] : [Number(frame.readBigUInt64BE(2)), 10];
      expect(length).toBe(packet.byteLength);
      expect(header).toBe(packet.byteLength < 126 ? 2 : packet.byteLength < 0x10000 ? 4 : 10);
      expect(frame.byteLength).toBe(header + packet.byteLength);
      expect(Buffer.from(frame.subarray(header)).equals(Buffer.from(packet))).toBe(true);
    });
  }
});
