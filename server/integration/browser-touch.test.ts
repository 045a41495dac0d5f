// Touch controls in a real Chromium with touch emulation (a phone: hasTouch, isMobile, 844x390 landscape)
// against a real server serving the built client (see browser-game.test.ts for the set-up). Fingers are
// CDP touch events (Input.dispatchTouchEvent, several points at once for multi-touch), which Chromium
// turns into touch pointer events as on a phone; the page is read through window.__arena (positions,
// scores, sounds), not through pixels. A desktop context (no touch) gets no sticks, no touch buttons and
// the keys in the lobby's help; a phone gets the help of its sticks and buttons, and reaches the scoreboard
// and the chat through the HUD's Scores and Chat buttons.

import type { CDPSession, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import { arenaGame, type ArenaInput, type ArenaWorld } from '../../shared/game/arena/index.js';
import { blobsGame, type BlobsInput, type BlobsWorld } from '../../shared/game/blobs/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import {
  artifactPath,
  browserSuite,
  chooseGame,
  duelArena,
  quickPlay,
  state,
  waitForState,
  waitForText,
} from '../../game-client/test-support/browser.js';
import { connectClient, waitFor } from '../test-support/test-client.js';

const PHONE_LANDSCAPE = { viewport: { width: 844, height: 390 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const PHONE_PORTRAIT = { ...PHONE_LANDSCAPE, viewport: { width: 390, height: 844 } };
/** The HUD's Leave button. */
const LEAVE = '.hud-info button:has-text("Leave")';
/** How far a test drags a stick's knob: past the rim of a 56 px stick (clamped there). */
const DRAG_PX = 60;
/** The HUD's touch buttons for the shell's Tab and Enter. */
const SCORES = '[data-shell-action=scores]';
const CHAT = '[data-shell-action=chat]';
const CHAT_INPUT = '[data-testid=chat-input]';
/** As long as a name may be (LIMITS.maxNameLength), of wide letters. */
const LONGEST_NAME = 'Maximilian Mower';
/** The on-screen controls the HUD's buttons must stay clear of. */
const STICKS = ['.touch-stick.left .touch-stick-base', '.touch-stick.right .touch-stick-base'];

/** Blobs whose players start heavy enough to boost (BOOST_MIN_MASS is 20), hosted after the arena. */
const BOOST_READY_MASS = 40;
const heavyBlobs: GameDefinition<BlobsWorld, BlobsInput> = {
  ...blobsGame,
  addPlayer(world, playerId, name) {
    blobsGame.addPlayer(world, playerId, name);
    const p = world.players.find((q) => q.id === playerId);
    if (p) p.mass = BOOST_READY_MASS;
  },
};

const { server, player } = browserSuite();
const bots: { client: NetClient; timer: ReturnType<typeof setInterval> }[] = [];

afterEach(() => {
  for (const b of bots.splice(0)) {
    clearInterval(b.timer);
    b.client.close();
  }
});

interface Point {
  readonly x: number;
  readonly y: number;
}

/** Fingers on the page's touchscreen through CDP: every call gives the full set of fingers down. */
class Fingers {
  private readonly down = new Map<number, Point>();
  private constructor(private readonly cdp: CDPSession) {}

  static async on(page: Page): Promise<Fingers> {
    return new Fingers(await page.context().newCDPSession(page));
  }

  /** Puts finger `id` down at `at`. */
  async press(id: number, at: Point): Promise<void> {
    this.down.set(id, at);
    await this.dispatch('touchStart');
  }

  /** Slides finger `id` to `to` in a few steps (the others stay where they are). */
  async slide(id: number, to: Point, steps = 4): Promise<void> {
    const from = this.down.get(id);
    if (!from) throw new Error(`finger ${id} is not down`);
    for (let i = 1; i <= steps; i++) {
      this.down.set(id, { x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps });
      await this.dispatch('touchMove');
    }
  }

  /** Lifts every finger. */
  async liftAll(): Promise<void> {
    this.down.clear();
    await this.cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }

  private async dispatch(type: 'touchStart' | 'touchMove'): Promise<void> {
    const touchPoints = [...this.down].map(([id, p]) => ({ id, x: p.x, y: p.y, radiusX: 8, radiusY: 8, force: 1 }));
    await this.cdp.send('Input.dispatchTouchEvent', { type, touchPoints });
  }
}

/** The centre of the first element matching `selector` (it must be shown). */
async function centreOf(page: Page, selector: string): Promise<Point> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not shown`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Two boxes overlap. */
function overlap(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function box(page: Page, selector: string): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await page.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not shown`);
  return b;
}

