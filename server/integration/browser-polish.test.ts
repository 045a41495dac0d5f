// The finished feel in a real Chromium against a real server (see browser-game.test.ts for the set-up):
// the match-end screen and the break before the next match, synthesized sound and its remembered switch,
// fading system chat, readable room names, one colour per player on every screen, and cameras and
// minimaps that stay inside the map. Pages are read through window.__arena and window.__camera.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARENA_MAP, INTERMISSION_TICKS, UNITS_PER_PX, isPlayerPositionBlocked, px, type ArenaWorld } from '../../shared/game/arena/index.js';
import { BLOBS_UNITS_PER_PX, WORLD_SIZE, blobsGame, type BlobsWorld } from '../../shared/game/blobs/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import type { Rect } from '../../game-client/src/games/camera-bounds.js';
import type { CameraHookState } from '../../game-client/src/games/camera-hook.js';
import {
  aimAt,
  artifactPath,
  browserSuite,
  chooseGame,
  duelArena,
  quickPlay,
  state,
  waitForState,
  waitForText,
  type Player,
} from '../../game-client/test-support/browser.js';

const { server, player } = browserSuite();

/** A server of `base` (by default the duel arena) whose (one) room's world the test can reach, e.g. to end the match now. */
async function serverWithWorld<W = ArenaWorld>(base: GameDefinition<W, unknown> = duelArena as unknown as GameDefinition<W, unknown>): Promise<{ url: string; world: () => W }> {
  let world: W | null = null;
  const game: GameDefinition<W, unknown> = { ...base, createWorld: (seed) => (world = base.createWorld(seed)) };
  const s = await server({}, [game as unknown as AnyGame]);
  return {
    url: s.url,
    world: () => {
      if (!world) throw new Error('no room yet');
      return world;
    },
  };
}

/** Polls the scene's camera hook (window.__camera) until `predicate` holds; returns that state. */
async function waitForCamera(page: Page, predicate: (c: CameraHookState) => boolean, what: string, timeoutMs = 8000): Promise<CameraHookState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await page.evaluate(() => window.__camera?.state() ?? null);
    if (c && predicate(c)) return c;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(c)}`);
    await page.waitForTimeout(50);
  }
}

/** `inner` lies within `outer` (to a tenth of a pixel: the arithmetic is in floating point). */
function expectWithin(inner: Rect, outer: Rect, what: string): void {
  const slack = 0.1;
  expect(inner.x, `${what}: left`).toBeGreaterThanOrEqual(outer.x - slack);
  expect(inner.y, `${what}: top`).toBeGreaterThanOrEqual(outer.y - slack);
  expect(inner.x + inner.width, `${what}: right`).toBeLessThanOrEqual(outer.x + outer.width + slack);
  expect(inner.y + inner.height, `${what}: bottom`).toBeLessThanOrEqual(outer.y + outer.height + slack);
}

/** The camera shows only the map, and the minimap's box of it is drawn inside the minimap's frame. */
function expectInsideMap(c: CameraHookState, what: string): void {
  expectWithin(c.view, { x: 0, y: 0, ...c.world }, `${what}: the camera's view in the map`);
  expect(c.minimap, `${what}: the minimap shows`).not.toBeNull();
  expect(c.minimap!.box, `${what}: the minimap's box is drawn`).not.toBeNull();
  expectWithin(c.minimap!.box!, c.minimap!.frame, `${what}: the minimap's box in its frame`);
}

const near = (a: number, b: number) => Math.abs(a - b) < 0.5;

/** What the HUD's match clock counts down (its label, as written: the page shows it in capitals). */
async function clockLabel(page: Page): Promise<string | null> {
  return page.locator('.hud-timer .sub').first().textContent();
}


