// Per-message cost, in the parser, of a client receiving a snapshot frame (the generic msgpack Decoder
// against the fixed-layout reader) and sending an input (the generic Encoder against the event packet
// writer): CPU time per call, medians of 5 interleaved rounds of 300,000.
// usage: taskset -c 1 node --import tsx sim/bench/profile/parser-bench.mts
import { Encoder, encode } from '@msgpack/msgpack';
import { clientParser } from '../../../shared/net/msgpack-parser.js';
import { writeEventPacket } from '../../../shared/net/event-packet-writer.js';
const snapshot = Uint8Array.from({ length: 56 }, (_, i) => (i * 13) & 0xff);
const frame = encode({ type: 2, data: ['s', snapshot], nsp: '/' }, { ignoreUndefined: true });
const input = ['i', [1234, 5678, 5676, [5, 127]]];
const N = 300_000;
let sink = 0;
function time(label: string, fn: () => void) {
  for (let i = 0; i < 20_000; i++) fn();
  const t0 = process.cpuUsage(); for (let i = 0; i < N; i++) fn(); const d = process.cpuUsage(t0);
  return { label, ns: ((d.user + d.system) * 1000) / N };
}
const generic = new clientParser.Decoder(); generic.on('decoded', (p) => { sink += (p.data as unknown[]).length; });
const fast = new clientParser.Decoder(); fast.on('decoded', () => {}); fast.setShortcut('s', (d) => { sink += d.length; });
const enc = new Encoder({ ignoreUndefined: true });
const rows: Record<string, number[]> = {};
for (let round = 0; round < 5; round++) {
  for (const r of [
    time('receive: generic decoder', () => generic.add(frame)),
    time('receive: fixed layout (shortcut)', () => fast.add(frame)),
    time('send: generic Encoder', () => { sink += enc.encode({ type: 2, data: input, nsp: '/', id: undefined }).length; }),
    time('send: event packet writer', () => { sink += writeEventPacket(input, undefined)!.length; }),
  ]) (rows[r.label] ??= []).push(r.ns);
}
for (const [k, v] of Object.entries(rows)) { v.sort((a, b) => a - b); console.log(k.padEnd(36), 'median', v[2].toFixed(0), 'ns  (min', v[0].toFixed(0), 'max', v[4].toFixed(0) + ')'); }
// Keeps the results used, so the calls are not optimized away.
if (sink === 42) console.log(sink);
