// The page's sound engine: one AudioContext, a master gain (the mute switch), and per sound a short chain
// voice -> gain (distance) -> stereo pan -> master. Browsers only let audio start after a user gesture, so
// the context is made (or resumed) on the first pointer or key press, or at once when the page already had
// one (the click on Quick play). Muting is remembered in localStorage.

import type { SoundName } from '../games/client-game.js';
import { readStorage, writeStorage } from '../storage.js';
import type { Placement } from './spatial.js';
import { makeNoise, VOICES } from './voices.js';

const MUTED_KEY = 'arena.muted';
const MASTER_GAIN = 0.5;
/** At most this many sounds start within one burst window: a volley of rockets is loud, not a wall of noise. */
const MAX_PER_WINDOW = 10;
const WINDOW_MS = 100;
const GESTURES = ['pointerdown', 'keydown'] as const;

export interface SoundStatus {
  /** The player's choice (remembered). */
  readonly muted: boolean;
  /** The browser lets the page play audio (a gesture happened and the context runs). */
  readonly unlocked: boolean;
  /** Voices started since the page loaded, in total and by name (the test hook reads them). */
  readonly played: number;
  readonly playedByName: Readonly<Record<string, number>>;
}

export class SoundEngine {
  private ctx: AudioContext | null = null;
  private master: GainNode | null = null;
  private noise: AudioBuffer | null = null;
  private mutedState = readStorage(MUTED_KEY) === '1';
  private played = 0;
  private readonly playedByName: Record<string, number> = {};
  private windowStart = 0;
  private inWindow = 0;
  private readonly changeListeners = new Set<() => void>();
  private readonly onGesture = () => this.unlock();

  constructor() {
    if (navigator.userActivation?.hasBeenActive) this.unlock();
    if (!this.unlocked) for (const g of GESTURES) window.addEventListener(g, this.onGesture, { capture: true });
  }

  get muted(): boolean {
    return this.mutedState;
  }

  get unlocked(): boolean {
    return this.ctx?.state === 'running';
  }

  /** Heard now: not muted and allowed by the browser. */
  get audible(): boolean {
    return !this.mutedState && this.unlocked;
  }

  status(): SoundStatus {
    return { muted: this.mutedState, unlocked: this.unlocked, played: this.played, playedByName: { ...this.playedByName } };
  }

  setMuted(muted: boolean): void {
    this.mutedState = muted;
    writeStorage(MUTED_KEY, muted ? '1' : '0');
    if (this.master && this.ctx) this.master.gain.setTargetAtTime(muted ? 0 : MASTER_GAIN, this.ctx.currentTime, 0.02);
    this.changed();
  }

  /** Calls `listener` when muting or the browser's permission changes; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Starts voice `name` as placed (null: too far to hear). A no-op while inaudible. */
  play(name: SoundName, placement: Placement | null): void {
    const ctx = this.ctx;
    if (!placement || placement.gain <= 0 || !this.audible || !ctx || !this.master || !this.noise) return;
    const now = performance.now();
    if (now - this.windowStart > WINDOW_MS) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (++this.inWindow > MAX_PER_WINDOW) return;
    const gain = ctx.createGain();
    gain.gain.value = placement.gain;
    const pan = ctx.createStereoPanner();
    pan.pan.value = placement.pan;
    gain.connect(pan).connect(this.master);
    VOICES[name](ctx, gain, ctx.currentTime, this.noise);
    // The chain goes once the voice's own nodes (all under 1 s) are done.
    setTimeout(() => pan.disconnect(), 1500);
    this.played++;
    this.playedByName[name] = (this.playedByName[name] ?? 0) + 1;
  }

  private unlock(): void {
    if (!this.ctx) {
      try {
        this.ctx = new AudioContext();
      } catch {
        return; // no Web Audio: the game stays silent
      }
      this.master = this.ctx.createGain();
      this.master.gain.value = this.mutedState ? 0 : MASTER_GAIN;
      this.master.connect(this.ctx.destination);
      this.noise = makeNoise(this.ctx);
      this.ctx.addEventListener('statechange', () => this.changed());
    }
    if (this.ctx.state === 'suspended') {
      this.ctx.resume().then(
        () => this.changed(),
        () => undefined,
      );
    }
    if (this.ctx.state === 'running' || navigator.userActivation?.hasBeenActive) {
      for (const g of GESTURES) window.removeEventListener(g, this.onGesture, { capture: true });
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

let engine: SoundEngine | null = null;

/** The page's one engine, made on first use (in the game chunk: the lobby needs no audio). */
export function soundEngine(): SoundEngine {
  engine ??= new SoundEngine();
  return engine;
}
