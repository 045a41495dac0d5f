// Operating a cluster of real node processes (server/main.ts) sharing a real redis-server: Redis restarted
// mid-match (matches never pause, matchmaking says DIRECTORY_UNAVAILABLE and then works again, the directory
// is rebuilt from the nodes), a node drained by SIGTERM (its room leaves the list, new players go elsewhere,
// its match goes on until the drain timeout or until its players leave, its recording is finalized and
// listed cluster-wide, the process exits 0), and the bots CLI run across three nodes.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetClient } from '../../shared/client/net-client.js';
import { arenaGame } from '../../shared/game/arena/index.js';
import { verifyRecording } from '../../shared/recording/index.js';
import type { RoomClosedMessage } from '../../shared/protocol.js';
import type { LoadReport } from '../../sim/bots/load-run.js';
import type { NodeSummary, PublicRoom } from '../cluster/room-directory.js';
import type { IndexedMatch } from '../recording/match-index.js';
import { clusterFixture, getJson, waitUntil, type ClusterNode } from '../test-support/cluster-fixture.js';
import { connectClient, waitFor } from '../test-support/test-client.js';

// Measured here (2 cores, idle): the Redis test 15 s, the drain to its timeout 6.5 s, the drain ended by
// leaving 2 s (once empty rooms close at once in a drain), the bots run 13.5 s; the file ~50 s. Each test's
// limit is 3-6x its measure; the waits inside are bounded by what they wait for.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const cluster = clusterFixture();

const clients: NetClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function player(url: string, name: string): Promise<NetClient> {
  const client = await connectClient(url, { name });
  clients.push(client);
  return client;
}

/** The time between snapshot arrivals of a client, from now on: the longest gap and how many arrived. */
function watchSnapshots(client: NetClient): { readonly count: number; maxGapMs(): number } {
  let last = performance.now();
  let maxGap = 0;
  let count = 0;
  client.on('snapshot', () => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    count++;
  });
  return {
    get count() {
      return count;
    },
    // A gap still open counts too (a client whose snapshots stopped).
    maxGapMs: () => Math.max(maxGap, performance.now() - last),
  };
}

const publicRooms = async (node: ClusterNode): Promise<readonly PublicRoom[]> => (await getJson<{ rooms: PublicRoom[] }>(`${node.url}/api/rooms`)).rooms;
const liveNodes = async (node: ClusterNode): Promise<readonly NodeSummary[]> => (await getJson<{ nodes: NodeSummary[] }>(`${node.url}/api/nodes`)).nodes;

function log(what: string, figures: Record<string, unknown>): void {
  console.log(`[cluster-operations] ${what} ${JSON.stringify(figures)}`);
}

/** What a node logs when it finds its lease lost (server/cluster/redis-room-directory.ts). */
const FENCED = 'node fenced: lease lost; registering again';

