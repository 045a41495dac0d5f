// Lag compensation end to end: a shooter behind a slow link aims at a moving target where its own
// interpolated view shows it, fires the rifle (hitscan), and the server judges the shot against the
// world as of the render tick the input carried: the hit registers. Past the rewind cap the server
// does not go back further than the cap, however old the shooter's view.

import { describe, expect, it } from 'vitest';
import type { EntityView, GameEvent } from '../../shared/codec/schema.js';
import {
  aimFromVector,
  arenaGame,
  dirX,
  dirY,
  DIR_SCALE,
  EVT_HIT,
  EVT_SHOT,
  KEY_FIRE_PRIMARY,
  KEY_LEFT,
  KEY_RIGHT,
  MAX_HEALTH,
  PLAYER_FIELD,
  PLAYER_RADIUS,
  RIFLE_RANGE,
  px,
  type ArenaInput,
  type ArenaWorld,
} from '../../shared/game/arena/index.js';
import { segmentEntersCircle } from '../../shared/game/arena/geometry.js';
import type { GameDefinition } from '../../shared/game/game-definition.js';
import type { JoinInfo } from '../../shared/protocol.js';
import { connectPlayer, FrameLoop, positionOf } from '../../sim/bench/netcode-harness.js';
import type { AppliedInput, RoomObserver } from '../room.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import { netcodeFixture } from '../test-support/netcode-fixture.js';
import { startTestServer } from '../test-support/test-server.js';

const { servers, players, loops } = netcodeFixture();

// An open stretch of the top of the map: the shooter stands at (650, 100) px, the target runs left and
// right along y = 280 px between x = 420 and 880 px, across the shooter's line of fire. No wall between.
const SHOOTER = { x: px(650), y: px(100) };
const TARGET_Y = px(280);
const TARGET_MIN_X = px(420);
const TARGET_MAX_X = px(880);

interface Shot {
  readonly seq: number;
  /** The render tick the input carried (what the shooter was looking at). */
  readonly renderTick: number;
  readonly aim: number;
  /** Where the shooter saw the target when it aimed. */
  readonly seen: { x: number; y: number };
}

interface Judged extends Shot {
  /** Tick the server applied the input on. */
  readonly tick: number;
  /** The render tick the server used, after clamping to the cap. */
  readonly judgedAt: number;
  readonly hit: boolean;
}

