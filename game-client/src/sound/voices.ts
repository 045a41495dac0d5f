// The synthesized voices: each schedules a few short-lived Web Audio nodes into `out` (the voice's
// gain and pan chain) starting at `t`. No samples are downloaded: oscillators, filtered noise, envelopes.
// Nodes stop themselves and are collected once they end.

import type { SoundName } from '../games/client-game.js';

export type Voice = (ctx: BaseAudioContext, out: AudioNode, t: number, noise: AudioBuffer) => void;

/** One second of white noise, made once per context and shared by every noisy voice. */
export function makeNoise(ctx: BaseAudioContext): AudioBuffer {
  const buffer = ctx.createBuffer(1, ctx.sampleRate, ctx.sampleRate);
  const data = buffer.getChannelData(0);
  for (let i = 0; i < data.length; i++) data[i] = Math.random() * 2 - 1;
  return buffer;
}

/** A gain node ramping from `peak` to silence over `duration` s (exponential: sounds natural). */
function envelope(ctx: BaseAudioContext, out: AudioNode, t: number, peak: number, duration: number, attack = 0.004): GainNode {
  const g = ctx.createGain();
  g.gain.setValueAtTime(0.0001, t);
  g.gain.exponentialRampToValueAtTime(peak, t + attack);
  g.gain.exponentialRampToValueAtTime(0.0001, t + duration);
  g.connect(out);
  return g;
}

function noiseBurst(ctx: BaseAudioContext, noise: AudioBuffer, into: AudioNode, t: number, duration: number, filter: BiquadFilterType, hz: number, q = 1): void {
  const src = ctx.createBufferSource();
  src.buffer = noise;
  const f = ctx.createBiquadFilter();
  f.type = filter;
  f.frequency.setValueAtTime(hz, t);
  f.Q.value = q;
  src.connect(f).connect(into);
  src.start(t, Math.random() * 0.5);
  src.stop(t + duration);
}

function tone(ctx: BaseAudioContext, into: AudioNode, t: number, type: OscillatorType, from: number, to: number, duration: number): void {
  const osc = ctx.createOscillator();
  osc.type = type;
  osc.frequency.setValueAtTime(from, t);
  osc.frequency.exponentialRampToValueAtTime(to, t + duration);
  osc.connect(into);
  osc.start(t);
  osc.stop(t + duration);
}

export const VOICES: Readonly<Record<SoundName, Voice>> = {
  // A sharp crack: high-passed noise plus a fast falling square.
  shot(ctx, out, t, noise) {
    noiseBurst(ctx, noise, envelope(ctx, out, t, 0.5, 0.09), t, 0.1, 'highpass', 1800);
    tone(ctx, envelope(ctx, out, t, 0.18, 0.07), t, 'square', 900, 160, 0.07);
  },
  // A dull thud: a low sine drop and a short band of noise.
  hit(ctx, out, t, noise) {
    tone(ctx, envelope(ctx, out, t, 0.6, 0.14), t, 'sine', 220, 60, 0.14);
    noiseBurst(ctx, noise, envelope(ctx, out, t, 0.25, 0.06), t, 0.07, 'bandpass', 900, 2);
  },
  // A boom: low-passed noise swept down over half a second with a sub thump.
  explosion(ctx, out, t, noise) {
    const g = envelope(ctx, out, t, 0.9, 0.7, 0.01);
    const src = ctx.createBufferSource();
    src.buffer = noise;
    const f = ctx.createBiquadFilter();
    f.type = 'lowpass';
    f.frequency.setValueAtTime(1600, t);
    f.frequency.exponentialRampToValueAtTime(80, t + 0.6);
    src.connect(f).connect(g);
    src.start(t);
    src.stop(t + 0.7);
    tone(ctx, envelope(ctx, out, t, 0.7, 0.45), t, 'sine', 110, 35, 0.45);
  },
  // A bright two-step blip.
  pickup(ctx, out, t) {
    tone(ctx, envelope(ctx, out, t, 0.25, 0.08), t, 'triangle', 660, 880, 0.08);
    tone(ctx, envelope(ctx, out, t + 0.07, 0.25, 0.1), t + 0.07, 'triangle', 990, 1320, 0.1);
  },
  // A falling chirp: someone is out.
  kill(ctx, out, t) {
    tone(ctx, envelope(ctx, out, t, 0.3, 0.32), t, 'sawtooth', 740, 110, 0.32);
  },
  // A short rising arpeggio (C, E, G, C).
  matchEnd(ctx, out, t) {
    [523.25, 659.25, 783.99, 1046.5].forEach((hz, i) => {
      const at = t + i * 0.14;
      tone(ctx, envelope(ctx, out, at, 0.28, i === 3 ? 0.7 : 0.2, 0.01), at, 'triangle', hz, hz * 1.001, i === 3 ? 0.7 : 0.2);
    });
  },
};