describe('Redis restarted mid-match', () => {
  it('matches on every node go on, quick play says DIRECTORY_UNAVAILABLE, then the directory is rebuilt and quick play fills the existing room', async () => {
    const { nodes, redis } = await cluster({ nodes: 3 });
    const [n1, n2, n3] = nodes as [ClusterNode, ClusterNode, ClusterNode];

    // Three public rooms, created one after the other through n1: each goes to the least-loaded node.
    const hosts: NetClient[] = [];
    const roomIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const host = await player(n1.url, `host${i}`);
      const { roomId } = await host.createRoom(false);
      hosts.push(host);
      roomIds.push(roomId);
      await waitUntil(async () => (await publicRooms(n1)).some((r) => r.roomId === roomId && r.players === 1), 10_000, `room ${i} listed with its host`);
    }
    const before = await publicRooms(n1);
    const owners = new Set(before.map((r) => r.nodeId));
    expect(owners.size).toBeGreaterThanOrEqual(2);
    // A second player in the first room: the fullest room with a free seat is where quick play goes.
    const guest = await player(n2.url, 'guest');
    expect((await guest.joinRoom({ roomId: roomIds[0]! })).roomId).toBe(roomIds[0]);
    const players = [...hosts, guest];
    await waitFor(() => players.every((p) => p.stats.snapshots > 10), 10_000, 'snapshots for every player');
    const watches = players.map(watchSnapshots);
    const lobby = await player(n3.url, 'lobby');

    await redis.kill();
    const down = performance.now();
    await expect(lobby.quickPlay()).rejects.toMatchObject({ code: 'DIRECTORY_UNAVAILABLE' });
    const refusalMs = performance.now() - down;
    expect(refusalMs).toBeLessThan(5000);
    const matches = await getJson<{ partial: boolean }>(`${n2.url}/api/matches`);
    expect(matches.partial).toBe(true);
    // Down for longer than a lease (6 s): every node misses its renewals and fences itself meanwhile.
    const countsAtKill = watches.map((w) => w.count);
    await waitUntil(() => nodes.every((n) => n.logged(FENCED).length > 0), 20_000, 'every node to fence itself (no renewal for a lease TTL)', 250);
    const outageMs = performance.now() - down;
    watches.forEach((w, i) => expect(w.count - countsAtKill[i]!).toBeGreaterThan(50));

    await redis.restart();
    const up = performance.now();
    const sameRooms = (rooms: readonly PublicRoom[]) =>
      roomIds.every((id) => rooms.some((r) => r.roomId === id && r.players === (id === roomIds[0] ? 2 : 1)));
    await waitUntil(async () => sameRooms(await publicRooms(n1)) && sameRooms(await publicRooms(n3)), 15_000, 'the rooms listed again');
    const rebuiltMs = performance.now() - up;
    const after = await publicRooms(n3);
    expect((await liveNodes(n2)).map((n) => n.nodeId).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(after.map((r) => `${r.roomId}@${r.nodeId}`).sort()).toEqual(before.map((r) => `${r.roomId}@${r.nodeId}`).sort());

    // Matchmaking works again, into the fullest room with a free seat (not a new room).
    const joinedAt = performance.now();
    const late = await lobby.quickPlay();
    const quickPlayMs = performance.now() - joinedAt;
    expect(late.roomId).toBe(roomIds[0]);
    await waitFor(() => lobby.stats.snapshots > 5, 10_000, 'snapshots for the late player');
    await waitUntil(async () => (await publicRooms(n2)).some((r) => r.roomId === roomIds[0] && r.players === 3), 10_000, 'the late player counted');
    expect((await publicRooms(n2)).length).toBe(3);

    const maxGaps = watches.map((w) => Math.round(w.maxGapMs()));
    log('redis restart', { owners: [...owners], outageMs: Math.round(outageMs), refusalMs: Math.round(refusalMs), rebuiltMs: Math.round(rebuiltMs), quickPlayMs: Math.round(quickPlayMs), maxSnapshotGapMs: maxGaps });
    // 30 Hz snapshots: a gap of a few hundred ms is a loaded machine; seconds would be a pause.
    for (const gap of maxGaps) expect(gap).toBeLessThan(1500);
  }, 60_000);
});

