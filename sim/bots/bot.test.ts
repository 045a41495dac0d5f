// What a light bot keeps of the world: only the entities its brain reads (GameBot.reads), through a
// SightMirror: a wandering bot its own player and the match, a fighting one the players and the match,
// not the scoreboard entries every client is sent.

import { afterAll, beforeAll, expect, it } from 'vitest';
import { SightMirror } from '../../shared/codec/index.js';
import { MATCH_ENTITY_ID } from '../../shared/game/arena/constants.js';
import { KIND_PLAYER, PLAYER_FIELD } from '../../shared/game/arena/view.js';
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

it('a light wander bot mirrors only itself and the match, and still plays; a fighting one only the players and the match', async () => {
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
    // Both are sent players in range, everyone's scoreboard entry and the match; the wanderer keeps itself
    // and the match, the fighter the players and the match.
    expect(wanderer.net.mirror).toBeInstanceOf(SightMirror);
    expect([...wanderer.net.mirror.entities.keys()].sort((a, b) => a - b)).toEqual([me, MATCH_ENTITY_ID]);
    expect(fighter.net.mirror).toBeInstanceOf(SightMirror);
    expect(fighter.net.mirror.entities.has(MATCH_ENTITY_ID)).toBe(true);
    for (const e of fighter.net.mirror.entities.values()) expect(e.kind === KIND_PLAYER || e.id === MATCH_ENTITY_ID).toBe(true);
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
