// A horizontal bar chart as a standalone SVG string (no dependencies), for benchmark reports.

export interface BarChart {
  readonly title: string;
  readonly unit: string;
  readonly bars: readonly { readonly label: string; readonly value: number }[];
}

const PALETTE = ['#9aa5b1', '#7b8794', '#3ebd93', '#199473', '#2186eb', '#e12d39'];

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);
}

export function barChartSvg(chart: BarChart): string {
  const width = 860;
  const labelWidth = 330;
  const barHeight = 30;
  const gap = 14;
  const top = 48;
  const plotWidth = width - labelWidth - 110;
  const height = top + chart.bars.length * (barHeight + gap) + 20;
  const max = Math.max(...chart.bars.map((b) => b.value), 1);
  const rows = chart.bars
    .map((bar, i) => {
      const y = top + i * (barHeight + gap);
      const w = Math.max(1, (bar.value / max) * plotWidth);
      const value = bar.value >= 100 ? Math.round(bar.value).toLocaleString('en-US') : bar.value.toFixed(1);
      return [
        `<text x="${labelWidth - 10}" y="${y + barHeight / 2 + 5}" text-anchor="end" font-size="13">${escape(bar.label)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${PALETTE[i % PALETTE.length]}" rx="3"/>`,
        `<text x="${labelWidth + w + 8}" y="${y + barHeight / 2 + 5}" font-size="13">${value} ${escape(chart.unit)}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${width / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">${escape(chart.title)}</text>
${rows}
</svg>
`;
}
