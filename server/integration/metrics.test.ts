// /metrics against what really happened: a real server, four players (three over WebSocket, one over
// long-polling) in a public and a private room sending inputs for about a second, then leaving. Every
// counter that such a session moves must have moved by what the clients themselves counted, and every
// metric the README and docs/SCALING.md name must be served.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import { parsePrometheus, type PromSamples } from '../../sim/bench/prometheus-text.js';
import type { RoomObserver } from '../room.js';
import { serverFixture } from '../test-support/server-fixture.js';
import { sleep, waitFor } from '../test-support/test-client.js';

const { server, client, onCleanup } = serverFixture();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Measured here: 30 snapshots per client arrive in ~1.2 s idle, up to 3 s with both cores busy; rooms close
// 0.3 s after their players left. Each bound is 6x or more.
const PLAY_MS = 20_000;
const CLOSE_MS = 10_000;
const SNAPSHOTS_PER_CLIENT = 30;

/**
 * What the README says /metrics serves, phrase by phrase, and the metrics that are meant: if the README's
 * list changes, this table must change with it.
 */
const README_METRICS: Record<string, readonly string[]> = {
  rooms: ['game_rooms'],
  players: ['game_players'],
  connections: ['game_connections'],
  'TCP connections': ['game_tcp_connections'],
  'tick duration and lateness histograms': ['game_tick_duration_seconds', 'game_tick_lateness_seconds'],
  'ticks dropped and snapshot ticks skipped while behind': ['game_ticks_dropped_total', 'game_snapshot_ticks_skipped_total'],
  'bytes sent/received': ['game_bytes_sent_total', 'game_bytes_received_total'],
  snapshots: ['game_snapshots_sent_total', 'game_snapshots_dropped_total'],
  'inputs applied/rejected by reason': ['game_inputs_applied_total', 'game_inputs_rejected_total'],
  'rooms created and closed': ['game_rooms_created_total', 'game_rooms_closed_total'],
  'refusals of connections and room creations by reason': ['game_connections_refused_total', 'game_room_creations_refused_total'],
  'rejected packets': ['game_packets_rejected_total'],
  'abuse disconnects': ['game_abuse_disconnects_total'],
  'handled I/O errors': ['game_io_errors_total'],
  'process metrics': ['process_resident_memory_bytes', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles_total'],
};

async function scrape(url: string): Promise<{ text: string; samples: PromSamples }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { text, samples: parsePrometheus(text) };
}

