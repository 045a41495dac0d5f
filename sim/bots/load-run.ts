// A load run in this process: starts bots at a ramp-up rate into the requested rooms, drives them for a
// duration, reports progress every second, and measures what players would feel (a LoadPart, which
// load-results.ts turns into the report; worker-pool.ts merges the parts of several processes). A bot
// counts as playing while it is connected and seated: one that joined and is not playing at the end lost
// its server (or its seat), which fails the run.

import type { BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { Bot, type JoinTarget } from './bot.js';
import { BotDriver } from './bot-driver.js';
import { failedPart, mergeParts, type LoadPart, type LoadReport } from './load-results.js';
import { NaiveBot } from './naive-bot.js';
import { boundedSample } from './percentiles.js';
import { cpuPercent, progressRates, readCounters, type ProgressRates } from './progress-rates.js';

export type { LoadReport } from './load-results.js';

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
  /** The game to play (a name in sim/games.ts) and how its bots play (one of its botBehaviours). */
  readonly game: string;
  readonly behaviour: string;
  /** Added one-way latency, jitter (ms) and snapshot loss (0..1), through NetworkConditions. */
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly loss: number;
  readonly light: boolean;
  /** Talk to the naive baseline server (sim/bench/naive/: JSON full state) instead of ours. */
  readonly naive: boolean;
  readonly seed: number;
}

/** Where the bots stand now, and the rates over the last second (from counters: progress-rates.ts). */
export interface LoadProgress extends ProgressRates {
  readonly elapsedSec: number;
  readonly started: number;
  /** Bots playing now: connected and seated. */
  readonly connected: number;
  /** Bots that could not connect or join. */
  readonly failed: number;
  /** Bots that joined and are not playing now: their connection dropped (maybe coming back) or their seat is gone. */
  readonly disconnected: number;
}

/** One bot of the run: its global index (name and seed), its room (null: quick play) and whether it creates it. */
export interface Slot {
  readonly index: number;
  readonly room: number | null;
  readonly leader: boolean;
}

/** Light and naive bots send one input per update; full bots update every frame (their session paces inputs). */
const LIGHT_UPDATES_PER_SEC = 30;
const FRAMES_PER_SEC = 60;
/** Samples of each kind one process hands over (a uniform draw beyond it): bounds memory and merge time. */
const SAMPLES_PER_PROCESS = 100_000;

type AnyBot = Bot | NaiveBot;

export function planSlots(options: LoadOptions): Slot[] {
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
  if (options.naive) return new NaiveBot(options.url, name, options.behaviour as BotBehaviour, seed);
  const conditions =
    options.latencyMs > 0 || options.jitterMs > 0 || options.loss > 0
      ? { latencyMs: options.latencyMs, jitterMs: options.jitterMs, snapshotLoss: options.loss, seed }
      : null;
  return new Bot({ url: options.url, name, game: options.game, behaviour: options.behaviour, seed, light: options.light, conditions });
}

/** Runs every bot of the plan in this process. */
export async function runLoad(options: LoadOptions, onProgress: (p: LoadProgress) => void = () => {}): Promise<LoadReport> {
  return mergeParts(options, [await runLoadPart(options, planSlots(options), options.rampPerSec, onProgress)]);
}

