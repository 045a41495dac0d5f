// The Phaser client in a real Chromium (playwright-core, Debian's /usr/bin/chromium) against a real
// GameServer serving the built client. Each test gets its own server whose first players stand facing
// each other (test-support duelArena), so fights are deterministic; everything else is the real game.
// Pages are read through window.__arena (what the page renders, in numbers), not through pixels.

import { afterEach, describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import type { AnyGame } from '../../shared/game/game-definition.js';
import type { GameSummary } from '../../shared/protocol.js';
import {
  aimAt,
  artifactPath,
  browserSuite,
  duelArena,
  quickPlay,
  state,
  waitForState,
  waitForText,
} from '../../game-client/test-support/browser.js';
import { connectClient } from '../test-support/test-client.js';

const { server, player } = browserSuite();
const bots: NetClient[] = [];

afterEach(() => {
  for (const b of bots.splice(0)) b.close();
});

describe('browser game client', () => {
  it('two pages quick-play into one room, and keys on A move A on B’s screen', async () => {
    const s = await server();
    // Page A forces Phaser's WebGL renderer (software WebGL here: slow, but the path GPU users take);
    // the other pages let the client choose, which is the canvas renderer without a GPU.
    const a = await player(s.url, '?renderer=webgl');
    const b = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');
    expect(sb.roomId).toBe(sa.roomId);
    expect(sb.playerId).not.toBe(sa.playerId);
    expect(sa.renderer).toBe('webgl');
    expect(sb.renderer).toBe('canvas');

    const aId = sa.playerId!;
    const seen = await waitForState(b.page, (st) => st.players.some((p) => p.id === aId && p.alive), 'B to see A');
    const before = seen.players.find((p) => p.id === aId)!;
    expect(before.name).toBe('Alice');

    await a.page.keyboard.down('KeyS');
    try {
      const after = await waitForState(
        b.page,
        (st) => (st.players.find((p) => p.id === aId)?.y ?? 0) > before.y + 60,
        'A to move down on B’s screen',
      );
      expect(Math.abs(after.players.find((p) => p.id === aId)!.x - before.x)).toBeLessThan(4);
    } finally {
      await a.page.keyboard.up('KeyS');
    }
    // A's own (predicted) view moved the same way (waited for: a loaded machine may not have drawn A's next frame yet).
    await waitForState(a.page, (st) => (st.local?.y ?? 0) > before.y + 60, 'A to move down on its own screen');
  });

  it('a chat line typed on page A appears on page B', async () => {
    const s = await server();
    const a = await player(s.url);
    const b = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    await quickPlay(b.page, 'Bob');
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.type('gg, nice shot');
    await a.page.keyboard.press('Enter');
    await waitForState(b.page, (st) => st.chat.includes('Alice: gg, nice shot'), 'the chat line on B');
    const st = await waitForState(a.page, (x) => x.chat.includes('Alice: gg, nice shot'), 'the chat line on A', 3000);
    // Typing "gg, nice shot" (with an s and a d in it) went to the chat box, not the game: A did not move.
    expect(st.local!.x).toBe(sa.local!.x);
    expect(st.local!.y).toBe(sa.local!.y);
  });

  it('a page that goes offline and comes back within the grace period resumes the same seat and score', async () => {
    const s = await server({ reconnectGraceMs: 20_000 });
    const a = await player(s.url);
    const b = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');

    // Score a kill first so "the same score" means something: Bob stands still 300 px away.
    await waitForState(a.page, (st) => st.players.some((p) => p.id === sb.playerId && p.screenX !== null), 'A to see B');
    await aimAt(a.page, sb.playerId!);
    await a.page.mouse.down();
    const scored = await waitForState(
      a.page,
      (st) => (st.score?.kills ?? 0) >= 1 && st.killFeed.some((k) => k.includes('Alice') && k.includes('Bob')),
      'A to kill B',
      10_000,
    );
    await a.page.mouse.up();
    const scoreBefore = scored.score!;

    // Offline. The Chromium here closes open WebSockets when the context goes offline; if a Chromium
    // does not (older ones only blocked new connections), the page's engine.io transport is closed from
    // inside, as a dead network would, and socket.io retries with backoff against the offline network.
    await a.context.setOffline(true);
    const dropped = await waitForState(a.page, (st) => !st.connected, 'the drop', 3000).catch(() => null);
    if (dropped === null) await a.page.evaluate(() => window.__arena!.dropConnection());
    const offline = await waitForState(a.page, (st) => /attempt [2-9]/.test(st.banner ?? ''), 'the reconnecting banner');
    expect(offline.banner).toMatch(/reconnecting \(attempt \d+\)/);
    expect(offline.connected).toBe(false);

    await a.context.setOffline(false);
    const back = await waitForState(a.page, (st) => st.connected && st.banner === null, 'the banner to go away', 15_000);
    expect(back.playerId).toBe(sa.playerId);
    expect(back.roomId).toBe(sa.roomId);
    expect(back.screen).toBe('game');
    const resumed = await waitForState(a.page, (st) => st.score !== null && st.authoritative !== null, 'snapshots again');
    expect(resumed.score).toEqual(scoreBefore);
    expect(resumed.chat.join('\n')).toContain('Reconnected');
    // The room still has exactly two seats: A took its own back rather than a new one, and B's
    // scoreboard still shows A's kill.
    const onB = await state(b.page);
    expect(onB.scores.map((x) => x.playerId).sort()).toEqual([sa.playerId, sb.playerId].sort());
    expect(onB.scores.find((x) => x.playerId === sa.playerId)).toMatchObject({ name: 'Alice', ...scoreBefore });
    // And A still plays: its movement reaches the server.
    const x0 = resumed.authoritative!.x;
    await a.page.keyboard.down('KeyD');
    await waitForState(a.page, (st) => (st.authoritative?.x ?? 0) > x0 + 40, 'A to move after reconnecting');
    await a.page.keyboard.up('KeyD');
  });

  it('a page forced to long-polling joins and plays', async () => {
    const s = await server();
    const a = await player(s.url, '?transport=polling');
    const sa = await quickPlay(a.page, 'Polly');
    expect(sa.transport).toBe('polling');
    // A headless bot joins the same room and stands still.
    const bot = await connectClient(s.url, { name: 'Target' });
    bots.push(bot);
    const botJoin = await bot.joinRoom({ roomId: sa.roomId! });
    const botTimer = setInterval(() => bot.connected && bot.sendInput([0, 0]), 33);
    try {
      // Moves: the server's authoritative position changes.
      const start = await waitForState(a.page, (st) => st.authoritative !== null, 'snapshots over polling');
      await a.page.keyboard.down('KeyA');
      await waitForState(a.page, (st) => (st.authoritative?.x ?? 1e9) < start.authoritative!.x - 40, 'movement over polling');
      await a.page.keyboard.up('KeyA');
      // Shoots: the bot dies.
      await waitForState(a.page, (st) => st.players.some((p) => p.id === botJoin.playerId && p.screenX !== null), 'the bot on screen');
      await aimAt(a.page, botJoin.playerId);
      await a.page.mouse.down();
      await waitForState(a.page, (st) => (st.score?.kills ?? 0) >= 1, 'a kill over polling', 10_000);
      await a.page.mouse.up();
      expect((await state(a.page)).transport).toBe('polling');
    } finally {
      clearInterval(botTimer);
    }
  });

  it('lobby: live room list, private room by code, clear errors, and a clear screen when the room is gone', async () => {
    const s = await server({ maxPlayersPerRoom: 2 });
    const lobby = await player(s.url);
    const a = await player(s.url);
    const b = await player(s.url);
    const c = await player(s.url);

    // The room list updates without a reload.
    await waitForText(lobby.page, '#room-list li.empty', 'No public rooms');
    const sa = await quickPlay(a.page, 'Alice');
    await waitForText(lobby.page, `#room-list li:has([data-room="${sa.roomId}"])`, '1/2 players', 5000);

    // A private room shows its code, is not listed, and is joined by that code.
    await b.page.fill('#name', 'Bea');
    await b.page.click('#create-private');
    const sb = await waitForState(b.page, (st) => st.screen === 'game' && st.code !== null, 'a private room');
    expect(sb.code).toMatch(/^[A-Z2-9]{6}$/);
    await waitForText(b.page, '.hud-info .code', sb.code!);
    await c.page.fill('#name', 'Cy');
    await c.page.fill('#join-code', sb.code!.toLowerCase());
    await c.page.click('#join-code-btn');
    const sc = await waitForState(c.page, (st) => st.screen === 'game', 'joining by code');
    expect(sc.roomId).toBe(sb.roomId);
    await lobby.page.waitForTimeout(1700); // one more list refresh
    expect(await lobby.page.locator('#room-list li').count()).toBe(1);

    // Clear messages: a malformed code, an unknown code, a full room.
    await lobby.page.fill('#join-code', 'abc');
    await lobby.page.click('#join-code-btn');
    await waitForText(lobby.page, '#lobby-message', '6 characters');
    await lobby.page.fill('#join-code', 'ZZZZZZ');
    await lobby.page.click('#join-code-btn');
    await waitForText(lobby.page, '#lobby-message', 'No room with that code');
    await lobby.page.fill('#join-code', sb.code!);
    await lobby.page.click('#join-code-btn');
    await waitForText(lobby.page, '#lobby-message', 'full');

    // Leaving goes back to the lobby, and from there into a game again (the Phaser game is reused).
    await c.page.click('.hud-info button:has-text("Leave")');
    await waitForState(c.page, (st) => st.screen === 'lobby', 'C back in the lobby');
    expect(await c.page.locator('#lobby').isVisible()).toBe(true);
    const again = await quickPlay(c.page, 'Cy');
    expect(again.roomId).toBe(sa.roomId);
    // The reused scene draws the new local player once its first snapshot is in.
    await waitForState(c.page, (st) => (st.local?.screenX ?? 0) > 100, 'the second game to draw its player');
    await c.page.screenshot({ path: artifactPath('second-game.png') });

    // The server goes away: players get the room-is-gone screen, the lobby says the server is down.
    await s.close(); // (closing again after the test is a no-op)
    const gone = await waitForState(a.page, (st) => st.screen === 'gone', 'the room-is-gone screen');
    expect(gone.gone!.title).toBe('This room is gone');
    await waitForText(a.page, '#gone', 'Back to the lobby');
    await a.page.screenshot({ path: artifactPath('room-gone.png') });
    await waitForText(lobby.page, '#server-status', 'server unreachable', 8000);
    await lobby.page.click('#quick-play');
    await waitForText(lobby.page, '#lobby-message', 'Cannot reach the game server', 10_000);
    await lobby.page.screenshot({ path: artifactPath('lobby-server-down.png') });
    await a.page.click('#gone button');
    await waitForState(a.page, (st) => st.screen === 'lobby', 'A back in the lobby');
  }, 90_000); // 14-17 s idle, up to 24 s on a loaded 2-core machine

  it('renders a match in progress (screenshots saved to test-artifacts/)', async () => {
    const s = await server();
    const a = await player(s.url);
    const b = await player(s.url);
    const c = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');
    const sc = await quickPlay(c.page, 'Charlie');
    expect(new Set([sa.roomId, sb.roomId, sc.roomId]).size).toBe(1);
    await waitForState(a.page, (st) => st.players.filter((p) => p.screenX !== null).length === 3, 'A to see everyone');

    // Charlie opens the debug overlay and runs right: the net graph fills, and the server's ghost of
    // Charlie (magenta outline) trails the predicted Charlie by the round trip.
    await c.page.keyboard.press('Backquote');
    await c.page.keyboard.down('KeyD');
    await c.page.waitForTimeout(1000);
    await c.page.screenshot({ path: artifactPath('debug-overlay.png') });
    await c.page.keyboard.up('KeyD');
    const graph = await c.page.locator('[data-testid=net-graph]').innerText();
    expect(graph).toMatch(/RTT\s+\d+ ms/);
    expect(graph).toMatch(/snapshots\/s\s+[1-9]/);

    // Charlie fires rockets at the crate above him; Alice shoots Bob until the kill is in the feed.
    const charlie = (await state(c.page)).local!;
    await c.page.mouse.move(charlie.screenX!, charlie.screenY! - 200);
    await c.page.keyboard.down('Space');
    await aimAt(a.page, sb.playerId!);
    await a.page.mouse.down();
    await waitForState(a.page, (st) => st.killFeed.some((k) => k.includes('Alice') && k.includes('Bob')), 'Alice to kill Bob', 10_000);
    // Keep the fight going for the picture: Alice turns on Charlie while strafing.
    await aimAt(a.page, sc.playerId!);
    await a.page.keyboard.down('KeyS');
    await a.page.waitForTimeout(300);
    await a.page.screenshot({ path: artifactPath('match-in-progress.png') });
    await a.page.keyboard.up('KeyS');
    await a.page.mouse.up();
    await c.page.keyboard.up('Space');

    await a.page.keyboard.down('Tab');
    await a.page.waitForTimeout(100);
    await a.page.screenshot({ path: artifactPath('scoreboard.png') });
    await a.page.keyboard.up('Tab');

    const st = await state(a.page);
    expect(st.scores.map((x) => x.name).sort()).toEqual(['Alice', 'Bob', 'Charlie']);
    expect(st.scores.find((x) => x.name === 'Alice')!.kills).toBeGreaterThanOrEqual(1);
  }, 60_000); // 10-11 s idle, up to 13 s on a loaded 2-core machine

  it('lobby: lists the hosted games it has a module for (GET /api/games), and quick play and the room list are the chosen game’s', async () => {
    // The server's first game, the default of a request that names none, is an arena copy this page has no
    // module for ("arena-b"); then the arena. A bot holds a public room of arena-b.
    const arenaB = { ...duelArena, name: 'arena-b', title: 'Arena B' } as unknown as AnyGame;
    const s = await server({}, [arenaB, duelArena as unknown as AnyGame]);
    const bot = await connectClient(s.url, { name: 'Bee', games: [arenaB] });
    bots.push(bot);
    expect((await bot.quickPlay('arena-b')).game).toBe('arena-b');

    const a = await player(s.url);
    const b = await player(s.url);
    // A choice remembered from another visit that this server does not offer here: the first listed game instead.
    await a.page.evaluate(() => window.localStorage.setItem('arena.game', 'arena-b'));
    await a.page.reload();
    await a.page.waitForSelector('#quick-play:not([disabled])');
    const listed = await waitForState(a.page, (st) => st.lobbyGames.every((g) => g.rooms !== null), 'the games from /api/games');
    expect(listed.lobbyGames).toEqual([{ name: 'arena', title: 'Arena', rooms: 0, players: 0 }]);
    expect(listed.chosenGame).toBe('arena');
    expect(await a.page.locator('#game-list [data-game]').count()).toBe(1);
    expect(await a.page.locator('#game-list [data-game="arena"]').getAttribute('aria-checked')).toBe('true');
    // The room list is the arena's: the arena-b room is not in it.
    await waitForText(a.page, '#room-list li.empty', 'No public rooms');
    expect(await a.page.locator('#controls-help').innerText()).toContain('rocket');

    // Quick play names the chosen game: without it the server would seat the player in arena-b.
    const sa = await quickPlay(a.page, 'Alice');
    expect(sa.game).toBe('arena');
    expect(sa.roomId).not.toBe(bot.join!.roomId);
    // Another lobby sees the new arena room with its player, in the game list and in the room list. The
    // game list is polled every 5 s and the server reads the room directory once a second: 6 s at most idle.
    await waitForText(b.page, '#game-list [data-game="arena"]', '1 room · 1 player', 20_000);
    await waitForText(b.page, `#room-list li:has([data-room="${sa.roomId}"])`, '1/');
    const hosted = (await (await fetch(`${s.url}/api/games`)).json()) as { games: GameSummary[] };
    expect(hosted.games.map((g) => [g.name, g.rooms, g.players])).toEqual([
      ['arena-b', 1, 1],
      ['arena', 1, 1],
    ]);
  }, 60_000); // 7 s idle
});
