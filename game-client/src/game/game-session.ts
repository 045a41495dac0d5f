// One seat in one room: wires the NetClient's events, the ClientSession (prediction and interpolation
// live in shared/), the DOM HUD and the input, and hands the scene what to draw each frame.

import type { NetClient, RequestError } from '../../../shared/client/net-client.js';
import type { EntityState } from '../../../shared/codec/schema.js';
import { aimFromVector } from '../../../shared/game/arena/directions.js';
import type { JoinInfo } from '../../../shared/protocol.js';
import { Hud } from '../hud/hud.js';
import { InputState } from './input.js';
import { createSession, type ArenaSession, type RenderFrame } from './netcode.js';
import { aimRadians, playerColor, playerName, readPlayer, readWorld, type PlayerView, type WorldView } from './world-view.js';

export type ExitReason =
  | { readonly kind: 'left' }
  | { readonly kind: 'gone'; readonly title: string; readonly message: string };

export interface StepResult {
  readonly frame: RenderFrame;
  readonly world: WorldView;
  /** The server's authoritative (not predicted) local player, when the debug overlay is on. */
  readonly ghost: PlayerView | null;
}

export class GameSession {
  readonly hud: Hud;
  readonly input: InputState;
  readonly session: ArenaSession;
  readonly localId: number;
  /** What the last frame showed (read by the test hook). */
  last: StepResult | null = null;
  private aim = 0;
  private readonly offs: (() => void)[] = [];
  private ended = false;
  private disconnectedAt: number | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  private fpsFrames = 0;
  private fpsSince = 0;
  private fps = 0;
  private lastLocalPx: { x: number; y: number } | null = null;
  private lastToWorld: (sx: number, sy: number) => { x: number; y: number } = (x, y) => ({ x, y });
  /** Keeps the netcode ticking (and the keys released) while the tab is hidden and rAF is paused. */
  private hiddenTimer: ReturnType<typeof setInterval> | null = null;
  private readonly onVisibility = () => {
    if (document.hidden) {
      this.input.releaseAll();
      this.hiddenTimer ??= setInterval(() => this.step(performance.now(), this.lastToWorld), 250);
    } else if (this.hiddenTimer) {
      clearInterval(this.hiddenTimer);
      this.hiddenTimer = null;
    }
  };

  constructor(
    readonly net: NetClient,
    public join: JoinInfo,
    hudParent: HTMLElement,
    canvasHost: HTMLElement,
    private readonly onExit: (reason: ExitReason) => void,
    options: { debug: boolean },
  ) {
    this.localId = join.playerId;
    this.session = createSession(net);
    this.hud = new Hud(join, (text) => net.chat(text).then(() => undefined), () => this.leave());
    hudParent.append(this.hud.root);
    if (options.debug) this.hud.toggleDebug(true);
    this.input = new InputState(canvasHost, {
      typing: () => this.hud.chat.isOpen,
      onChat: () => this.hud.chat.open(),
      onScoreboard: (open) => this.hud.setScoreboard(open),
      onDebug: () => this.hud.toggleDebug(),
      onEscape: () => this.hud.setScoreboard(false),
    });
    this.hud.chat.system(
      join.code
        ? `Private room created. Share the code ${join.code} with friends.`
        : `Joined room ${join.roomId} as ${join.name}. Good luck!`,
    );
    this.bindNet();
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  /** Samples the input, advances the netcode and reads what to draw. */
  step(now: number, toWorld: (sx: number, sy: number) => { x: number; y: number }): StepResult {
    this.lastToWorld = toWorld;
    if (this.input.hasPointer && this.lastLocalPx) {
      const p = toWorld(this.input.screenX, this.input.screenY);
      const dx = p.x - this.lastLocalPx.x;
      const dy = p.y - this.lastLocalPx.y;
      if (dx * dx + dy * dy > 4) this.aim = aimFromVector(dx, dy);
    }
    this.session.setInput({ keys: this.ended ? 0 : this.input.keys(), aim: this.aim });
    const frame = this.session.frame(now);
    let world = readWorld(frame.entities, this.localId, frame.local);
    // The local gun follows the mouse now, not when the server echoes the aim back.
    world = { ...world, players: world.players.map((p) => (p.local ? { ...p, aim: aimRadians(this.aim) } : p)) };
    const local = world.players.find((p) => p.local) ?? null;
    this.lastLocalPx = local ? { x: local.x, y: local.y } : this.lastLocalPx;

    let ghost: PlayerView | null = null;
    if (this.hud.debugOpen) {
      const auth: EntityState | undefined = this.net.mirror.entities.get(this.localId);
      if (auth) ghost = readPlayer(auth, '', true);
    }

    const stats = this.session.stats;
    const tickRate = this.join.tickRate;
    const serverTick = Math.max(frame.renderTick, stats.estimatedServerTick);
    this.hud.update({
      scores: world.scores,
      localId: this.localId,
      colorOf: (id) => playerColor(id, this.localId),
      matchTicksLeft: world.match ? world.match.endTick - frame.renderTick : null,
      matchNumber: world.match?.matchNumber ?? 1,
      tickRate,
      respawnTicksLeft: local && !local.alive && local.respawnTick > 0 ? local.respawnTick - serverTick : null,
      rttMs: stats.rttMs,
    });

    this.fpsFrames++;
    if (now - this.fpsSince >= 1000) {
      this.fps = (this.fpsFrames * 1000) / (now - this.fpsSince);
      this.fpsFrames = 0;
      this.fpsSince = now;
    }
    if (this.hud.debugOpen) this.hud.netGraph.update(now, stats, { transport: this.net.transport ?? 'none', fps: this.fps });

    this.last = { frame, world, ghost };
    return this.last;
  }

  nameOf(playerId: number): string {
    const entities = this.last?.frame.entities;
    return entities ? playerName(entities, playerId) : `#${playerId}`;
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
    this.input.dispose();
    this.session.dispose();
    this.hud.root.remove();
  }

  private end(reason: ExitReason): void {
    if (this.ended) return;
    this.ended = true;
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
      net.on('chat', (m) => this.hud.chat.add(m.name, m.text, playerColor(m.playerId, this.localId))),
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