describe('SIGTERM drains a node', () => {
  it('its room leaves the list and new players go elsewhere while its match goes on; at the timeout the room closes, the recording is finalized and listed, and the process exits 0', async () => {
    const DRAIN_MS = 4000;
    const { nodes } = await cluster({ nodes: 2, env: { DRAIN_TIMEOUT_MS: String(DRAIN_MS) } });
    const [n1] = nodes as [ClusterNode, ClusterNode];
    const host = await player(n1.url, 'host');
    const { roomId } = await host.createRoom(false);
    const friend = await player(n1.url, 'friend');
    await friend.joinRoom({ roomId });
    await waitUntil(async () => (await publicRooms(n1)).some((r) => r.roomId === roomId && r.players === 2), 10_000, 'the room listed');
    const owner = ownerOf(nodes, host);
    const other = nodes.find((n) => n !== owner)!;
    const players = [host, friend];
    await waitFor(() => players.every((p) => p.stats.snapshots > 10), 10_000, 'snapshots for both players');
    const watches = players.map(watchSnapshots);
    const closed = players.map((p) => p.next('roomClosed', DRAIN_MS + 20_000));
    for (const c of closed) c.catch(() => undefined); // awaited below; a test failing before must not leave it unhandled

    owner.signal('SIGTERM');
    const signalled = performance.now();
    const counts = watches.map((w) => w.count);
    await waitUntil(
      async () => !(await publicRooms(other)).some((r) => r.roomId === roomId) && (await liveNodes(other)).some((n) => n.nodeId === owner.nodeId && n.draining),
      3000,
      'the draining node’s room to leave /api/rooms',
    );
    const delistedMs = performance.now() - signalled;
    // New players, whichever node their lobby is on, are placed on the other node.
    const newcomers = [await player(other.url, 'newcomer-other'), await player(owner.url, 'newcomer-draining')];
    for (const newcomer of newcomers) {
      const join = await newcomer.quickPlay();
      expect(join.roomId).not.toBe(roomId);
      expect(ownerOf(nodes, newcomer)).toBe(other);
    }
    const messages: RoomClosedMessage[] = await Promise.all(closed);
    const closedMs = performance.now() - signalled;
    for (const message of messages) expect(message.reason).toBe('shutdown');
    // Not before the drain timeout: the match was not cut short, and it went on all along (30 Hz snapshots).
    expect(closedMs).toBeGreaterThan(DRAIN_MS - 500);
    watches.forEach((w, i) => expect(w.count - counts[i]!).toBeGreaterThan((DRAIN_MS / 1000) * 30 * 0.5));
    const maxGaps = watches.map((w) => Math.round(w.maxGapMs()));
    const exit = await owner.exited;
    const exitedMs = performance.now() - signalled;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedMs).toBeLessThan(DRAIN_MS + 10_000);

    // Its recording is finalized, listed by the other node under the drained node's id, and sound on disk.
    let match: IndexedMatch | undefined;
    await waitUntil(
      async () => {
        const list = await getJson<{ matches: IndexedMatch[]; partial: boolean }>(`${other.url}/api/matches`);
        match = list.matches.find((m) => m.roomId === roomId);
        return !list.partial && match !== undefined && !match.live;
      },
      5000,
      'the drained node’s match listed as finished',
    );
    expect(match).toMatchObject({ nodeId: owner.nodeId, complete: true, live: false, endReason: expect.any(String) });
    expect(match!.players.map((p) => p.name).sort()).toEqual(['friend', 'host']);
    const result = await verifyRecording(new Uint8Array(readFileSync(recordingFile(owner, roomId))), arenaGame);
    expect(result).toMatchObject({ ok: true, complete: true, truncated: false, divergence: null, error: null });
    log('drain to timeout', { delistedMs: Math.round(delistedMs), closedMs: Math.round(closedMs), exitedMs: Math.round(exitedMs), maxSnapshotGapMs: maxGaps, endReason: match!.endReason });
    for (const gap of maxGaps) expect(gap).toBeLessThan(1500);
  }, 40_000);

  // A drain waits for matches, not for empty rooms: once the last player has left, nothing is left to wait
  // for (quick play and the list no longer send anyone there), so the node closes up and exits. It must not
  // wait for the empty-room grace (EMPTY_ROOM_GRACE_MS, 30 s by default), which is for rooms still listed.
  it('ends early when its players leave: the node exits long before the drain timeout', async () => {
    const DRAIN_MS = 60_000;
    // Measured: 0.5 s from the leave to the exit when the empty room closes at once (the drain looks every 500 ms).
    const EXIT_AFTER_LEAVE_MS = 10_000;
    const { nodes } = await cluster({ nodes: 2, env: { DRAIN_TIMEOUT_MS: String(DRAIN_MS) } });
    const host = await player(nodes[0]!.url, 'host');
    const { roomId } = await host.createRoom(false);
    const owner = ownerOf(nodes, host);
    const other = nodes.find((n) => n !== owner)!;
    await waitFor(() => host.stats.snapshots > 10, 10_000, 'snapshots');

    owner.signal('SIGTERM');
    await waitUntil(() => owner.logged('draining').length > 0, 5000, 'the node to log "draining"');
    const left = performance.now();
    await host.leave();
    const exit = await within(owner.exited, EXIT_AFTER_LEAVE_MS, () => `the drained node to exit once its players left; its last logs:\n${owner.logs.slice(-8).join('\n')}`);
    const exitedMs = performance.now() - left;
    expect(exit).toEqual({ code: 0, signal: null });
    log('drain ended by leaving', { exitedAfterLeaveMs: Math.round(exitedMs), drainTimeoutMs: DRAIN_MS });
    await waitUntil(
      async () => (await getJson<{ matches: IndexedMatch[] }>(`${other.url}/api/matches`)).matches.some((m) => m.roomId === roomId && m.complete && m.nodeId === owner.nodeId),
      5000,
      'the match listed as complete',
    );
  }, 40_000);
});

