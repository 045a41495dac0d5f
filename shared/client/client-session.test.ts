// ClientSession against the real Room and snapshot codec on virtual time (loopback.test-support.ts):
// minutes of play under many network conditions in well under a second each, deterministically. The
// same scenarios run over real sockets in real time in server/integration/netcode-*.test.ts.

import { describe, expect, it } from 'vitest';
import { arenaGame, type ArenaWorld } from '../game/arena/index.js';
import type { GameDefinition } from '../game/game-definition.js';
import { createArenaSession } from '../game/arena/client-models.js';
import { KEY_DOWN, KEY_FIRE_PRIMARY, KEY_LEFT, KEY_RIGHT, KEY_UP, type ArenaInput } from '../game/arena/input.js';
import { MAX_SPEED } from '../game/arena/constants.js';
import { PLAYER_FIELD, KIND_PLAYER } from '../game/arena/view.js';
import type { PlayerMotion } from '../game/arena/movement.js';
import { LoopbackServer, VirtualTime, type LoopbackClient } from './loopback.test-support.js';
import type { ClientSession, RenderFrame } from './client-session.js';
import type { NetworkConditionsOptions } from './network-conditions.js';

const FRAME_MS = 16;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Random movement keys, changed every ~300 ms, sometimes firing. */
function randomWalker(seed: number, fire = false): () => ArenaInput {
  const r = rng(seed);
  let keys = 0;
  return () => {
    if (r() < 0.05) keys = Math.floor(r() * 16) | (fire && r() < 0.3 ? KEY_FIRE_PRIMARY : 0);
    return { keys, aim: Math.floor(r() * 4096) };
  };
}

interface Player {
  readonly client: LoopbackClient;
  readonly session: ClientSession<PlayerMotion, ArenaInput>;
  frames: RenderFrame[];
}

function setup(
  conditions: Partial<NetworkConditionsOptions>,
  others = 2,
  seed = 1,
  myInput: () => ArenaInput = randomWalker(seed),
  snapshotRate = 30,
) {
  const time = new VirtualTime();
  let world: ArenaWorld | null = null;
  const game: GameDefinition<ArenaWorld, ArenaInput> = { ...arenaGame, createWorld: (s) => (world = arenaGame.createWorld(s)) };
  const server = new LoopbackServer(time, { seed, game, snapshotRate });
  const players: Player[] = [];
  const add = (name: string, c: Partial<NetworkConditionsOptions>, input: () => ArenaInput, keepFrames: boolean) => {
    const client = server.connect(name, c);
    const session = createArenaSession(client, { now: () => time.now() });
    const p: Player = { client, session, frames: [] };
    time.every(FRAME_MS, () => {
      session.setInput(input());
      const f = session.frame(time.now());
      if (keepFrames) p.frames.push(f);
    });
    players.push(p);
    return p;
  };
  const me = add('me', { seed: seed + 100, ...conditions }, myInput, true);
  for (let i = 0; i < others; i++) add(`bot${i}`, {}, randomWalker(seed + 10 + i), false);
  return { time, server, me, players, world: world! as ArenaWorld };
}

/** The largest per-frame move of any remote player, in steps (a step = MAX_SPEED units). */
function worstRemoteJump(frames: readonly RenderFrame[], localId: number): number {
  let worst = 0;
  for (let i = 1; i < frames.length; i++) {
    const a = frames[i - 1];
    const b = frames[i];
    const ticks = Math.max(1, b.renderTick - a.renderTick);
    for (const [id, e] of b.entities) {
      if (id === localId || e.kind !== KIND_PLAYER) continue;
      const before = a.entities.get(id);
      if (!before) continue;
      const d = Math.hypot(
        (e.values[PLAYER_FIELD.x] as number) - (before.values[PLAYER_FIELD.x] as number),
        (e.values[PLAYER_FIELD.y] as number) - (before.values[PLAYER_FIELD.y] as number),
      );
      worst = Math.max(worst, d / (MAX_SPEED * ticks));
    }
  }
  return worst;
}

