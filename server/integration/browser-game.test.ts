// The Phaser client in a real Chromium (playwright-core, Debian's /usr/bin/chromium) against a real
// GameServer serving the built client. Each test gets its own server whose first players stand facing
// each other (test-support duelArena), so fights are deterministic; everything else is the real game.
// Pages are read through window.__arena (what the page renders, in numbers), not through pixels.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { NetClient } from '../../shared/client/net-client.js';
import {
  aimAt,
  artifactPath,
  ensureClient,
  launchBrowser,
  openPlayer,
  quickPlay,
  startGameServer,
  state,
  waitForState,
  type Player,
} from '../../game-client/test-support/browser.js';
import { connectClient } from '../test-support/test-client.js';
import type { TestServer } from '../test-support/test-server.js';

let browser: Browser;
const servers: TestServer[] = [];
const players: Player[] = [];
const bots: NetClient[] = [];

beforeAll(async () => {
  await ensureClient();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

afterEach(async () => {
  for (const p of players.splice(0)) {
    expect(p.errors, 'page errors').toEqual([]);
    await p.context.close();
  }
  for (const b of bots.splice(0)) b.close();
  for (const s of servers.splice(0)) await s.close();
});

async function server(overrides: Parameters<typeof startGameServer>[0] = {}): Promise<TestServer> {
  const s = await startGameServer(overrides);
  servers.push(s);
  return s;
}

async function player(url: string, query = ''): Promise<Player> {
  const p = await openPlayer(browser, url, query);
  players.push(p);
  return p;
}

describe('browser game client', () => {
  it('two pages quick-play into one room, and keys on A move A on B’s screen', async () => {
    const s = await server();
    const a = await player(s.url);
    const b = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');
    expect(sb.roomId).toBe(sa.roomId);
    expect(sb.playerId).not.toBe(sa.playerId);

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
    // A's own (predicted) view moved the same way.
    expect((await state(a.page)).local!.y).toBeGreaterThan(before.y + 60);
  });

  it('a chat line typed on page A appears on page B', async () => {
    const s = await server();
    const a = await player(s.url);
    const b = await player(s.url);
    await quickPlay(a.page, 'Alice');
    await quickPlay(b.page, 'Bob');
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.type('gg, nice shot');
    await a.page.keyboard.press('Enter');
    await waitForState(b.page, (st) => st.chat.includes('Alice: gg, nice shot'), 'the chat line on B');
    // Typing did not move A (WASD letters went to the chat box, not the game).
    const st = await state(a.page);
    expect(st.chat).toContain('Alice: gg, nice shot');
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
    const scored = await waitForState(a.page, (st) => (st.score?.kills ?? 0) >= 1, 'A to kill B', 10_000);
    await a.page.mouse.up();
    expect(scored.killFeed.join(' ')).toContain('Alice');
    const scoreBefore = scored.score!;

    // Offline. Chromium's offline emulation blocks new requests and WebSocket handshakes but does not
    // cut a WebSocket that is already open, so the page's engine.io transport is also closed from inside
    // (what a dead network does to it); socket.io then retries with backoff against the offline network.
    await a.context.setOffline(true);
    await a.page.evaluate(() => window.__arena!.dropConnection());
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

  it('renders a match in progress (screenshot saved to test-artifacts/)', async () => {
    const s = await server();
    const a = await player(s.url);
    const b = await player(s.url);
    const c = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');
    const sc = await quickPlay(c.page, 'Charlie');
    expect(new Set([sa.roomId, sb.roomId, sc.roomId]).size).toBe(1);
    await waitForState(a.page, (st) => st.players.filter((p) => p.screenX !== null).length === 3, 'A to see everyone');

    // Alice shoots Bob until the kill lands in the feed; Charlie rockets at Bob too; Bob strafes.
    await c.page.keyboard.press('Backquote');
    await aimAt(c.page, sb.playerId!);
    await c.page.keyboard.down('Space');
    await b.page.keyboard.down('KeyW');
    await aimAt(a.page, sb.playerId!);
    await a.page.mouse.down();
    await waitForState(a.page, (st) => st.killFeed.some((k) => k.includes('Bob')), 'Bob to die', 10_000);
    await b.page.keyboard.up('KeyW');
    // Keep the fight going for the picture: Alice turns on Charlie while strafing.
    await aimAt(a.page, sc.playerId!);
    await a.page.keyboard.down('KeyA');
    await a.page.waitForTimeout(400);
    await a.page.screenshot({ path: artifactPath('match-in-progress.png') });
    await a.page.keyboard.up('KeyA');
    await a.page.mouse.up();
    await c.page.screenshot({ path: artifactPath('debug-overlay.png') });
    await c.page.keyboard.up('Space');

    await a.page.keyboard.down('Tab');
    await a.page.waitForTimeout(100);
    await a.page.screenshot({ path: artifactPath('scoreboard.png') });
    await a.page.keyboard.up('Tab');

    const st = await state(a.page);
    expect(st.players.length).toBe(3);
    expect(st.renderer).not.toBeNull();
    const graph = await c.page.locator('[data-testid=net-graph]').innerText();
    expect(graph).toMatch(/RTT/);
  });
});
