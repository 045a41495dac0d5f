// In-process tick benchmark (no sockets): R rooms x 16 seats of the arena, one input per seat per tick
// (direction and aim change once a second), each client acknowledging the snapshot of 2 ticks ago.
// Measures CPU time per tick (step + snapshot encode), GC count/time, heap; with ALLOC_PROFILE=FILE, a sampling
// heap profile of every allocation of the measured ticks (collected ones included: churn, not only what stays).
// With FRAMES=1 every snapshot is also framed as the server sends it (snapshot-packet.ts: one Buffer per snapshot),
// so the allocation rate is closer to the server's. Heap used/committed are sampled every 10 measured ticks (medians):
// how much of "used" is young-generation garbage depends on node's semi-space flags, e.g.
// node --max-semi-space-size=4 --import tsx sim/bench/profile/tick-bench.mts ...
// usage (from the repository): node --import tsx sim/bench/profile/tick-bench.mts CHECKOUT_DIR ROOMS TICKS
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
const [repoArg, roomsArg, ticksArg] = process.argv.slice(2);
const repo = pathToFileURL(resolve(repoArg)).href;
const { Room } = await import(`${repo}/server/room.ts`);
const { arenaGame, DIRECTION_KEYS, AIM_STEPS } = await import(`${repo}/shared/game/arena/index.ts`);
const frame: ((snapshot: Uint8Array) => Uint8Array) | null = process.env.FRAMES === '1' ? (await import(`${repo}/server/snapshot-packet.ts`)).snapshotFrame : null;
const R = Number(roomsArg), T = Number(ticksArg);
/** Bytes sent; FNV-1a of every snapshot byte sent, in order: equal digests mean the clients got exactly the same
 * snapshots. Kept in typed arrays: a module-level number above 2^30 would be a new heap number on every update,
 * allocations of the bench itself that the allocation profile would count. */
const sent = new Float64Array(1);
const hash = new Uint32Array([0x811c9dc5]);
const link = { sendSnapshot: (b: Uint8Array) => { if (frame) frame(b); sent[0] += b.byteLength; let d = hash[0]; for (let i = 0; i < b.length; i++) d = Math.imul(d ^ b[i], 0x01000193); hash[0] = d; },
  sendChat() {}, sendNotice() {}, sendRoomClosed() {} };
const rooms: { room: any; seats: any[] }[] = [];
for (let r = 0; r < R; r++) {
  const room = new Room({ id: `r${r}`, code: null, game: arenaGame, seed: r + 1, tickRate: 30, snapshotRate: 30, maxPlayers: 16, lagCompensationTicks: 8,
    reconnectGraceMs: 1000, emptyRoomGraceMs: 1000, interestRadius: arenaGame.interestRadius });
  const seats = []; for (let s = 0; s < 16; s++) seats.push(room.join(`b${s}`, link));
  rooms.push({ room, seats });
}
let gcCount = 0, gcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) { gcCount++; gcMs += e.duration; } }).observe({ entryTypes: ['gc'] });
let seq = 0;
function tick(t: number) {
  for (const { room, seats } of rooms) {
    for (let s = 0; s < seats.length; s++) {
      const phase = Math.floor((t + s * 7) / 30);
      const payload = arenaGame.parseInput([DIRECTION_KEYS[(phase * 3 + s) % 8], (phase * 37 + s * 11) % AIM_STEPS]);
      if (t > 2) room.acknowledgeSnapshot(seats[s], t - 2);
      room.queueInput(seats[s], ++seq, t, payload);
    }
    room.step();
  }
}
for (let t = 1; t <= 300; t++) tick(t); // warm-up
(globalThis as any).gc?.();
gcCount = 0; gcMs = 0; sent[0] = 0;
const ALLOC = process.env.ALLOC_PROFILE;
let session: any = null;
if (ALLOC) { const inspector = await import('node:inspector'); session = new inspector.Session(); session.connect();
  await new Promise<void>((r) => session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, () => r())); }
const heapUsed: number[] = [], heapTotal: number[] = [];
const c0 = process.cpuUsage(); const w0 = performance.now();
for (let t = 301; t <= 300 + T; t++) {
  tick(t);
  if (t % 10 === 0) { const m = process.memoryUsage(); heapUsed.push(m.heapUsed / 2 ** 20); heapTotal.push(m.heapTotal / 2 ** 20); }
}
const c1 = process.cpuUsage(c0);
if (session) { const { writeFileSync } = await import('node:fs'); await new Promise<void>((r) => session.post('HeapProfiler.stopSampling', (err: unknown, res: any) => { writeFileSync(ALLOC!, JSON.stringify(res.profile)); r(); })); } const wall = performance.now() - w0;
await new Promise((r) => setTimeout(r, 50));
const h = v8.getHeapStatistics();
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const newSpace = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
const cpuMs = (c1.user + c1.system) / 1000;
console.log(JSON.stringify({ repo, rooms: R, players: R * 16, ticks: T, cpuMsPerTick: cpuMs / T, usPerPlayerTick: (cpuMs * 1000) / T / (R * 16), wallMsPerTick: wall / T,
  gcPerKTicks: (gcCount / T) * 1000, gcMsPerTick: gcMs / T, heapUsedMb: h.used_heap_size / 2 ** 20, heapTotalMb: h.total_heap_size / 2 ** 20,
  medianHeapUsedMb: median(heapUsed), medianHeapTotalMb: median(heapTotal), newSpaceMb: (newSpace?.space_size ?? 0) / 2 ** 20, rssMb: process.memoryUsage().rss / 2 ** 20,
  execArgv: process.execArgv.filter((a) => a !== '--import' && !a.includes('tsx')).join(' '), frames: frame !== null, bytesPerSnapshot: sent[0] / T / (R * 16), snapshotDigest: hash[0].toString(16) }));