/** A finger at the centre of the element `selector` would land on that element (or inside it): nothing covers it. */
async function reachable(page: Page, selector: string): Promise<boolean> {
  const at = await centreOf(page, selector);
  return page.locator(selector).first().evaluate((el, p) => {
    const target = document.elementFromPoint(p.x, p.y);
    return target !== null && el.contains(target);
  }, at);
}

/** A headless player that joins `roomId` and stands still (idle inputs at the tick rate). */
async function standingBot(url: string, roomId: string, name = 'Target'): Promise<{ id: number; client: NetClient }> {
  const client = await connectClient(url, { name });
  const join = await client.joinRoom({ roomId });
  const timer = setInterval(() => client.connected && client.sendInput([0, 0]), 33);
  bots.push({ client, timer });
  return { id: join.playerId, client };
}

/** The lobby's controls help as it reads. */
async function controlsHelp(page: Page): Promise<string> {
  return (await page.locator('#controls-help').textContent()) ?? '';
}

/**
 * Every cell of the table in `panel` holds one line (the name with its colour dot and the winner's star
 * included): its content box is less than one and a half lines high. Returns the rows' count.
 */
async function oneLineRows(page: Page, panel: string): Promise<number> {
  const cells = await page.locator(`${panel} table`).evaluate((table) =>
    [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => {
        const cs = getComputedStyle(td);
        const content = td.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
        return { text: td.textContent ?? '', content, line: parseFloat(cs.lineHeight) };
      }),
    ),
  );
  expect(cells.length).toBeGreaterThan(0);
  for (const row of cells) {
    for (const cell of row) {
      expect(cell.line, 'a line height in px').toBeGreaterThan(0);
      expect(cell.content, `"${cell.text}" in ${panel} on one line`).toBeLessThan(cell.line * 1.5);
    }
  }
  return cells.length;
}

function played(s: Awaited<ReturnType<typeof state>>, name: string): number {
  return s.sound?.playedByName[name] ?? 0;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: artifactPath(name) });
  console.log(`screenshot: ${artifactPath(name)}`);
}

