// Real-browser test helpers: Debian's Chromium through playwright-core, the built client served by a
// real GameServer on an ephemeral port, and the page's window.__arena hook to read what it shows.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { ServerConfig } from '../../server/config.js';
import { startTestServer, type TestServer } from '../../server/test-support/test-server.js';
import {
  ARENA_MAP,
  arenaGame,
  isPlayerPositionBlocked,
  px,
  type ArenaInput,
  type ArenaWorld,
} from '../../shared/game/arena/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import type { PageHookState } from '../src/test-hook.js';
import type { ReplayHookState } from '../src/replay/test-hook.js';
import { CLIENT_DIST, REPO_ROOT, ensureClientBuilt } from '../scripts/client-build.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Several pages play at once in these tests: none of them may be throttled as a background tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Builds dist/client if missing or stale (a no-op when it is up to date). */
export async function ensureClient(): Promise<void> {
  await ensureClientBuilt({ quiet: true });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/**
 * Where the first players of a test room stand: facing each other across open floor, 300 px apart,
 * without spawn protection, so a test can fight deterministically. Respawns use the normal rules.
 */
export const DUEL_SPOTS_PX: readonly (readonly [number, number])[] = [
  [800, 440],
  [1100, 440],
  [950, 470],
  [650, 470],
];

export const duelArena: GameDefinition<ArenaWorld, ArenaInput> = {
  ...arenaGame,
  addPlayer(world, playerId, name) {
    arenaGame.addPlayer(world, playerId, name);
    const spot = DUEL_SPOTS_PX[playerId - 1];
    const p = world.players.find((q) => q.id === playerId);
    if (!spot || !p) return;
    const x = px(spot[0]);
    const y = px(spot[1]);
    if (isPlayerPositionBlocked(x, y, ARENA_MAP)) throw new Error(`duel spot ${spot} is inside a wall`);
    p.x = x;
    p.y = y;
    p.protectTicks = 0;
  },
};

/**
 * A server of the built client hosting `games` (default: duelArena alone, named "arena" like the arena, so
 * the page's arena module shows it).
 */
export async function startGameServer(overrides: Partial<ServerConfig> = {}, games: readonly AnyGame[] = [duelArena as unknown as AnyGame]): Promise<TestServer> {
  return startTestServer({ staticDir: CLIENT_DIST, ...overrides }, { games });
}

export interface Player {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
}

/** A player in its own browser context (so going offline affects only it), at `url` + `query`. */
/** What a browser test file uses: servers and pages it starts, closed after each test. */
export interface BrowserSuite {
  /** A game server serving the built client (startGameServer), stopped after the test. */
  server(overrides?: Partial<ServerConfig>, games?: readonly AnyGame[]): Promise<TestServer>;
  /**
   * A player's page (its own browser context) on the lobby at `url`; after the test it must have had no page
   * errors. `context` adds or overrides browser context options (e.g. a phone: hasTouch, isMobile, viewport).
   */
  player(url: string, query?: string, context?: BrowserContextOptions): Promise<Player>;
  /** Any page of the server (its own browser context), e.g. the replay viewer; checked and closed the same way. */
  page(url: string): Promise<Player>;
}

/**
 * The set-up every browser test file shares: the client built once, one Chromium for the file, and after
 * each test its pages closed (failing on any page error) and its servers stopped.
 */
export function browserSuite(defaultGames?: readonly AnyGame[]): BrowserSuite {
  let browser: Browser | undefined;
  const servers: TestServer[] = [];
  const players: Player[] = [];
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
    for (const s of servers.splice(0)) await s.close();
  });
  return {
    async server(overrides = {}, games = defaultGames) {
      const s = await startGameServer(overrides, games);
      servers.push(s);
      return s;
    },
    async player(url, query = '', context = {}) {
      const p = await openPlayer(launched(), url, query, context);
      players.push(p);
      return p;
    },
    async page(url) {
      const p = await openPage(launched(), url);
      players.push(p);
      return p;
    },
  };
  function launched(): Browser {
    if (!browser) throw new Error('browserSuite: the browser is not launched yet (open pages inside a test)');
    return browser;
  }
}