describe('bots across the cluster', () => {
  it('npm run bots through one node fills rooms spread over the nodes, with no failure', async () => {
    const { nodes } = await cluster({ nodes: 3 });
    const [n1, n2] = nodes as [ClusterNode, ClusterNode, ClusterNode];
    const dir = mkdtempSync(join(tmpdir(), 'cluster-bots-'));
    try {
      const file = join(dir, 'bots.json');
      const ROOMS = 3;
      const PER_ROOM = 8;
      // What the cluster looks like while the bots play, from another node than theirs.
      const seen = new Map<string, PublicRoom>();
      let polling = true;
      const poller = (async () => {
        while (polling) {
          try {
            for (const room of await publicRooms(n2)) if ((seen.get(room.roomId)?.players ?? -1) < room.players) seen.set(room.roomId, room);
          } catch {
            // a failed read is retried
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const started = performance.now();
      const args = ['--url', n1.url, '--rooms', String(ROOMS), '--bots-per-room', String(PER_ROOM), '--duration', '8', '--light', '--json', file];
      const run = await runBotsCli(args, 45_000);
      const runMs = performance.now() - started;
      polling = false;
      await poller;
      expect(run.code, run.output).toBe(0);

      const report = JSON.parse(readFileSync(file, 'utf8')) as LoadReport;
      expect(report).toMatchObject({ requested: ROOMS * PER_ROOM, connected: ROOMS * PER_ROOM, failed: 0, failures: {}, decodeErrors: 0, protocolViolations: 0, disconnects: 0 });
      // Snapshots arrived at every bot's rate (30 Hz) over the run, on average: they played.
      expect(report.snapshotIntervalMs.count).toBeGreaterThan(ROOMS * PER_ROOM * 8 * 30 * 0.5);
      expect(report.snapshotIntervalMs.p99).toBeLessThan(500);
      // Every room was full at some point, and the rooms were spread over the nodes.
      const rooms = [...seen.values()];
      expect(rooms.map((r) => r.players)).toEqual(Array(ROOMS).fill(PER_ROOM));
      const spread = new Set(rooms.map((r) => r.nodeId));
      expect(spread.size).toBeGreaterThan(1);
      log('bots run', {
        runMs: Math.round(runMs),
        roomsPerNode: Object.fromEntries([...spread].map((id) => [id, rooms.filter((r) => r.nodeId === id).length])),
        snapshotIntervalP99Ms: Math.round(report.snapshotIntervalMs.p99),
        rttP99Ms: Math.round(report.rttMs.p99),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

// ---- helpers ----

/** The recording of a room in a node's RECORDINGS_DIR (`<start>-<roomId>.rec`). */
function recordingFile(node: ClusterNode, roomId: string): string {
  const names = readdirSync(node.recordingsDir).filter((name) => name.endsWith(`-${roomId}.rec`));
  expect(names).toHaveLength(1);
  return join(node.recordingsDir, names[0]!);
}

/** The node a client is connected to (after any redirect). */
function ownerOf(nodes: readonly ClusterNode[], client: NetClient): ClusterNode {
  // nodeUrl is the URL it was given until a redirect, then the node's public URL (with a trailing '/').
  const node = nodes.find((n) => new URL(n.url).href === new URL(client.nodeUrl).href);
  if (!node) throw new Error(`no node at ${client.nodeUrl}`);
  return node;
}

/** `promise`, or a rejection naming `what` (read at the timeout) after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`)), timeoutMs)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `npm run bots -- ARGS` as a process of its own group; its exit code and output, killed past `timeoutMs`. */
function runBotsCli(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', 'bots', '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(killGroup, timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      killGroup(); // tsx's helper processes, should any outlive the CLI
      resolve({ code, output: lines.join('\n') });
    });
  });
}
