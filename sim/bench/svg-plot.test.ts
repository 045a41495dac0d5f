import { describe, expect, it } from 'vitest';
import { chartGridSvg, escapeXml, lineChartSvg, niceTicks } from './svg-plot.js';

describe('svg-plot', () => {
  it('picks round ticks that cover the range', () => {
    expect(niceTicks(0, 200)).toEqual([0, 50, 100, 150, 200]);
    expect(niceTicks(0, 7)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 0.013)).toEqual([0, 0.005, 0.01, 0.015]);
  });

  it('draws one polyline per series with markers, a legend and escaped labels', () => {
    const svg = lineChartSvg({
      title: 'a <b> & c',
      xLabel: 'RTT (ms)',
      yLabel: 'per min',
      xTicks: [0, 50, 100, 200],
      series: [
        { label: '0% loss', points: [{ x: 0, y: 0 }, { x: 50, y: 1 }, { x: 200, y: 3 }] },
        { label: '5% loss', points: [{ x: 0, y: 2 }, { x: 200, y: 4 }], dashed: true },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(5);
    expect(svg).toContain('a &lt;b&gt; &amp; c');
    expect(svg).toContain('5% loss');
    expect(svg).toContain('stroke-dasharray');
    expect(escapeXml(`"'`)).toBe('&quot;&#39;');
  });

  it('lays several charts out in a grid', () => {
    const chart = { title: 't', xLabel: 'x', yLabel: 'y', series: [{ label: 's', points: [{ x: 1, y: 1 }] }] };
    const svg = chartGridSvg([chart, chart, chart], 2, 'caption');
    expect(svg).toContain('width="960" height="668"');
    expect(svg.match(/<g transform/g)).toHaveLength(3);
    expect(svg).toContain('caption');
  });
});
