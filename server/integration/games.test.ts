// One server hosting two games at once: each request names its game, players of each game sit in rooms of
// their own, the room list and quick play work per game, GET /api/games lists both, and a game the server
// does not host is refused by name. The second game is defined right here in a few dozen lines, through
// the GameDefinition contract alone: nothing in the engine knows it.

import { describe, expect, it } from 'vitest';
import { RequestError } from '../../shared/client/net-client.js';
import type { ReplicationSchema } from '../../shared/codec/schema.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import { hash32 } from '../../shared/game/hash.js';
import type { GameSummary } from '../../shared/protocol.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { waitFor } from '../test-support/test-client.js';

/** "Drift": every player is a dot that moves one unit per tick in the direction (0-3) it last sent. */
interface DriftWorld {
  tick: number;
  dots: { id: number; name: string; x: number; y: number; dir: number }[];
}
type DriftInput = number;
const DRIFT_SCHEMA: ReplicationSchema = { kinds: [{ kind: 0, name: 'dot', fields: [{ name: 'x', type: 'int', delta: true }, { name: 'y', type: 'int', delta: true }, { name: 'name', type: 'string' }] }] };
const STEP = [[1, 0], [0, 1], [-1, 0], [0, -1]] as const;

const driftGame: GameDefinition<DriftWorld, DriftInput> = {
  name: 'drift',
  title: 'Drift',
  schema: DRIFT_SCHEMA,
  maxPlayers: 4,
  tickRate: arenaGame.tickRate,
  lagCompensationTicks: 0,
  createWorld: () => ({ tick: 0, dots: [] }),
  addPlayer: (w, id, name) => void w.dots.push({ id, name, x: 0, y: 0, dir: 0 }),
  removePlayer: (w, id) => void (w.dots = w.dots.filter((d) => d.id !== id)),
  encodeInput: (dir) => dir,
  parseInput: (raw) => (Number.isInteger(raw) && (raw as number) >= 0 && (raw as number) < 4 ? (raw as number) : null),
  idleInput: (previous) => previous ?? 0,
  applyInput: (w, id, dir) => {
    const dot = w.dots.find((d) => d.id === id);
    if (dot) dot.dir = dir;
  },
  step: (w, tick) => {
    w.tick = tick;
    for (const d of w.dots) [d.x, d.y] = [d.x + STEP[d.dir]![0], d.y + STEP[d.dir]![1]];
    return [];
  },
  view: (w) => w.dots.map((d) => ({ id: d.id, kind: 0, x: d.x, y: d.y, values: [d.x, d.y, d.name] })),
  focusOf: (w, id) => w.dots.find((d) => d.id === id) ?? null,
  scoreColumns: [{ key: 'distance', label: 'Distance' }],
  scores: (w) => w.dots.map((d) => ({ playerId: d.id, name: d.name, values: { distance: Math.abs(d.x) + Math.abs(d.y) } })),
  hash: (w) => hash32([w.tick, ...w.dots.flatMap((d) => [d.id, d.x, d.y, d.dir])]),
  serialize: (w) => ({ tick: w.tick, dots: w.dots.map((d) => ({ ...d })) }),
  deserialize: (data) => {
    const w = data as DriftWorld;
    if (typeof w?.tick !== 'number' || !Array.isArray(w.dots)) throw new Error('not a drift world');
    return { tick: w.tick, dots: w.dots.map((d) => ({ ...d })) };
  },
};

const { server, client } = serverFixture();
const bothGames = () => server({}, { games: [arenaGame as unknown as AnyGame, driftGame as unknown as AnyGame] });

describe('a server hosting two games', () => {
  it('seats each game\'s players in rooms of that game, and lists and quick-plays per game', async () => {
    const s = await bothGames();
    const driftClient = { games: [arenaGame, driftGame] };
    const a = await client(s.url, 'arena player');
    const d1 = await client(s.url, 'drift one', driftClient);
    const d2 = await client(s.url, 'drift two', driftClient);
    const arenaJoin = await a.quickPlay(); // no game named: the server's first
    const driftJoin = await d1.quickPlay('drift');
    expect(arenaJoin.game).toBe('arena');
    expect(driftJoin.game).toBe('drift');
    expect(driftJoin.roomId).not.toBe(arenaJoin.roomId);
    // Quick play fills the drift room, never the arena one.
    expect((await d2.quickPlay('drift')).roomId).toBe(driftJoin.roomId);

    // The drift client decodes its game's snapshots with the drift schema: its dot moves as it steers.
    d1.sendInput(1);
    await waitFor(() => [...d1.mirror.entities.values()].some((e) => e.values[2] === 'drift one' && (e.values[1] as number) > 3), 5000, 'the drift dot moving down');
    expect(a.mirror.entities.size).toBeGreaterThan(0);
    expect([...a.mirror.entities.values()].every((e) => e.values[2] !== 'drift one')).toBe(true);

    expect((await d1.listRooms('drift')).map((r) => r.roomId)).toEqual([driftJoin.roomId]);
    expect((await d1.listRooms('arena')).map((r) => r.roomId)).toEqual([arenaJoin.roomId]);
    expect(new Set((await d1.listRooms()).map((r) => r.game))).toEqual(new Set(['arena', 'drift']));

    // GET /api/games counts public rooms and players of the whole cluster (read through a 1 s cache).
    let drift: GameSummary | undefined;
    for (let attempt = 0; attempt < 50 && drift?.players !== 2; attempt++) {
      const body = (await (await fetch(`${s.url}/api/games`)).json()) as { games: GameSummary[] };
      expect(body.games.map((g) => g.name)).toEqual(['arena', 'drift']);
      drift = body.games.find((g) => g.name === 'drift');
      if (drift?.players !== 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(drift).toEqual({ name: 'drift', title: 'Drift', maxPlayers: 4, rooms: 1, players: 2 });
  });

  it('refuses a game it does not host, naming the ones it does', async () => {
    const s = await bothGames();
    const c = await client(s.url, 'lost');
    const err = await c.quickPlay('chess').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect((err as RequestError).code).toBe('UNKNOWN_GAME');
    expect((err as RequestError).message).toContain('arena, drift');
    expect((await c.rawRequest('room:list', { game: 'Not A Name!' })).ok).toBe(false);
  });

  it('refuses to start with two games of one name or a game tuned for another tick rate', async () => {
    await expect(server({}, { games: [driftGame as unknown as AnyGame, driftGame as unknown as AnyGame] })).rejects.toThrow(/two games are named "drift"/);
    await expect(server({}, { games: [{ ...driftGame, tickRate: 60 } as unknown as AnyGame] })).rejects.toThrow(/tuned for 60 Hz/);
  });
});