/** Sum of every sample of `name` whose labels include `labels` (0 when there is none). */
function total(samples: PromSamples, name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

function sum(clients: readonly NetClient[], stat: keyof NetClient['stats']): number {
  return clients.reduce((n, c) => n + c.stats[stat], 0);
}

describe('/metrics', () => {
  it('counts what a short session of four players really did', async () => {
    // The sends the rooms make: one per connected player on every snapshot tick.
    let snapshotSends = 0;
    const observer: RoomObserver = { onSnapshot: (room) => void (snapshotSends += room.connectedCount) };
    const s = await server({ emptyRoomGraceMs: 300 }, { observeRoom: () => observer });

    const a = await client(s.url, 'a');
    const b = await client(s.url, 'b');
    const c = await client(s.url, 'c');
    const polling = await client(s.url, 'polling', { transports: ['polling'] });
    const players = [a, b, c, polling];
    const publicRoom = await a.quickPlay();
    expect((await b.quickPlay()).roomId).toBe(publicRoom.roomId);
    const privateRoom = await c.createRoom(true);
    expect((await polling.joinRoom({ code: privateRoom.code! })).roomId).toBe(privateRoom.roomId);

    // One input per tick from each player, as the game sends them.
    const driving = setInterval(() => {
      for (const p of players) p.sendInput([0, 0]);
    }, 1000 / 30);
    onCleanup(() => clearInterval(driving));
    await waitFor(() => players.every((p) => p.stats.snapshots >= SNAPSHOTS_PER_CLIENT), PLAY_MS, `${SNAPSHOTS_PER_CLIENT} snapshots for every player`);

    const during = (await scrape(s.url)).samples;
    expect(total(during, 'game_rooms')).toBe(2);
    expect(total(during, 'game_players')).toBe(4);
    expect(total(during, 'game_connections')).toBe(4);
    // At least the three WebSockets and the connection of this scrape (the long-polling player's come and go).
    expect(total(during, 'game_tcp_connections')).toBeGreaterThanOrEqual(4);

    clearInterval(driving);
    // Snapshots stop once the server has seated nobody: all that were sent have arrived when the replies do.
    for (const p of players) await p.leave();
    // Both rooms, empty now, close after their grace: scrape until both are counted.
    const deadline = performance.now() + CLOSE_MS;
    let samples = (await scrape(s.url)).samples;
    while (total(samples, 'game_rooms_closed_total') < 2) {
      if (performance.now() > deadline) throw new Error(`the rooms did not close within ${CLOSE_MS} ms`);
      await sleep(50);
      samples = (await scrape(s.url)).samples;
    }
    expect(total(samples, 'game_rooms_closed_total', { reason: 'empty' })).toBe(2);

    // Snapshots: every send counted once, as written (direct, engine) or dropped.
    const direct = total(samples, 'game_snapshots_sent_total', { type: 'direct' });
    const engine = total(samples, 'game_snapshots_sent_total', { type: 'engine' });
    const dropped = total(samples, 'game_snapshots_dropped_total');
    expect(direct + engine + dropped).toBe(snapshotSends);
    // Each arrived and was applied, but for those that overtook the reply seating their player (sent on
    // a tick between the seat and the reply): the client ignores these, at most one or two per join.
    const applied = sum(players, 'snapshots');
    expect(direct + engine).toBeGreaterThanOrEqual(applied);
    expect(direct + engine).toBeLessThanOrEqual(applied + 2 * players.length);
    expect(direct + engine).toBeGreaterThanOrEqual(players.length * SNAPSHOTS_PER_CLIENT);
    expect(direct).toBeGreaterThan(0); // the WebSocket players
    expect(engine).toBeGreaterThan(0); // the long-polling player
    expect(total(samples, 'game_snapshots_sent_total', { type: 'broadcast' })).toBe(0); // only a room snapshot strategy's

    // Bytes: engine.io packet payloads both ways, as the clients counted them (the server starts counting
    // after the handshake, a few dozen bytes per client later than they do).
    const sent = total(samples, 'game_bytes_sent_total');
    const received = total(samples, 'game_bytes_received_total');
    expect(sent).toBeGreaterThan(0);
    expect(received).toBeGreaterThan(0);
    expect(Math.abs(sent - sum(players, 'bytesIn'))).toBeLessThanOrEqual(0.02 * sent + 100 * players.length);
    expect(Math.abs(received - sum(players, 'bytesOut'))).toBeLessThanOrEqual(0.02 * received + 100 * players.length);

    // Inputs: applied at most one per player per tick, never more than were sent; a player leaving drops
    // what it still had queued.
    const inputsApplied = total(samples, 'game_inputs_applied_total');
    const inputsSent = sum(players, 'inputsSent');
    expect(inputsApplied).toBeGreaterThan(0);
    expect(inputsApplied + total(samples, 'game_inputs_rejected_total')).toBeLessThanOrEqual(inputsSent);
    expect(inputsApplied).toBeGreaterThanOrEqual(0.5 * inputsSent);

    // Rooms and requests.
    expect(total(samples, 'game_rooms_created_total', { kind: 'public' })).toBe(1);
    expect(total(samples, 'game_rooms_created_total', { kind: 'private' })).toBe(1);
    expect(total(samples, 'game_rooms')).toBe(0);
    expect(total(samples, 'game_players')).toBe(0);
    expect(total(samples, 'game_connections')).toBe(4);
    expect(total(samples, 'game_requests_total', { event: 'room:quick', outcome: 'ok' })).toBe(2);
    expect(total(samples, 'game_requests_total', { event: 'room:create', outcome: 'ok' })).toBe(1);
    expect(total(samples, 'game_requests_total', { event: 'room:join', outcome: 'ok' })).toBe(1);
    expect(total(samples, 'game_requests_total', { event: 'room:leave', outcome: 'ok' })).toBe(4);

    // Ticks: every tick timed, in the histograms and in the recent quantiles.
    const ticks = total(samples, 'game_tick_duration_seconds_count');
    expect(ticks).toBeGreaterThanOrEqual(SNAPSHOTS_PER_CLIENT);
    expect(total(samples, 'game_tick_lateness_seconds_count')).toBe(ticks);
    expect(total(samples, 'game_tick_duration_recent_seconds_count')).toBeGreaterThan(0);
    expect(total(samples, 'game_tick_lateness_recent_seconds_count')).toBeGreaterThan(0);

    // The room directory (in memory here) and the process.
    expect(total(samples, 'game_directory_up')).toBe(1);
    expect(total(samples, 'game_cluster_nodes')).toBe(1);
    expect(total(samples, 'game_directory_commands_total')).toBeGreaterThan(0); // placements, seat claims
    expect(total(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // Nothing in this session was refused, rejected or cut off (ticks may be dropped: that depends on the machine's load).
    for (const name of ['game_connections_refused_total', 'game_room_creations_refused_total', 'game_packets_rejected_total', 'game_abuse_disconnects_total', 'game_io_errors_total']) {
      expect(total(samples, name), name).toBe(0);
    }
  }, PLAY_MS + 3 * CLOSE_MS);

  it('serves every metric the README and docs/SCALING.md name', async () => {
    const s = await server();
    const { text } = await scrape(s.url);
    const served = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    // The sentence that lists them, with its line breaks as spaces.
    const listed = readme.slice(readme.indexOf('`GET /metrics`'), readme.indexOf('The built client is served')).replace(/\s+/g, ' ');
    for (const [phrase, names] of Object.entries(README_METRICS)) {
      expect(listed, `the README's /metrics list names "${phrase}"`).toContain(phrase);
      for (const name of names) expect(served, `${name} (README: ${phrase})`).toContain(name);
    }

    const docs = readme + readFileSync(`${ROOT}/docs/SCALING.md`, 'utf8');
    const named = new Set([...docs.matchAll(/\b(game_[a-z_]+)/g)].map((m) => m[1]!));
    expect(named.size).toBeGreaterThan(5);
    for (const name of named) expect(served, name).toContain(name);
  });
});
