// The debug overlay's net graph: RTT and bandwidth over the last few seconds plus the netcode numbers.

import { h, setText } from '../dom.js';

/** The fields of ClientSession.stats the graph shows. */
export interface GraphStats {
  readonly rttMs: number;
  readonly snapshotRate: number;
  readonly snapshotJitterMs: number;
  readonly interpolationDelayMs: number;
  readonly correctionsPerMin: number;
  readonly meanCorrectionError: number;
  readonly corrections: number;
  readonly predictedTicks: number;
  readonly bytesInPerSec: number;
  readonly bytesOutPerSec: number;
  readonly serverInputQueue: number;
}

const SAMPLES = 140;

export class NetGraph {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly values = new Map<string, HTMLElement>();
  private readonly rtt: number[] = [];
  private readonly kin: number[] = [];
  private readonly kout: number[] = [];
  private lastSample = 0;

  constructor() {
    this.canvas = h('canvas') as HTMLCanvasElement;
    this.canvas.width = 320;
    this.canvas.height = 70;
    const grid = h('div', { className: 'grid' });
    for (const [key, label] of [
      ['rtt', 'RTT'],
      ['kbps', 'kbps in / out'],
      ['snap', 'snapshots/s'],
      ['jitter', 'snapshot jitter'],
      ['interp', 'interp delay'],
      ['corr', 'corrections'],
      ['pred', 'predicted ticks'],
      ['queue', 'server input queue'],
      ['transport', 'transport'],
      ['fps', 'fps'],
    ] as const) {
      const value = h('span', { className: 'v', text: '–' });
      value.setAttribute('data-stat', key);
      this.values.set(key, value);
      grid.append(h('span', { className: 'k', text: label }), value);
    }
    const legend = h(
      'div',
      { className: 'legend' },
      h('span', { text: '— RTT' }),
      h('span', { text: '— kbps in' }),
      h('span', { text: '— kbps out' }),
    );
    (legend.children[0] as HTMLElement).style.color = '#ffd43b';
    (legend.children[1] as HTMLElement).style.color = '#38e8c6';
    (legend.children[2] as HTMLElement).style.color = '#f783ac';
    this.root = h('div', { className: 'netgraph panel' }, this.canvas, legend, grid);
    this.root.setAttribute('data-testid', 'net-graph');
  }

  update(now: number, s: GraphStats, extra: { transport: string; fps: number }): void {
    if (now - this.lastSample >= 100) {
      this.lastSample = now;
      push(this.rtt, s.rttMs);
      push(this.kin, (s.bytesInPerSec * 8) / 1000);
      push(this.kout, (s.bytesOutPerSec * 8) / 1000);
      this.draw();
    }
    this.set('rtt', `${s.rttMs.toFixed(0)} ms`);
    this.set('kbps', `${((s.bytesInPerSec * 8) / 1000).toFixed(1)} / ${((s.bytesOutPerSec * 8) / 1000).toFixed(1)}`);
    this.set('snap', s.snapshotRate.toFixed(1));
    this.set('jitter', `${s.snapshotJitterMs.toFixed(1)} ms`);
    this.set('interp', `${s.interpolationDelayMs.toFixed(0)} ms`);
    this.set('corr', `${s.corrections} (${s.correctionsPerMin.toFixed(1)}/min, avg ${s.meanCorrectionError.toFixed(1)})`);
    this.set('pred', String(s.predictedTicks));
    this.set('queue', String(s.serverInputQueue));
    this.set('transport', extra.transport);
    this.set('fps', extra.fps.toFixed(0));
  }

  private set(key: string, text: string): void {
    const el = this.values.get(key);
    if (el) setText(el, text);
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    ctx.clearRect(0, 0, width, height);
    ctx.strokeStyle = 'rgba(255,255,255,0.08)';
    ctx.lineWidth = 1;
    for (let y = 0; y <= height; y += height / 4) {
      ctx.beginPath();
      ctx.moveTo(0, y + 0.5);
      ctx.lineTo(width, y + 0.5);
      ctx.stroke();
    }
    const maxRtt = Math.max(50, ...this.rtt) * 1.15;
    const maxKbps = Math.max(8, ...this.kin, ...this.kout) * 1.15;
    line(ctx, this.rtt, maxRtt, '#ffd43b', width, height);
    line(ctx, this.kin, maxKbps, '#38e8c6', width, height);
    line(ctx, this.kout, maxKbps, '#f783ac', width, height);
    ctx.fillStyle = 'rgba(230,237,243,0.6)';
    ctx.font = '10px monospace';
    ctx.fillText(`${maxRtt.toFixed(0)} ms`, 4, 10);
    ctx.fillText(`${maxKbps.toFixed(0)} kbps`, width - 60, 10);
  }
}

function push(list: number[], value: number): void {
  list.push(Number.isFinite(value) ? value : 0);
  if (list.length > SAMPLES) list.shift();
}

function line(ctx: CanvasRenderingContext2D, data: readonly number[], max: number, color: string, w: number, hgt: number): void {
  if (data.length < 2) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  const step = w / (SAMPLES - 1);
  const x0 = w - (data.length - 1) * step;
  data.forEach((v, i) => {
    const x = x0 + i * step;
    const y = hgt - (v / max) * (hgt - 4) - 2;
    if (i === 0) ctx.moveTo(x, y);
    else ctx.lineTo(x, y);
  });
  ctx.stroke();
}