describe('browser polish', () => {
  it('a match end shows the standings with the winner, the own line highlighted and a countdown that counts; sounds play', async () => {
    const s = await serverWithWorld();
    const a = await player(s.url);
    const b = await player(s.url);
    await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');

    // Alice kills Bob (he stands 300 px away), then the match clock is cut to a few ticks.
    await waitForState(a.page, (st) => st.players.some((p) => p.id === sb.playerId && p.screenX !== null), 'A to see B');
    await aimAt(a.page, sb.playerId!);
    await a.page.mouse.down();
    await waitForState(a.page, (st) => (st.score?.kills ?? 0) >= 1, 'A to kill B', 10_000);
    await a.page.mouse.up();
    // The shots, hits and the kill were heard on A's page (unmuted by default; the Quick play click unlocked
    // audio). Events are shown at the interpolated render tick, a little after the scoreboard counts the kill.
    const heard = (
      await waitForState(
        a.page,
        (st) => ['shot', 'hit', 'kill'].every((name) => (st.sound?.playedByName[name] ?? 0) > 0),
        'the shot, hit and kill sounds',
        5000,
      )
    ).sound!;
    expect(heard).toMatchObject({ muted: false, unlocked: true });

    s.world().phaseTicksLeft = 3;
    const onA = await waitForState(a.page, (st) => st.matchEnd !== null, 'the match-end screen on A');
    const end = onA.matchEnd!;
    expect(end.title).toBe('Match 1');
    expect(end.winner).toBe('Alice');
    expect(end.lines[0]).toMatch(/^1 Alice [1-9]/);
    expect(end.lines[1]).toMatch(/^2 Bob /);
    expect(end.own).toBe(0);
    expect(await a.page.locator('.match-end tr.me').innerText()).toContain('Alice');
    await waitForText(a.page, '.match-end .verdict', 'You won');
    await a.page.screenshot({ path: artifactPath('match-end.png') });
    console.log(`screenshot: ${artifactPath('match-end.png')}`);
    const onB = (await waitForState(b.page, (st) => st.matchEnd !== null, 'the match-end screen on B')).matchEnd!;
    expect(onB.winner).toBe('Alice');
    expect(onB.own).toBe(1);
    await waitForText(b.page, '.match-end .verdict', 'Alice wins');
    expect(await b.page.locator('.match-end tr.me').innerText()).toContain('Bob');
    await waitForState(a.page, (st) => (st.sound?.playedByName.matchEnd ?? 0) === 1, 'the match-end fanfare');

    // The countdown to the next match counts down (1 s steps; read twice, over a second apart), and the
    // match clock shows the break.
    const first = end.secondsLeft;
    const breakSeconds = INTERMISSION_TICKS / 30;
    expect(first).toBeGreaterThan(breakSeconds - 3);
    expect(first).toBeLessThanOrEqual(breakSeconds);
    expect(end.countdown).toBe(`Next match in ${first} s`);
    await expect.poll(() => clockLabel(a.page), { timeout: 5000 }).toBe('next match');
    const later = await waitForState(a.page, (st) => st.matchEnd !== null && st.matchEnd.secondsLeft < first, 'the countdown to count', 5000);
    expect(later.matchEnd!.countdown).toBe(`Next match in ${later.matchEnd!.secondsLeft} s`);
    await a.page.screenshot({ path: artifactPath('match-end-countdown.png') });
    console.log(`screenshot: ${artifactPath('match-end-countdown.png')}`);
    // Nobody moves during the break: the own player holds a key and stays where it is.
    const still = (await state(a.page)).local!;
    await a.page.keyboard.down('d');
    await a.page.waitForTimeout(500);
    expect((await state(a.page)).local).toMatchObject({ x: still.x, y: still.y });
    await a.page.keyboard.up('d');
    expect(s.world().intermission).toBe(true);

    // Leave on the screen goes back to the lobby.
    await b.page.click('[data-testid=match-end-leave]');
    await waitForState(b.page, (st) => st.screen === 'lobby', 'B back in the lobby');

    // When the next match starts the screen closes: scores are reset, the clock counts the new match.
    const closed = await waitForState(a.page, (st) => st.matchEnd === null, 'the screen to close when the next match starts', (breakSeconds + 5) * 1000);
    expect(s.world()).toMatchObject({ matchNumber: 2, intermission: false });
    expect(closed.score).toMatchObject({ kills: 0, deaths: 0, score: 0 });
    await expect.poll(() => clockLabel(a.page), { timeout: 5000 }).toBe('match 2');
  }, 60_000);

  it('the sound switch mutes (no voices), is remembered across a reload, and unmuting plays again', async () => {
    const s = await serverWithWorld();
    const a = await player(s.url);
    await quickPlay(a.page, 'Alice');
    const toggle = a.page.locator('[data-testid=sound-toggle]');
    expect(await toggle.getAttribute('data-muted')).toBe('false');

    await toggle.click();
    expect(await toggle.getAttribute('data-muted')).toBe('true');
    const before = (await state(a.page)).sound!;
    expect(before.muted).toBe(true);
    // Firing while muted starts no voice.
    const me = (await state(a.page)).local!;
    await a.page.mouse.move(me.screenX! + 150, me.screenY!);
    await a.page.mouse.down();
    await a.page.waitForTimeout(600);
    await a.page.mouse.up();
    expect((await state(a.page)).sound!.played).toBe(before.played);

    await a.page.reload();
    await a.page.waitForSelector('#quick-play:not([disabled])');
    await quickPlay(a.page, 'Alice');
    const again = (await state(a.page)).sound!;
    expect(again.muted).toBe(true);
    expect(again.unlocked).toBe(true);
    expect(await toggle.getAttribute('data-muted')).toBe('true');

    await toggle.click();
    expect((await state(a.page)).sound!.muted).toBe(false);
    const me2 = (await state(a.page)).local!;
    await a.page.mouse.move(me2.screenX! + 150, me2.screenY!);
    await a.page.mouse.down();
    const playing = await waitForState(a.page, (st) => (st.sound?.playedByName.shot ?? 0) > 0, 'a shot to sound after unmuting');
    await a.page.mouse.up();
    expect(playing.sound!.played).toBeGreaterThan(0);
    expect(await a.page.evaluate(() => window.localStorage.getItem('arena.muted'))).toBe('0');
  }, 60_000);

  it('one colour per player on every screen, readable room names, and system chat fades while players’ lines stay', async () => {
    const s = await serverWithWorld();
    const lobby = await player(s.url);
    const a = await player(s.url);
    const b = await player(s.url);
    const sa = await quickPlay(a.page, 'Alice');
    const sb = await quickPlay(b.page, 'Bob');
    const roomId = sa.roomId!;

    // The same player, the same colour, on both pages (yourself included).
    const both = async (page: Player['page']) =>
      waitForState(page, (st) => st.players.filter((p) => p.color !== null).length === 2, 'both players drawn');
    const [onA, onB] = [await both(a.page), await both(b.page)];
    const colours = (st: typeof onA) => Object.fromEntries(st.players.map((p) => [p.id, p.color]));
    expect(colours(onA)).toEqual(colours(onB));
    expect(colours(onA)[sa.playerId!]).not.toBe(colours(onA)[sb.playerId!]);

    // The room's name: two words in the HUD, the lobby list and the chat, never the id.
    expect(sa.roomLabel).toMatch(/^Room [A-Z][a-z]+ [A-Z][a-z]+$/);
    expect(sa.roomLabel).not.toContain(roomId);
    const words = sa.roomLabel!.replace(/^Room /, '');
    expect((await state(b.page)).roomLabel).toBe(sa.roomLabel);
    const listed = await waitForText(lobby.page, '#room-list li', words, 8000);
    expect(listed).not.toContain(roomId);
    const joined = sa.chat.find((l) => l.startsWith('Joined'));
    expect(joined).toBe(`Joined ${words} as Alice. Good luck!`);

    // A player's line, then the system line goes (6 s shown + 0.8 s fade) while the player's stays.
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.type('hello');
    await a.page.keyboard.press('Enter');
    await waitForState(a.page, (st) => st.chat.includes('Alice: hello'), 'the chat line');
    const fading = await a.page.waitForFunction(
      () => {
        const line = [...document.querySelectorAll('.chat-line.system')].find((l) => l.textContent?.startsWith('Joined'));
        return line ? Number(getComputedStyle(line).opacity) < 0.5 : true;
      },
      undefined,
      { timeout: 20_000, polling: 100 },
    );
    expect(await fading.jsonValue()).toBe(true);
    await a.page.screenshot({ path: artifactPath('chat-fading.png') });
    const gone = await waitForState(a.page, (st) => !st.chat.some((l) => l.startsWith('Joined')), 'the system line to go', 20_000);
    expect(gone.chat).toContain('Alice: hello');
    expect(await a.page.locator('.chat-line:has-text("Alice: hello")').evaluate((l) => Number(getComputedStyle(l).opacity))).toBeGreaterThan(0.3);
  }, 60_000);

  it('the camera stays inside the arena at its corners (centred when the screen is larger), the minimap box inside the minimap', async () => {
    const s = await serverWithWorld();
    const a = await player(s.url);
    const me = await quickPlay(a.page, 'Alice');
    const worldPx = { width: ARENA_MAP.width / UNITS_PER_PX, height: ARENA_MAP.height / UNITS_PER_PX };
    const teleport = (xPx: number, yPx: number) => {
      if (isPlayerPositionBlocked(px(xPx), px(yPx), ARENA_MAP)) throw new Error(`test setup: (${xPx}, ${yPx}) px is in a wall`);
      const p = s.world().players.find((q) => q.id === me.playerId)!;
      Object.assign(p, { x: px(xPx), y: px(yPx), vx: 0, vy: 0 });
    };

    // Top-left corner: the view's corner is the map's (the camera used to show 160 px of nothing past it).
    teleport(60, 60);
    await waitForState(a.page, (st) => near(st.local!.x, 60) && near(st.local!.y, 60), 'the player at the top-left corner');
    const topLeft = await waitForCamera(a.page, (c) => near(c.view.x, 0) && near(c.view.y, 0), 'the camera at the top-left corner');
    expectInsideMap(topLeft, 'top-left');
    expect(near(topLeft.minimap!.box!.x, topLeft.minimap!.frame.x) && near(topLeft.minimap!.box!.y, topLeft.minimap!.frame.y)).toBe(true);
    await a.page.screenshot({ path: artifactPath('camera-corner.png') });
    console.log(`screenshot: ${artifactPath('camera-corner.png')}`);

    // Bottom-right corner.
    teleport(worldPx.width - 60, worldPx.height - 60);
    const bottomRight = await waitForCamera(
      a.page,
      (c) => near(c.view.x + c.view.width, worldPx.width) && near(c.view.y + c.view.height, worldPx.height),
      'the camera at the bottom-right corner',
    );
    expectInsideMap(bottomRight, 'bottom-right');
    const frame = bottomRight.minimap!.frame;
    const box = bottomRight.minimap!.box!;
    expect(near(box.x + box.width, frame.x + frame.width) && near(box.y + box.height, frame.y + frame.height)).toBe(true);

    // A screen larger than the map: the map in the middle, the minimap's box its whole frame.
    await a.page.setViewportSize({ width: 2800, height: 1800 });
    const big = await waitForCamera(a.page, (c) => near(c.view.width, 2800), 'the camera on a larger screen');
    expect(big.view.x + big.view.width / 2).toBeCloseTo(worldPx.width / 2, 1);
    expect(big.view.y + big.view.height / 2).toBeCloseTo(worldPx.height / 2, 1);
    expectWithin(big.minimap!.box!, big.minimap!.frame, 'the minimap box on a larger screen');
    await a.page.screenshot({ path: artifactPath('camera-larger-screen.png') });
  }, 60_000);

  it('blobs: the zooming camera stays inside the world at its corner, the minimap box inside the minimap', async () => {
    const s = await serverWithWorld<BlobsWorld>(blobsGame as unknown as GameDefinition<BlobsWorld, unknown>);
    const a = await player(s.url);
    await chooseGame(a.page, 'blobs');
    const me = await quickPlay(a.page, 'Alice');
    // The blob heads for the mouse: at the canvas's top-left it stays pinned in the world's corner.
    await a.page.mouse.move(1, 1);
    Object.assign(s.world().players.find((q) => q.id === me.playerId)!, { x: 200 * BLOBS_UNITS_PER_PX, y: 200 * BLOBS_UNITS_PER_PX, vx: 0, vy: 0 });
    const corner = await waitForCamera(a.page, (c) => near(c.view.x, 0) && near(c.view.y, 0), 'the blobs camera at the corner', 10_000);
    expect(corner.world).toEqual({ width: WORLD_SIZE / BLOBS_UNITS_PER_PX, height: WORLD_SIZE / BLOBS_UNITS_PER_PX });
    expectInsideMap(corner, 'blobs corner');
    // What is there is drawn (the pellets around the blob), the world's red border along the screen's edges.
    await expect.poll(() => a.page.evaluate(() => window.__blobs?.state().pelletsDrawn ?? 0), { timeout: 5000 }).toBeGreaterThan(0);
    await a.page.screenshot({ path: artifactPath('blobs-camera-corner.png') });
    console.log(`screenshot: ${artifactPath('blobs-camera-corner.png')}`);
  }, 60_000);
});