async function duel(oneWayMs: number, shots: number) {
  // Capture the room's world (to stage the duel), its views and the inputs it applied.
  let world: ArenaWorld | null = null;
  const game: GameDefinition<ArenaWorld, ArenaInput> = { ...arenaGame, createWorld: (seed) => (world = arenaGame.createWorld(seed)) };
  const views = new Map<number, Map<number, EntityView>>();
  const applied = new Map<number, readonly AppliedInput[]>();
  const events: { tick: number; event: GameEvent }[] = [];
  let targetId = -1;
  const observer: RoomObserver = {
    onTick(_room, tick, list, tickEvents) {
      applied.set(tick, list);
      for (const event of tickEvents) events.push({ tick, event });
      // Keep the target alive and where the test wants it to run.
      const target = world?.players.find((p) => p.id === targetId);
      if (target) target.hp = MAX_HEALTH;
    },
    onSnapshot(_room, tick, list) {
      views.set(tick, new Map(list.map((v) => [v.id, v])));
    },
  };
  const server = await startTestServer({}, { games: [game], observeRoom: () => observer });
  servers.push(server);

  const shooter = await connectPlayer(server.url, { name: 'shooter', conditions: { latencyMs: oneWayMs, jitterMs: 0, snapshotLoss: 0 } });
  const target = await connectPlayer(server.url, { name: 'target' });
  players.push(shooter, target);
  const shooterJoin: JoinInfo = await shooter.net.quickPlay();
  const targetJoin = await target.net.quickPlay();
  expect(targetJoin.roomId).toBe(shooterJoin.roomId);
  targetId = targetJoin.playerId;
  const w = world! as ArenaWorld;
  const place = (id: number, x: number, y: number) => {
    const p = w.players.find((q) => q.id === id)!;
    Object.assign(p, { x, y, vx: 0, vy: 0, protectTicks: 0 });
  };
  place(shooterJoin.playerId, SHOOTER.x, SHOOTER.y);
  place(targetId, (TARGET_MIN_X + TARGET_MAX_X) / 2, TARGET_Y);

  // The target runs back and forth at full speed, steering by its own predicted position.
  let heading = KEY_RIGHT;
  target.brain = (frame) => {
    const me = frame?.local;
    if (me) {
      const x = me.values[PLAYER_FIELD.x] as number;
      if (x >= TARGET_MAX_X) heading = KEY_LEFT;
      if (x <= TARGET_MIN_X) heading = KEY_RIGHT;
    }
    return { keys: heading, aim: 0 };
  };

  // The shooter stands still and, every 700 ms, fires at the target where its interpolated view shows
  // it, when the target is mid-run (moving at full speed across the line of fire).
  const fired: Shot[] = [];
  let wantFire = false;
  let aim = 0;
  let seen = { x: 0, y: 0 };
  let lastShotAt = -Infinity;
  let previousTarget: { x: number; y: number } | null = null;
  let armed = false;
  shooter.brain = (frame) => {
    if (!frame) return { keys: 0, aim };
    const t = positionOf(frame, targetId);
    const me = frame.local;
    if (t && me) {
      const mx = me.values[PLAYER_FIELD.x] as number;
      const my = me.values[PLAYER_FIELD.y] as number;
      aim = aimFromVector(t.x - mx, t.y - my);
      seen = t;
      const running = previousTarget !== null && Math.abs(t.x - previousTarget.x) > 5;
      const midRun = t.x > TARGET_MIN_X + px(80) && t.x < TARGET_MAX_X - px(80);
      if (armed && !wantFire && running && midRun && performance.now() - lastShotAt > 700) wantFire = true;
    }
    previousTarget = t;
    return { keys: wantFire ? KEY_FIRE_PRIMARY : 0, aim };
  };
  shooter.session.on('input', (sent) => {
    if (!(sent.input.keys & KEY_FIRE_PRIMARY)) return;
    fired.push({ seq: sent.seq, renderTick: sent.renderTick, aim: sent.input.aim, seen });
    wantFire = false;
    lastShotAt = performance.now();
    // Release the trigger for the rest of this frame's inputs too.
    shooter.session.setInput({ keys: 0, aim });
  });
  const hitsSeen: GameEvent[] = [];
  shooter.onFrame = (frame) => {
    for (const { event } of frame.events) if (event[0] === EVT_HIT && event[2] === shooterJoin.playerId) hitsSeen.push(event);
  };

  const loop = new FrameLoop(16);
  loops.push(loop);
  loop.add(shooter);
  loop.add(target);
  loop.start();
  // Let both predictions settle on the staged positions, and the shooter's clock and delay on its link.
  await waitFor(() => shooter.session.stats.predictedTicks > 30 && target.session.stats.predictedTicks > 30, 10_000, 'both players predicting');
  await sleep(1000);
  armed = true;
  await waitFor(() => fired.length >= shots, 30_000, `${shots} shots`);
  await sleep(2 * oneWayMs + 600);
  loop.stop();

  // What the server made of each shot.
  const judged: Judged[] = [];
  for (const shot of fired) {
    let tick = -1;
    let judgedAt = -1;
    for (const [t, list] of applied) {
      const input = list.find((a) => a.playerId === shooterJoin.playerId && a.seq === shot.seq);
      if (input) {
        tick = t;
        judgedAt = input.renderTick;
      }
    }
    expect(tick, `shot ${shot.seq} was applied`).toBeGreaterThan(0);
    const shotEvent = events.find((e) => e.tick === tick && e.event[0] === EVT_SHOT && e.event[1] === shooterJoin.playerId);
    expect(shotEvent, `shot ${shot.seq} fired on tick ${tick}`).toBeDefined();
    judged.push({ ...shot, tick, judgedAt, hit: shotEvent!.event[6] === targetId });
  }
  // Every input the shooter sent was judged no further back than the cap.
  const cap = shooterJoin.lagCompensationTicks;
  for (const [t, list] of applied) {
    for (const a of list) if (a.playerId === shooterJoin.playerId) expect(a.renderTick).toBeGreaterThanOrEqual(t - cap);
  }
  return { judged, cap, views, hitsSeen, shooter, shooterId: shooterJoin.playerId, targetId };
}

