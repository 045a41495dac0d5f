// In-process tick benchmark (no sockets): R rooms x 16 seats of the arena, one input per seat per tick
// (direction and aim change once a second), each client acknowledging the snapshot of 2 ticks ago.
// Measures CPU time per tick (step + snapshot encode), GC count/time, heap; with ALLOC_PROFILE=FILE, a sampling
// heap profile of every allocation of the measured ticks (collected ones included: churn, not only what stays).
// usage (from the repository): node --import tsx sim/bench/profile/tick-bench.mts CHECKOUT_DIR ROOMS TICKS
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
const [repoArg, roomsArg, ticksArg] = process.argv.slice(2);
const repo = pathToFileURL(resolve(repoArg)).href;
const { Room } = await import(`${repo}/server/room.ts`);
const { arenaGame, DIRECTION_KEYS, AIM_STEPS } = await import(`${repo}/shared/game/arena/index.ts`);
const R = Number(roomsArg), T = Number(ticksArg);
let bytes = 0;
/** FNV-1a of every snapshot byte sent, in order: equal digests mean the clients got exactly the same snapshots. */
let digest = 0x811c9dc5;
const link = { sendSnapshot: (b: Uint8Array) => { bytes += b.byteLength; for (let i = 0; i < b.length; i++) digest = Math.imul(digest ^ b[i], 0x01000193) >>> 0; }, sendChat() {}, sendNotice() {}, sendRoomClosed() {} };
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
gcCount = 0; gcMs = 0; bytes = 0;
const ALLOC = process.env.ALLOC_PROFILE;
let session: any = null;
if (ALLOC) { const inspector = await import('node:inspector'); session = new inspector.Session(); session.connect();
  await new Promise<void>((r) => session.post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }, () => r())); }
const c0 = process.cpuUsage(); const w0 = performance.now();
for (let t = 301; t <= 300 + T; t++) tick(t);
const c1 = process.cpuUsage(c0);
if (session) { const { writeFileSync } = await import('node:fs'); await new Promise<void>((r) => session.post('HeapProfiler.stopSampling', (err: unknown, res: any) => { writeFileSync(ALLOC!, JSON.stringify(res.profile)); r(); })); } const wall = performance.now() - w0;
await new Promise((r) => setTimeout(r, 50));
const h = v8.getHeapStatistics();
const cpuMs = (c1.user + c1.system) / 1000;
console.log(JSON.stringify({ repo, rooms: R, players: R * 16, ticks: T, cpuMsPerTick: cpuMs / T, usPerPlayerTick: (cpuMs * 1000) / T / (R * 16), wallMsPerTick: wall / T,
  gcPerKTicks: (gcCount / T) * 1000, gcMsPerTick: gcMs / T, heapUsedMb: h.used_heap_size / 2 ** 20, heapTotalMb: h.total_heap_size / 2 ** 20, bytesPerSnapshot: bytes / T / (R * 16), snapshotDigest: digest.toString(16) }));
