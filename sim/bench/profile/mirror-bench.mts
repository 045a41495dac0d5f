// Client-side snapshot apply (issue 14): CPU and allocation of SnapshotMirror.apply, the largest cost of a
// light bots process (and of a browser's snapshot handling). Deterministic input: the byte streams the
// real server side (Room + Replicator of --streams-from) sends the 16 clients of one arena room whose
// players wander (direction and aim change once a second), each client acknowledging the snapshot of
// --ack-lag ticks ago, as over a round trip. Every CHECKOUT's mirror then applies the same bytes, each in
// a child process of its own, checkouts interleaved round after round (the machine is shared: compare
// medians). A digest of everything apply returned (ticks, seqs, entered/changed/left, events, states)
// must be the same for every checkout: equal digests mean equal results on these streams.
// usage (from the repository): node --import tsx sim/bench/profile/mirror-bench.mts [--streams-from DIR]
//   [--ticks 900] [--ack-lag 3] [--rounds 5] [--passes 10] CHECKOUT...   (default CHECKOUT: .)
// To profile one checkout: --save-streams FILE writes the streams and exits; then
//   node --expose-gc --cpu-prof --import tsx sim/bench/profile/mirror-bench.mts --child CHECKOUT --streams FILE
// prints progress on stderr, then a markdown table of medians over the rounds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SEATS = 16;
/** Applies per allocation window: small enough that no scavenge falls inside one (checked, reported). */
const ALLOC_WINDOW = 32;

interface ChildResult {
  readonly checkout: string;
  readonly applies: number;
  /** Median over the passes of CPU time (all threads: GC helpers included) per apply. */
  readonly usPerApply: number;
  /** Heap bytes allocated per apply (heap used grows by this much between two collections). */
  readonly bytesPerApply: number;
  /** Scavenges per 1,000 applies during the timed passes. */
  readonly scavengesPerKApply: number;
  /** Collections that fell inside an allocation window (should be 0, else bytesPerApply is low). */
  readonly gcInAllocWindows: number;
  readonly digest: string;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'streams-from': { type: 'string', default: '.' },
    ticks: { type: 'string', default: '900' },
    'ack-lag': { type: 'string', default: '3' },
    rounds: { type: 'string', default: '5' },
    passes: { type: 'string', default: '10' },
    child: { type: 'string' },
    streams: { type: 'string' },
    'save-streams': { type: 'string' },
  },
});

const moduleUrl = (checkout: string, path: string) => `${pathToFileURL(resolve(checkout)).href}/${path}`;
const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

/** One room's snapshots in the order a bots process receives them: tick by tick, seat by seat. */
interface Stream {
  readonly seat: number;
  readonly bytes: Uint8Array;
}

async function generateStreams(checkout: string, ticks: number, ackLag: number): Promise<Stream[]> {
  const { Room } = await import(moduleUrl(checkout, 'server/room.ts'));
  const { arenaGame, DIRECTION_KEYS, AIM_STEPS } = await import(moduleUrl(checkout, 'shared/game/arena/index.ts'));
  const out: Stream[] = [];
  const room = new Room({ id: 'mirror-bench', code: null, game: arenaGame, seed: 1, tickRate: 30, snapshotRate: 30, maxPlayers: SEATS,
    lagCompensationTicks: 8, reconnectGraceMs: 1000, emptyRoomGraceMs: 1000, interestRadius: arenaGame.interestRadius });
  const seats: unknown[] = [];
  for (let s = 0; s < SEATS; s++) {
    const seat = s;
    // The encoder may reuse its buffer: keep a copy.
    const link = { sendSnapshot: (b: Uint8Array) => out.push({ seat, bytes: b.slice() }), sendChat() {}, sendNotice() {}, sendRoomClosed() {} };
    seats.push(room.join(`b${s}`, link));
  }
  let seq = 0;
  for (let t = 1; t <= ticks; t++) {
    for (let s = 0; s < SEATS; s++) {
      const phase = Math.floor((t + s * 7) / 30);
      const payload = arenaGame.parseInput([DIRECTION_KEYS[(phase * 3 + s) % 8], (phase * 37 + s * 11) % AIM_STEPS]);
      if (t > ackLag) room.acknowledgeSnapshot(seats[s], t - ackLag);
      room.queueInput(seats[s], ++seq, t, payload);
    }
    room.step();
  }
  return out;
}

/** [seat u8, length u32 LE, bytes] per snapshot. */
function writeStreams(file: string, streams: readonly Stream[]): void {
  const total = streams.reduce((n, s) => n + 5 + s.bytes.length, 0);
  const buf = Buffer.alloc(total);
  let at = 0;
  for (const s of streams) {
    buf.writeUInt8(s.seat, at);
    buf.writeUInt32LE(s.bytes.length, at + 1);
    buf.set(s.bytes, at + 5);
    at += 5 + s.bytes.length;
  }
  writeFileSync(file, buf);
}

function readStreams(file: string): Stream[] {
  const buf = readFileSync(file);
  const out: Stream[] = [];
  for (let at = 0; at < buf.length; ) {
    const seat = buf.readUInt8(at);
    const length = buf.readUInt32LE(at + 1);
    out.push({ seat, bytes: new Uint8Array(buf.buffer, buf.byteOffset + at + 5, length) });
    at += 5 + length;
  }
  return out;
}

