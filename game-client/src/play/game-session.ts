// One seat in one room, for any game: wires the NetClient's events (chat, notices, disconnect, reconnect,
// rejoin, room closed), the game's ClientSession (prediction and interpolation live in shared/) and input,
// the HUD frame and the shell's keys, and is the SceneSource the game's scene asks for each frame.

import type { NetClient, RequestError } from '../../../shared/client/net-client.js';
import type { RenderFrame } from '../../../shared/client/client-session.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import type { GameInput, GameParts, SceneFrame, SceneSource, ScoreRow, SeatSession } from '../games/client-game.js';
import { Hud } from '../hud/hud.js';
import { playerColor } from '../player-colors.js';
import { roomName } from '../room-name.js';
import { ShellKeys } from './shell-keys.js';

export type ExitReason =
  | { readonly kind: 'left' }
  | { readonly kind: 'gone'; readonly title: string; readonly message: string };

/** What the last frame showed (read by the test hook). */
export interface LastFrame {
  readonly frame: RenderFrame;
  /** Every player's score line, best first. */
  readonly rows: readonly ScoreRow[];
}

/** While the tab is hidden (no animation frames), the netcode still runs this often. */
const HIDDEN_STEP_MS = 250;

export class GameSession implements SceneSource {
  readonly hud: Hud;
  readonly input: GameInput;
  readonly session: SeatSession;
  readonly localId: number;
  readonly bottomInset = 0;
  last: LastFrame | null = null;
  private readonly keys: ShellKeys;
  private readonly offs: (() => void)[] = [];
  private ended = false;
  private disconnectedAt: number | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  private fpsFrames = 0;
  private fpsSince = 0;
  private fps = 0;
  private lastToWorld: (sx: number, sy: number) => { x: number; y: number } = (x, y) => ({ x, y });
  /** Keeps the netcode ticking (and the keys released) while the tab is hidden and rAF is paused. */
  private hiddenTimer: ReturnType<typeof setInterval> | null = null;
  private readonly onVisibility = () => {
    if (document.hidden) {
      this.input.releaseAll();
      this.hiddenTimer ??= setInterval(() => this.frame(performance.now(), this.lastToWorld), HIDDEN_STEP_MS);
    } else if (this.hiddenTimer) {
      clearInterval(this.hiddenTimer);
      this.hiddenTimer = null;
    }
  };

  constructor(
    readonly net: NetClient,
    public join: JoinInfo,
    private readonly parts: GameParts,
    hudParent: HTMLElement,
    canvasHost: HTMLElement,
    private readonly onExit: (reason: ExitReason) => void,
    options: { debug: boolean },
  ) {
    this.localId = join.playerId;
    this.session = parts.createSession(net);
    this.hud = new Hud(join, join.tickRate, parts.scoreboard, (text) => net.chat(text).then(() => undefined), () => this.leave());
    hudParent.append(this.hud.root);
    if (options.debug) this.hud.toggleDebug(true);
    this.input = parts.createInput({ target: canvasHost, playerId: join.playerId, typing: () => this.hud.chat.isOpen });
    this.keys = new ShellKeys({
      typing: () => this.hud.chat.isOpen,
      onChat: () => {
        this.input.releaseAll();
        this.hud.chat.open();
      },
      onScoreboard: (open) => this.hud.setScoreboard(open),
      onDebug: () => this.hud.toggleDebug(),
      onEscape: () => this.hud.setScoreboard(false),
    });
    this.hud.chat.system(
      join.code
        ? `Private room created. Share the code ${join.code} with friends.`
        : `Joined ${roomName(join)} as ${join.name}. Good luck!`,
    );
    this.bindNet();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  get tickRate(): number {
    return this.join.tickRate;
  }

  /** Samples the input, advances the netcode, updates the HUD frame, and hands the scene what to draw. */
  frame(now: number, toWorld: (sx: number, sy: number) => { x: number; y: number }): SceneFrame {
    this.lastToWorld = toWorld;
    if (!this.ended) this.session.setInput(this.input.sample(toWorld, this.last?.frame ?? null));
    const frame = this.session.frame(now);
    const rows = this.parts.scoreboard.read(frame.entities);
    const stats = this.session.stats;
    this.hud.update({ rows, localId: this.localId, rttMs: stats.rttMs });

    this.fpsFrames++;
    if (now - this.fpsSince >= 1000) {
      this.fps = (this.fpsFrames * 1000) / (now - this.fpsSince);
      this.fpsFrames = 0;
      this.fpsSince = now;
    }
    if (this.hud.debugOpen) this.hud.netGraph.update(now, stats, { transport: this.net.transport ?? 'none', fps: this.fps });

    this.last = { frame, rows };
    return {
      entities: frame.entities,
      events: frame.events,
      tick: frame.renderTick,
      serverTick: Math.max(frame.renderTick, stats.estimatedServerTick),
      focus: this.localId,
      input: this.session.currentInput,
      pointer: this.input.pointer,
      authoritative: this.net.mirror.entities,
      debug: this.hud.debugOpen,
    };
  }

  nameOf(playerId: number): string {
    return this.last?.rows.find((r) => r.playerId === playerId)?.name ?? `#${playerId}`;
  }

  leave(): void {
    if (this.ended) return;
    this.end({ kind: 'left' });
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.hiddenTimer) clearInterval(this.hiddenTimer);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.keys.dispose();
    this.input.dispose();
    this.session.dispose();
    this.hud.dispose();
  }

