// Rooms on a real server: matchmaking, seeing each other move, late joiners, dropped snapshots, lost
// baselines and reconnection, all through the same NetClient the game and the bots use.

import { describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import type { EntityState, EntityView } from '../../shared/codec/schema.js';
import { arenaGame, PLAYER_INFO_ID_BASE, type ArenaInput, type ArenaWorld } from '../../shared/game/arena/index.js';
import { KEY_RIGHT, KEY_LEFT } from '../../shared/game/arena/input.js';
import type { GameDefinition } from '../../shared/game/game-definition.js';
import type { RoomObserver } from '../room.js';
import { serverFixture, withoutNodeLabel } from '../test-support/server-fixture.js';
import { kindId, numberField, sleep, waitFor } from '../test-support/test-client.js';

const { server, client, onCleanup } = serverFixture();

/** setInterval, cleared after the test. */
function repeat(fn: () => void, ms: number): void {
  const timer = setInterval(fn, ms);
  onCleanup(() => clearInterval(timer));
}

/** Sends one input per tick (30 Hz) with the given keys until the test ends. */
function drive(c: NetClient, keys: () => number): void {
  repeat(() => c.connected && c.join && c.sendInput([keys(), 0]), 33);
}

/** Records the server's authoritative view of every snapshot tick, per room. */
function viewRecorder() {
  const views = new Map<number, Map<number, EntityView>>();
  const observer: RoomObserver = {
    onSnapshot(_room, tick, list) {
      views.set(tick, new Map(list.map((v) => [v.id, v])));
    },
  };
  return { views, observeRoom: () => observer };
}

function expectMatchesServer(state: ReadonlyMap<number, EntityState>, truth: Map<number, EntityView> | undefined): void {
  expect(truth).toBeDefined();
  for (const [id, entity] of state) {
    const real = truth!.get(id);
    expect(real, `entity ${id} exists on the server`).toBeDefined();
    expect(entity.kind).toBe(real!.kind);
    expect(entity.values).toEqual(real!.values);
  }
}

describe('rooms', () => {
  it('serves /healthz and Prometheus /metrics', async () => {
    const s = await server();
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', games: ['arena'] });
    const c = await client(s.url, 'm');
    await c.quickPlay();
    drive(c, () => 0);
    await waitFor(() => c.stats.snapshots > 5, 3000, 'snapshots');
    const raw = await (await fetch(`${s.url}/metrics`)).text();
    // Every sample names its node, so one Prometheus can scrape a whole cluster.
    const node = (await (await fetch(`${s.url}/healthz`)).json()).node as string;
    expect(raw).toContain(`game_rooms{node="${node}"} 1`);
    const metrics = raw.split('\n').map(withoutNodeLabel).join('\n');
    for (const name of [
      'game_rooms 1',
      'game_players 1',
      'game_connections 1',
      'game_tick_duration_seconds_bucket',
      'game_tick_lateness_seconds_bucket',
      'game_bytes_sent_total',
      'game_inputs_applied_total',
      'game_inputs_rejected_total',
    ]) {
      expect(metrics).toContain(name);
    }
  });

  it('steps rooms only while there are any: an idle server does not tick', async () => {
    const s = await server({ emptyRoomGraceMs: 100 });
    expect(s.server.scheduler.running).toBe(false);
    const c = await client(s.url, 'idle');
    await c.quickPlay();
    await waitFor(() => c.stats.snapshots > 2, 5000, 'snapshots of the first room');
    expect(s.server.scheduler.running).toBe(true);
    await c.leave();
    await waitFor(() => !s.server.scheduler.running, 10_000, 'the scheduler to stop once the empty room closed');
    const before = c.stats.snapshots;
    await c.quickPlay();
    await waitFor(() => c.stats.snapshots > before + 2, 5000, 'snapshots of a new room');
  });

  it('puts quick players in one room where they see each other move', async () => {
    const s = await server();
    const a = await client(s.url, 'alice');
    const b = await client(s.url, 'bob');
    const ja = await a.quickPlay();
    const jb = await b.quickPlay();
    expect(jb.roomId).toBe(ja.roomId);
    expect(jb.playerId).not.toBe(ja.playerId);
    expect((await a.listRooms()).find((r) => r.roomId === ja.roomId)?.players).toBe(2);

    let direction = KEY_RIGHT;
    drive(a, () => direction);
    drive(b, () => 0);
    // b sees a through the global player info (names) and a's body once it is in b's view, or at least
    // a's position changing in b's mirror when it is. Both spawn inside the arena; a moves right, then left.
    await waitFor(() => b.mirror.entities.has(PLAYER_INFO_ID_BASE + ja.playerId), 3000, 'b to see alice in the scoreboard');
    const info = b.mirror.entities.get(PLAYER_INFO_ID_BASE + ja.playerId)!;
    expect(info.values).toContain('alice');

    await waitFor(() => a.mirror.entities.has(ja.playerId), 3000, 'a to see itself');
    const startX = numberField(a.mirror.entities.get(ja.playerId)!, 'x');
    await waitFor(
      () => numberField(a.mirror.entities.get(ja.playerId)!, 'x') !== startX,
      3000,
      'alice to move in her own mirror',
    );
    direction = KEY_LEFT;
    await sleep(300);
    // Wherever b can see alice, b's copy equals the server's view at that tick (checked below), and
    // alice's own mirror agrees with b's at the same tick.
    const tick = Math.min(a.mirror.latestTick, b.mirror.latestTick);
    const seenByA = a.mirror.stateAt(tick)?.get(ja.playerId);
    const seenByB = b.mirror.stateAt(tick)?.get(ja.playerId);
    if (seenByA && seenByB) expect(seenByB.values).toEqual(seenByA.values);
  });

  it('sends a late joiner a full state that matches the server', async () => {
    const rec = viewRecorder();
    const s = await server({}, { observeRoom: rec.observeRoom });
    const a = await client(s.url, 'early');
    await a.quickPlay();
    drive(a, () => KEY_RIGHT);
    await sleep(500);
    const late = await client(s.url, 'late');
    const first = late.next('snapshot', 3000);
    await late.quickPlay();
    drive(late, () => 0);
    const snap = await first;
    expect(snap.baselineTick).toBeNull();
    expect(snap.entered.length).toBeGreaterThanOrEqual(3); // itself, both player infos, the match clock
    expectMatchesServer(snap.state, rec.views.get(snap.tick));
  });

  it('converges when it drops a third of its snapshots (acked-baseline deltas)', async () => {
    const rec = viewRecorder();
    const s = await server({}, { observeRoom: rec.observeRoom });
    const mover = await client(s.url, 'mover');
    await mover.quickPlay();
    let flip = 0;
    drive(mover, () => ((flip++ >> 4) & 1 ? KEY_LEFT : KEY_RIGHT));
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let dropped = 0;
    const dropper = await client(s.url, 'dropper', {
      snapshotGate: (_bytes, deliver) => (random() < 0.33 ? dropped++ : deliver()),
    });
    await dropper.quickPlay();
    drive(dropper, () => KEY_RIGHT);
    await waitFor(() => dropper.stats.snapshots > 60, 6000, '60 applied snapshots');
    expect(dropped).toBeGreaterThan(15);
    expect(dropper.stats.decodeErrors).toBe(0);
    // Deltas were used throughout: only the first snapshot was full.
    expect(dropper.stats.fullSnapshots).toBeLessThanOrEqual(2);
    expectMatchesServer(dropper.mirror.entities, rec.views.get(dropper.mirror.latestTick));
    expect(dropper.mirror.entities.has(dropper.join!.playerId)).toBe(true);
  });

  it('sends a full snapshot when the acked baseline fell out of the ring', async () => {
    const rec = viewRecorder();
    const s = await server({}, { observeRoom: rec.observeRoom });
    const c = await client(s.url, 'pauser');
    await c.quickPlay();
    const other = await client(s.url, 'other');
    await other.quickPlay();
    drive(other, () => KEY_RIGHT);
    // Ack for a while by sending inputs, then stop sending (no more acks) for longer than the ring.
    let sending = true;
    repeat(() => sending && c.sendInput([0, 0]), 33);
    await waitFor(() => c.stats.snapshots > 20, 3000, 'initial snapshots');
    sending = false;
    const baselines: (number | null)[] = [];
    const off = c.on('snapshot', (snap) => baselines.push(snap.baselineTick));
    await sleep(64 * 33 + 800);
    off();
    // While the ack was in the ring, deltas against that one baseline; after that, full snapshots.
    const firstFull = baselines.indexOf(null);
    expect(firstFull).toBeGreaterThan(10);
    expect(new Set(baselines.slice(0, firstFull)).size).toBe(1);
    expect(baselines.slice(firstFull).every((b) => b === null)).toBe(true);
    expectMatchesServer(c.mirror.entities, rec.views.get(c.mirror.latestTick));
    // Acking again brings deltas back.
    sending = true;
    await c.next('snapshot', 3000, (snap) => snap.baselineTick !== null);
  });

  it('creates private rooms joinable by code only', async () => {
    const s = await server();
    const a = await client(s.url, 'host');
    const b = await client(s.url, 'guest');
    const room = await a.createRoom(true);
    expect(room.code).toMatch(/^[A-Z2-9]{6}$/);
    expect((await b.listRooms()).some((r) => r.roomId === room.roomId)).toBe(false);
    const quick = await b.quickPlay();
    expect(quick.roomId).not.toBe(room.roomId);
    await b.leave();
    const joined = await b.joinRoom({ code: room.code!.toLowerCase() });
    expect(joined.roomId).toBe(room.roomId);
  });

  it('refuses new rooms beyond the per-process limit', async () => {
    const s = await server({ maxRooms: 1 });
    const a = await client(s.url, 'a');
    const b = await client(s.url, 'b');
    await a.createRoom(false);
    await expect(b.createRoom(false)).rejects.toThrow(/SERVER_FULL/);
  });

  it('relays chat with acks to everyone in the room', async () => {
    const s = await server();
    const a = await client(s.url, 'a');
    const b = await client(s.url, 'b');
    await a.quickPlay();
    await b.quickPlay();
    const received = b.next('chat', 3000);
    const id = await a.chat('  hello   there  ');
    const message = await received;
    expect(message).toMatchObject({ id, text: 'hello there', name: 'a' });
  });

  it('keeps the seat, score, position and input sequence across a reconnect within grace', async () => {
    // Capture the room's world so the test can give the player a score without staging a fight.
    let world: ArenaWorld | null = null;
    const game: GameDefinition<ArenaWorld, ArenaInput> = {
      ...arenaGame,
      createWorld: (seed) => (world = arenaGame.createWorld(seed)),
    };
    const s = await server({ reconnectGraceMs: 5000 }, { games: [game] });
    const c = await client(s.url, 'flaky', { reconnection: true });
    const join = await c.quickPlay();
    const me = world!.players.find((p) => p.id === join.playerId)!;
    me.kills = 3;
    me.score = 3;
    me.deaths = 1;
    let sent = 0;
    repeat(() => {
      if (c.connected && c.join && sent < 30) {
        c.sendInput([KEY_RIGHT, 0]);
        sent++;
      } else if (c.connected && c.join) c.sendInput([0, 0]);
    }, 33);
    await waitFor(() => sent >= 30, 3000, 'inputs sent');
    await waitFor(() => (c.mirror.entities.get(join.playerId) ? true : false), 2000, 'own entity');
    await sleep(400); // let the player glide to a stop
    const before = c.mirror.entities.get(join.playerId)!;
    const seqBefore = c.lastSeq;
    const rejoined = c.next('rejoined', 6000);
    // Drop the transport the way a network failure would; socket.io reconnects by itself.
    c.socket.io.engine.close();
    const info = await rejoined;
    expect(info.playerId).toBe(join.playerId);
    expect(info.roomId).toBe(join.roomId);
    expect(info.lastInputSeq).toBe(seqBefore);
    await waitFor(() => c.mirror.entities.has(join.playerId), 3000, 'own entity after rejoin');
    const after = c.mirror.entities.get(join.playerId)!;
    expect(numberField(after, 'x')).toBe(numberField(before, 'x'));
    expect(numberField(after, 'y')).toBe(numberField(before, 'y'));
    expect(kindId('player')).toBe(after.kind);
    const card = c.mirror.entities.get(PLAYER_INFO_ID_BASE + join.playerId)!;
    expect([numberField(card, 'kills'), numberField(card, 'deaths'), numberField(card, 'score')]).toEqual([3, 1, 3]);
  });

  it('frees the seat when the player does not come back within grace', async () => {
    const s = await server({ reconnectGraceMs: 300 });
    const a = await client(s.url, 'gone');
    const join = await a.quickPlay();
    const watcher = await client(s.url, 'watcher');
    await watcher.quickPlay();
    drive(watcher, () => 0);
    await waitFor(() => watcher.mirror.entities.has(PLAYER_INFO_ID_BASE + join.playerId), 3000, 'watcher sees the player');
    a.close();
    await waitFor(() => !watcher.mirror.entities.has(PLAYER_INFO_ID_BASE + join.playerId), 3000, 'the seat to be freed');
    expect(s.server.rooms.get(join.roomId)?.playerCount).toBe(1);
  });
});