/** Whether a rifle shot from the shooter's position along `aim` passes through the target at `tick`. */
function wouldHit(views: Map<number, Map<number, EntityView>>, tick: number, shooterId: number, targetId: number, aim: number): boolean {
  const frame = views.get(tick)!;
  const s = frame.get(shooterId)!;
  const t = frame.get(targetId)!;
  const dx = (dirX(aim) * RIFLE_RANGE) / DIR_SCALE;
  const dy = (dirY(aim) * RIFLE_RANGE) / DIR_SCALE;
  return segmentEntersCircle(s.x, s.y, dx, dy, t.x, t.y, PLAYER_RADIUS) !== null;
}

describe('netcode: lag compensation', () => {
  it('registers the hit of a 150 ms RTT shooter aiming where its interpolated view shows a moving target', { timeout: 60_000 }, async () => {
    const { judged, cap, hitsSeen, shooter, views, shooterId, targetId } = await duel(75, 8);
    const hits = judged.filter((j) => j.hit).length;
    const rewinds = judged.map((j) => j.tick - j.renderTick);
    console.log(
      `[netcode-lag-compensation] 150 ms RTT: ${hits}/${judged.length} hits, rewind needed ${rewinds.join(',')} ticks (cap ${cap}), ` +
        `judged at ${judged.map((j) => j.tick - j.judgedAt).join(',')} ticks back, interp delay ${shooter.session.stats.interpolationDelayMs.toFixed(0)} ms, ` +
        `rtt ${shooter.session.stats.rttMs.toFixed(0)} ms`,
    );
    expect(judged.length).toBeGreaterThanOrEqual(8);
    for (const j of judged) {
      // Judged at the tick the shooter was looking at, or at the cap when its view was older than that.
      expect(j.judgedAt).toBe(Math.max(j.renderTick, j.tick - cap));
      // The verdict is exactly a trace against the world at that tick.
      expect(j.hit).toBe(wouldHit(views, j.judgedAt, shooterId, targetId, j.aim));
      // Every shot judged where the shooter saw the target (its render tick within the cap) is a hit.
      if (j.judgedAt === j.renderTick) expect(j.hit, `shot ${j.seq} judged at its own render tick`).toBe(true);
    }
    // How many shots are within the cap depends on the machine's load (a busy client renders further in the
    // past): about all of them when idle (the rewind needed is at the cap, at most a tick beyond it), as
    // few as a quarter on a loaded 2-core machine. The log line above says which; the rules hold either way.
    // The shooter's own client shows its hits (EVT_HIT with it as the attacker).
    if (hits > 0) expect(hitsSeen.length).toBeGreaterThan(0);
  });

  it('does not rewind past the cap for a shooter whose view is older than the cap', { timeout: 60_000 }, async () => {
    const { judged, cap, views, shooterId, targetId } = await duel(200, 5);
    const clamped = judged.filter((j) => j.renderTick < j.tick - cap);
    let wouldHaveHit = 0;
    for (const j of judged) {
      // Judged at the cap, not at the (older) tick the shooter was looking at.
      expect(j.judgedAt).toBe(Math.max(j.renderTick, j.tick - cap));
      // The server's verdict is exactly a trace against the world at the clamped tick.
      expect(j.hit).toBe(wouldHit(views, j.judgedAt, shooterId, targetId, j.aim));
      if (!j.hit && wouldHit(views, j.renderTick, shooterId, targetId, j.aim)) wouldHaveHit++;
    }
    console.log(
      `[netcode-lag-compensation] 400 ms RTT: ${clamped.length}/${judged.length} shots beyond the ${cap}-tick cap ` +
        `(rewind needed ${judged.map((j) => j.tick - j.renderTick).join(',')} ticks), ${judged.filter((j) => j.hit).length} hits, ` +
        `${wouldHaveHit} misses that an unlimited rewind would have called hits`,
    );
    expect(clamped.length).toBe(judged.length);
    // Aimed where the stale view showed the target: a hit had the server rewound that far, a miss at the cap.
    expect(wouldHaveHit).toBeGreaterThanOrEqual(Math.ceil(judged.length / 2));
  });
});
