// Blobs, the second game, in a real Chromium (playwright-core, Debian's /usr/bin/chromium) against a real
// GameServer hosting both games (the arena first, the default) and serving the built client: the lobby's
// game picker, live play (the blob heads for the mouse, eats pellets, another page sees it), the frame
// time of the canvas renderer, and the recording of a blobs match (verified, then opened in the replay
// viewer and seeked). The page is read through window.__arena (players, scores) and the blobs scene's own
// window.__blobs (pellets, zoom, leaderboard, frame times), not through pixels.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { arenaGame } from '../../shared/game/arena/index.js';
import {
  BLOB_FIELD,
  BLOB_FLAG_ALIVE,
  BLOBS_UNITS_PER_PX,
  KIND_BLOB,
  START_MASS,
  WORLD_SIZE,
  blobsGame,
  type BlobsInput,
  type BlobsWorld,
} from '../../shared/game/blobs/index.js';
import type { AnyGame, GameDefinition } from '../../shared/game/game-definition.js';
import { ReplaySimulator, readRecording, verifyRecording, type Recording } from '../../shared/recording/index.js';
import type { BlobsSceneState } from '../../game-client/src/games/blobs/scene-hook.js';
import { participantsOf } from '../../game-client/src/replay/participants.js';
import { blobsTimeline } from '../../game-client/src/games/blobs/timeline.js';
import {
  artifactPath,
  browserSuite,
  chooseGame,
  leaveRoom,
  quickPlay,
  state,
  waitForReplay,
  waitForState,
  waitForText,
  type Player,
} from '../../game-client/test-support/browser.js';
import type { MatchSummary } from '../recording/store.js';

const GAMES = [arenaGame, blobsGame] as unknown as readonly AnyGame[];
const WORLD_PX = WORLD_SIZE / BLOBS_UNITS_PER_PX;
/**
 * A frame's work (update + render), p95: measured 5-8 ms here (2 cores, other tests running, two pages
 * or a replay drawing); 50 ms (20 fps) is a wide margin that still catches drawing gone wrong, e.g. every
 * pellet of the world on every frame.
 */
const FRAME_WORK_LIMIT_MS = 50;

const { server, player, page: openViewerPage } = browserSuite(GAMES);
const dirs: string[] = [];

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function blobs(page: Page): Promise<BlobsSceneState> {
  return page.evaluate(() => window.__blobs!.state());
}

/** Polls the blobs scene's hook until `predicate` holds. */
async function waitForBlobs(page: Page, predicate: (s: BlobsSceneState) => boolean, what: string, timeoutMs = 5000): Promise<BlobsSceneState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await blobs(page);
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(s).slice(0, 600)}`);
    await page.waitForTimeout(50);
  }
}

/** Picks Blobs in the lobby and quick-plays into a blobs room. */
async function playBlobs(p: Player, name: string) {
  await chooseGame(p.page, 'blobs');
  const s = await quickPlay(p.page, name);
  expect(s.game).toBe('blobs');
  return s;
}

/** Points the mouse from the page's own blob toward a scene point, `reach` canvas px away. */
async function steerToward(page: Page, x: number, y: number, reach = 220): Promise<void> {
  const s = await state(page);
  const me = s.local;
  if (!me || me.screenX === null || me.screenY === null) return;
  const dx = x - me.x;
  const dy = y - me.y;
  const len = Math.hypot(dx, dy) || 1;
  await page.mouse.move(me.screenX + (dx / len) * reach, me.screenY + (dy / len) * reach);
}

/** Drawn within the 1280 x 720 canvas (openPage's viewport). */
function onCanvas(p: { screenX: number | null; screenY: number | null }): boolean {
  return p.screenX !== null && p.screenY !== null && p.screenX >= 0 && p.screenX <= 1280 && p.screenY >= 0 && p.screenY <= 720;
}

/** Puts the mouse on the page's own blob: it stops. */
async function rest(page: Page): Promise<void> {
  const me = (await state(page)).local;
  if (me?.screenX != null && me.screenY != null) await page.mouse.move(me.screenX, me.screenY);
}

/** Steers the page's blob to the nearest pellet, again and again, until its drawn mass reaches `mass`. */
async function eatUntil(page: Page, mass: number, timeoutMs: number): Promise<BlobsSceneState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const b = await blobs(page);
    if ((b.focusMass ?? 0) >= mass) return b;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms eating up to mass ${mass}; last: ${JSON.stringify(b).slice(0, 600)}`);
    if (b.nearestPellet) await page.mouse.move(b.nearestPellet.screenX, b.nearestPellet.screenY);
    await page.waitForTimeout(120);
  }
}