describe('ClientSession (loopback, virtual time)', () => {
  it('with no interference predicts the authoritative state at every acked tick: a minute, zero corrections', () => {
    const { time, server, me } = setup({}, 0);
    let compared = 0;
    let mismatches = 0;
    me.session.on('reconcile', (r) => {
      if (r.expected === null) return;
      const truth = server.views.get(r.tick)!.get(me.client.join!.playerId)!;
      compared++;
      const t = truth.values;
      if (r.expected.x !== t[0] || r.expected.y !== t[1] || r.expected.vx !== t[2] || r.expected.vy !== t[3]) mismatches++;
    });
    time.runUntil(60_000);
    const s = me.session.stats;
    expect(mismatches).toBe(0);
    expect(compared).toBeGreaterThan(1700);
    expect(s.corrections).toBe(0);
    expect(s.predictedTicks).toBeGreaterThan(1700);
    expect(s.idleTicks).toBe(0);
    expect(s.inputsSent).toBeGreaterThan(1780);
    expect(s.inputsSent).toBeLessThan(1820);
    expect(Math.abs(s.estimatedServerTick - server.room.tick)).toBeLessThan(1);
  });

  for (const [latencyMs, jitterMs, snapshotLoss] of [
    [50, 20, 0.05],
    [100, 20, 0.05],
    [100, 40, 0.1],
    [25, 5, 0.02],
  ] as const) {
    it(`at ${2 * latencyMs} ms RTT +-${jitterMs} ms, ${snapshotLoss * 100}% loss: <1% corrections, remote players never jump`, () => {
      const { time, me } = setup({ latencyMs, jitterMs, snapshotLoss });
      time.runUntil(30_000);
      const s = me.session.stats;
      expect(s.predictedTicks).toBeGreaterThan(850);
      expect(s.correctionRate).toBeLessThan(0.01);
      expect(s.idleTicks / s.predictedTicks).toBeLessThan(0.02);
      expect(s.rttMs).toBeGreaterThan(2 * latencyMs - 10);
      expect(s.rttMs).toBeLessThan(2 * latencyMs + 2 * jitterMs + 30);
      expect(s.snapshotLoss).toBeLessThan(snapshotLoss * 2.5 + 0.01);
      const frames = me.frames.slice(60); // after the first second
      expect(worstRemoteJump(frames, me.client.join!.playerId)).toBeLessThanOrEqual(1 + 1e-6);
      // The render clock never runs backwards.
      for (let i = 1; i < frames.length; i++) expect(frames[i].renderTick).toBeGreaterThanOrEqual(frames[i - 1].renderTick);
    });
  }

  it('works with snapshots every other tick (15/s at 30 ticks/s): no corrections, smooth remotes', () => {
    const { time, me } = setup({ latencyMs: 40, jitterMs: 10, snapshotLoss: 0.03 }, 2, 3, randomWalker(3), 15);
    time.runUntil(20_000);
    const s = me.session.stats;
    expect(s.predictedTicks).toBeGreaterThan(550);
    expect(s.corrections).toBe(0);
    expect(s.snapshotRate).toBeGreaterThan(13);
    expect(s.interpolationDelayMs).toBeGreaterThan(4 * (1000 / 30)); // two snapshot intervals at least
    expect(worstRemoteJump(me.frames.slice(60), me.client.join!.playerId)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it('sends inputs with the render tick on screen: the rewind stays within the cap at 150 ms RTT', () => {
    const { time, server, me } = setup({ latencyMs: 75 }, 1);
    const raw = new Map<number, number>();
    me.session.on('input', (i) => raw.set(i.seq, i.renderTick));
    time.runUntil(20_000);
    const id = me.client.join!.playerId;
    const rewinds: number[] = [];
    for (const [tick, applied] of server.applied) {
      const mine = applied.find((a) => a.playerId === id && a.seq > 0);
      if (mine && tick > 150) rewinds.push(tick - raw.get(mine.seq)!);
    }
    expect(rewinds.length).toBeGreaterThan(400);
    expect(Math.max(...rewinds)).toBeLessThanOrEqual(server.room.settings.lagCompensationTicks);
    expect(Math.min(...rewinds)).toBeGreaterThanOrEqual(6);
  });

  it('hands out game events when the render tick reaches them', () => {
    const { time, server, me } = setup({ latencyMs: 30 }, 0, 1, () => ({ keys: KEY_FIRE_PRIMARY, aim: 0 }));
    time.runUntil(3000);
    const shots = me.frames.flatMap((f) => f.events.map((e) => ({ at: f.renderTick, ...e })));
    expect(shots.length).toBeGreaterThan(0);
    for (const s of shots) expect(s.at).toBeGreaterThanOrEqual(s.tick);
    expect(server.events.length).toBeGreaterThanOrEqual(shots.length);
  });

  it('resets cleanly on a reconnect: no duplicated or lost inputs, and prediction resumes without corrections', () => {
    const { time, server, me } = setup({ latencyMs: 20 }, 1);
    const id = () => me.client.join!.playerId;
    time.runUntil(5000);
    const correctionsBefore = me.session.stats.corrections;
    me.client.drop();
    time.runUntil(6000);
    expect(me.session.pendingInputs).toBeGreaterThan(0); // still held: nothing is sent while away
    const sentWhileAway = me.session.stats.inputsSent;
    time.runUntil(6500);
    expect(me.session.stats.inputsSent).toBe(sentWhileAway);
    me.client.rejoin();
    expect(me.session.pendingInputs).toBe(0);
    expect(me.session.predictedState).toBeNull();
    time.runUntil(12_000);
    const s = me.session.stats;
    expect(s.reconnects).toBe(1);
    expect(s.corrections).toBe(correctionsBefore);
    expect(me.session.predictedState).not.toBeNull();
    // Server side: every input applied once, in order, none missing.
    const seqs: number[] = [];
    for (const [, applied] of [...server.applied].sort((a, b) => a[0] - b[0])) {
      for (const a of applied) if (a.playerId === id() && a.seq > 0) seqs.push(a.seq);
    }
    const lastAcked = seqs[seqs.length - 1];
    expect(seqs).toEqual(Array.from({ length: lastAcked }, (_, i) => i + 1));
    expect(s.inputsLostOnReconnect).toBe(0);
    expect(me.client.lastSeq - lastAcked).toBeLessThan(8);
  });

  it('ignores snapshots that arrive on the new connection before the rejoin reply: the prediction starts over after it', () => {
    // Over a socket the reply and the first snapshots can be read together, and the snapshots handled
    // first. They show the ticks the server ran while the player was away (the idle input of a player
    // with no connection), which no prediction made before the drop could know.
    const { time, me } = setup({}, 1, 3, () => ({ keys: KEY_RIGHT, aim: 0 }));
    time.runUntil(3000);
    expect(me.session.stats.corrections).toBe(0);
    me.client.drop();
    time.runUntil(4000);
    let resets = 0;
    me.session.on('reset', () => resets++);
    const reconciledBeforeReply: number[] = [];
    me.session.on('reconcile', (r) => {
      if (resets === 0) reconciledBeforeReply.push(r.tick);
    });
    const snapshotsBefore = me.client.stats.snapshots;
    me.client.rejoin(200);
    expect(me.client.stats.snapshots).toBeGreaterThan(snapshotsBefore); // they did arrive first
    expect(reconciledBeforeReply).toEqual([]);
    time.runUntil(8000);
    expect(me.session.stats.corrections).toBe(0);
    expect(me.session.stats.predictedTicks).toBeGreaterThan(150);
  });

  it('snaps the local player on respawn and never draws it while dead', () => {
    const { time, world, me } = setup({ latencyMs: 40 }, 0);
    time.runUntil(2000);
    // Kill the player on the server (as a rocket would) and let it respawn.
    const p = world.players.find((q) => q.id === me.client.join!.playerId)!;
    Object.assign(p, { alive: false, hp: 0, vx: 0, vy: 0, respawnTicks: 30 });
    const start = me.frames.length;
    time.runUntil(5000);
    const frames = me.frames.slice(start);
    const deadFrames = frames.filter((f) => f.local === null);
    expect(deadFrames.length).toBeGreaterThan(30);
    // While dead, the entity is still drawn (authoritative, not predicted) for its respawn timer.
    expect(deadFrames.every((f) => f.entities.has(me.client.join!.playerId))).toBe(true);
    expect(frames[frames.length - 1].local).not.toBeNull();
    expect(me.session.stats.corrections).toBe(0);
  });

  it('keeps moving while the player holds a direction across a lossy link (smoothing stays small)', () => {
    let keys = KEY_RIGHT;
    const { time, me } = setup({ latencyMs: 60, jitterMs: 20, snapshotLoss: 0.05 }, 0, 1, () => ({ keys, aim: 0 }));
    time.every(1000, () => {
      keys = keys === KEY_RIGHT ? KEY_DOWN | KEY_LEFT : keys === (KEY_DOWN | KEY_LEFT) ? KEY_UP : KEY_RIGHT;
    });
    time.runUntil(15_000);
    let worst = 0;
    const frames = me.frames.slice(60);
    for (let i = 1; i < frames.length; i++) {
      const a = frames[i - 1].local;
      const b = frames[i].local;
      if (!a || !b) continue;
      worst = Math.max(worst, Math.hypot((b.values[0] as number) - (a.values[0] as number), (b.values[1] as number) - (a.values[1] as number)));
    }
    expect(worst).toBeLessThanOrEqual(MAX_SPEED);
    expect(me.session.stats.corrections).toBe(0);
  });
});
