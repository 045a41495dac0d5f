// What a light bot keeps of the world: only the entities its brain reads (GameBot.reads), through a
// SightMirror, while a bot whose brain looks at everyone (fight) mirrors every entity it is sent.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { SightMirror, SnapshotMirror } from '../../shared/codec/index.js';
import { MATCH_ENTITY_ID } from '../../shared/game/arena/constants.js';
import { PLAYER_FIELD } from '../../shared/game/arena/view.js';
import { waitFor } from '../../server/test-support/test-client.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import { Bot } from './bot.js';

let ts: TestServer;
const bots: Bot[] = [];
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  for (const bot of bots) bot.stop();
  await ts.close();
});

function bot(behaviour: string, seed: number): Bot {
  const b = new Bot({ url: ts.url, name: `${behaviour}-${seed}`, game: 'arena', behaviour, seed, light: true, conditions: null });
  bots.push(b);
  return b;
}

it('a light wander bot mirrors only itself and the match, and still plays; a fighting one mirrors everyone', async () => {
  const wanderer = bot('wander', 1);
  const fighter = bot('fight', 2);
  const roomId = await wanderer.start({ kind: 'create' });
  await fighter.start({ kind: 'room', roomId });
  const me = wanderer.net.join!.playerId;
  const other = fighter.net.join!.playerId;
  const driver = setInterval(() => {
    const now = performance.now();
    wanderer.update(now);
    fighter.update(now);
  }, 33);
  try {
    await waitFor(() => wanderer.net.mirror.entities.has(me) && fighter.net.mirror.entities.has(other), 5000, 'both bots to see themselves');
    // Both are sent the same kinds of entities (players in range, everyone's scoreboard entry, the match)...
    await waitFor(() => fighter.net.mirror.entities.size >= 4, 5000, 'the fighter to see the scoreboard entries');
    expect(fighter.net.mirror).toBeInstanceOf(SnapshotMirror);
    // ...but the wanderer, whose brain reads only itself and the match, keeps only those.
    expect(wanderer.net.mirror).toBeInstanceOf(SightMirror);
    expect([...wanderer.net.mirror.entities.keys()].sort((a, b) => a - b)).toEqual([me, MATCH_ENTITY_ID]);
    // The wanderer moves (its inputs reach the server) and its mirror follows the server's world.
    const x0 = wanderer.net.mirror.entities.get(me)!.values[PLAYER_FIELD.x];
    await waitFor(() => wanderer.net.mirror.entities.get(me)!.values[PLAYER_FIELD.x] !== x0, 5000, 'the wanderer to move');
    expect([...wanderer.net.mirror.entities.keys()].sort((a, b) => a - b)).toEqual([me, MATCH_ENTITY_ID]);
    await waitFor(() => wanderer.snapshotsReceived > 30, 5000, 'a second of snapshots');
    expect(wanderer.decodeErrors).toBe(0);
    expect(wanderer.violationCount).toBe(0);
  } finally {
    clearInterval(driver);
  }
});
