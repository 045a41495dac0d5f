// The replay viewer (/replay/<id>) in a real Chromium (playwright-core, Debian's /usr/bin/chromium)
// against a real GameServer recording into a temp RECORDINGS_DIR. A bot match (server/recording/
// bot-match.ts: the real Room, fight bots) is played on the server's own RecordingService and finalized
// by closing the room; the page downloads it over HTTP, reads it with shared/recording and draws it with
// the live game's scene. What the page draws (window.__replay: sprite positions in world units) is
// compared with the state the test computes itself with ReplaySimulator at the same tick: exactly, at a
// paused whole tick.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EVT_KILL, KIND_PLAYER, PLAYER_FLAG_ALIVE, PLAYER_FIELD, UNITS_PER_PX, arenaGame } from '../../shared/game/arena/index.js';
import { ReplaySimulator, encodeRecording, readRecording, ticksEvents, type Recording, type RecordingRecord } from '../../shared/recording/index.js';
import { simulateRecording } from '../../shared/recording/test-support.js';
import { playerColor } from '../../game-client/src/player-colors.js';
import { CLIENT_DIST } from '../../game-client/scripts/client-build.js';
import { artifactPath, ensureClient, launchBrowser, openPage, waitForReplay, waitForText, type Player } from '../../game-client/test-support/browser.js';
import type { ReplayHookState } from '../../game-client/src/replay/test-hook.js';
import { BotMatch } from '../recording/bot-match.js';
import type { MatchSummary } from '../recording/store.js';
import { startTestServer, type TestServer } from '../test-support/test-server.js';

const MATCH_TICKS = 900; // 30 s at 30 Hz: one keyframe (every 20 s), several kills
const ROOM = 'replay-room';

let browser: Browser;
let server: TestServer;
let dir: string;
let match: MatchSummary;
let bytes: Uint8Array;
let recording: Recording;
const pages: Player[] = [];

beforeAll(async () => {
  await ensureClient();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'replay-viewer-'));
  server = await startTestServer({ staticDir: CLIENT_DIST, recordingsDir: dir });
  const service = server.server.recordings!;
  // Four fight bots in a real Room recorded by the server's RecordingService, then the room closes.
  const bots = new BotMatch({ observer: service.observeRoom(ROOM), seed: 7, roomId: ROOM });
  for (const name of ['alpha', 'bravo', 'charlie', 'delta']) bots.join(name);
  for (let t = 0; t < MATCH_TICKS; t++) {
    bots.step();
    await new Promise((r) => setImmediate(r));
  }
  bots.room.close('disposed', 'test over');
  const deadline = Date.now() + 5000;
  while (!service.store.list().matches[0]?.complete) {
    if (Date.now() > deadline) throw new Error('the recording was not finalized');
    await new Promise((r) => setTimeout(r, 20));
  }
  const list = (await (await fetch(`${server.url}/api/matches`)).json()) as { matches: MatchSummary[] };
  match = list.matches[0]!;
  bytes = new Uint8Array(await (await fetch(`${server.url}/api/matches/${match.id}/recording`)).arrayBuffer());
  recording = await readRecording(bytes);
  expect(recording.complete).toBe(true);
  expect(recording.lastTick).toBe(MATCH_TICKS);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const p of pages.splice(0)) {
    expect(p.errors, 'page errors').toEqual([]);
    await p.context.close();
  }
});

async function open(path: string): Promise<Player> {
  const p = await openPage(browser, `${server.url}${path}`);
  pages.push(p);
  return p;
}

async function replayState(page: Page): Promise<ReplayHookState> {
  return page.evaluate(() => window.__replay!.state());
}

/** Opens the viewer on the recorded match, waits until it draws, and pauses it (through its button). */
async function openViewer(): Promise<Page> {
  const { page } = await open(`/replay/${encodeURIComponent(match.id)}`);
  await waitForReplay(page, (s) => s.status === 'ready' && s.playing && s.tick > 0, 'the replay to play');
  await page.click('#replay-play');
  await waitForReplay(page, (s) => !s.playing && s.drawnTick === s.tick, 'the pause');
  return page;
}