export async function openPlayer(browser: Browser, url: string, query = '', context: BrowserContextOptions = {}): Promise<Player> {
  const player = await openPage(browser, `${url}/${query}`, context);
  await player.page.waitForSelector('#quick-play:not([disabled])');
  return player;
}

/**
 * Any page of the client (e.g. /replay/<id>) in its own browser context at 1280x720 (unless `options`
 * say otherwise), collecting page errors and console errors (failed loads and refused connections aside)
 * into `errors`. Does not wait for anything but the load.
 */
export async function openPage(browser: Browser, pageUrl: string, options: BrowserContextOptions = {}): Promise<Player> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // Failed connection attempts are expected while a test takes the network or the server away.
    if (m.type() === 'error' && !/net::ERR_INTERNET_DISCONNECTED|net::ERR_CONNECTION_REFUSED|Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  await page.goto(pageUrl);
  return { context, page, errors };
}

export async function state(page: Page): Promise<PageHookState> {
  return page.evaluate(() => window.__arena!.state());
}

/** Polls the page's hook until `predicate` holds; returns that state. */
export async function waitForState(
  page: Page,
  predicate: (s: PageHookState) => boolean,
  what: string,
  timeoutMs = 8000,
): Promise<PageHookState> {
  const deadline = Date.now() + timeoutMs;
  let last: PageHookState | null = null;
  for (;;) {
    last = await state(page);
    if (predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${JSON.stringify(last).slice(0, 1500)}`);
    }
    await page.waitForTimeout(50);
  }
}

export async function quickPlay(page: Page, name: string): Promise<PageHookState> {
  await page.fill('#name', name);
  await page.click('#quick-play');
  return waitForState(page, (s) => s.screen === 'game' && s.local !== null && s.local.screenX !== null, `${name} in the game`, 10_000);
}

/** Points page's mouse at a player as that page draws it, then holds the left button for `ms`. */
export async function aimAt(page: Page, targetId: number): Promise<void> {
  const s = await state(page);
  const target = s.players.find((p) => p.id === targetId);
  if (!target || target.screenX === null || target.screenY === null) throw new Error(`player ${targetId} is not on screen`);
  await page.mouse.move(target.screenX, target.screenY);
}

/** Polls until the element matching `selector` contains `text` (its innerText); returns that text. */
export async function waitForText(page: Page, selector: string, text: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await page.locator(selector).first().innerText({ timeout: 1000 }).catch(() => '')) ?? '';
    if (last.includes(text)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for "${text}" in ${selector}; it says "${last}"`);
    await page.waitForTimeout(50);
  }
}

/**
 * Picks a game in the lobby's game list (the page remembers it) and waits until the lobby has it chosen.
 * The list is drawn anew whenever the server's room counts change: a click that landed on a button being
 * replaced is lost, so it clicks again (a few times at most).
 */
export async function chooseGame(page: Page, name: string): Promise<PageHookState> {
  for (let attempt = 1; ; attempt++) {
    await page.click(`#game-list [data-game="${name}"]`);
    try {
      return await waitForState(page, (s) => s.chosenGame === name, `the lobby to choose ${name}`, 2000);
    } catch (err) {
      if (attempt === 3) throw err;
    }
  }
}

/** Leaves the room with the HUD's Leave button and waits for the lobby. */
export async function leaveRoom(page: Page): Promise<PageHookState> {
  await page.click('.hud-info button:has-text("Leave")');
  return waitForState(page, (s) => s.screen === 'lobby', 'the lobby after leaving');
}

/** Polls the replay viewer's hook (window.__replay) until `predicate` holds; returns that state. */
export async function waitForReplay(page: Page, predicate: (s: ReplayHookState) => boolean, what: string, timeoutMs = 8000): Promise<ReplayHookState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.evaluate(() => window.__replay?.state() ?? null);
    if (s && predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last state: ${JSON.stringify(s).slice(0, 1500)}`);
    await page.waitForTimeout(30);
  }
}
