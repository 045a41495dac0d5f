// A server that falls behind (here: its event loop blocked for 300 ms, as a long GC pause or a CPU-starved
// machine would) catches up by running the missed ticks back to back. The ticks of the catch-up are stale
// before they are sent, so they send no snapshots: clients get one snapshot, the newest, whose delta
// applies cleanly, and the skipped ticks are counted in /metrics.

import { describe, expect, it } from 'vitest';
import { metricValue, serverFixture } from '../test-support/server-fixture.js';
import { waitFor } from '../test-support/test-client.js';

const { server, client } = serverFixture();

describe('a server that falls behind', () => {
  it('skips the snapshots of stale catch-up ticks and sends the newest; clients decode on without a break', { timeout: 30_000 }, async () => {
    const s = await server();
    const c = await client(s.url, 'patient');
    await c.quickPlay();
    const ticks: number[] = [];
    c.on('snapshot', (snapshot) => ticks.push(snapshot.tick));
    await waitFor(() => ticks.length >= 10, 5000, 'ten snapshots');

    const before = ticks.length;
    // Block this process (server and client share it) for 300 ms: about 9 ticks fall due at once.
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy: nothing else runs
    }
    await waitFor(() => ticks.length >= before + 10, 5000, 'ten snapshots after the stall');

    const skipped = await metricValue(s.url, 'game_snapshot_ticks_skipped_total');
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    console.log(`[falling-behind] ${skipped} snapshot ticks skipped; largest gap between snapshots ${Math.max(...gaps)} ticks`);
    expect(skipped).toBeGreaterThanOrEqual(1);
    // One snapshot jumped over the stall (the skipped ticks), and none was repeated or went back.
    expect(Math.max(...gaps)).toBeGreaterThan(1);
    expect(gaps.every((g) => g >= 1)).toBe(true);
    expect(c.stats.decodeErrors).toBe(0);
  });
});
