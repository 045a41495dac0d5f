// A load run: starts bots at a ramp-up rate into the requested rooms, drives them for a duration,
// reports progress every second, and sums up what players would feel.

import type { BotBehaviour } from './arena-brain.js';
import { Bot, type JoinTarget } from './bot.js';
import { NaiveBot } from './naive-bot.js';
import { percentiles, stddev, type Percentiles } from './percentiles.js';

export interface LoadOptions {
  readonly url: string;
  /** Rooms to fill, each with botsPerRoom bots (one creates it, the rest join it by id). */
  readonly rooms: number | null;
  readonly botsPerRoom: number | null;
  /** Total bots, placed by quick play (when rooms is not given). */
  readonly bots: number | null;
  /** Bots started per second. */
  readonly rampPerSec: number;
  readonly durationSec: number;
  readonly behaviour: BotBehaviour;
  /** Added one-way latency, jitter (ms) and snapshot loss (0..1), through NetworkConditions. */
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly loss: number;
  readonly light: boolean;
  /** Talk to a --naive baseline server (JSON full state) instead of ours. */
  readonly naive: boolean;
  readonly seed: number;
}

export interface LoadProgress {
  readonly elapsedSec: number;
  readonly started: number;
  readonly connected: number;
  readonly failed: number;
  readonly snapshotsPerSec: number;
  readonly rttP99Ms: number;
}

export interface LoadReport {
  readonly options: LoadOptions;
  readonly requested: number;
  readonly connected: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  readonly decodeErrors: number;
  readonly disconnects: number;
  readonly protocolViolations: number;
  readonly rttMs: Percentiles;
  /** Standard deviation of the time between snapshot arrivals. */
  readonly snapshotJitterMs: number;
  readonly snapshotIntervalMs: Percentiles;
  /** Mean over predicting bots of the fraction of predicted ticks that needed a correction. */
  readonly correctionRate: number;
  readonly correctionsPerMin: number;
  /** Per bot. */
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  readonly durationSec: number;
}

type AnyBot = Bot | NaiveBot;

interface Slot {
  readonly index: number;
  readonly room: number | null;
  readonly leader: boolean;
}

function plan(options: LoadOptions): Slot[] {
  const slots: Slot[] = [];
  if (options.rooms !== null) {
    const perRoom = options.botsPerRoom ?? 16;
    for (let r = 0; r < options.rooms; r++) {
      for (let b = 0; b < perRoom; b++) slots.push({ index: slots.length, room: r, leader: b === 0 });
    }
  } else {
    const total = options.bots ?? (options.botsPerRoom ?? 16);
    for (let i = 0; i < total; i++) slots.push({ index: i, room: null, leader: false });
  }
  return slots;
}

function makeBot(options: LoadOptions, index: number): AnyBot {
  const name = `bot${index + 1}`;
  const seed = (options.seed * 1_000_003 + index * 7919) >>> 0;
  if (options.naive) return new NaiveBot(options.url, name, options.behaviour, seed);
  const conditions =
    options.latencyMs > 0 || options.jitterMs > 0 || options.loss > 0
      ? { latencyMs: options.latencyMs, jitterMs: options.jitterMs, snapshotLoss: options.loss, seed }
      : null;
  return new Bot({ url: options.url, name, behaviour: options.behaviour, seed, light: options.light, conditions });
}

export async function runLoad(options: LoadOptions, onProgress: (p: LoadProgress) => void = () => {}): Promise<LoadReport> {
  const slots = plan(options);
  const bots: AnyBot[] = [];
  const roomIds = new Map<number, Promise<string>>();
  const started = performance.now();
  const failures: Record<string, number> = {};
  const noteFailure = (err: unknown) => {
    const key = (err instanceof Error ? err.message : String(err)).split(':')[0]!.slice(0, 60);
    failures[key] = (failures[key] ?? 0) + 1;
  };

  // Drive every connected bot from one loop: full bots every frame (~60 Hz), light bots once a tick.
  const frameMs = options.light || options.naive ? 1000 / 30 : 1000 / 60;
  const driver = setInterval(() => {
    const now = performance.now();
    for (const bot of bots) if (bot.connected) bot.update(now);
  }, frameMs);

  let lastSnapshots = 0;
  const progress = setInterval(() => {
    const now = performance.now();
    const snapshots = bots.reduce((n, b) => n + b.snapshotIntervals.samples.length, 0);
    const recent = bots.flatMap((b) => b.rtt.samples.slice(-5));
    onProgress({
      elapsedSec: (now - started) / 1000,
      started: bots.length,
      connected: bots.filter((b) => b.connected).length,
      failed: bots.filter((b) => b.failed !== null).length,
      snapshotsPerSec: snapshots - lastSnapshots,
      rttP99Ms: percentiles(recent).p99,
    });
    lastSnapshots = snapshots;
  }, 1000);

  // Ramp up.
  const starts: Promise<unknown>[] = [];
  for (const slot of slots) {
    const bot = makeBot(options, slot.index);
    bots.push(bot);
    let target: Promise<JoinTarget>;
    if (slot.room === null) target = Promise.resolve({ kind: 'quick' });
    else if (slot.leader) target = Promise.resolve({ kind: 'create' });
    else target = roomIds.get(slot.room)!.then((roomId) => ({ kind: 'room', roomId }));
    const joined = target.then((t) => bot.start(t));
    if (slot.room !== null && slot.leader) roomIds.set(slot.room, joined);
    starts.push(joined.catch(noteFailure));
    await new Promise((r) => setTimeout(r, 1000 / options.rampPerSec));
  }
  await Promise.all(starts);

  // Measure for the duration after the ramp.
  const measureFrom = performance.now();
  const counters = new Map(bots.map((b) => [b, bytes(b)]));
  await new Promise((r) => setTimeout(r, options.durationSec * 1000));
  const measuredSec = (performance.now() - measureFrom) / 1000;
  clearInterval(driver);
  clearInterval(progress);

  const connectedBots = bots.filter((b) => b.connected);
  const predicting = connectedBots.filter((b) => b instanceof Bot && !options.light);
  const intervals = connectedBots.flatMap((b) => b.snapshotIntervals.samples);
  const bytesIn = connectedBots.reduce((n, b) => n + bytes(b).in - counters.get(b)!.in, 0);
  const bytesOut = connectedBots.reduce((n, b) => n + bytes(b).out - counters.get(b)!.out, 0);
  const report: LoadReport = {
    options,
    requested: slots.length,
    connected: connectedBots.length,
    failed: bots.filter((b) => b.failed !== null).length,
    failures,
    decodeErrors: bots.reduce((n, b) => n + b.decodeErrors, 0),
    disconnects: bots.reduce((n, b) => n + b.disconnects, 0),
    protocolViolations: bots.reduce((n, b) => n + b.violationCount, 0),
    rttMs: percentiles(connectedBots.flatMap((b) => b.rtt.samples)),
    snapshotJitterMs: stddev(intervals),
    snapshotIntervalMs: percentiles(intervals),
    correctionRate: mean(predicting.map((b) => b.correctionRate)),
    correctionsPerMin: mean(predicting.map((b) => b.correctionsPerMin)),
    bytesInPerSec: connectedBots.length ? bytesIn / connectedBots.length / measuredSec : 0,
    bytesOutPerSec: connectedBots.length ? bytesOut / connectedBots.length / measuredSec : 0,
    durationSec: measuredSec,
  };
  for (const bot of bots) bot.stop();
  return report;
}

function bytes(bot: AnyBot): { in: number; out: number } {
  return { in: bot.bytesIn, out: bot.bytesOut };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
