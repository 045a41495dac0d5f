// Reconnect mid-match: the transport drops while the player is moving, socket.io reconnects, the
// NetClient takes the seat back, and the ClientSession starts its prediction over from the next
// snapshot. Every input is sent once and applied by the server exactly once, in order: none lost in the
// drop, none duplicated by the rejoin, and the prediction needs no correction on either side of it.

import { describe, expect, it } from 'vitest';
import { connectPlayer, FrameLoop, randomWalk } from '../../sim/bench/netcode-harness.js';
import { appliedInputs } from '../test-support/applied-inputs.js';
import { sleep, waitFor } from '../test-support/test-client.js';
import { netcodeFixture } from '../test-support/netcode-fixture.js';
import { startTestServer } from '../test-support/test-server.js';

const { servers, players, loops } = netcodeFixture();

describe('netcode: reconnect mid-match', () => {
  it('resets prediction cleanly, with no duplicated or lost inputs', { timeout: 60_000 }, async () => {
    const { observer, applied: appliedSeqs } = appliedInputs();
    const server = await startTestServer({ reconnectGraceMs: 10_000 }, { observeRoom: () => observer });
    servers.push(server);
    const me = await connectPlayer(server.url, { name: 'flaky', brain: randomWalk(5, { changeEveryMs: 300, fire: 0.3 }), net: { reconnection: true } });
    const other = await connectPlayer(server.url, { name: 'steady', brain: randomWalk(6) });
    players.push(me, other);
    const join = await me.net.quickPlay();
    await other.net.quickPlay();

    const sentSeqs: number[] = [];
    me.session.on('input', (i) => sentSeqs.push(i.seq));
    const atReset: { pending: number; predicted: boolean }[] = [];
    me.session.on('reset', () => atReset.push({ pending: me.session.pendingInputs, predicted: me.session.predictedState !== null }));
    const corrections: string[] = [];
    me.session.on('reconcile', (r) => {
      if (r.corrected) corrections.push(`tick ${r.tick} seq ${r.lastInputSeq} idle ${r.idleTicks} expected ${JSON.stringify(r.expected)} got ${JSON.stringify(r.authoritative)} resets ${atReset.length}`);
    });

    const loop = new FrameLoop(16);
    loops.push(loop);
    loop.add(me);
    loop.add(other);
    loop.start();
    await waitFor(() => me.session.stats.predictedTicks > 60, 10_000, 'two seconds of acknowledged predictions');
    await sleep(1000);

    // Drop the transport the way a network failure would, mid-move, with inputs in flight (waited for: on a
    // busy machine the client can be between two sends with everything acknowledged); socket.io reconnects.
    await waitFor(() => me.session.pendingInputs > 0, 10_000, 'inputs in flight');
    const before = { ...me.session.stats };
    const pendingAtDrop = me.session.pendingInputs;
    const rejoined = me.net.next('rejoined', 10_000);
    me.net.socket.io.engine.close();
    const info = await rejoined;
    expect(info.playerId).toBe(join.playerId);
    // The session reset on the rejoin: nothing pending, nothing predicted until the next snapshot.
    expect(atReset).toEqual([{ pending: 0, predicted: false }]);
    const afterRejoin = { ...me.session.stats };
    await waitFor(() => me.session.stats.predictedTicks > afterRejoin.predictedTicks + 60, 10_000, 'prediction to resume');
    await sleep(1000);

    // Stop playing and let the server apply whatever is still queued.
    loop.stop();
    await sleep(500);
    const s = me.session.stats;
    const applied = appliedSeqs.get(join.playerId) ?? [];
    const lastSent = me.net.lastSeq;
    console.log(
      `[netcode-reconnect] ${lastSent} inputs sent (${before.inputsSent} before the drop, ${pendingAtDrop} of them unacknowledged), ` +
        `${applied.length} applied; rejoin lastInputSeq ${info.lastInputSeq}; corrections ${s.corrections}; ` +
        `predicted ticks ${before.predictedTicks} before, ${s.predictedTicks - afterRejoin.predictedTicks} after`,
    );
    // Sent once each, in order, across the reconnect (the sequence continues where the server was).
    expect(sentSeqs).toEqual(Array.from({ length: lastSent }, (_, i) => i + 1));
    // Applied exactly once each, in order: nothing lost in the drop, nothing replayed by the rejoin.
    expect(applied).toEqual(Array.from({ length: lastSent }, (_, i) => i + 1));
    expect(pendingAtDrop).toBeGreaterThan(0);
    expect(s.reconnects).toBe(1);
    expect(s.inputsLostOnReconnect).toBe(0);
    // The prediction was right before the drop and is right again after it.
    expect(corrections).toEqual([]);
    expect(s.corrections).toBe(0);
    expect(me.session.predictedState).not.toBeNull();
  });
});
