// A steady population of light bots with churn, for the soak test: the bots play (inputs at the tick
// rate, snapshots decoded and acknowledged) while, every second, a share of them changes state the way
// real players do: leave their room and quick-play again, lose their connection and take their seat back
// with the reconnect token, quit for good (replaced by a newcomer), or open a private room that others
// join by its code, play a private match there and all go back to quick play (the room is then left
// empty, disposed and its recording finished: rooms come and go at a steady rate too). Rooms closed
// under a bot, failed actions and unexpected drops are counted and the bot is put back into play, so
// the population stays at its target size.

import { setTimeout as delay } from 'node:timers/promises';
import { RequestError } from '../../shared/client/net-client.js';
import type { BotBehaviour } from '../../shared/game/arena/bot-brain.js';
import { ARENA_GAME_NAME } from '../../shared/game/arena/constants.js';
import { Bot, type RoomTarget } from '../bots/bot.js';

export interface PopulationOptions {
  readonly url: string;
  readonly bots: number;
  /** Bots started per second (ramp-up and replacements). */
  readonly rampPerSec: number;
  /** Churn actions per second, as a fraction of the population (0.02: 2 % of the bots each second). */
  readonly churnPerSec: number;
  readonly behaviour: BotBehaviour;
  readonly seed: number;
}

export type ChurnAction = 'hop' | 'reconnect' | 'replace' | 'private';

/** How the churn is shared out between the actions (a private room takes its creator and PRIVATE_GUESTS others). */
export const CHURN_MIX: Readonly<Record<ChurnAction, number>> = { hop: 0.4, reconnect: 0.3, replace: 0.25, private: 0.05 };
export const PRIVATE_GUESTS = 2;
/** How long a private match lasts before its players go back to quick play. */
export const PRIVATE_MATCH_MS = 30_000;
/** Time a bot gets to take its seat back after a dropped connection (socket.io waits 125-375 ms first). */
const REJOIN_TIMEOUT_MS = 15_000;

/** What the population did so far (cumulative), sent to the soak driver every second. */
export interface ChurnCounters {
  /** Bots in the population now, connected now, seated in a room now. */
  readonly bots: number;
  readonly connected: number;
  readonly seated: number;
  /** Bots ever started (initial ones and replacements). */
  readonly started: number;
  /** Successful room entries: quick play, private room created, joined by code (initial joins included). */
  readonly joins: number;
  /** Successful room:leave requests. */
  readonly leaves: number;
  /** Connections dropped on purpose and seats taken back with the reconnect token. */
  readonly reconnects: number;
  /** Bots that quit for good (each replaced by a new one). */
  readonly replaced: number;
  /** Bots given up after a failure left them in an unknown state (each replaced by a new one too). */
  readonly givenUp: number;
  readonly privateRoomsCreated: number;
  readonly codeJoins: number;
  /** Rooms closed by the server under a seated bot (the bot quick-plays again). */
  readonly roomsClosed: number;
  /** Disconnects the population did not cause (cut off by the server, missed pings). */
  readonly unexpectedDisconnects: number;
  /** Warnings the server sent the bots (rate limits, bad input), by code: well-behaved bots get none. */
  readonly notices: Readonly<Record<string, number>>;
  /** Failed requests and actions, by "action: code". */
  readonly failures: Readonly<Record<string, number>>;
  readonly failureCount: number;
  /** Churn actions begun. */
  readonly actions: number;
  readonly decodeErrors: number;
  readonly protocolViolations: number;
  readonly inputsSent: number;
}

interface Member {
  readonly bot: Bot;
  busy: boolean;
  /** Set while the population itself drops or closes the connection. */
  expectingDisconnect: boolean;
}

export class ChurnPopulation {
  private readonly members = new Set<Member>();
  private readonly credit: Record<ChurnAction, number> = { hop: 0, reconnect: 0, replace: 0, private: 0 };
  private readonly failures: Record<string, number> = {};
  private readonly notices: Record<string, number> = {};
  private readonly totals = {
    started: 0,
    joins: 0,
    leaves: 0,
    reconnects: 0,
    replaced: 0,
    givenUp: 0,
    privateRoomsCreated: 0,
    codeJoins: 0,
    roomsClosed: 0,
    unexpectedDisconnects: 0,
    actions: 0,
  };
  /** Figures of bots that left the population (their Bot objects are gone). */
  private readonly retired = { decodeErrors: 0, protocolViolations: 0, inputsSent: 0 };
  private starting = 0;
  private nextIndex = 0;
  private rng: number;
  private driver: ReturnType<typeof setInterval> | null = null;
  private churn: ReturnType<typeof setInterval> | null = null;
  private stopped = false;
  /** Cuts the waits of private matches short when the population stops. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: PopulationOptions) {
    this.rng = options.seed >>> 0 || 1;
  }

  /** Starts the bots at the ramp rate and drives them; resolves once every start has settled. */
  async ramp(): Promise<void> {
    // Light bots send one input per tick from one loop.
    this.driver = setInterval(() => {
      const now = performance.now();
      for (const m of this.members) m.bot.update(now);
    }, 1000 / 30);
    const starts: Promise<void>[] = [];
    for (let i = 0; i < this.options.bots && !this.stopped; i++) {
      starts.push(this.startBot());
      await delay(1000 / this.options.rampPerSec);
    }
    await Promise.all(starts);
  }

