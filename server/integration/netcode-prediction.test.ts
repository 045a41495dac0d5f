// Client prediction against a real server with no network interference: for a minute of random inputs,
// what the client predicted for every acknowledged input (plus any idle ticks the server reported) is
// exactly the server's own state at that tick, so not a single correction is needed.

import { describe, expect, it } from 'vitest';
import type { EntityView } from '../../shared/codec/schema.js';
import type { Reconciliation } from '../../shared/client/client-session.js';
import type { PlayerMotion } from '../../shared/game/arena/index.js';
import { PLAYER_FIELD } from '../../shared/game/arena/index.js';
import { connectPlayer, FrameLoop, randomWalk } from '../../sim/bench/netcode-harness.js';
import type { RoomObserver } from '../room.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import { netcodeFixture } from '../test-support/netcode-fixture.js';
import { startTestServer } from '../test-support/test-server.js';

const { servers, players, loops } = netcodeFixture();

describe('netcode: prediction with no interference', () => {
  it('predicts the authoritative state at every acked tick: a minute of random inputs, zero corrections', { timeout: 120_000 }, async () => {
    // The server's own view of every tick (snapshots go out every tick), independent of what it sends.
    const views = new Map<number, Map<number, EntityView>>();
    const observer: RoomObserver = {
      onSnapshot(_room, tick, list) {
        views.set(tick, new Map(list.map((v) => [v.id, v])));
        views.delete(tick - 300);
      },
    };
    const server = await startTestServer({}, { observeRoom: () => observer });
    servers.push(server);
    // Random movement, the rifle half the time, a rocket now and then (it may kill the player: a death
    // and a respawn are not mispredictions).
    const me = await connectPlayer(server.url, { name: 'predictor', brain: randomWalk(42, { changeEveryMs: 300, fire: 0.5, rocket: 0.02 }) });
    players.push(me);
    const join = await me.net.quickPlay();

    let compared = 0;
    let mismatchCount = 0;
    const mismatches: string[] = [];
    me.session.on('reconcile', (r: Reconciliation<PlayerMotion>) => {
      if (r.expected === null) return;
      const truth = views.get(r.tick)?.get(join.playerId);
      if (!truth) return;
      compared++;
      const t = truth.values;
      const e = r.expected;
      const same = e.x === t[PLAYER_FIELD.x] && e.y === t[PLAYER_FIELD.y] && e.vx === t[PLAYER_FIELD.vx] && e.vy === t[PLAYER_FIELD.vy];
      if (same) return;
      mismatchCount++;
      if (mismatches.length < 5) mismatches.push(`tick ${r.tick}: predicted ${JSON.stringify(e)}, server ${JSON.stringify(t.slice(0, 4))}`);
    });

    const loop = new FrameLoop(16);
    loops.push(loop);
    loop.add(me);
    loop.start();
    const started = performance.now();
    await waitFor(() => me.session.stats.predictedTicks > 0, 5000, 'the first acknowledged prediction');
    await sleep(60_000 - (performance.now() - started));
    loop.stop();

    const s = me.session.stats;
    console.log(
      `[netcode-prediction] 60 s: ${s.predictedTicks} predicted ticks checked, ${compared} compared with the server, ` +
        `${s.corrections} corrections, ${s.idleTicks} idle ticks reproduced, rtt ${s.rttMs.toFixed(1)} ms, ` +
        `interp delay ${s.interpolationDelayMs.toFixed(0)} ms, queue ${s.serverInputQueue}, inputs ${s.inputsSent}`,
    );
    expect(mismatches).toEqual([]);
    expect(mismatchCount).toBe(0);
    expect(s.corrections).toBe(0);
    // 30 ticks/s for a minute, less whatever a busy machine's event loop costs.
    expect(s.predictedTicks).toBeGreaterThan(1500);
    expect(compared).toBeGreaterThan(1500);
    expect(s.inputsSent).toBeGreaterThan(1600);
  });
});