describe('blobs in the browser', () => {
  it('the lobby lists Arena and Blobs; Blobs then quick play is a blobs room, and back to Arena an arena room', async () => {
    const s = await server();
    const a = await player(s.url);
    const listed = await waitForState(a.page, (st) => st.lobbyGames.every((g) => g.rooms !== null), 'the games from /api/games');
    expect(listed.lobbyGames.map((g) => [g.name, g.title])).toEqual([
      ['arena', 'Arena'],
      ['blobs', 'Blobs'],
    ]);
    expect(listed.chosenGame).toBe('arena');
    await chooseGame(a.page, 'blobs');
    const help = await a.page.locator('#controls-help').innerText();
    expect(help).toContain('steer');
    expect(help).toContain('boost');
    await a.page.screenshot({ path: artifactPath('blobs-lobby.png') });

    const inBlobs = await quickPlay(a.page, 'Alice');
    expect(inBlobs.game).toBe('blobs');
    expect(inBlobs.local).toMatchObject({ name: 'Alice', alive: true });
    // On the blobs scoreboard (a pellet under the spawn spot may be eaten at once).
    await waitForState(a.page, (st) => st.scores.some((r) => r.name === 'Alice' && (r.mass as number) >= START_MASS), 'Alice on the blobs scoreboard');

    await leaveRoom(a.page);
    await chooseGame(a.page, 'arena');
    const inArena = await quickPlay(a.page, 'Alice');
    expect(inArena.game).toBe('arena');
    expect(inArena.roomId).not.toBe(inBlobs.roomId);
    expect(Object.keys(inArena.score ?? {}).sort()).toEqual(['deaths', 'kills', 'score']);
  }, 60_000);

  it('plays: the blob heads for the mouse, eats pellets, another page sees it and is eaten by it, and the match ends (screenshots, frame times)', async () => {
    // The rules of blobs, with the room's world in reach of the test (to end the match now).
    let world: BlobsWorld | null = null;
    const blobsWithWorld: GameDefinition<BlobsWorld, BlobsInput> = { ...blobsGame, createWorld: (seed) => (world = blobsGame.createWorld(seed)) };
    const s = await server({}, [arenaGame, blobsWithWorld] as unknown as readonly AnyGame[]);
    const a = await player(s.url);
    const b = await player(s.url);
    const sa = await playBlobs(a, 'Alice');
    const sb = await playBlobs(b, 'Bob');
    expect(sb.roomId).toBe(sa.roomId);
    const aId = sa.playerId!;
    const bId = sb.playerId!;

    // The blob heads for the mouse: 250 px to the side of it, toward the middle of the world.
    const start = sa.local!;
    const dir = start.x < WORLD_PX / 2 ? 1 : -1;
    await a.page.mouse.move(start.screenX! + dir * 250, start.screenY!);
    const moved = await waitForState(a.page, (st) => dir * (st.local!.x - start.x) > 150, 'Alice to head for the mouse');
    expect(Math.abs(moved.local!.y - start.y)).toBeLessThan(30);
    // The server agrees (its latest authoritative state, not the prediction).
    await waitForState(a.page, (st) => st.authoritative !== null && dir * (st.authoritative.x - start.x) > 100, 'the server to move Alice');

    // Pellets are drawn, and eaten: steering onto the nearest ones grows the blob, here and on the server.
    const before = await blobs(a.page);
    expect(before.pelletsDrawn).toBeGreaterThan(5);
    expect(before.zoom).toBeGreaterThan(0.5);
    await eatUntil(a.page, START_MASS + 3, 20_000);
    const grown = await waitForState(a.page, (st) => (st.score?.mass ?? 0) >= START_MASS + 3, 'the server to count Alice’s pellets');
    expect(grown.scores.find((r) => r.name === 'Alice')?.pellets).toBeGreaterThanOrEqual(3);
    // Each pellet eaten popped (at once as the prediction ate it, or when the server's event came).
    await waitForBlobs(a.page, (st) => st.pops >= 3, 'three pellet pops');
    expect((await blobs(a.page)).massLabel).toMatch(/^Mass \d+$/);

    // Bob's page sees Alice's blob: both head for each other (they spawn apart) until Bob's screen has her.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [ta, tb] = [await state(a.page), await state(b.page)];
      if (tb.players.some((p) => p.id === aId && p.alive && onCanvas(p))) break;
      if (Date.now() > deadline) throw new Error(`Bob never saw Alice: ${JSON.stringify({ a: ta.local, b: tb.local })}`);
      if (ta.local && tb.local) {
        await steerToward(a.page, tb.local.x, tb.local.y);
        await steerToward(b.page, ta.local.x, ta.local.y);
      }
      await a.page.waitForTimeout(250);
    }
    await Promise.all([rest(a.page), rest(b.page)]);
    const seen = await state(b.page);
    const alice = seen.players.find((p) => p.id === aId)!;
    expect(alice).toMatchObject({ name: 'Alice', alive: true, local: false });
    expect(onCanvas(alice)).toBe(true);
    const board = await blobs(b.page);
    expect(board.leaderboard.length).toBe(2);
    expect(board.leaderboard.join(' ')).toContain('Alice');
    await b.page.screenshot({ path: artifactPath('blobs-match.png') });

    // Alice grows to 1.25 x Bob's mass and runs him over while he rests: Bob's page says who ate him and
    // counts down to his respawn.
    const bobMass = (await state(a.page)).scores.find((r) => r.playerId === bId)!.mass as number;
    await eatUntil(a.page, Math.ceil((bobMass * 5) / 4) + 1, 20_000);
    const chase = Date.now() + 20_000;
    for (;;) {
      const tb = await state(b.page);
      if (tb.killFeed.some((line) => line.includes('Alice') && line.includes('Bob'))) break;
      if (Date.now() > chase) throw new Error(`Alice never ate Bob: ${JSON.stringify({ b: tb.local, scores: tb.scores })}`);
      const bob = (await state(a.page)).players.find((p) => p.id === bId && p.alive);
      if (bob) await steerToward(a.page, bob.x, bob.y, 80);
      await rest(b.page);
      await a.page.waitForTimeout(100);
    }
    await waitForText(b.page, '.center-msg', 'You were eaten by Alice');
    expect(await b.page.locator('.center-msg').innerText()).toMatch(/Respawning in \d/);
    await b.page.screenshot({ path: artifactPath('blobs-eaten.png') });
    await waitForBlobs(b.page, (st) => st.gulps >= 1, 'the gulp on Bob’s page');
    await waitForBlobs(a.page, (st) => st.gulps >= 1, 'the gulp on Alice’s page');
    expect((await state(a.page)).scores.find((r) => r.playerId === aId)?.eaten).toBe(1);
    await waitForState(b.page, (st) => st.local?.alive === true, 'Bob to respawn', 8000);

    // Frame time on the canvas renderer (no GPU here), both pages drawing, over the last 2 s of play.
    await steerToward(a.page, WORLD_PX / 2, WORLD_PX / 2);
    await a.page.waitForTimeout(2000);
    const frames = await blobs(a.page);
    expect((await state(a.page)).renderer).toBe('canvas');
    console.log(
      `blobs frame work (update + render), canvas renderer, 2 pages: p50 ${frames.frameWorkMs.p50.toFixed(1)} ms, p95 ${frames.frameWorkMs.p95.toFixed(1)} ms, max ${frames.frameWorkMs.max.toFixed(1)} ms over ${frames.frameWorkMs.frames} frames; frame interval p50 ${frames.frameIntervalMs.p50.toFixed(1)} ms, p95 ${frames.frameIntervalMs.p95.toFixed(1)} ms; ${frames.pelletsDrawn} pellets drawn`,
    );
    expect(frames.frameWorkMs.frames).toBeGreaterThan(30);
    expect(frames.frameWorkMs.p95).toBeLessThan(FRAME_WORK_LIMIT_MS);

    // The match clock is cut to a few ticks: both pages show the standings, Alice (the heaviest) on top.
    if (!world) throw new Error('no blobs room');
    (world as BlobsWorld).phaseTicksLeft = 3;
    const end = (await waitForState(a.page, (st) => st.matchEnd !== null, 'the match-end screen on A')).matchEnd!;
    expect(end.title).toBe('Match 1');
    expect(end.winner).toBe('Alice');
    expect(end.lines[0]).toMatch(/^1 Alice /);
    expect(end.own).toBe(0);
    expect((await waitForState(b.page, (st) => st.matchEnd !== null, 'the match-end screen on B')).matchEnd!.own).toBe(1);
    await waitForState(a.page, (st) => /next match/i.test(st.matchEnd?.countdown ?? '') || (st.matchEnd?.secondsLeft ?? 0) > 0, 'the countdown to the next match');
    await a.page.screenshot({ path: artifactPath('blobs-match-end.png') });
  }, 120_000);

  it('records the match: the recording verifies, and its replay opens in the viewer, draws the recorded blobs and seeks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blobs-replay-'));
    dirs.push(dir);
    // Server-hosted bots make the match livelier; the room closes half a second after the player leaves.
    const s = await server({ recordingsDir: dir, botFill: 3, emptyRoomGraceMs: 500 });
    const a = await player(s.url);
    const sa = await playBlobs(a, 'Alice');
    await waitForState(a.page, (st) => st.scores.length === 3, 'the bots to take their seats');
    await eatUntil(a.page, START_MASS + 4, 20_000);
    await leaveRoom(a.page);

    // The room closes with nobody in it, and its recording is finalized.
    const deadline = Date.now() + 15_000;
    let match: MatchSummary | undefined;
    while (!(match = ((await (await fetch(`${s.url}/api/matches`)).json()) as { matches: MatchSummary[] }).matches.find((m) => m.roomId === sa.roomId && m.complete))) {
      if (Date.now() > deadline) throw new Error('the blobs recording was not finalized');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(match.game).toBe('blobs');
    const bytes = new Uint8Array(await (await fetch(`${s.url}/api/matches/${encodeURIComponent(match.id)}/recording`)).arrayBuffer());
    const recording = await readRecording(bytes);
    const verified = await verifyRecording(recording, blobsGame);
    expect(verified.divergence).toBeNull();
    expect(verified).toMatchObject({ ok: true, complete: true });
    expect(verified.ticksSimulated).toBeGreaterThan(30);

    // The viewer plays it with blobs' scene, then seeks (paused) to the middle: the blobs drawn are the recorded ones.
    const viewer = await openViewerPage(`${s.url}/replay/${encodeURIComponent(match.id)}`);
    const page = viewer.page;
    const ready = await waitForReplay(page, (r) => r.status === 'ready' && r.playing && r.tick > 0, 'the replay to play', 15_000);
    const { nameOf } = participantsOf(recording);
    expect(ready.marks).toEqual(blobsTimeline(recording, nameOf).marks.map((m) => ({ tick: m.tick, text: m.text })));
    await page.evaluate(() => window.__replay!.pause());
    const mid = Math.round((ready.startTick + ready.endTick) / 2);
    expect(await page.evaluate((t) => window.__replay!.seek(t), mid)).toBe(mid);
    const drawn = await waitForReplay(page, (r) => !r.playing && r.tick === mid && r.drawnTick === mid, `tick ${mid} drawn`);
    expect(drawn.drawnPlayers).toEqual(blobsAt(recording, mid));
    expect(drawn.drawnPlayers.length).toBeGreaterThanOrEqual(2);
    const scene = await blobs(page);
    // How many pellets are in view at that tick depends on where the match took Alice (she eats the ones
    // around her: 5 in one CI run): that pellets are drawn at all is the point here.
    expect(scene.pelletsDrawn).toBeGreaterThan(0);
    expect(scene.focusMass).not.toBeNull();
    expect(scene.leaderboard.length).toBe(3); // Alice and the two bots that filled the room to 3
    expect(scene.leaderboard.join(' ')).toContain('Alice');
    await page.screenshot({ path: artifactPath('blobs-replay.png') });

    // A free camera over the whole world at once (every pellet is in a replay), playing: frame times.
    await page.evaluate((c) => window.__replay!.lookAt(c, c), WORLD_PX / 2);
    await page.evaluate(() => window.__replay!.play());
    await page.waitForTimeout(2500);
    const free = await blobs(page);
    console.log(
      `blobs replay, free camera (zoom ${free.zoom.toFixed(2)}): ${free.pelletsDrawn} of ${free.pelletsKnown} pellets drawn; frame work p50 ${free.frameWorkMs.p50.toFixed(1)} ms, p95 ${free.frameWorkMs.p95.toFixed(1)} ms, max ${free.frameWorkMs.max.toFixed(1)} ms`,
    );
    expect(free.pelletsKnown).toBeGreaterThan(900);
    expect(free.frameWorkMs.p95).toBeLessThan(FRAME_WORK_LIMIT_MS);
  }, 90_000);
});

/** The living blobs at `tick`, as the test process replays the recording (scene px: units / BLOBS_UNITS_PER_PX). */
function blobsAt(recording: Recording, tick: number): { id: number; x: number; y: number }[] {
  const sim = new ReplaySimulator(recording, blobsGame);
  expect(sim.seek(tick)).toBe(tick);
  return sim
    .view()
    .filter((e) => e.kind === KIND_BLOB && ((e.values[BLOB_FIELD.flags] as number) & BLOB_FLAG_ALIVE) !== 0)
    .map((e) => ({ id: e.id, x: (e.values[BLOB_FIELD.x] as number) / BLOBS_UNITS_PER_PX, y: (e.values[BLOB_FIELD.y] as number) / BLOBS_UNITS_PER_PX }))
    .sort((p, q) => p.id - q.id);
}