describe('touch controls', () => {
  it('arena on a phone: the sticks show without covering the HUD; the right stick aims and fires, the rocket button fires, the left stick moves while the right one fires', async () => {
    const s = await server();
    const a = await player(s.url, '', PHONE_LANDSCAPE);
    expect(await a.page.evaluate(() => window.matchMedia('(pointer: coarse)').matches)).toBe(true);
    // The lobby's help names the sticks and buttons, not keys.
    expect(await controlsHelp(a.page)).toBe('left stick move · right stick aim + fire · ROCKET rocket · Scores scoreboard · Chat chat');
    await a.page.fill('#name', 'Thumbs');
    await a.page.tap('#quick-play');
    const joined = await waitForState(a.page, (st) => st.screen === 'game' && st.local?.screenX != null, 'the game on the phone', 10_000);
    // The other player stands 300 px east (duelArena), where the player aims at first.
    const { id: botId } = await standingBot(s.url, joined.roomId!);
    await waitForState(a.page, (st) => st.players.some((p) => p.id === botId && p.screenX !== null), 'the bot on screen');

    // Sticks and the rocket button show; the HUD's buttons stay on top and tappable.
    await a.page.locator('.touch-controls').waitFor({ state: 'visible', timeout: 5000 });
    for (const sel of ['.touch-stick.left .touch-stick-base', '.touch-stick.right .touch-stick-base', '[data-button=rocket]']) {
      const box = (await a.page.locator(sel).boundingBox())!;
      expect(box.x, sel).toBeGreaterThanOrEqual(0);
      expect(box.y, sel).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, sel).toBeLessThanOrEqual(844);
      expect(box.y + box.height, sel).toBeLessThanOrEqual(390);
    }
    expect(await reachable(a.page, '[data-testid=sound-toggle]')).toBe(true);
    expect(await reachable(a.page, LEAVE)).toBe(true);
    expect(await reachable(a.page, '[data-button=rocket]')).toBe(true);
    // The canvas fills the screen.
    expect(await a.page.evaluate(() => document.querySelector('#game-root canvas')?.getBoundingClientRect().toJSON())).toMatchObject({ width: 844, height: 390 });
    await screenshot(a.page, 'touch-arena-landscape.png');

    const fingers = await Fingers.on(a.page);
    const left = await centreOf(a.page, '.touch-stick.left .touch-stick-base');
    const right = await centreOf(a.page, '.touch-stick.right .touch-stick-base');

    // A tap on the rocket button fires a rocket (its launch sounds as a shot) east, where it explodes.
    const beforeRocket = await state(a.page);
    const rocket = await centreOf(a.page, '[data-button=rocket]');
    await a.page.touchscreen.tap(rocket.x, rocket.y);
    await waitForState(a.page, (st) => played(st, 'explosion') > played(beforeRocket, 'explosion'), 'the rocket to explode', 8000);

    // The right stick pushed west turns the aim away from the bot and fires: shots, no kill.
    const beforeWest = await state(a.page);
    await fingers.press(2, right);
    await fingers.slide(2, { x: right.x - DRAG_PX, y: right.y });
    const firing = await waitForState(a.page, (st) => played(st, 'shot') >= played(beforeWest, 'shot') + 3, 'rifle shots to the west', 8000);
    expect(firing.score!.kills).toBe(0);
    // Turned east (the same finger), the rifle hits the bot until it dies.
    await fingers.slide(2, { x: right.x + DRAG_PX, y: right.y });
    await waitForState(a.page, (st) => (st.score?.kills ?? 0) >= 1 && st.killFeed.some((k) => k.includes('Thumbs')), 'the bot killed', 10_000);

    // Multi-touch: a second finger on the left stick moves the player down while the first one still fires.
    const beforeMove = await state(a.page);
    await fingers.press(1, left);
    await fingers.slide(1, { x: left.x, y: left.y + DRAG_PX });
    await screenshot(a.page, 'touch-arena-both-sticks.png');
    const moved = await waitForState(
      a.page,
      (st) => st.local !== null && st.local.y > beforeMove.local!.y + 60 && (st.authoritative?.y ?? 0) > beforeMove.local!.y + 40,
      'the player to move down (predicted and on the server)',
    );
    expect(Math.abs(moved.local!.x - beforeMove.local!.x)).toBeLessThan(4);
    expect(played(moved, 'shot')).toBeGreaterThan(played(beforeMove, 'shot'));

    // Fingers lifted: the player stops (nothing stays held): once the server has caught up with the
    // prediction, neither moves nor fires any more.
    await fingers.liftAll();
    const stopped = await waitForState(
      a.page,
      (st) => st.local !== null && st.authoritative !== null && Math.abs(st.authoritative.y - st.local.y) < 1,
      'the server to catch up with the stopped player',
    );
    await a.page.waitForTimeout(500);
    const still = await state(a.page);
    expect(still.local!.y).toBeCloseTo(stopped.local!.y, 0);
    expect(played(still, 'shot')).toBe(played(stopped, 'shot'));
  }, 60_000);

  it('blobs on a phone: the stick steers the blob, the button boosts', async () => {
    const s = await server({}, [arenaGame, heavyBlobs] as unknown as readonly AnyGame[]);
    const a = await player(s.url, '', PHONE_LANDSCAPE);
    await chooseGame(a.page, 'blobs');
    expect(await controlsHelp(a.page)).toBe('stick steer · BOOST boost · Scores scoreboard · Chat chat');
    const start = await quickPlay(a.page, 'Thumbs');
    expect(start.game).toBe('blobs');
    await a.page.locator('.touch-controls').waitFor({ state: 'visible', timeout: 5000 });
    expect(await a.page.locator('.touch-stick.right').count()).toBe(0);
    expect(await reachable(a.page, '[data-button=boost]')).toBe(true);
    expect(await reachable(a.page, LEAVE)).toBe(true);

    // The blob rests until the stick is pushed.
    const rested = await waitForState(a.page, (st) => st.local !== null && (st.score?.mass ?? 0) >= BOOST_READY_MASS, 'the heavy blob');
    const fingers = await Fingers.on(a.page);
    const stick = await centreOf(a.page, '.touch-stick.left .touch-stick-base');
    await fingers.press(1, stick);
    await fingers.slide(1, { x: stick.x + DRAG_PX, y: stick.y });
    const east = await waitForState(a.page, (st) => st.local!.x > rested.local!.x + 40, 'the blob to head east');
    expect(Math.abs(east.local!.y - rested.local!.y)).toBeLessThan(15);
    await fingers.slide(1, { x: stick.x, y: stick.y - DRAG_PX });
    const turned = await state(a.page);
    const north = await waitForState(a.page, (st) => st.local!.y < turned.local!.y - 40, 'the blob to head north');
    expect(Math.abs(north.local!.x - turned.local!.x)).toBeLessThan(25);
    await screenshot(a.page, 'touch-blobs-landscape.png');
    await fingers.liftAll();

    // A tap on the boost button boosts: it costs mass (a tenth), which nothing else takes at this size.
    const massBefore = (await state(a.page)).score!.mass;
    const boost = await centreOf(a.page, '[data-button=boost]');
    await a.page.touchscreen.tap(boost.x, boost.y);
    await waitForState(a.page, (st) => (st.score?.mass ?? Infinity) < massBefore, 'the boost to cost mass', 5000);
  }, 60_000);

  it('a phone held upright: the lobby fits the width and plays; the HUD panels fit beside each other and the sticks; the match-end screen fits and is tappable', async () => {
    let world: ArenaWorld | null = null;
    const game: GameDefinition<ArenaWorld, ArenaInput> = { ...duelArena, createWorld: (seed) => (world = duelArena.createWorld(seed)) };
    const s = await server({}, [game as unknown as AnyGame]);
    const a = await player(s.url, '', PHONE_PORTRAIT);
    expect(await a.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const sel of ['#name', '#quick-play', '#create-private', '#join-code', '#join-code-btn']) {
      const b = await box(a.page, sel);
      expect(b.x, sel).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width, sel).toBeLessThanOrEqual(390);
    }
    await screenshot(a.page, 'touch-lobby-portrait.png');
    await a.page.fill('#name', 'Upright');
    await a.page.tap('#quick-play');
    const joined = await waitForState(a.page, (st) => st.screen === 'game' && st.local?.screenX != null, 'the game upright', 10_000);
    // A second player with a name as long as names get, for the standings' widths.
    await standingBot(s.url, joined.roomId!, LONGEST_NAME);
    await waitForState(a.page, (st) => st.scores.length === 2, 'the second player in the standings');
    await a.page.locator('.touch-controls').waitFor({ state: 'visible', timeout: 5000 });
    for (const sel of [LEAVE, '[data-button=rocket]', SCORES, CHAT]) expect(await reachable(a.page, sel), sel).toBe(true);
    for (const sel of [SCORES, CHAT]) {
      for (const stick of STICKS) expect(overlap(await box(a.page, sel), await box(a.page, stick)), `${sel} and ${stick}`).toBe(false);
    }
    expect(overlap(await box(a.page, '.hud-info'), await box(a.page, '.hud-timer')), 'room panel and match clock').toBe(false);
    const [l, r] = [await box(a.page, '.touch-stick.left .touch-stick-base'), await box(a.page, '.touch-stick.right .touch-stick-base')];
    expect(l.x + l.width).toBeLessThanOrEqual(r.x);
    expect(overlap(l, await box(a.page, '.hud-info'))).toBe(false);
    await screenshot(a.page, 'touch-arena-portrait.png');

    // The scoreboard (Scores) fits the width with each line on one line.
    await a.page.tap(SCORES);
    await waitForText(a.page, '.scoreboard tbody', LONGEST_NAME);
    expect(await oneLineRows(a.page, '.scoreboard')).toBe(2);
    const board = await box(a.page, '.scoreboard');
    expect(board.x).toBeGreaterThanOrEqual(0);
    expect(board.x + board.width).toBeLessThanOrEqual(390);
    await screenshot(a.page, 'touch-scoreboard-portrait.png');
    await a.page.tap(SCORES);
    await a.page.locator('.scoreboard').waitFor({ state: 'hidden', timeout: 5000 });

    // The match ends: its screen fits the width, over the sticks, and its Leave button takes a tap.
    world!.phaseTicksLeft = 3;
    await waitForState(a.page, (st) => st.matchEnd !== null, 'the match-end screen');
    const panel = await box(a.page, '.match-end-panel');
    expect(panel.x).toBeGreaterThanOrEqual(0);
    expect(panel.x + panel.width).toBeLessThanOrEqual(390);
    expect(await reachable(a.page, '[data-testid=match-end-leave]')).toBe(true);
    await screenshot(a.page, 'touch-match-end-portrait.png');
    // No cell wraps (the colour dot, the name and the winner's star on one line) and nothing scrolls sideways.
    expect(await oneLineRows(a.page, '.match-end-panel')).toBe(2);
    expect(await a.page.locator('.match-end-panel').evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);
    await a.page.tap('[data-testid=match-end-leave]');
    await waitForState(a.page, (st) => st.screen === 'lobby', 'the lobby after leaving');
  }, 60_000);

  it('a phone reaches the scoreboard and the chat with the HUD’s Scores and Chat buttons', async () => {
    const s = await server();
    const a = await player(s.url, '', PHONE_LANDSCAPE);
    await a.page.fill('#name', 'Thumbs');
    await a.page.tap('#quick-play');
    const joined = await waitForState(a.page, (st) => st.screen === 'game' && st.local?.screenX != null, 'the game on the phone', 10_000);
    const other = await standingBot(s.url, joined.roomId!, 'Listener');
    const heard: string[] = [];
    other.client.on('chat', (m) => heard.push(`${m.name}: ${m.text}`));
    await waitForState(a.page, (st) => st.scores.length === 2, 'the other player in the standings');

    // The buttons show in the room panel, tappable and clear of the sticks.
    await a.page.locator(SCORES).waitFor({ state: 'visible', timeout: 5000 });
    for (const sel of [SCORES, CHAT, LEAVE]) expect(await reachable(a.page, sel), sel).toBe(true);
    for (const sel of [SCORES, CHAT]) {
      for (const stick of [...STICKS, '[data-button=rocket]']) expect(overlap(await box(a.page, sel), await box(a.page, stick)), `${sel} and ${stick}`).toBe(false);
    }

    // Scores shows the scoreboard with both players; a second tap hides it.
    expect(await a.page.locator('.scoreboard').isVisible()).toBe(false);
    await a.page.tap(SCORES);
    await waitForText(a.page, '.scoreboard tbody', 'Listener');
    expect(await a.page.locator('.scoreboard tbody').textContent()).toContain('Thumbs');
    // It leaves the room panel (and the button that hides it again) uncovered, and fits the screen.
    const board = await box(a.page, '.scoreboard');
    expect(overlap(board, await box(a.page, '.hud-info'))).toBe(false);
    expect(board.x + board.width).toBeLessThanOrEqual(844);
    expect(board.y + board.height).toBeLessThanOrEqual(390);
    await screenshot(a.page, 'touch-scoreboard-landscape.png');
    await a.page.tap(SCORES);
    await a.page.locator('.scoreboard').waitFor({ state: 'hidden', timeout: 5000 });

    // Chat opens the input, focused (the phone's keyboard comes up), with a Send button.
    const input = a.page.locator(CHAT_INPUT);
    await a.page.tap(CHAT);
    await input.waitFor({ state: 'visible', timeout: 5000 });
    expect(await input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await reachable(a.page, '.chat-send')).toBe(true);
    // Typed as an on-screen keyboard types (text into the focused input), sent with Send: the line shows
    // here and reaches the other player through the server; the input closes.
    await a.page.keyboard.insertText('hello from a phone');
    await screenshot(a.page, 'touch-chat-open.png');
    await a.page.tap('.chat-send');
    await waitForState(a.page, (st) => st.chat.includes('Thumbs: hello from a phone'), 'the line in the phone’s chat');
    await waitFor(() => heard.includes('Thumbs: hello from a phone'), 5000, 'the line at the other player');
    expect(await input.isVisible()).toBe(false);

    // The keyboard's own Send key (Enter) sends as well.
    await a.page.tap(CHAT);
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await a.page.keyboard.insertText('and with the keyboard');
    await a.page.keyboard.press('Enter');
    await waitFor(() => heard.includes('Thumbs: and with the keyboard'), 5000, 'the second line at the other player');
    expect(await input.isVisible()).toBe(false);

    // A touch on the game closes the chat as Escape does: nothing is sent.
    await a.page.tap(CHAT);
    await input.waitFor({ state: 'visible', timeout: 5000 });
    await a.page.keyboard.insertText('never sent');
    await a.page.touchscreen.tap(422, 120);
    await input.waitFor({ state: 'hidden', timeout: 5000 });
    // The other player's line comes after anything the phone had sent (one server, in order).
    await other.client.chat('gg');
    await waitForState(a.page, (st) => st.chat.includes('Listener: gg'), 'the other player’s line on the phone');
    expect((await state(a.page)).chat.some((l) => l.includes('never sent'))).toBe(false);
    expect(heard.some((l) => l.includes('never sent'))).toBe(false);
    // The game still plays: the keyboard went, the sticks work.
    expect(await reachable(a.page, STICKS[0])).toBe(true);
  }, 60_000);

  it('a desktop (mouse, no touch) never shows the touch controls', async () => {
    const s = await server();
    const a = await player(s.url);
    expect(await a.page.evaluate(() => window.matchMedia('(pointer: coarse)').matches)).toBe(false);
    expect(await controlsHelp(a.page)).toBe('WASD/arrows move · mouse aim · click rifle · right click/Space/Q rocket · Tab scores · Enter chat · F3/` net graph');
    await quickPlay(a.page, 'Mouse');
    expect(await a.page.locator('.touch-controls').count()).toBe(1);
    // No touch buttons in the HUD: Tab and Enter do their work.
    expect(await a.page.locator(SCORES).isVisible()).toBe(false);
    expect(await a.page.locator(CHAT).isVisible()).toBe(false);
    await a.page.keyboard.press('Enter');
    await a.page.locator(CHAT_INPUT).waitFor({ state: 'visible', timeout: 5000 });
    expect(await a.page.locator('.chat-send').isVisible()).toBe(false);
    await a.page.keyboard.press('Escape');
    await a.page.locator(CHAT_INPUT).waitFor({ state: 'hidden', timeout: 5000 });
    // Mouse play as before: it aims and fires (the controls stay hidden through it).
    const me = (await state(a.page)).local!;
    await a.page.mouse.move(me.screenX! + 150, me.screenY!);
    await a.page.mouse.down();
    await waitForState(a.page, (st) => played(st, 'shot') > 0, 'a shot from the mouse');
    await a.page.mouse.up();
    expect(await a.page.locator('.touch-controls').isVisible()).toBe(false);
  }, 60_000);
});