/** The living players at `tick`, as the test process replays them (the scene's px: world units / UNITS_PER_PX). */
function expectedAt(rec: Recording, tick: number): { id: number; x: number; y: number }[] {
  const sim = new ReplaySimulator(rec, arenaGame);
  expect(sim.seek(tick)).toBe(tick);
  return sim
    .view()
    .filter((e) => e.kind === KIND_PLAYER && ((e.values[PLAYER_FIELD.flags] as number) & PLAYER_FLAG_ALIVE) !== 0)
    .map((e) => ({ id: e.id, x: (e.values[PLAYER_FIELD.x] as number) / UNITS_PER_PX, y: (e.values[PLAYER_FIELD.y] as number) / UNITS_PER_PX }))
    .sort((a, b) => a.id - b.id);
}

/** What the page drew once it has drawn the paused tick `tick`. */
async function drawnAt(page: Page, tick: number): Promise<ReplayHookState> {
  return waitForReplay(page, (s) => !s.playing && s.tick === tick && s.drawnTick === tick, `tick ${tick} drawn`);
}

function kills(rec: Recording): { tick: number; killer: number; victim: number }[] {
  const out: { tick: number; killer: number; victim: number }[] = [];
  for (const { record } of rec.entries) {
    if (record.type !== 'ticks') continue;
    for (const [tick, events] of ticksEvents(record)) {
      for (const e of events) if (e[0] === EVT_KILL) out.push({ tick, killer: e[1] as number, victim: e[2] as number });
    }
  }
  return out;
}