/** Runs the bots of `slots` in this process, started at `rampPerSec`, and measures them. */
export async function runLoadPart(
  options: LoadOptions,
  slots: readonly Slot[],
  rampPerSec: number,
  onProgress: (p: LoadProgress) => void = () => {},
): Promise<LoadPart> {
  if (slots.length === 0) return failedPart(0, 'none');
  const bots: AnyBot[] = [];
  const roomIds = new Map<number, Promise<string>>();
  const started = performance.now();
  const failures: Record<string, number> = {};
  // A bot fails when it cannot connect or join, also one that never tried because its room's leader failed.
  let failed = 0;
  const noteFailure = (err: unknown) => {
    failed++;
    const key = (err instanceof Error ? err.message : String(err)).split(':')[0]!.slice(0, 60);
    failures[key] = (failures[key] ?? 0) + 1;
  };

  const driver = new BotDriver(options.light || options.naive ? LIGHT_UPDATES_PER_SEC : FRAMES_PER_SEC);

  let last = readCounters(bots, started, process.cpuUsage());
  const progress = setInterval(() => {
    const now = readCounters(bots, performance.now(), process.cpuUsage());
    const joined = bots.filter((b) => b.connected);
    const playing = joined.filter((b) => notPlaying(b) === null).length;
    onProgress({
      elapsedSec: (now.atMs - started) / 1000,
      started: bots.length,
      connected: playing,
      failed,
      disconnected: joined.length - playing,
      ...progressRates(last, now),
    });
    last = now;
  }, 1000);

  // Ramp up.
  const starts: Promise<unknown>[] = [];
  for (const slot of slots) {
    const bot = makeBot(options, slot.index);
    bots.push(bot);
    driver.add(bot);
    let target: Promise<JoinTarget>;
    if (slot.room === null) target = Promise.resolve({ kind: 'quick' });
    else if (slot.leader) target = Promise.resolve({ kind: 'create' });
    else target = roomIds.get(slot.room)!.then((roomId) => ({ kind: 'room', roomId }));
    const joined = target.then((t) => bot.start(t));
    if (slot.room !== null && slot.leader) roomIds.set(slot.room, joined);
    starts.push(joined.catch(noteFailure));
    await new Promise((r) => setTimeout(r, 1000 / rampPerSec));
  }
  await Promise.all(starts);

  // Measure for the duration after the ramp (when a bot joined: with none there is nothing to measure).
  const measureFrom = performance.now();
  const cpuFrom = process.cpuUsage();
  const counters = new Map(bots.map((b) => [b, counts(b)]));
  if (bots.some((b) => b.connected)) await new Promise((r) => setTimeout(r, options.durationSec * 1000));
  const measuredMs = performance.now() - measureFrom;
  const cpuTo = process.cpuUsage();
  driver.stop();
  clearInterval(progress);

  // `connected` says the bot joined once; whether it still plays is its connection and seat now.
  const playingBots: AnyBot[] = [];
  const losses: Record<string, number> = {};
  let lost = 0;
  for (const bot of bots.filter((b) => b.connected)) {
    const why = notPlaying(bot);
    if (why === null) playingBots.push(bot);
    else {
      lost++;
      losses[why] = (losses[why] ?? 0) + 1;
    }
  }
  const predicting = playingBots.filter((b) => b instanceof Bot && !options.light);
  const delta = (f: (c: Counts) => number) => playingBots.reduce((n, b) => n + f(counts(b)) - f(counters.get(b)!), 0);
  const part: LoadPart = {
    requested: slots.length,
    connected: playingBots.length,
    failed,
    failures,
    lost,
    losses,
    decodeErrors: bots.reduce((n, b) => n + b.decodeErrors, 0),
    disconnects: bots.reduce((n, b) => n + b.disconnects, 0),
    protocolViolations: bots.reduce((n, b) => n + b.violationCount, 0),
    rtt: boundedSample(playingBots.flatMap((b) => b.rtt.samples), SAMPLES_PER_PROCESS),
    snapshotIntervals: boundedSample(playingBots.flatMap((b) => b.snapshotIntervals.samples), SAMPLES_PER_PROCESS),
    predicting: predicting.length,
    correctionRateSum: predicting.reduce((n, b) => n + b.correctionRate, 0),
    correctionsPerMinSum: predicting.reduce((n, b) => n + b.correctionsPerMin, 0),
    bytesIn: delta((c) => c.bytesIn),
    bytesOut: delta((c) => c.bytesOut),
    inputsSent: delta((c) => c.inputs),
    snapshots: delta((c) => c.snapshots),
    inputsDue: playingBots.reduce((n, b) => n + inputsPerSec(options, b), 0) * (measuredMs / 1000),
    durationSec: measuredMs / 1000,
    cpuPercent: cpuPercent(cpuFrom.user + cpuFrom.system, cpuTo.user + cpuTo.system, measuredMs),
  };
  for (const bot of bots) bot.stop();
  return part;
}

/** Inputs a bot should send per second: one per update for light and naive bots, one per server tick for full bots. */
function inputsPerSec(options: LoadOptions, bot: AnyBot): number {
  if (bot instanceof Bot && !options.light) return bot.net.join?.tickRate ?? LIGHT_UPDATES_PER_SEC;
  return LIGHT_UPDATES_PER_SEC;
}

interface Counts {
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly inputs: number;
  readonly snapshots: number;
}

function counts(bot: AnyBot): Counts {
  return { bytesIn: bot.bytesIn, bytesOut: bot.bytesOut, inputs: bot.inputsSent, snapshots: bot.snapshotsReceived };
}

/** Why a bot that joined is not playing now (connected and seated), or null while it plays. */
function notPlaying(bot: AnyBot): string | null {
  if (bot instanceof NaiveBot) return bot.socket.connected ? null : 'disconnected';
  if (!bot.net.connected) return 'disconnected';
  // Connected without a seat: its room closed, or taking the seat back after a reconnect was refused.
  return bot.net.join ? null : 'seat lost';
}