/** FNV-1a over a canonical text of everything each apply returned. */
function digestOf(results: readonly unknown[]): string {
  let h = 0x811c9dc5;
  for (const r of results) {
    const a = r as { state: ReadonlyMap<number, { id: number; kind: number; values: readonly unknown[] }> } & Record<string, unknown>;
    const state = [...a.state.values()].sort((x, y) => x.id - y.id).map((e) => [e.id, e.kind, e.values]);
    const text = JSON.stringify([a.tick, a.baselineTick, a.lastInputSeq, a.lastInputTick, a.inputQueueDepth, a.entered, a.changed, a.left, a.events, a.bytes, state]);
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return (h >>> 0).toString(16);
}

async function child(checkout: string, streamsFile: string, passes: number): Promise<ChildResult> {
  const { SnapshotMirror } = await import(moduleUrl(checkout, 'shared/codec/snapshot-mirror.ts'));
  const { ARENA_SCHEMA } = await import(moduleUrl(checkout, 'shared/game/arena/view.ts'));
  const streams = readStreams(streamsFile);
  type Mirror = { apply(bytes: Uint8Array): unknown };
  const mirrors = (): Mirror[] => Array.from({ length: SEATS }, () => new SnapshotMirror(ARENA_SCHEMA) as Mirror);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run the child with --expose-gc');

  let scavenges = 0;
  let collections = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      collections++;
      if ((e as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++; // NODE_PERFORMANCE_GC_MINOR
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const settle = () => new Promise((r) => setTimeout(r, 20));

  const pass = (): number => {
    const m = mirrors();
    const c0 = process.cpuUsage();
    for (let i = 0; i < streams.length; i++) m[streams[i].seat].apply(streams[i].bytes);
    const c = process.cpuUsage(c0);
    return c.user + c.system;
  };
  for (let w = 0; w < 3; w++) pass(); // warm-up: optimized code
  gc();
  await settle();
  scavenges = 0;
  const times: number[] = [];
  for (let p = 0; p < passes; p++) times.push(pass());
  await settle();
  const scavengesPerKApply = (scavenges / (passes * streams.length)) * 1000;
  times.sort((a, b) => a - b);

  // Allocation: heap used after minus before a window of applies that no collection interrupts.
  const m = mirrors();
  let allocated = 0;
  let measured = 0;
  await settle();
  const collectionsBefore = collections;
  let forced = 0;
  for (let i = 0; i + ALLOC_WINDOW <= streams.length; i += ALLOC_WINDOW) {
    gc();
    forced++;
    const before = process.memoryUsage().heapUsed;
    for (let k = i; k < i + ALLOC_WINDOW; k++) m[streams[k].seat].apply(streams[k].bytes);
    allocated += process.memoryUsage().heapUsed - before;
    measured += ALLOC_WINDOW;
  }
  await settle();
  observer.disconnect();
  // Results last (not timed): every apply's output, digested. Holding all of them first would teach V8
  // that what apply allocates survives, and it would then allocate it straight in the old generation
  // (allocation-site pretenuring) during the timed passes: a run of full collections, not apply's cost.
  const check = mirrors();
  const digest = digestOf(streams.map((s) => check[s.seat].apply(s.bytes)));
  return {
    checkout,
    applies: streams.length,
    usPerApply: times[times.length >> 1] / streams.length,
    bytesPerApply: allocated / measured,
    scavengesPerKApply,
    gcInAllocWindows: collections - collectionsBefore - forced,
    digest,
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const passes = Number(values.passes);
  if (values.child !== undefined) {
    console.log(JSON.stringify(await child(values.child, values.streams!, passes)));
    return;
  }
  const checkouts = positionals.length > 0 ? positionals : ['.'];
  const ticks = Number(values.ticks);
  const ackLag = Number(values['ack-lag']);
  const rounds = Number(values.rounds);
  log(`streams: ${SEATS} clients x ${ticks} ticks of a wandering arena room from ${values['streams-from']}, acks ${ackLag} ticks late`);
  const streams = await generateStreams(values['streams-from'], ticks, ackLag);
  if (values['save-streams'] !== undefined) {
    writeStreams(values['save-streams'], streams);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mirror-bench-'));
  const file = join(dir, 'streams.bin');
  writeStreams(file, streams);
  log(`${streams.length} snapshots, ${(streams.reduce((n, s) => n + s.bytes.length, 0) / streams.length).toFixed(1)} bytes each on average`);
  const results = new Map<string, ChildResult[]>(checkouts.map((c) => [c, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? checkouts : [...checkouts].reverse();
      for (const checkout of order) {
        const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', checkout, '--streams', file, '--passes', String(passes)],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 });
        if (run.status !== 0) throw new Error(`child for ${checkout} failed (${run.status ?? run.signal})`);
        const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildResult;
        results.get(checkout)!.push(result);
        log(`round ${r + 1}/${rounds} ${checkout}: ${result.usPerApply.toFixed(2)} us/apply, ${result.bytesPerApply.toFixed(0)} B/apply, digest ${result.digest}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('| checkout | us per apply (median) | heap bytes per apply | scavenges per 1k applies | GCs in alloc windows | digest |');
  console.log('|---|---:|---:|---:|---:|---|');
  for (const [checkout, rs] of results) {
    const digests = [...new Set(rs.map((x) => x.digest))].join(',');
    console.log(`| ${checkout} | ${median(rs.map((x) => x.usPerApply)).toFixed(2)} | ${median(rs.map((x) => x.bytesPerApply)).toFixed(0)} | ` +
      `${median(rs.map((x) => x.scavengesPerKApply)).toFixed(2)} | ${Math.max(...rs.map((x) => x.gcInAllocWindows))} | ${digests} |`);
  }
  const all = new Set([...results.values()].flat().map((x) => x.digest));
  if (all.size > 1) {
    console.log(`DIGESTS DIFFER: the checkouts' mirrors returned different results on the same bytes`);
    process.exitCode = 1;
  }
}

await main();
