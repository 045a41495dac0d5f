// Shared cleanup for the netcode integration tests: whatever a test starts (servers, players, frame
// loops) is pushed into these lists and torn down after each test.

import { afterEach } from 'vitest';
import { closePlayer, type ArenaPlayer, type FrameLoop } from '../../sim/bench/netcode-harness.js';
import type { TestServer } from './test-server.js';

export function netcodeFixture(): { servers: TestServer[]; players: ArenaPlayer[]; loops: FrameLoop[] } {
  const servers: TestServer[] = [];
  const players: ArenaPlayer[] = [];
  const loops: FrameLoop[] = [];
  afterEach(async () => {
    for (const l of loops.splice(0)) l.stop();
    for (const p of players.splice(0)) closePlayer(p);
    for (const s of servers.splice(0)) await s.close();
  });
  return { servers, players, loops };
}