  /** Begins the churn: once a second, the actions due are started on idle seated bots. */
  startChurn(): void {
    this.churn = setInterval(() => this.churnTick(), 1000);
  }

  counters(): ChurnCounters {
    let connected = 0;
    let seated = 0;
    let decodeErrors = this.retired.decodeErrors;
    let protocolViolations = this.retired.protocolViolations;
    let inputsSent = this.retired.inputsSent;
    for (const { bot } of this.members) {
      if (bot.net.connected) connected++;
      if (bot.net.join) seated++;
      decodeErrors += bot.decodeErrors;
      protocolViolations += bot.violationCount;
      inputsSent += bot.net.stats.inputsSent;
    }
    const failureCount = Object.values(this.failures).reduce((a, b) => a + b, 0);
    return {
      bots: this.members.size,
      connected,
      seated,
      ...this.totals,
      notices: { ...this.notices },
      failures: { ...this.failures },
      failureCount,
      decodeErrors,
      protocolViolations,
      inputsSent,
    };
  }

  /** Stops the churn and the driver and disconnects every bot. */
  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    if (this.churn) clearInterval(this.churn);
    if (this.driver) clearInterval(this.driver);
    for (const m of [...this.members]) this.retire(m);
  }

  // ---- churn ----

  private churnTick(): void {
    if (this.stopped) return;
    // Keep the population at its size: newcomers for bots that failed to start or were given up.
    const missing = this.options.bots - this.members.size - this.starting;
    for (let i = 0; i < Math.min(missing, this.options.rampPerSec); i++) void this.startBot();
    // Fractional rates accumulate, so every action happens at its share of the rate, deterministically.
    const perSec = this.options.churnPerSec * this.options.bots;
    for (const action of Object.keys(CHURN_MIX) as ChurnAction[]) {
      // A backlog (no idle bot to act on) is capped so a slow spell is not followed by a burst.
      this.credit[action] = Math.min(this.credit[action] + perSec * CHURN_MIX[action], Math.max(2, perSec));
      while (this.credit[action] >= 1) {
        const needed = action === 'private' ? 1 + PRIVATE_GUESTS : 1;
        const picked = this.pickIdle(needed);
        if (picked.length < needed) break;
        this.credit[action] -= 1;
        this.totals.actions++;
        void this.run(action, picked);
      }
    }
  }

  private async run(action: ChurnAction | 'recover', picked: Member[]): Promise<void> {
    for (const m of picked) m.busy = true;
    try {
      if (action === 'recover') await this.recover(picked[0]!);
      else if (action === 'hop') await this.hop(picked[0]!);
      else if (action === 'reconnect') await this.reconnect(picked[0]!);
      else if (action === 'replace') this.replace(picked[0]!);
      else await this.openPrivateRoom(picked[0]!, picked.slice(1));
    } finally {
      for (const m of picked) m.busy = false;
    }
  }

  private async hop(m: Member): Promise<void> {
    if (!(await this.attempt('hop', () => m.bot.net.leave().then(() => true)))) return this.recover(m);
    this.totals.leaves++;
    if (await this.attempt('hop', () => m.bot.switchRoom({ kind: 'quick' }))) this.totals.joins++;
    else await this.recover(m);
  }

  private async reconnect(m: Member): Promise<void> {
    m.expectingDisconnect = true;
    const ok = await this.attempt('reconnect', () => m.bot.dropConnection(REJOIN_TIMEOUT_MS));
    m.expectingDisconnect = false;
    if (ok) this.totals.reconnects++;
    else await this.recover(m);
  }

  private replace(m: Member, deliberate = true): void {
    this.retire(m);
    if (deliberate) this.totals.replaced++;
    else this.totals.givenUp++;
    void this.startBot();
  }

  private async openPrivateRoom(creator: Member, guests: Member[]): Promise<void> {
    const join = await this.attempt('private', () => creator.bot.switchRoom({ kind: 'private' }));
    if (!join) return this.recover(creator);
    this.totals.leaves++;
    this.totals.joins++;
    this.totals.privateRoomsCreated++;
    const target: RoomTarget = { kind: 'code', code: join.code ?? '' };
    await Promise.all(
      guests.map(async (g) => {
        if (await this.attempt('join by code', () => g.bot.switchRoom(target))) {
          this.totals.leaves++;
          this.totals.joins++;
          this.totals.codeJoins++;
        } else {
          await this.recover(g);
        }
      }),
    );
    // The match, then everyone back to quick play (a guest that could not join goes there at once).
    await delay(PRIVATE_MATCH_MS, undefined, { signal: this.stopping.signal }).catch(() => {});
    await Promise.all([creator, ...guests].map((m) => this.backToQuickPlay(m, join.roomId)));
  }

  private async backToQuickPlay(m: Member, fromRoom: string): Promise<void> {
    if (this.stopped || !this.members.has(m)) return;
    if (!m.bot.net.join) return this.recover(m); // its room was closed during the match
    if (m.bot.net.join.roomId !== fromRoom) return; // never joined it (recovered elsewhere)
    if (await this.attempt('end of private match', () => m.bot.switchRoom({ kind: 'quick' }))) {
      this.totals.leaves++;
      this.totals.joins++;
    } else {
      await this.recover(m);
    }
  }

  /**
   * Puts a bot that lost its seat (room closed, rejoin refused, a failed request) back into a room by
   * quick play. A bot that still believes it is seated after a failure (a request that timed out may or
   * may not have been carried out) is in an unknown state: it is replaced instead, as is one whose quick
   * play fails.
   */
  private async recover(m: Member): Promise<void> {
    if (this.stopped || !this.members.has(m)) return;
    if (!m.bot.net.join && m.bot.net.connected && (await this.attempt('recover', () => m.bot.switchRoom({ kind: 'quick' })))) {
      this.totals.joins++;
      return;
    }
    this.replace(m, false);
  }

  // ---- bots ----

  private async startBot(): Promise<void> {
    const index = this.nextIndex++;
    const bot = new Bot({
      url: this.options.url,
      name: `soak${index + 1}`,
      game: ARENA_GAME_NAME,
      behaviour: this.options.behaviour,
      seed: (this.options.seed * 1_000_003 + index * 7919) >>> 0,
      light: true,
      conditions: null,
    });
    const m: Member = { bot, busy: true, expectingDisconnect: false };
    this.starting++;
    this.totals.started++;
    try {
      await bot.start({ kind: 'quick' });
    } catch (err) {
      this.noteFailure('start', err);
      this.retired.decodeErrors += bot.decodeErrors;
      return;
    } finally {
      this.starting--;
    }
    if (this.stopped) {
      bot.stop();
      return;
    }
    this.totals.joins++;
    this.members.add(m);
    m.busy = false;
    bot.net.on('roomClosed', () => {
      this.totals.roomsClosed++;
      if (!m.busy) void this.run('recover', [m]);
    });
    bot.net.on('notice', (notice) => {
      this.notices[notice.code] = (this.notices[notice.code] ?? 0) + 1;
    });
    bot.net.on('disconnected', () => {
      if (!m.expectingDisconnect && !this.stopped && this.members.has(m)) this.totals.unexpectedDisconnects++;
    });
    // An unexpected drop is followed by socket.io's reconnect and the NetClient's own rejoin.
    bot.net.on('rejoinFailed', (err) => {
      if (m.expectingDisconnect) return; // reported by the reconnect action itself
      this.noteFailure('rejoin', err);
      if (!m.busy) void this.run('recover', [m]);
    });
  }

  private retire(m: Member): void {
    if (!this.members.delete(m)) return;
    m.expectingDisconnect = true;
    this.retired.decodeErrors += m.bot.decodeErrors;
    this.retired.protocolViolations += m.bot.violationCount;
    this.retired.inputsSent += m.bot.net.stats.inputsSent;
    m.bot.stop();
  }

  /** Idle seated bots chosen at random (seeded), up to `count`. */
  private pickIdle(count: number): Member[] {
    const idle = [...this.members].filter((m) => !m.busy && m.bot.net.join !== null && m.bot.net.connected);
    const picked: Member[] = [];
    while (picked.length < count && idle.length > 0) {
      this.rng = (Math.imul(this.rng, 1664525) + 1013904223) >>> 0;
      picked.push(idle.splice(this.rng % idle.length, 1)[0]!);
    }
    return picked;
  }

  /** Runs one request of an action; a failure is counted under "action: code" and answers null. */
  private async attempt<T>(action: string, request: () => Promise<T>): Promise<T | null> {
    try {
      return await request();
    } catch (err) {
      this.noteFailure(action, err);
      return null;
    }
  }

  private noteFailure(action: string, err: unknown): void {
    const code = err instanceof RequestError ? err.code : (err instanceof Error ? err.message : String(err)).split(':')[0]!.slice(0, 40);
    const key = `${action}: ${code}`;
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }
}
