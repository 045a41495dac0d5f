// Server-hosted bots (BOT_FILL): a lone player who quick-plays finds the room topped up with bots that move
// and fight, through the same input queue as players; a second player takes a bot's seat; bots are marked
// by name; they leave with the last player; and the match recording, bots included, verifies.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntityState } from '../../shared/codec/schema.js';
import { arenaGame, EVT_SHOT, KIND_PLAYER, KIND_PLAYER_INFO, PLAYER_FIELD, PLAYER_INFO_FIELD } from '../../shared/game/arena/index.js';
import { BOT_NAME_MARK } from '../../shared/protocol.js';
import type { RoomObserver } from '../room.js';
import { verifyRecording } from '../../shared/recording/index.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { waitFor } from '../test-support/test-client.js';

const { server, client } = serverFixture();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const BOT_FILL = 4;

function players(entities: ReadonlyMap<number, EntityState>): EntityState[] {
  return [...entities.values()].filter((e) => e.kind === KIND_PLAYER);
}

function names(entities: ReadonlyMap<number, EntityState>): string[] {
  return [...entities.values()].filter((e) => e.kind === KIND_PLAYER_INFO).map((e) => e.values[PLAYER_INFO_FIELD.name] as string);
}

describe('server-hosted bots', () => {
  it('fill a lone player\'s room, move and fight, give a seat to a second player, and record a match that verifies', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(joinPath(tmpdir(), 'server-bots-'));
    dirs.push(dir);
    // The room as the server steps it (a player's own view only holds what is near it).
    let shotsByBots = 0;
    let latest = new Map<number, EntityState>();
    const observer: RoomObserver = {
      onTick: (_room, _tick, _applied, events) => void (shotsByBots += events.filter((e) => e[0] === EVT_SHOT && e[1] !== alicePlayerId).length),
      onSnapshot: (_room, _tick, views) => void (latest = new Map(views.map((v) => [v.id, v]))),
    };
    let alicePlayerId = -1;
    const s = await server({ botFill: BOT_FILL, recordingsDir: dir, emptyRoomGraceMs: 200 }, { observeRoom: () => observer });
    const alice = await client(s.url, 'alice');
    const join = await alice.quickPlay();
    alicePlayerId = join.playerId;

    // The room has BOT_FILL players at once: alice and three bots, marked by name (names reach every player).
    await waitFor(() => names(alice.mirror.entities).length === BOT_FILL, 5000, 'the bots to be seated');
    const botNames = names(alice.mirror.entities).filter((n) => n !== 'alice');
    expect(botNames).toHaveLength(BOT_FILL - 1);
    for (const n of botNames) expect(n.startsWith(BOT_NAME_MARK)).toBe(true);
    // Matchmaking counts people only: the room still has seats for them.
    expect((await alice.listRooms())[0]).toMatchObject({ roomId: join.roomId, players: 1 });

    // They move...
    const where = (p: EntityState) => `${p.values[PLAYER_FIELD.x]},${p.values[PLAYER_FIELD.y]}`;
    await waitFor(() => players(latest).length === BOT_FILL, 5000, 'the server to step the bots');
    const start = new Map(players(latest).map((p) => [p.id, where(p)]));
    await waitFor(
      () => players(latest).filter((p) => p.id !== join.playerId && start.get(p.id) !== where(p)).length === BOT_FILL - 1,
      5000,
      'every bot to move',
    );
    // ...and fight (alice stands still in the open: they find her or each other).
    await waitFor(() => shotsByBots > 0, 30_000, 'a bot to fire');

    // A second person takes a bot's seat: still BOT_FILL players, one bot fewer.
    const bob = await client(s.url, 'bob');
    expect((await bob.quickPlay()).roomId).toBe(join.roomId);
    await waitFor(() => names(alice.mirror.entities).includes('bob') && players(latest).length === BOT_FILL, 5000, 'bob to replace a bot');
    expect(names(alice.mirror.entities).filter((n) => n.startsWith(BOT_NAME_MARK))).toHaveLength(BOT_FILL - 2);

    // Both leave: the bots go with them, the room closes, and its recording verifies.
    await bob.leave();
    await alice.leave();
    const store = s.server.recordings!.store;
    await waitFor(() => store.list().matches[0]?.complete === true, 10_000, 'the recording to be finalized');
    const match = store.list().matches[0]!;
    expect(match.players.filter((p) => p.name.startsWith(BOT_NAME_MARK)).length).toBeGreaterThanOrEqual(BOT_FILL - 1);
    const result = await verifyRecording(new Uint8Array(readFileSync(joinPath(dir, `${match.id}.rec`))), arenaGame);
    expect(result.divergence).toBeNull();
    expect(result.ok && result.complete).toBe(true);
  });

  it('never fill private rooms, and people cannot take the bot mark', async () => {
    const s = await server({ botFill: BOT_FILL });
    const carol = await client(s.url, `${BOT_NAME_MARK} carol`);
    const join = await carol.createRoom(true);
    expect(join.name).toBe('carol');
    await waitFor(() => carol.mirror.latestTick > 30, 5000, 'a second of snapshots');
    expect(players(carol.mirror.entities)).toHaveLength(1);
  });
});
