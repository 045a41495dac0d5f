// The finished feel in a real Chromium against a real server (see browser-game.test.ts for the set-up):
// the match-end screen, synthesized sound and its remembered switch, fading system chat, readable room
// names, and one colour per player on every screen. Pages are read through window.__arena.

import { describe, expect, it } from 'vitest';
import type { ArenaInput, ArenaWorld } from '../../shared/game/arena/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import {
  aimAt,
  artifactPath,
  browserSuite,
  duelArena,
  quickPlay,
  state,
  waitForState,
  waitForText,
  type Player,
} from '../../game-client/test-support/browser.js';

const { server, player } = browserSuite();

/** A server of the duel arena whose (one) room's world the test can reach, e.g. to end the match now. */
async function serverWithWorld(): Promise<{ url: string; world: () => ArenaWorld }> {
  let world: ArenaWorld | null = null;
  const game: GameDefinition<ArenaWorld, ArenaInput> = { ...duelArena, createWorld: (seed) => (world = duelArena.createWorld(seed)) };
  const s = await server({}, [game as unknown as AnyGame]);
  return {
    url: s.url,
    world: () => {
      if (!world) throw new Error('no room yet');
      return world;
    },
  };
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

    s.world().matchTicksLeft = 3;
    const onA = await waitForState(a.page, (st) => st.matchEnd !== null, 'the match-end screen on A');
    const end = onA.matchEnd!;
    expect(end.title).toBe('Match 1');
    expect(end.winner).toBe('Alice');
    expect(end.lines[0]).toMatch(/^1 Alice [1-9]/);
    expect(end.lines[1]).toMatch(/^2 Bob /);
    expect(end.own).toBe(0);
    expect(await a.page.locator('.match-end tr.me').innerText()).toContain('Alice');
    await waitForText(a.page, '.match-end .winner', 'You won');
    await a.page.screenshot({ path: artifactPath('match-end.png') });
    console.log(`screenshot: ${artifactPath('match-end.png')}`);
    const onB = (await waitForState(b.page, (st) => st.matchEnd !== null, 'the match-end screen on B')).matchEnd!;
    expect(onB.winner).toBe('Alice');
    expect(onB.own).toBe(1);
    await waitForText(b.page, '.match-end .winner', 'Alice wins');
    expect(await b.page.locator('.match-end tr.me').innerText()).toContain('Bob');
    await waitForState(a.page, (st) => (st.sound?.playedByName.matchEnd ?? 0) === 1, 'the match-end fanfare');

    // The countdown counts down (1 s steps; read twice, over a second apart).
    const first = end.secondsLeft;
    expect(first).toBeGreaterThan(0);
    expect(end.countdown).toMatch(/\d+ s/);
    const later = await waitForState(a.page, (st) => st.matchEnd !== null && st.matchEnd.secondsLeft < first, 'the countdown to count', 5000);
    expect(later.matchEnd!.countdown).not.toBe(end.countdown);

    // Leave on the screen goes back to the lobby.
    await b.page.click('[data-testid=match-end-leave]');
    await waitForState(b.page, (st) => st.screen === 'lobby', 'B back in the lobby');
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
});
