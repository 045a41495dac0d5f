// Inputs several to a message (INPUTS_PER_MESSAGE): the server asks joining clients to batch, the
// NetClient sends every input once inside the batches, the server applies each exactly once in order,
// and the prediction needs no correction. Batches are validated whole and rate-limited per input.

import { describe, expect, it } from 'vitest';
import { connectPlayer, FrameLoop, randomWalk } from '../../sim/bench/netcode-harness.js';
import { EV, type NoticeMessage } from '../../shared/protocol.js';
import type { RoomObserver } from '../room.js';
import { appliedInputs } from '../test-support/applied-inputs.js';
import { netcodeFixture } from '../test-support/netcode-fixture.js';
import { metricValue } from '../test-support/server-fixture.js';
import { connectClient, sleep, waitFor } from '../test-support/test-client.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const { servers, players, loops } = netcodeFixture();

async function server(inputsPerMessage: number, observer?: RoomObserver): Promise<TestServer> {
  const s = await startTestServer({ inputsPerMessage }, observer ? { observeRoom: () => observer } : {});
  servers.push(s);
  return s;
}

describe('inputs batched per message', () => {
  it('INPUTS_PER_MESSAGE=2: half the messages, every input applied once and in order, no correction', { timeout: 60_000 }, async () => {
    const { observer, applied } = appliedInputs();
    const s = await server(2, observer);
    const me = await connectPlayer(s.url, { name: 'batcher', brain: randomWalk(11, { changeEveryMs: 300, fire: 0.3 }) });
    players.push(me);
    const join = await me.net.quickPlay();
    expect(join.inputsPerMessage).toBe(2);

    // Messages the client writes from here on: input messages only (no request is made while playing).
    let messages = 0;
    me.net.socket.io.engine?.on('packetCreate', () => void messages++);
    const loop = new FrameLoop(16);
    loops.push(loop);
    loop.add(me);
    loop.start();
    await waitFor(() => me.session.stats.predictedTicks > 90, 15_000, 'three seconds of acknowledged predictions');
    loop.stop();
    await sleep(500);

    const sent = me.net.lastSeq;
    // An odd last input waits for its partner and is never sent.
    const delivered = sent - (sent % 2);
    const mine = applied.get(join.playerId) ?? [];
    const s1 = me.session.stats;
    console.log(
      `[input-batching] ${sent} inputs chosen, ${messages} messages, ${mine.length} applied; ` +
        `corrections ${s1.corrections} of ${s1.predictedTicks} predicted ticks, idle ticks ${s1.idleTicks}`,
    );
    expect(messages).toBe(delivered / 2);
    expect(mine).toEqual(Array.from({ length: delivered }, (_, i) => i + 1));
    expect(s1.corrections).toBe(0);
    expect(await metricValue(s.url, 'game_inputs_rejected_total{reason="duplicate"}')).toBe(0);
  });

  it('keeps each input on its own render tick, and sends a held input when asked', { timeout: 30_000 }, async () => {
    const renderTicks = new Map<number, number>();
    const observer: RoomObserver = {
      onTick(_room, _tick, inputs) {
        for (const a of inputs) if (a.seq > 0) renderTicks.set(a.seq, a.renderTick);
      },
    };
    const s = await server(2, observer);
    const c = await connectClient(s.url, { name: 'ticks' });
    try {
      await c.quickPlay();
      await waitFor(() => c.mirror.latestTick > 20, 5000, 'snapshots');
      let messages = 0;
      c.socket.io.engine?.on('packetCreate', () => void messages++);
      const r = c.mirror.latestTick;
      const still = [0, 0];
      c.sendInput(still, r); // held
      c.sendInput(still, r); // the same render tick (a render clock that slowed down): the pair goes
      c.sendInput(still, r + 2); // held (the render clock caught up)...
      c.flushInputs(); // ...until flushed
      await waitFor(() => renderTicks.size >= 3, 5000, 'three inputs applied');
      expect(messages).toBe(2);
      expect([1, 2, 3].map((seq) => renderTicks.get(seq))).toEqual([r, r, r + 2]);
    } finally {
      c.close();
    }
  });

  it('takes a batch from any client, applies it whole, and refuses it whole when one payload is bad', { timeout: 30_000 }, async () => {
    const { observer, applied } = appliedInputs();
    const s = await server(1, observer);
    const c = await connectClient(s.url, { name: 'raw' });
    try {
      const join = await c.quickPlay();
      expect(join.inputsPerMessage).toBe(1);
      const notices: NoticeMessage[] = [];
      c.on('notice', (n) => notices.push(n));
      // Inputs 1-3 in one message (right, right, down), then 4-5 with a bad second payload.
      c.socket.emit(EV.input, [1, -1, 0, [8, 0], 1, [8, 0], 2, [2, 0]]);
      c.socket.emit(EV.input, [4, -1, 0, [8, 0], 1, [1 << 20, 0]]);
      await waitFor(() => notices.length > 0, 5000, 'a notice about the bad batch');
      expect(notices[0]).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/payload 2 of 2/) });
      await waitFor(() => (applied.get(join.playerId) ?? []).length >= 3, 5000, 'the first batch applied');
      await sleep(300);
      expect(applied.get(join.playerId)).toEqual([1, 2, 3]);
      expect(await metricValue(s.url, 'game_inputs_rejected_total{reason="invalid_payload"}')).toBe(2);
    } finally {
      c.close();
    }
  });

  it('rate-limits inputs, not messages: a burst of four-input batches is cut at the same number of inputs', { timeout: 30_000 }, async () => {
    const s = await server(1);
    const c = await connectClient(s.url, { name: 'burst' });
    try {
      await c.quickPlay();
      const notices: NoticeMessage[] = [];
      c.on('notice', (n) => notices.push(n));
      // 30 messages of 4 inputs at once: 120 inputs against a burst allowance of 2 ticks' worth a second (60).
      for (let m = 0; m < 30; m++) {
        const seq = 1 + m * 4;
        c.socket.emit(EV.input, [seq, -1, 0, [0, 0], 1, [0, 0], 2, [0, 0], 3, [0, 0]]);
      }
      await waitFor(() => notices.some((n) => n.code === 'RATE_LIMITED'), 5000, 'a rate-limit notice');
      const limited = await metricValue(s.url, 'game_inputs_rejected_total{reason="rate_limited"}');
      console.log(`[input-batching] 120 inputs in 30 messages at once: ${limited} refused by the rate limit`);
      // About half refused: the allowance (60 + what refills meanwhile), counted in inputs, in whole batches.
      expect(limited % 4).toBe(0);
      expect(limited).toBeGreaterThanOrEqual(40);
      expect(limited).toBeLessThanOrEqual(60);
    } finally {
      c.close();
    }
  });
});