  private end(reason: ExitReason): void {
    if (this.ended) return;
    this.ended = true;
    this.input.releaseAll();
    const net = this.net;
    if (reason.kind === 'left' && net.connected && net.join) {
      net.leave().catch(() => undefined).finally(() => net.close());
    } else {
      net.close();
    }
    this.onExit(reason);
  }

  private bindNet(): void {
    const net = this.net;
    this.offs.push(
      net.on('chat', (m) => this.hud.chat.add(m.name, m.text, playerColor(m.playerId))),
      net.on('notice', (m) => this.hud.chat.system(m.message)),
      net.on('disconnected', (reason) => {
        if (this.ended) return;
        this.input.releaseAll();
        if (reason === 'io server disconnect') {
          this.end({ kind: 'gone', title: 'Disconnected', message: 'The server closed the connection.' });
          return;
        }
        this.disconnectedAt = performance.now();
        this.hud.setBanner('Connection lost — reconnecting…');
        // socket.io keeps retrying, but past the grace period the seat is certainly gone.
        if (this.graceTimer) clearTimeout(this.graceTimer);
        this.graceTimer = setTimeout(() => {
          if (this.disconnectedAt !== null && !this.ended) {
            this.end({
              kind: 'gone',
              title: 'Connection lost',
              message: `Could not reach the server for ${Math.round(this.join.reconnectGraceMs / 1000)} s, so your seat was given up.`,
            });
          }
        }, this.join.reconnectGraceMs + 5000);
      }),
      net.on('reconnecting', (attempt) => {
        if (this.ended) return;
        this.hud.setBanner(`Connection lost — reconnecting (attempt ${attempt})…`);
      }),
      net.on('rejoined', (join) => {
        if (this.ended) return;
        this.join = join;
        this.disconnectedAt = null;
        if (this.graceTimer) clearTimeout(this.graceTimer);
        this.graceTimer = null;
        this.hud.setBanner(null);
        this.hud.chat.system('Reconnected: back in your seat.');
      }),
      net.on('rejoinFailed', (err: RequestError) => {
        this.end({
          kind: 'gone',
          title: 'This room is gone',
          message:
            err.code === 'ROOM_NOT_FOUND' || err.code === 'BAD_TOKEN'
              ? 'The room closed, or your seat expired while you were away.'
              : `Could not take your seat back (${err.code}).`,
        });
      }),
      net.on('roomClosed', (m) => {
        this.end({
          kind: 'gone',
          title: 'This room is gone',
          message: m.reason === 'shutdown' ? 'The server is restarting. Try again in a moment.' : m.message,
        });
      }),
    );
  }
}
