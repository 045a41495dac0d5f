// Line charts as standalone SVG strings, for benchmark reports (no dependencies): axes with "nice"
// ticks, axis labels, one polyline with point markers per series, and a legend. Several charts can be
// laid out side by side in one SVG with chartGridSvg.
//
//   writeFileSync('plot.svg', lineChartSvg({
//     title: 'Corrections per minute', xLabel: 'RTT (ms)', yLabel: 'corrections/min',
//     series: [{ label: '0% loss', points: [{ x: 0, y: 0 }, { x: 100, y: 2 }] }],
//   }));

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Series {
  /** Legend text (`name` is accepted as an alias). */
  readonly label?: string;
  readonly name?: string;
  readonly points: readonly Point[];
  /** CSS color; default from the palette by index. */
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Size of the whole chart, px (default 480 x 320). */
  readonly width?: number;
  readonly height?: number;
  /** Axis ranges; default: from the data (y from 0), rounded out to nice ticks. */
  readonly xMin?: number;
  readonly xMax?: number;
  readonly yMin?: number;
  readonly yMax?: number;
  /** Explicit x tick values (e.g. the measured grid); default: nice ticks. */
  readonly xTicks?: readonly number[];
  /** Format of tick labels (default: compact number). */
  readonly formatX?: (v: number) => string;
  readonly formatY?: (v: number) => string;
}

export const PALETTE = ['#2186eb', '#e12d39', '#3ebd93', '#f0b429', '#8719e0', '#7b8794'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** About `count` round tick values (1, 2, 2.5 or 5 times a power of ten) covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (max <= min) max = min + (min === 0 ? 1 : Math.abs(min));
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const first = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= max + step * 1e-9 || ticks.length < 2; v += step) ticks.push(round(v, step));
  if (ticks[ticks.length - 1] < max - step * 1e-9) ticks.push(round(ticks[ticks.length - 1] + step, step));
  return ticks;
}

function round(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(digits));
}

function compact(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return `${Math.round(v)}`;
  if (a >= 1) return `${+v.toFixed(2)}`;
  return `${+v.toPrecision(2)}`;
}

/** The chart's SVG elements (without the <svg> wrapper), in a box of its width x height at the origin. */
export function lineChartBody(chart: LineChart): { width: number; height: number; body: string } {
  const width = chart.width ?? 480;
  const height = chart.height ?? 320;
  const fx = chart.formatX ?? compact;
  const fy = chart.formatY ?? compact;
  const all = chart.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const dataXMin = all.length ? Math.min(...all.map((p) => p.x)) : 0;
  const dataXMax = all.length ? Math.max(...all.map((p) => p.x)) : 1;
  const dataYMax = all.length ? Math.max(...all.map((p) => p.y)) : 1;
  const dataYMin = all.length ? Math.min(0, ...all.map((p) => p.y)) : 0;
  const xTicks = chart.xTicks ? [...chart.xTicks] : niceTicks(chart.xMin ?? dataXMin, chart.xMax ?? dataXMax);
  const yTicks = niceTicks(chart.yMin ?? dataYMin, chart.yMax ?? (dataYMax > 0 ? dataYMax : 1));
  const x0 = chart.xMin ?? Math.min(xTicks[0], dataXMin);
  const x1 = chart.xMax ?? Math.max(xTicks[xTicks.length - 1], dataXMax);
  const y0 = yTicks[0];
  const y1 = yTicks[yTicks.length - 1];

  // Plot area: room for the title and legend on top, tick labels and axis titles on the left and bottom.
  const legendRows = Math.ceil(chart.series.length / 3);
  const left = 64;
  const right = 16;
  const top = 34 + legendRows * 18;
  const bottom = 52;
  const pw = width - left - right;
  const ph = height - top - bottom;
  const sx = (x: number) => left + (x1 === x0 ? pw / 2 : ((x - x0) / (x1 - x0)) * pw);
  const sy = (y: number) => top + ph - (y1 === y0 ? ph / 2 : ((y - y0) / (y1 - y0)) * ph);

  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  parts.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`);
  // Grid and ticks.
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + pw}" y2="${y}" stroke="#e4e7eb"/>`);
    parts.push(`<text x="${left - 6}" y="${(+y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#52606d">${escapeXml(fy(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" y1="${top}" x2="${x}" y2="${top + ph}" stroke="#f0f2f4"/>`);
    parts.push(`<text x="${x}" y="${top + ph + 16}" text-anchor="middle" font-size="11" fill="#52606d">${escapeXml(fx(t))}</text>`);
  }
  // Axes and their titles.
  parts.push(`<line x1="${left}" y1="${top + ph}" x2="${left + pw}" y2="${top + ph}" stroke="#3e4c59"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + ph}" stroke="#3e4c59"/>`);
  parts.push(`<text x="${left + pw / 2}" y="${height - 12}" text-anchor="middle" font-size="12">${escapeXml(chart.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(16 ${top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(chart.yLabel)}</text>`,
  );
  // Series.
  chart.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const label = s.label ?? s.name ?? `series ${i + 1}`;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (pts.length > 1) {
      const d = pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    }
    for (const p of pts) {
      parts.push(
        `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3.5" fill="${color}"><title>${escapeXml(`${label}: ${fx(p.x)}, ${fy(p.y)}`)}</title></circle>`,
      );
    }
    // Legend entry, three per row under the title.
    const lx = left + (i % 3) * Math.floor(pw / 3);
    const ly = 34 + Math.floor(i / 3) * 18;
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${color}" stroke-width="3"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${lx + 24}" y="${ly + 4}" font-size="12">${escapeXml(label)}</text>`);
  });
  return { width, height, body: parts.join('\n') };
}

/** One chart as a standalone SVG document. */
export function lineChartSvg(chart: LineChart): string {
  return chartGridSvg([chart], 1);
}

/** Several charts in one SVG document, `columns` per row, each at its own size, with an optional caption. */
export function chartGridSvg(charts: readonly LineChart[], columns: number, caption?: string): string {
  const bodies = charts.map(lineChartBody);
  const cols = Math.max(1, Math.min(columns, bodies.length));
  const cellW = Math.max(...bodies.map((b) => b.width));
  const cellH = Math.max(...bodies.map((b) => b.height));
  const rows = Math.ceil(bodies.length / cols);
  const captionH = caption ? 28 : 0;
  const width = cols * cellW;
  const height = rows * cellH + captionH;
  const cells = bodies.map((b, i) => {
    const x = (i % cols) * cellW;
    const y = Math.floor(i / cols) * cellH;
    return `<g transform="translate(${x} ${y})">\n${b.body}\n</g>`;
  });
  const footer = caption
    ? `<text x="${width / 2}" y="${rows * cellH + 18}" text-anchor="middle" font-size="12" fill="#52606d">${escapeXml(caption)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${cells.join('\n')}
${footer}
</svg>
`;
}