describe('replay viewer', () => {
  it('seeking (timeline click, drag, hook) draws exactly the recorded state of the tick it is paused on', async () => {
    const page = await openViewer();
    const track = (await page.locator('#replay-timeline').boundingBox())!;
    const tickAtX = (x: number) => Math.round(((x - track.x) / track.width) * MATCH_TICKS);

    // A click at 40% of the timeline: before the keyframe, so from the start of the recording.
    const x1 = track.x + track.width * 0.4;
    await page.mouse.click(x1, track.y + track.height / 2);
    const t1 = tickAtX(x1);
    const s1 = await drawnAt(page, t1);
    expect(s1.drawnPlayers).toEqual(expectedAt(recording, t1));
    expect(s1.drawnPlayers.length).toBeGreaterThanOrEqual(2);
    expect(s1.seekFromKeyframe).toBeNull();

    // A drag from 20% to 75%: one seek per frame while the thumb moves, the last where it is let go.
    const y = track.y + track.height / 2;
    await page.mouse.move(track.x + track.width * 0.2, y);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) {
      await page.mouse.move(track.x + track.width * (0.2 + (0.55 * i) / 10), y);
      await page.waitForTimeout(16);
    }
    await page.mouse.up();
    const t2 = tickAtX(track.x + track.width * 0.75);
    const s2 = await drawnAt(page, t2);
    expect(s2.drawnPlayers).toEqual(expectedAt(recording, t2));

    // From back at tick 300, a click at 85% lands past the keyframe at 600: the seek restores it and steps on.
    await page.evaluate(() => window.__replay!.seek(300));
    await drawnAt(page, 300);
    const x3 = track.x + track.width * 0.85;
    await page.mouse.click(x3, y);
    const tk = tickAtX(x3);
    const sk = await drawnAt(page, tk);
    expect(sk.keyframes).toEqual([600]);
    expect(sk.seekFromKeyframe).toBe(600);
    expect(sk.seekStepped).toBe(tk - 600);
    expect(sk.seekMs).toBeLessThan(250);
    expect(sk.drawnPlayers).toEqual(expectedAt(recording, tk));

    await page.evaluate((t) => window.__replay!.seek(t), t2);
    await drawnAt(page, t2);
    const time = await page.locator('#replay-time').innerText();
    expect(time).toBe(`${Math.floor(t2 / 30 / 60)}:${String(Math.floor(t2 / 30) % 60).padStart(2, '0')} / 0:30`);
    expect(await page.locator('#replay-tick').innerText()).toBe(`tick ${t2} / ${MATCH_TICKS}`);

    // Through the hook: a few ticks before the first kill (mid-fight), then one tick on with the '.' key.
    const kill = kills(recording)[0]!;
    const t3 = Math.max(1, kill.tick - 3);
    expect(await page.evaluate((t) => window.__replay!.seek(t), t3)).toBe(t3);
    const s3 = await drawnAt(page, t3);
    expect(s3.drawnPlayers).toEqual(expectedAt(recording, t3));
    expect(s3.drawnPlayers.map((p) => p.id)).toEqual(expect.arrayContaining([kill.killer, kill.victim]));
    await page.keyboard.press('Period');
    const s4 = await drawnAt(page, t3 + 1);
    expect(s4.drawnPlayers).toEqual(expectedAt(recording, t3 + 1));
    console.log(`seeks: tick ${t1} in ${s1.seekMs!.toFixed(1)} ms (${s1.seekStepped} steps from the start), tick ${tk} in ${sk.seekMs!.toFixed(1)} ms (keyframe 600 + ${sk.seekStepped} steps)`);
  });

  it('plays at 4x about four times as fast as at 1x; Space pauses', async () => {
    const page = await openViewer();
    const rate = async (speed: string): Promise<number> => {
      await page.click(`#replay-bar [data-speed="${speed}"]`);
      await page.evaluate(() => window.__replay!.seek(30));
      await page.evaluate(() => window.__replay!.play());
      const a = await waitForReplay(page, (s) => s.playing && s.position > 31, 'playback');
      await page.waitForTimeout(1200);
      const b = await replayState(page);
      await page.evaluate(() => window.__replay!.pause());
      expect(b.speed).toBe(Number(speed));
      return ((b.position - a.position) / (b.now - a.now)) * 1000;
    };
    const one = await rate('1');
    const four = await rate('4');
    console.log(`playback: ${one.toFixed(1)} ticks/s at 1x, ${four.toFixed(1)} ticks/s at 4x`);
    expect(one).toBeGreaterThan(30 * 0.8);
    expect(one).toBeLessThan(30 * 1.2);
    expect(four / one).toBeGreaterThan(3.4);
    expect(four / one).toBeLessThan(4.6);

    await page.keyboard.press('Space');
    await waitForReplay(page, (s) => s.playing, 'Space to play');
    await page.keyboard.press('Space');
    const paused = await waitForReplay(page, (s) => !s.playing && s.drawnTick === s.tick, 'Space to pause');
    expect(paused.drawnPlayers).toEqual(expectedAt(recording, paused.tick));
  });

  it('follows a player with the camera centred on it; free camera pans with the keys and by dragging the map', async () => {
    const page = await openViewer();
    const participants = recording.end!.players;
    const target = participants[2]!;
    await page.click(`#replay-camera [data-player="${target.playerId}"]`);
    await page.click('#replay-bar [data-speed="1"]');
    await page.evaluate(() => window.__replay!.play());
    // While it plays, the followed player stays at the centre of the screen (whenever it is alive).
    let checked = 0;
    for (let i = 0; i < 40 && checked < 8; i++) {
      await page.waitForTimeout(60);
      const s = await replayState(page);
      expect(s.following).toBe(target.playerId);
      const drawn = s.drawnPlayers.find((p) => p.id === target.playerId);
      const screen = s.screen.find((p) => p.id === target.playerId);
      if (!drawn || !screen || s.cameraGliding) continue; // dead, or the camera still on its way to it
      expect(Math.abs(drawn.x - s.camera!.x)).toBeLessThan(0.5 / UNITS_PER_PX);
      expect(Math.abs(drawn.y - s.camera!.y)).toBeLessThan(0.5 / UNITS_PER_PX);
      expect(Math.abs(screen.x - s.viewport!.width / 2)).toBeLessThan(0.5);
      expect(Math.abs(screen.y - s.viewport!.height / 2)).toBeLessThan(0.5);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    await expect.poll(async () => page.locator(`#replay-camera [data-player="${target.playerId}"]`).getAttribute('class')).toContain('active');

    // Free camera: the D key pans right, dragging the map pans the other way.
    await page.evaluate(() => window.__replay!.pause());
    await page.click('#replay-camera .follow.free');
    const before = await replayState(page);
    expect(before.following).toBeNull();
    await page.keyboard.down('KeyA');
    await page.waitForTimeout(400);
    await page.keyboard.up('KeyA');
    const afterKey = await replayState(page);
    expect(afterKey.camera!.x).toBeLessThan(before.camera!.x - 100);
    expect(Math.abs(afterKey.camera!.y - before.camera!.y)).toBeLessThan(1);
    await page.mouse.move(640, 300);
    await page.mouse.down();
    await page.mouse.move(600, 260, { steps: 4 });
    await page.mouse.up();
    const afterDrag = await waitForReplay(page, (s) => s.camera!.y > afterKey.camera!.y + 30, 'the drag to pan');
    expect(afterDrag.camera!.x - afterKey.camera!.x).toBeCloseTo(40, 0);
    expect(afterDrag.camera!.y - afterKey.camera!.y).toBeCloseTo(40, 0);
    // Following again from the list.
    await page.click(`#replay-camera [data-player="${participants[0]!.playerId}"]`);
    await waitForReplay(page, (s) => s.following === participants[0]!.playerId, 'following again');
  });

  it('marks the kills on the timeline with killer and victim, and plays them with the game’s effects (screenshot)', async () => {
    const page = await openViewer();
    const expected = kills(recording);
    expect(expected.length).toBeGreaterThan(0);
    const names = new Map(recording.end!.players.map((p) => [p.playerId, p.name]));
    const s = await replayState(page);
    const said = (k: { killer: number; victim: number }) =>
      k.killer === k.victim ? `${names.get(k.victim)} blew up (` : `${names.get(k.killer)} killed ${names.get(k.victim)} (`;
    expect(s.marks.map((m) => m.tick)).toEqual(expected.map((k) => k.tick));
    s.marks.forEach((m, i) => expect(m.text).toContain(said(expected[i]!)));
    const first = expected.find((k) => k.killer !== k.victim)!;
    const marker = page.locator(`#replay-timeline .mark[data-tick="${first.tick}"]`).first();
    expect(await marker.getAttribute('title')).toContain(`${names.get(first.killer)} killed ${names.get(first.victim)}`);
    await marker.hover();
    await waitForText(page, '#replay-bar .tip', `${names.get(first.killer)} killed ${names.get(first.victim)}`);

    // Play through the kill at the closest range (both players in the picture, the camera between them):
    // tracers, the hit flashes, the death burst and the kill feed, as in the game.
    const at = (tick: number, id: number) => expectedAt(recording, tick).find((p) => p.id === id);
    const close = expected
      .filter((k) => k.killer !== k.victim && at(k.tick - 1, k.killer) && at(k.tick - 1, k.victim))
      .map((k) => ({ k, a: at(k.tick - 1, k.killer)!, b: at(k.tick - 1, k.victim)! }))
      .sort((x, y) => Math.hypot(x.a.x - x.b.x, x.a.y - x.b.y) - Math.hypot(y.a.x - y.b.x, y.a.y - y.b.y))[0]!;
    await page.evaluate(([x, y]) => window.__replay!.lookAt(x!, y!), [(close.a.x + close.b.x) / 2, (close.a.y + close.b.y) / 2]);
    await page.evaluate((t) => window.__replay!.seek(t), Math.max(0, close.k.tick - 45));
    await page.click('#replay-bar [data-speed="1"]');
    await page.click('#replay-play');
    await page.mouse.move(1000, 300); // off the controls: no hover tooltip in the picture
    await waitForText(page, '.killfeed', names.get(close.k.victim)!, 4000);
    await page.waitForTimeout(60);
    await page.screenshot({ path: artifactPath('replay-viewer.png') });
    const st = await replayState(page);
    expect(st.renderer).toBe('canvas');
  });

  it('says clearly when the match is unknown, cut off, damaged, or not a recording this build reads', async () => {
    // Unknown id (the server's 404).
    const unknown = await open('/replay/2026-01-01T00-00-00.000Z-nope');
    const s404 = await waitForReplay(unknown.page, (s) => s.status === 'error', 'the 404 screen');
    expect(s404.error).toContain('No such match');
    await waitForText(unknown.page, '#replay-error', 'HTTP 404 NOT_FOUND');
    await unknown.page.screenshot({ path: artifactPath('replay-unknown.png') });
    await unknown.page.click('#replay-error a');
    await unknown.page.waitForSelector('#quick-play');
    expect(new URL(unknown.page.url()).pathname).toBe('/');

    // Each case on a blank page to set the route on before the viewer's first request (no lobby load to
    // pay for); the page of the case before is closed first, so pages left playing do not slow it down
    // (their errors are still checked after the test).
    let previous = unknown;
    const serve = async (body: Uint8Array): Promise<Page> => {
      await previous.context.close();
      const p = await openPage(browser, 'about:blank');
      pages.push(p);
      previous = p;
      await p.page.route(`**/api/matches/${encodeURIComponent(match.id)}/recording`, (route: Route) =>
        route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(body) }),
      );
      await p.page.goto(`${server.url}/replay/${encodeURIComponent(match.id)}`);
      return p.page;
    };

    // Cut off mid-record (a crash): plays what is there, says where it stops.
    const cutAt = recording.entries[recording.entries.length - 4]!.offset + 20;
    const cut = await readRecording(bytes.subarray(0, cutAt));
    const cutPage = await serve(bytes.subarray(0, cutAt));
    const sc = await waitForReplay(cutPage, (s) => s.status === 'ready', 'the cut recording');
    expect(sc.endTick).toBe(cut.lastTick);
    expect(sc.notice).toContain(`cut off at tick ${cut.lastTick}`);
    await cutPage.evaluate(() => window.__replay!.pause());
    expect(await cutPage.evaluate(() => window.__replay!.seek(1e9))).toBe(cut.lastTick);
    expect((await drawnAt(cutPage, cut.lastTick)).drawnPlayers).toEqual(expectedAt(cut, cut.lastTick));

    // A damaged record in the middle: the readable part plays, with the reader's message.
    const damagedBytes = bytes.slice();
    const victim = recording.entries[Math.floor(recording.entries.length / 2)]!;
    damagedBytes[victim.offset + 12] ^= 0xff;
    const damaged = await readRecording(damagedBytes);
    expect(damaged.error?.code).toBe('BAD_CHECKSUM');
    const damagedPage = await serve(damagedBytes);
    const sd = await waitForReplay(damagedPage, (s) => s.status === 'ready', 'the damaged recording');
    expect(sd.endTick).toBe(damaged.lastTick);
    expect(sd.notice).toContain(`damaged after tick ${damaged.lastTick} (`);
    expect(sd.notice).toContain(damaged.error!.message);

    // Readable, but a record's inputs do not decode: it plays up to the tick before, then says why it stops.
    const records: RecordingRecord[] = recording.entries.map((e) => e.record);
    const index = records.findIndex((r) => r.type === 'ticks' && r.from > 400);
    const badTicks = records[index] as Extract<RecordingRecord, { type: 'ticks' }>;
    records[index] = { ...badTicks, inputs: Uint8Array.of(0x7f, 0x7f, 1, 2, 3) };
    const brokenPage = await serve(await encodeRecording(records));
    await waitForReplay(brokenPage, (s) => s.status === 'ready', 'the broken recording');
    // (Seeking past the keyframe at 600 would skip the broken record: seek into it.)
    expect(badTicks.from + 20).toBeLessThan(600);
    expect(await brokenPage.evaluate((t) => window.__replay!.seek(t), badTicks.from + 20)).toBe(badTicks.from - 1);
    const sb = await waitForReplay(brokenPage, (s) => s.notice !== null && s.notice.includes('stops'), 'the stop notice');
    expect(sb.endTick).toBe(badTicks.from - 1);
    expect(sb.notice).toContain(`The replay stops at tick ${badTicks.from - 1}: BAD_INPUTS`);
    await brokenPage.evaluate(() => window.__replay!.pause());
    expect((await drawnAt(brokenPage, badTicks.from - 1)).drawnPlayers).toEqual(expectedAt(recording, badTicks.from - 1));
    expect(await brokenPage.locator('#replay-timeline .unplayable').count()).toBe(1);
    await brokenPage.screenshot({ path: artifactPath('replay-stopped.png') });

    // Another format version: the reader's message, nothing to play.
    const newer = bytes.slice();
    newer[8] = 5;
    const versionPage = await serve(newer);
    const sv = await waitForReplay(versionPage, (s) => s.status === 'error', 'the version error');
    expect(sv.error).toContain('UNSUPPORTED_VERSION at byte 8: recording format version 5 is newer than this build reads (versions 2, 3 and 4)');
    await waitForText(versionPage, '#replay-error', 'This file cannot be replayed');

    // A recording of a game this page has no module for (the header names it): said so, nothing to play.
    const otherGame: RecordingRecord[] = recording.entries.map((e) => e.record);
    otherGame[0] = { ...(otherGame[0] as Extract<RecordingRecord, { type: 'header' }>), game: 'no-such-game' };
    const otherPage = await serve(await encodeRecording(otherGame));
    const so = await waitForReplay(otherPage, (s) => s.status === 'error', 'the unknown-game error');
    expect(so.error).toContain('This page cannot show this game');
    await waitForText(otherPage, '#replay-error', 'of the game "no-such-game", and this page has no module for it (it shows: Arena, Blobs)');

    // Made with rules of this game that this build cannot simulate (a newer server's): said so, nothing to play.
    const newerRules: RecordingRecord[] = recording.entries.map((e) => e.record);
    newerRules[0] = { ...(newerRules[0] as Extract<RecordingRecord, { type: 'header' }>), rulesVersion: 99 };
    const rulesPage = await serve(await encodeRecording(newerRules));
    const sr = await waitForReplay(rulesPage, (s) => s.status === 'error', 'the rules-version error');
    expect(sr.error).toContain('recorded with arena rules version 99');
    await waitForText(rulesPage, '#replay-error', 'rules version 99');

    // Not a recording at all.
    const garbagePage = await serve(new TextEncoder().encode('<html>not a recording</html>'));
    const sg = await waitForReplay(garbagePage, (s) => s.status === 'error', 'the not-a-recording error');
    expect(sg.error).toContain('NOT_A_RECORDING');
  }, 60_000); // seven page loads: 6-12 s on a loaded 2-core machine (it was 19-23 s with each case loading the lobby first)

  it('lists a player who left and came back once, follows their new seat, and plays the game’s sounds with a remembered switch', async () => {
    // bob (id 2) leaves at tick 200 and is back at 300 under the same name (a new seat, id 4); cy joins at 100.
    const records = simulateRecording({
      ticks: 600,
      players: ['ann', 'bob'],
      joins: [{ tick: 100, name: 'cy' }, { tick: 300, name: 'bob' }],
      leaves: [{ tick: 200, playerId: 2 }],
      seed: 11,
    });
    const body = await encodeRecording(records);
    const p = await openPage(browser, 'about:blank');
    pages.push(p);
    await p.page.route(`**/api/matches/${encodeURIComponent(match.id)}/recording`, (route: Route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.from(body) }),
    );
    await p.page.goto(`${server.url}/replay/${encodeURIComponent(match.id)}`);
    const ready = await waitForReplay(p.page, (s) => s.status === 'ready', 'the replay');
    expect(ready.participants).toEqual([
      { name: 'ann', playerIds: [1] },
      { name: 'bob', playerIds: [2, 4] },
      { name: 'cy', playerIds: [3] },
    ]);
    expect(await p.page.locator('#replay-camera .follow-list li').count()).toBe(3);

    // Following bob before he left, then after he came back: the camera moves to his new seat.
    await p.page.evaluate(() => window.__replay!.pause());
    await p.page.evaluate(() => window.__replay!.follow(2));
    await p.page.evaluate(() => window.__replay!.seek(450));
    const after = await waitForReplay(p.page, (s) => s.tick === 450 && s.following === 4, 'the camera on bob’s new seat');
    const bob = after.drawnPlayers.find((q) => q.id === 4)!;
    expect(bob).toBeDefined();
    expect(await p.page.locator('#replay-camera button.follow.active .name').textContent()).toBe('bob');
    // The list's swatch takes the colour of the seat bob has now (the colour drawn on the map).
    const swatch = await p.page.locator('#replay-camera button.follow.active .swatch').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = [16, 8, 0].map((shift) => (playerColor(4) >> shift) & 0xff);
    expect(swatch).toBe(`rgb(${r}, ${g}, ${b})`);

    // Sound: the switch sits in the control bar; playing makes the game's sounds (shots), muting stops them.
    const toggle = p.page.locator('#replay-bar [data-testid=sound-toggle]');
    await toggle.waitFor();
    await p.page.click('#replay-play'); // a click: the browser lets the page start audio
    const sounding = await waitForReplay(p.page, (s) => (s.sound?.playedByName.shot ?? 0) > 0, 'a shot to sound during playback');
    expect(sounding.sound!.unlocked).toBe(true);
    await toggle.click();
    const muted = await waitForReplay(p.page, (s) => s.sound?.muted === true, 'the mute');
    await p.page.waitForTimeout(1500);
    const later = await replayState(p.page);
    expect(later.playing || later.tick === later.endTick).toBe(true);
    expect(later.sound!.played).toBe(muted.sound!.played);
    await p.page.screenshot({ path: artifactPath('replay-rejoin-sound.png') });
    // Remembered: the live game's switch and the replay's are one setting.
    await p.page.reload();
    const reloaded = await waitForReplay(p.page, (s) => s.status === 'ready', 'the replay after a reload');
    expect(reloaded.sound!.muted).toBe(true);
    await p.page.locator('#replay-bar [data-testid=sound-toggle]').click();
    expect((await replayState(p.page)).sound!.muted).toBe(false);
  }, 60_000);

  it('the lobby lists recent matches, newest first, with links to their replays', async () => {
    const { page } = await open('/');
    const link = page.locator(`#recent-matches a[data-match="${match.id}"]`);
    await link.waitFor({ timeout: 5000 });
    expect(await link.innerText()).toContain('alpha, bravo, charlie +1');
    expect(await link.getAttribute('href')).toBe(`/replay/${encodeURIComponent(match.id)}`);
    await page.screenshot({ path: artifactPath('lobby-recent-matches.png') });
    await link.click();
    await waitForReplay(page, (s) => s.status === 'ready' && s.id === match.id, 'the replay from the lobby');
    expect(new URL(page.url()).pathname).toBe(`/replay/${encodeURIComponent(match.id)}`);
  });
});
